"""The topology picture of the HTML report: devices as nodes, tunnels as edges.

The layout is computed here (no layout library, no script needed to draw):
hubs — nodes with more than three neighbours — sit in the middle of their
cluster with their spokes on rings around them, failing spokes on the inner
ring first; small groups (a plain pair, a triangle) are packed after the
clusters.  A one-sided tunnel ends at a dashed "not in snapshot" node for its
peer address.  Every label goes through :func:`html.escape`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from typing import Any

from .html_assets import VERDICT_COLOURS

_BADNESS = {"fails": 0, "depends-on-initiator": 1, "unknown": 2, "up": 3}
_SPACING = 48.0  # distance between neighbouring spokes on a ring
_RING0 = 120.0
_RING_STEP = 64.0
_MARGIN = 70.0  # room for labels around a block
COLLAPSE_DEFAULT_AT = 30  # a hub with this many healthy spokes starts collapsed


@dataclass
class Edge:
    index: int  # row of the tunnel table (anchor #t-<index>)
    tunnel_id: str
    a: str
    b: str
    verdict: str
    summary: str


@dataclass
class Node:
    key: str
    label: str
    external: bool = False
    x: float = 0.0
    y: float = 0.0
    hub: bool = False
    healthy_spoke: bool = False
    bad: bool = False


@dataclass
class Block:
    """A laid-out group of nodes, in local coordinates around (0, 0)."""

    nodes: list[tuple[str, float, float]]
    radius: float
    hub: str | None = None
    healthy: int = 0


@dataclass
class Topology:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    badges: list[tuple[str, int]] = field(default_factory=list)  # (hub, healthy spokes hidden when collapsed)

    @property
    def starts_collapsed(self) -> bool:
        """Big clusters open with their healthy spokes folded into a count badge."""
        return any(n >= COLLAPSE_DEFAULT_AT for _, n in self.badges)


def build_topology(report: Any, index_of: dict[str, int]) -> Topology:
    """Nodes and edges of ``report``, laid out."""
    topo = Topology()
    for device in report.devices:
        topo.nodes[device.name] = Node(device.name, device.name)
    for tunnel in report.tunnels:
        verdict = report.verdicts.get(tunnel.id)
        v = getattr(verdict, "verdict", "unknown") or "unknown"
        summary = getattr(verdict, "summary", "not negotiated")
        ends = tunnel.ends
        a = ends[0].device
        if len(ends) > 1:
            b = ends[1].device
        elif getattr(tunnel, "remote_device", None):
            b = tunnel.remote_device
        else:
            peer = str(ends[0].peer_address) if ends[0].peer_address is not None else "?"
            b = f"external:{peer}"
            topo.nodes.setdefault(b, Node(b, f"{peer} (not in snapshot)", external=True))
        for name in (a, b):
            topo.nodes.setdefault(name, Node(name, name))
        topo.edges.append(Edge(index_of[tunnel.id], tunnel.id, a, b, v if v in VERDICT_COLOURS else "unknown", summary))
    _layout(topo)
    return topo


def _layout(topo: Topology) -> None:
    neighbours: dict[str, set[str]] = defaultdict(set)
    worst: dict[str, int] = {k: 3 for k in topo.nodes}
    for e in topo.edges:
        if e.a != e.b:
            neighbours[e.a].add(e.b)
            neighbours[e.b].add(e.a)
        for n in (e.a, e.b):
            worst[n] = min(worst[n], _BADNESS[e.verdict])
    for key, node in topo.nodes.items():
        node.bad = worst[key] == 0
    hubs = sorted((n for n in topo.nodes if len(neighbours[n]) > 3), key=lambda n: (-len(neighbours[n]), n))
    hub_set = set(hubs)
    spokes: dict[str, list[str]] = {h: [] for h in hubs}
    placed = set(hubs)
    for n in sorted(topo.nodes):
        if n in hub_set:
            continue
        owners = [h for h in neighbours[n] if h in hub_set]
        if owners:
            owner = min(owners, key=lambda h: (-len(neighbours[h]), h))
            spokes[owner].append(n)
            placed.add(n)
    blocks: list[Block] = []
    for hub in hubs:
        members = sorted(spokes[hub], key=lambda n: (worst[n], n))
        blocks.append(_ring_block(hub, members))
        topo.nodes[hub].hub = True
        healthy = [n for n in members if worst[n] == 3]
        for n in healthy:
            topo.nodes[n].healthy_spoke = True
        if healthy:
            topo.badges.append((hub, len(healthy)))
    rest = [n for n in sorted(topo.nodes) if n not in placed]
    for component in _components(rest, neighbours):
        blocks.append(_small_block(sorted(component, key=lambda n: (worst[n], n))))
    _pack(topo, blocks)


def _components(nodes: list[str], neighbours: dict[str, set[str]]) -> list[list[str]]:
    left = set(nodes)
    out: list[list[str]] = []
    for start in nodes:
        if start not in left:
            continue
        left.discard(start)
        stack, component = [start], []
        while stack:
            n = stack.pop()
            component.append(n)
            for m in neighbours[n]:
                if m in left:
                    left.discard(m)
                    stack.append(m)
        out.append(component)
    # failing groups first, then larger ones
    return out


def _ring_block(hub: str, members: list[str]) -> Block:
    placed: list[tuple[str, float, float]] = [(hub, 0.0, 0.0)]
    radius, i = _RING0, 0
    while i < len(members):
        capacity = max(6, int(2 * math.pi * radius / _SPACING))
        ring = members[i : i + capacity]
        for j, name in enumerate(ring):
            angle = -math.pi / 2 + 2 * math.pi * j / len(ring)
            placed.append((name, radius * math.cos(angle), radius * math.sin(angle)))
        i += len(ring)
        if i < len(members):
            radius += _RING_STEP
    return Block(placed, radius + _MARGIN, hub=hub)


def _small_block(members: list[str]) -> Block:
    if len(members) == 1:
        return Block([(members[0], 0.0, 0.0)], _MARGIN)
    if len(members) == 2:
        return Block([(members[0], -110.0, 0.0), (members[1], 110.0, 0.0)], 110.0 + _MARGIN)
    radius = max(90.0, len(members) * _SPACING * 1.3 / (2 * math.pi))
    nodes = []
    for j, name in enumerate(members):
        angle = -math.pi / 2 + 2 * math.pi * j / len(members)
        nodes.append((name, radius * math.cos(angle), radius * math.sin(angle)))
    return Block(nodes, radius + _MARGIN)


def _pack(topo: Topology, blocks: list[Block]) -> None:
    """Shelf packing: big clusters first, rows centred."""
    if not blocks:
        topo.width, topo.height = 400.0, 200.0
        return
    blocks.sort(key=lambda b: (b.hub is None, -b.radius))
    area = sum((2 * b.radius) ** 2 for b in blocks)
    max_width = max(max(2 * b.radius for b in blocks), math.sqrt(area) * 1.4, 600.0)
    rows: list[list[Block]] = [[]]
    row_width = 0.0
    for b in blocks:
        if rows[-1] and row_width + 2 * b.radius > max_width:
            rows.append([])
            row_width = 0.0
        rows[-1].append(b)
        row_width += 2 * b.radius
    y = 0.0
    width = max(sum(2 * b.radius for b in row) for row in rows)
    for row in rows:
        height = max(2 * b.radius for b in row)
        x = (width - sum(2 * b.radius for b in row)) / 2
        for b in row:
            cx, cy = x + b.radius, y + height / 2
            for name, lx, ly in b.nodes:
                topo.nodes[name].x, topo.nodes[name].y = cx + lx, cy + ly
            x += 2 * b.radius
        y += height
    topo.width, topo.height = width, y


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def render_svg(topo: Topology) -> str:
    """The ``<svg>`` element (id ``topo``) for ``topo``."""
    classes = ["collapsed"] if topo.starts_collapsed else []
    if len(topo.nodes) <= 6:
        classes.append("small")
    collapsed = f' class="{" ".join(classes)}"' if classes else ""
    out = [
        (
            f'<svg id="topo" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="tunnel topology" '
            f'viewBox="0 0 {_fmt(topo.width)} {_fmt(topo.height)}" preserveAspectRatio="xMidYMid meet"'
            f"{collapsed}>"
        )
    ]
    pair_count: dict[tuple[str, str], int] = defaultdict(int)
    ordered = sorted(topo.edges, key=lambda e: (-_BADNESS[e.verdict], e.index))  # failing drawn last, on top
    out.append('<g class="edges">')
    for e in ordered:
        a, b = topo.nodes[e.a], topo.nodes[e.b]
        pair = (min(e.a, e.b), max(e.a, e.b))
        k = pair_count[pair]
        pair_count[pair] += 1
        if k == 0 or e.a == e.b:
            d = f"M{_fmt(a.x)} {_fmt(a.y)} L{_fmt(b.x)} {_fmt(b.y)}"
        else:  # parallel tunnels between one pair bend apart
            mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
            dx, dy = b.x - a.x, b.y - a.y
            length = math.hypot(dx, dy) or 1.0
            off = 18.0 * ((k + 1) // 2) * (1 if k % 2 else -1)
            d = f"M{_fmt(a.x)} {_fmt(a.y)} Q{_fmt(mx - dy / length * off)} {_fmt(my + dx / length * off)} {_fmt(b.x)} {_fmt(b.y)}"
        classes = ["edge"]
        if e.verdict != "up":
            classes.append("bad")
        if a.healthy_spoke or b.healthy_spoke:
            classes.append("hs")
        out.append(
            f'<a href="#t-{e.index}"><path class="{" ".join(classes)}" d="{d}" stroke="{VERDICT_COLOURS[e.verdict]}" '
            f'data-verdict="{e.verdict}" data-tunnel="{escape(e.tunnel_id)}">'
            f"<title>{escape(e.tunnel_id)}: {escape(e.summary)}</title></path></a>"
        )
    out.append("</g><g class=\"nodes\">")
    for node in sorted(topo.nodes.values(), key=lambda n: n.key):
        classes = ["node"]
        for flag, name in ((node.hub, "hub"), (node.external, "external"), (node.bad, "bad"), (node.healthy_spoke, "hs")):
            if flag:
                classes.append(name)
        r = 16 if node.hub else 10
        out.append(
            f'<g class="{" ".join(classes)}" data-node="{escape(node.key)}" transform="translate({_fmt(node.x)},{_fmt(node.y)})">'
            f"<title>{escape(node.label)}</title><circle r=\"{r}\"/>"
            f'<text y="{r + 13}" text-anchor="middle">{escape(node.label)}</text></g>'
        )
    out.append("</g><g class=\"badges\">")
    for hub, count in topo.badges:
        node = topo.nodes[hub]
        out.append(
            f'<g class="cbadge" data-hub="{escape(hub)}" data-count="{count}" '
            f'transform="translate({_fmt(node.x + 18)},{_fmt(node.y - 34)})">'
            f'<rect rx="9" width="96" height="18"/><text x="48" y="13" text-anchor="middle">+{count} healthy</text></g>'
        )
    out.append("</g></svg>")
    return "".join(out)
