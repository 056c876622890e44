"""Ladder diagrams of captured IKE exchanges, one inline SVG per capture file and peer pair.

Built from the ``pcap`` events of the report only (each IKE message and each
ESP flow is an event with ``src``/``dst`` in its fields), so the HTML needs
nothing the JSON does not have.  Two lifelines, one arrow per message
labelled the way engineers name them (MM1..MM6, QM1..QM3, IKE_SA_INIT ...),
retransmissions dashed, error notifies in red, the message where a failed
exchange stops highlighted, and ESP packet counts per direction at the
bottom.  Every string is escaped; styling is by class from the report's one
stylesheet (no ``style`` attributes: the CSP would refuse them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from typing import Any

# Notifies that report status rather than an error (drawn in the normal colour).
_STATUS_NOTIFIES = frozenset({
    "NAT_DETECTION_SOURCE_IP", "NAT_DETECTION_DESTINATION_IP", "IKEV2_FRAGMENTATION_SUPPORTED",
    "SIGNATURE_HASH_ALGORITHMS", "REDIRECT_SUPPORTED", "INITIAL_CONTACT", "RESPONDER_LIFETIME",
    "REPLAY_STATUS", "HTTP_CERT_LOOKUP_SUPPORTED", "MULTIPLE_AUTH_SUPPORTED", "USE_TRANSPORT_MODE",
    "ESP_TFC_PADDING_NOT_SUPPORTED", "NON_FIRST_FRAGMENTS_ALSO", "SET_WINDOW_SIZE", "COOKIE", "REKEY_SA",
    "CHILDLESS_IKEV2_SUPPORTED", "MOBIKE_SUPPORTED", "EAP_ONLY_AUTHENTICATION",
})
_ROW, _TOP, _WIDTH, _LEFT, _RIGHT = 26, 58, 720, 170, 560


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


@dataclass(slots=True)
class Ladder:
    """The messages and ESP flows between two addresses in one capture file."""

    file: str
    left: str
    right: str
    sessions: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    esp: list[dict[str, Any]] = field(default_factory=list)
    tunnel: str | None = None

    @property
    def failed(self) -> bool:
        return any(ev.get("id") for evs in self.sessions.values() for ev in evs) or any(
            ev.get("id") for ev in self.esp)


def ladders(events: list[dict[str, Any]]) -> list[Ladder]:
    """Group the ``pcap`` events by capture file and address pair, in frame order."""
    out: dict[tuple[str, frozenset[str]], Ladder] = {}
    for ev in sorted((x for x in events if x.get("kind") == "pcap"), key=lambda x: (x["file"], x["line"])):
        fields = ev.get("fields") or {}
        src, dst = str(fields.get("src", "")), str(fields.get("dst", ""))
        if not src or not dst:
            continue
        key = (str(ev["file"]), frozenset((src, dst)))
        ladder = out.get(key)
        if ladder is None:
            ladder = out[key] = Ladder(str(ev["file"]), src, dst)
        if ladder.tunnel is None and ev.get("tunnel"):
            ladder.tunnel = str(ev["tunnel"])
        if str(ev.get("message_id") or "").startswith("IKE"):
            session = (str(ev.get("message_id", "")).split(" ", 1)[0], str(fields.get("ispi", "")))
            ladder.sessions.setdefault(session, []).append(ev)
        else:
            ladder.esp.append(ev)
    return list(out.values())


def _names(events: list[dict[str, Any]], tunnels: list[Any]) -> dict[str, str]:
    """Address → device name: the sender device the evidence stage attached, then the tunnel ends."""
    names: dict[str, str] = {}
    for tunnel in tunnels:
        for end in tunnel.ends:
            if end.local_address is not None:
                names.setdefault(str(end.local_address), end.device)
    for ev in events:
        fields = ev.get("fields") or {}
        if ev.get("kind") == "pcap" and ev.get("device") and fields.get("src"):
            names[str(fields["src"])] = str(ev["device"])
    return names


def _label(ev: dict[str, Any]) -> tuple[str, list[str], bool]:
    """(exchange label, error notifies, retransmission) of one message event."""
    fields = ev.get("fields") or {}
    label = str(ev.get("message_id") or "").split(" ", 1)[-1]
    if fields.get("encrypted") and label in ("INFO", "INFORMATIONAL request", "INFORMATIONAL response"):
        label += " (encrypted)"
    elif fields.get("first_inner") == "N" and "response" in label:
        label += " (encrypted notify)"
    notifies = [str(n) for n in fields.get("notifies", []) or [] if str(n) not in _STATUS_NOTIFIES]
    return label, notifies, "retransmit_of" in fields


def _arrow(y: int, src_left: bool, cls: str, marker: str) -> str:
    x1, x2 = (_LEFT, _RIGHT) if src_left else (_RIGHT, _LEFT)
    return (f'<line class="{cls}" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" '
            f'marker-end="url(#{marker})"></line>')


def render_ladder(ladder: Ladder, index: int, names: dict[str, str]) -> str:
    """One ladder as an inline SVG."""
    ok, bad = f"lad-a-{index}", f"lad-b-{index}"
    rows: list[str] = []
    y = _TOP
    for (version, spi), evs in ladder.sessions.items():
        first = evs[0].get("fields") or {}
        initiator = first.get("src") if first.get("from") == "initiator" else first.get("dst")
        rows.append(f'<text class="sess" x="{_WIDTH // 2}" y="{y + 4}" text-anchor="middle">'
                    f'{_e(version)} SPI {_e(spi)} · initiator {_e(initiator)}</text>')
        y += _ROW
        stop_from = _stop_index(evs)
        for i, ev in enumerate(evs):
            fields = ev.get("fields") or {}
            label, notifies, retransmit = _label(ev)
            src_left = str(fields.get("src")) == ladder.left
            cls = "msg" + (" retx" if retransmit else "") + (" err" if notifies else "")
            if stop_from is not None and i >= stop_from:
                rows.append(f'<rect class="stop" x="{_LEFT - 6}" y="{y - 16}" width="{_RIGHT - _LEFT + 12}" '
                            f'height="{_ROW - 2}"></rect>')
            rows.append(f'<text class="frame" x="8" y="{y + 4}">#{_e(ev.get("line"))}</text>')
            rows.append(_arrow(y, src_left, cls, bad if notifies else ok))
            text = [f'<tspan class="lbl">{_e(label)}</tspan>']
            if retransmit:
                text.append(f'<tspan class="retx-lbl"> ↻ retransmission of #{_e(fields.get("retransmit_of"))}</tspan>')
            if notifies:
                text.append(f'<tspan class="notify"> N({_e(", ".join(notifies))})</tspan>')
            rows.append(f'<text class="mlabel" x="{(_LEFT + _RIGHT) // 2}" y="{y - 4}" text-anchor="middle">'
                        f'{"".join(text)}</text>')
            y += _ROW
        if stop_from is not None:
            ids = sorted({str(ev["id"]) for ev in evs if ev.get("id")})
            rows.append(f'<text class="stop-lbl" x="{_RIGHT + 10}" y="{y - _ROW + 4}">stops here'
                        f'{_e(" · " + ", ".join(ids)) if ids else ""}</text>')
    rows.extend(_esp_rows(ladder, y, ok, bad))
    y += _ROW * (len(_esp_totals(ladder)) + (1 if ladder.esp else 0))
    height = y + 8
    left_name, right_name = names.get(ladder.left, ""), names.get(ladder.right, "")
    head = (
        f'<text class="who" x="{_LEFT}" y="16" text-anchor="middle">{_e(ladder.left)}</text>'
        f'<text class="who-dev" x="{_LEFT}" y="32" text-anchor="middle">{_e(left_name)}</text>'
        f'<text class="who" x="{_RIGHT}" y="16" text-anchor="middle">{_e(ladder.right)}</text>'
        f'<text class="who-dev" x="{_RIGHT}" y="32" text-anchor="middle">{_e(right_name)}</text>'
        f'<line class="life" x1="{_LEFT}" y1="40" x2="{_LEFT}" y2="{height - 4}"></line>'
        f'<line class="life" x1="{_RIGHT}" y1="40" x2="{_RIGHT}" y2="{height - 4}"></line>'
    )
    defs = (
        f'<defs><marker id="{ok}" class="tip" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"></path></marker>'
        f'<marker id="{bad}" class="tip err" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"></path></marker></defs>'
    )
    title = f"IKE exchange between {ladder.left} and {ladder.right} in {ladder.file}"
    return (
        f'<svg class="ladder{" failed" if ladder.failed else ""}" id="ladder-{index}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" '
        f'aria-label="{_e(title)}"><title>{_e(title)}</title>{defs}{head}{"".join(rows)}</svg>'
    )


def _stop_index(evs: list[dict[str, Any]]) -> int | None:
    """Index of the first message of the failing tail (last original step, its retransmissions, the answers)."""
    if not any(ev.get("id") for ev in evs):
        return None
    originals = [i for i, ev in enumerate(evs) if "retransmit_of" not in (ev.get("fields") or {})]
    tail = len(originals) - 1
    while tail > 0 and str(evs[originals[tail]].get("message_id", "")).endswith(" INFO"):
        tail -= 1  # informational answers belong to the step they answer
    return originals[tail] if originals else None


def _esp_totals(ladder: Ladder) -> dict[tuple[str, str], list[Any]]:
    totals: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, [], False])
    for ev in ladder.esp:
        fields = ev.get("fields") or {}
        total = totals[(str(fields.get("src")), str(fields.get("dst")))]
        total[0] += int(fields.get("packets", 0) or 0)
        total[1].append(str(fields.get("spi", "")))
        total[2] = total[2] or bool(fields.get("udp_encapsulated"))
    if ladder.esp:  # both directions are drawn: a missing one is the finding (one-way ESP)
        for direction in ((ladder.left, ladder.right), (ladder.right, ladder.left)):
            totals[direction]
    return dict(totals)


def _esp_rows(ladder: Ladder, y: int, ok: str, bad: str) -> list[str]:
    totals = _esp_totals(ladder)
    if not totals:
        return []
    rows = [f'<text class="sess" x="{_WIDTH // 2}" y="{y + 4}" text-anchor="middle">ESP</text>']
    y += _ROW
    for (src, _dst), (packets, spis, udp) in sorted(totals.items(), key=lambda kv: kv[0][0] != ladder.left):
        none = packets == 0
        spi = f" SPI 0x{', 0x'.join(spis)}" if spis else ""
        label = f"{packets} ESP packet(s){' in UDP 4500' if udp else ''}{spi}" if not none else "no ESP packet"
        rows.append(_arrow(y, src == ladder.left, "esp" + (" err" if none else ""), bad if none else ok))
        rows.append(f'<text class="mlabel{" notify" if none else ""}" x="{(_LEFT + _RIGHT) // 2}" y="{y - 4}" '
                    f'text-anchor="middle">{_e(label)}</text>')
        y += _ROW
    return rows


def render_captures(report: Any, index_of: dict[str, int]) -> str:
    """The "Captures" section: one ladder per capture file and peer pair ("" without capture events)."""
    groups = ladders(report.events)
    if not groups:
        return ""
    names = _names(report.events, report.tunnels)
    parts = ['<section id="captures"><h2>Captures</h2>']
    for i, ladder in enumerate(groups, 1):
        left = f"{ladder.left}" + (f" ({names[ladder.left]})" if ladder.left in names else "")
        right = f"{ladder.right}" + (f" ({names[ladder.right]})" if ladder.right in names else "")
        link = ""
        if ladder.tunnel and ladder.tunnel in index_of:
            link = f' · <a href="#t-{index_of[ladder.tunnel]}">tunnel</a>'
        parts.append(
            f'<h3>{_e(left)} ⇄ {_e(right)} <span class="muted">in <code>{_e(ladder.file)}</code>{link}</span></h3>'
            f'<div class="ladder-wrap">{render_ladder(ladder, i, names)}</div>'
        )
    parts.append("</section>")
    return "".join(parts)
