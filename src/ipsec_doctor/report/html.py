"""One self-contained HTML file: summary, topology, tunnels, findings, timelines.

Everything is inline (CSS, one script, SVG) and the page fetches nothing, so
it works when opened by double-click and can be mailed or attached to a
ticket.  Every string that comes from the inputs goes through
:func:`html.escape`, and a strict Content-Security-Policy allows only the
one stylesheet and the one script by hash: a hostile ``description`` in a
config is shown as text and never runs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from html import escape
from typing import Any

from .. import __version__
from ..analysis import Report
from ..findings import Evidence, Finding
from .html_assets import CSP, CSS, SCRIPT
from .html_ladder import render_captures
from .html_topology import build_topology, render_svg

_CONTEXT = 2  # config lines shown around an evidence line
_VERDICT_LABEL = {"up": "up", "fails": "fails", "depends-on-initiator": "depends on initiator", "unknown": "unknown"}
_ORDER = {"fails": 0, "depends-on-initiator": 1, "unknown": 2, "up": 3}


def e(value: object) -> str:
    """Escape any value for HTML text and attribute context."""
    return escape("" if value is None else str(value), quote=True)


def page(title: str, body: Iterable[str]) -> str:
    """The document shell with the CSP, the stylesheet and the script."""
    return "".join(
        [
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
            f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
            *body,
            (
                f"<footer>ipsec-doctor {e(__version__)} — offline report; commands are suggestions, "
                "apply them in a change window.</footer>"
            ),
            f"<script>{SCRIPT}</script></body></html>\n",
        ]
    )


class SourceLines:
    """Reads input files once, for evidence context and raw event lines; every line is redacted."""

    def __init__(self) -> None:
        self._cache: dict[str, list[str] | None] = {}

    def lines(self, file: str) -> list[str] | None:
        if file not in self._cache:
            try:
                with open(file, encoding="utf-8", errors="replace") as handle:
                    self._cache[file] = handle.read().splitlines()
            except OSError:
                self._cache[file] = None
        return self._cache[file]

    def line(self, file: str, number: int) -> str | None:
        from ..redact import redact_line

        lines = self.lines(file)
        if lines is None or not 1 <= number <= len(lines):
            return None
        return redact_line(lines[number - 1])

    def excerpt(self, ev: Evidence) -> list[tuple[int, str, bool]]:
        """(line number, redacted text, is the evidence line) around ``ev``; just the evidence when unsure."""
        if ev.kind == "pcap":  # a frame of a binary capture: the evidence text is all there is to show
            return [(ev.line, ev.text, True)]
        own = self.line(ev.file, ev.line)
        if own is None or own.strip() != ev.text.strip():
            return [(ev.line, ev.text, True)]
        lo, hi = max(1, ev.line - _CONTEXT), ev.line + _CONTEXT
        out = []
        for n in range(lo, hi + 1):
            text = self.line(ev.file, n)
            if text is not None:
                out.append((n, text, n == ev.line))
        return out


def tunnel_label(tunnel: Any) -> str:
    """"A ⇄ B", or "A ⇄ 192.0.2.1 (not in snapshot)" for a one-sided tunnel."""
    names = [end.device for end in tunnel.ends]
    if len(names) > 1:
        return " ⇄ ".join(names)
    other = getattr(tunnel, "remote_device", None) or f"{tunnel.ends[0].peer_address} (not in snapshot)"
    return f"{names[0]} ⇄ {other}"


def verdict_badge(verdict: str) -> str:
    return f'<span class="badge v-{e(verdict)}">{e(_VERDICT_LABEL.get(verdict, verdict))}</span>'


def severity_badge(severity: str) -> str:
    return f'<span class="badge s-{e(severity)}">{e(severity)}</span>'


def _verdict_of(report: Report, tunnel_id: str) -> str:
    return getattr(report.verdicts.get(tunnel_id), "verdict", "unknown") or "unknown"


def _summary(report: Report) -> str:
    verdicts = Counter(_verdict_of(report, t.id) for t in report.tunnels)
    severities = Counter(f.severity.value for f in report.findings)
    cards = [
        ("devices", len(report.devices), ""),
        ("tunnels", len(report.tunnels), ""),
        ("up", verdicts["up"], "v-up"),
        ("failing", verdicts["fails"], "v-fails"),
        ("depends on initiator", verdicts["depends-on-initiator"], "v-depends-on-initiator"),
        ("unknown", verdicts["unknown"], "v-unknown"),
        ("errors", severities["error"], "s-error"),
        ("warnings", severities["warning"], "s-warning"),
        ("info", severities["info"], "s-info"),
    ]
    items = "".join(
        f'<div class="card" data-count="{e(label)}"><b>{value}</b>'
        f'<span class="badge {cls}">{e(label)}</span></div>'
        if cls
        else f'<div class="card" data-count="{e(label)}"><b>{value}</b>{e(label)}</div>'
        for label, value, cls in cards
    )
    return f'<section id="summary"><h2>Summary</h2><div class="cards">{items}</div></section>'


def _topology(report: Report, index_of: dict[str, int]) -> str:
    topo = build_topology(report, index_of)
    label = "show healthy spokes" if topo.starts_collapsed else "collapse healthy spokes"
    collapse = f'<button id="collapse" type="button">{label}</button>' if topo.badges else ""
    legend = (
        '<span class="legend"><span><i class="sw sw-up"></i>up</span><span><i class="sw sw-fails"></i>fails</span>'
        '<span><i class="sw sw-dep"></i>depends on initiator</span><span><i class="sw sw-unk"></i>unknown</span></span>'
    )
    return (
        '<section id="topology"><h2>Topology</h2><div id="topo-wrap"><div id="topo-tools">'
        '<button id="zoom-in" type="button" title="zoom in">+</button>'
        '<button id="zoom-out" type="button" title="zoom out">−</button>'
        '<button id="zoom-reset" type="button">reset</button>'
        f"{collapse}{legend}<span class=\"muted\">wheel to zoom, drag to pan; click a tunnel for details</span></div>"
        f"{render_svg(topo)}</div></section>"
    )


def _end_cell(end: Any) -> str:
    where = f"{end.crypto_map} {end.seq}" if end.crypto_map else (end.profile or "")
    flag = " (dynamic)" if getattr(end, "dynamic", False) else ""
    return (
        f"<b>{e(end.device)}</b> <code>{e(end.interface)}</code><br>"
        f"<code>{e(end.local_address)} → {e(end.peer_address)}</code><br>"
        f"<span class=\"muted\">{e(where)}{e(flag)}</span>"
    )


def _tunnels(report: Report, ordered: list[Any], index_of: dict[str, int], by_tunnel: dict[str, list[int]]) -> str:
    rows = []
    for tunnel in ordered:
        verdict = report.verdicts.get(tunnel.id)
        v = _verdict_of(report, tunnel.id)
        ends = "".join(f"<div>{_end_cell(end)}</div>" for end in tunnel.ends)
        if len(tunnel.ends) == 1:
            ends += f"<div class=\"muted\">{e(tunnel_label(tunnel).split(' ⇄ ', 1)[1])}</div>"
        states = getattr(verdict, "predicted_state", {}) or {}
        state_cells = "<br>".join(
            f"<b>{e(end.device)}</b>: <code>{e(states.get(end.device, '—'))}</code>" for end in tunnel.ends
        )
        findings = " ".join(f'<a href="#f-{i}">#{i}</a>' for i in by_tunnel.get(tunnel.id, []))
        rows.append(
            f'<tr id="t-{index_of[tunnel.id]}" data-verdict="{e(v)}"><td>{verdict_badge(v)}</td>'
            f"<td>{e(tunnel_label(tunnel))}<br><code class=\"muted\">{e(tunnel.id)}</code></td>"
            f"<td>{e(tunnel.kind)}</td><td>{ends}</td>"
            f"<td>{e(getattr(verdict, 'phase1_status', 'unknown'))}</td>"
            f"<td>{e(getattr(verdict, 'phase2_status', 'unknown'))}</td>"
            f"<td>{state_cells}</td><td>{e(getattr(verdict, 'summary', 'not negotiated'))}</td><td>{findings}</td></tr>"
        )
    if not rows:
        return '<section id="tunnels"><h2>Tunnels</h2><p class="muted">No tunnel found.</p></section>'
    return (
        '<section id="tunnels"><h2>Tunnels</h2><table><thead><tr><th>verdict</th><th>tunnel</th><th>kind</th>'
        "<th>ends</th><th>phase 1</th><th>phase 2</th><th>predicted <code>show crypto isakmp sa</code></th>"
        f"<th>summary</th><th>findings</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _evidence(ev: Evidence, sources: SourceLines) -> str:
    lines = []
    for n, text, hit in sources.excerpt(ev):
        body = f'<span class="ln">{n:>5} </span>{e(text)}'
        lines.append(f"<mark>{body}</mark>" if hit else body)
    return (
        f'<div class="evidence" data-file="{e(ev.file)}" data-line="{ev.line}">'
        f"<code>{e(ev.file)}:{ev.line}</code> <span class=\"muted\">({e(ev.kind)})</span>"
        f'<pre class="excerpt">{chr(10).join(lines)}</pre></div>'
    )


def _finding(f: Finding, i: int, index_of: dict[str, int], sources: SourceLines, tunnels: dict[str, Any]) -> str:
    parts = [
        f'<article class="finding sev-{e(f.severity.value)}" id="f-{i}" data-id="{e(f.id)}">',
        f"<h3>{severity_badge(f.severity.value)} <code>{e(f.id)}</code> {e(f.title)}</h3>",
        f"<div class=\"muted\">devices: {e(', '.join(sorted(f.devices)) or '—')}",
    ]
    if f.tunnel and f.tunnel in index_of:
        tunnel = tunnels[f.tunnel]
        parts.append(f' · tunnel <a href="#t-{index_of[f.tunnel]}">{e(tunnel_label(tunnel))}</a>')
    elif f.tunnel:
        parts.append(f" · tunnel {e(f.tunnel)}")
    parts.append(f" · confidence: {e(f.confidence)}</div>")
    if f.detail:
        parts.append(f"<p>{e(f.detail)}</p>")
    if f.candidates:
        parts.append(f"<p class=\"muted\">other possible causes: {e(', '.join(f.candidates))}</p>")
    parts.extend(_evidence(ev, sources) for ev in f.evidence)
    for j, fix in enumerate(sorted(f.fix, key=lambda x: (x.disruption.rank, x.device))):
        target = f"fx-{i}-{j}"
        note = f" — {e(fix.note)}" if fix.note else ""
        parts.append(
            f'<div class="fix"><b>fix on {e(fix.device)}</b> '
            f'<span class="badge d-{e(fix.disruption.value)}" title="what applying it costs">'
            f"{e(fix.disruption.value)}</span>{note} "
            f'<button class="copy" type="button" data-target="{target}">copy</button>'
            f'<pre class="commands" id="{target}">{e(chr(10).join(fix.commands))}</pre></div>'
        )
    if f.caution:
        parts.append(f"<p><b>caution:</b> {e(f.caution)}</p>")
    parts.append("</article>")
    return "".join(parts)


def _findings(report: Report, index_of: dict[str, int], sources: SourceLines) -> str:
    if not report.findings:
        return '<section id="findings"><h2>Findings</h2><p class="muted">No finding.</p></section>'
    tunnels = {t.id: t for t in report.tunnels}
    body = "".join(_finding(f, i, index_of, sources, tunnels) for i, f in enumerate(report.findings, 1))
    return f'<section id="findings"><h2>Findings</h2>{body}</section>'


def events_by_tunnel(report: Report) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Attach each event to the tunnels whose device and addresses it names; the rest are returned apart.

    An event names a tunnel by an explicit ``tunnel`` field, or by a field
    value equal to one of the tunnel's addresses on a device of the tunnel
    (the device of a log file is known from its input record).
    """
    device_of = {r.file: {d.strip() for d in (r.device or "").split(",") if d.strip()} for r in report.inputs}
    by_address: dict[str, list[Any]] = defaultdict(list)
    ids = {t.id for t in report.tunnels}
    for tunnel in report.tunnels:
        for end in tunnel.ends:
            for address in (end.local_address, end.peer_address):
                if address is not None:
                    by_address[str(address)].append(tunnel)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unmatched: list[dict[str, Any]] = []
    for event in report.events:
        fields = event.get("fields") or {}
        hits: dict[str, None] = {}
        if event.get("tunnel") in ids:  # attached by the evidence stage: the reporter only follows it
            hits[str(event["tunnel"])] = None
        elif isinstance(fields, dict):
            if fields.get("tunnel") in ids:
                hits[str(fields["tunnel"])] = None
            devices = device_of.get(str(event.get("file", "")), set())
            if isinstance(fields.get("device"), str):
                devices = devices | {fields["device"]}
            for value in fields.values():
                for tunnel in by_address.get(str(value), ()):
                    if not devices or devices & {end.device for end in tunnel.ends}:
                        hits[tunnel.id] = None
        for tunnel_id in hits:
            out[tunnel_id].append(event)
        if not hits:
            unmatched.append(event)
    return out, unmatched


def _event_key(event: dict[str, Any]) -> tuple[str, str, int]:
    fields = event.get("fields") or {}
    stamp = str(fields.get("time") or fields.get("timestamp") or "") if isinstance(fields, dict) else ""
    line = event.get("line")
    return (stamp, str(event.get("file", "")), line if isinstance(line, int) else 0)


def _timeline(events: list[dict[str, Any]], sources: SourceLines, kinds: dict[str, str]) -> str:
    items = []
    for event in sorted(events, key=_event_key):
        file, line = str(event.get("file", "")), event.get("line")
        number = line if isinstance(line, int) else 0
        capture = event.get("kind") == "pcap" or kinds.get(file) == "pcap"
        raw = None if capture else sources.line(file, number)  # never decode a binary capture as text
        fields = event.get("fields") or {}
        shown = ", ".join(f"{k}={v}" for k, v in sorted(fields.items()) if k not in ("time", "timestamp")) if isinstance(
            fields, dict
        ) else ""
        stamp = _event_key(event)[0]
        ident = f"<code>{e(event.get('id'))}</code> " if event.get("id") else '<span class="muted">unrecognised</span> '
        if capture and not event.get("id"):
            ident = ""  # a decoded IKE message or ESP flow is understood even when nothing is wrong with it
        kind = "capture" if capture else "SA observation" if kinds.get(file) == "show" else "log"
        items.append(
            f'<li data-file="{e(file)}" data-line="{number}">'
            f"{e(stamp) + ' ' if stamp else ''}<span class=\"badge\">{e(kind)}</span> "
            f"<code>{e(event.get('message_id') or '')}</code> "
            f"{ident}"
            f"<span class=\"muted\">{e(shown)}</span>"
            + (f"<code class=\"raw\">{e(file)} frame {number}</code></li>" if capture else
               f"<code class=\"raw\">{e(file)}:{number}: {e(raw if raw is not None else '')}</code></li>")
        )
    return f'<ul class="timeline">{"".join(items)}</ul>'


def _timelines(report: Report, ordered: list[Any], index_of: dict[str, int], sources: SourceLines) -> str:
    if not report.events:
        return ""
    matched, unmatched = events_by_tunnel(report)
    kinds = {r.file: r.kind for r in report.inputs}
    parts = ['<section id="timelines"><h2>Timelines</h2>']
    for tunnel in ordered:
        events = matched.get(tunnel.id)
        if events:
            parts.append(
                f'<h3 id="tl-{index_of[tunnel.id]}"><a href="#t-{index_of[tunnel.id]}">{e(tunnel_label(tunnel))}</a>'
                f" <span class=\"muted\">({len(events)} event(s))</span></h3>{_timeline(events, sources, kinds)}"
            )
    if unmatched:
        parts.append(f"<h3>Not tied to a tunnel</h3>{_timeline(unmatched, sources, kinds)}")
    parts.append("</section>")
    return "".join(parts)


def _inputs(report: Report) -> str:
    rows = []
    for r in sorted(report.inputs, key=lambda r: r.file):
        problems = "<br>".join(f"line {p.line}: {e(p.message)}" for p in sorted(r.problems, key=lambda p: p.line)[:50])
        more = f"<br>… {len(r.problems) - 50} more" if len(r.problems) > 50 else ""
        rows.append(
            f"<tr><td><code>{e(r.file)}</code></td><td>{e(r.kind)}</td><td>{e(r.platform or '')}</td>"
            f"<td>{e(r.device or '')}</td><td>{problems}{more}</td></tr>"
        )
    return (
        '<section id="inputs"><h2>Inputs</h2><table><thead><tr><th>file</th><th>kind</th><th>platform</th>'
        f"<th>device</th><th>problems</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def ordered_tunnels(report: Report) -> list[Any]:
    """Failing tunnels first, then by id (the order of the table and the picture's indices)."""
    return sorted(report.tunnels, key=lambda t: (_ORDER.get(_verdict_of(report, t.id), 2), t.id))


def render_html(report: Report, *, title: str = "ipsec-doctor report") -> str:
    """The whole report as one self-contained HTML document."""
    ordered = ordered_tunnels(report)
    index_of = {t.id: i for i, t in enumerate(ordered, 1)}
    by_tunnel: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(report.findings, 1):
        if f.tunnel:
            by_tunnel[f.tunnel].append(i)
    sources = SourceLines()
    body = [
        (
            f"<header><h1>{e(title)}</h1><div class=\"muted\">{len(report.inputs)} input file(s) analysed offline"
            "</div></header><main>"
        ),
        _summary(report),
        _topology(report, index_of),
        _tunnels(report, ordered, index_of, by_tunnel),
        _findings(report, index_of, sources),
        _timelines(report, ordered, index_of, sources),
        render_captures(report, index_of),
        _inputs(report),
        "</main>",
    ]
    return page(title, body)
