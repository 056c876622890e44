"""``ipsec-doctor diff BEFORE AFTER``: what a change does to the tunnels.

Both snapshots are analysed; findings are matched by their identity
(id, tunnel, devices, key), tunnels by their id.  A change *breaks* when a
tunnel that was predicted up is no longer up (or is gone), or when an error
finding appears on a tunnel that had no error before — the exit status is 1
then, so the command can gate a change in a pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..analysis import Report
from ..findings import Finding
from . import pretty_json

Identity = tuple[str, str, tuple[str, ...], str]


@dataclass(frozen=True, slots=True)
class TunnelChange:
    tunnel: str
    before: str | None  # None: the tunnel is not in that snapshot
    after: str | None
    summary_before: str = ""
    summary_after: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "tunnel": self.tunnel,
            "before": self.before,
            "after": self.after,
            "summary_before": self.summary_before,
            "summary_after": self.summary_after,
        }


@dataclass
class SnapshotDiff:
    before: Report
    after: Report
    introduced: list[Finding] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)
    tunnels: list[TunnelChange] = field(default_factory=list)
    breaking: list[tuple[str, str]] = field(default_factory=list)  # (tunnel, reason)

    @property
    def breaks(self) -> bool:
        return bool(self.breaking)


def _verdicts(report: Report) -> dict[str, tuple[str, str]]:
    out = {}
    for tunnel in report.tunnels:
        v = report.verdicts.get(tunnel.id)
        out[tunnel.id] = (getattr(v, "verdict", "unknown") or "unknown", getattr(v, "summary", "not negotiated"))
    return out


def diff_reports(before: Report, after: Report) -> SnapshotDiff:
    """Compare two analysed snapshots."""
    old = {f.identity(): f for f in before.findings}
    new = {f.identity(): f for f in after.findings}
    result = SnapshotDiff(before, after)
    result.introduced = sorted((f for k, f in new.items() if k not in old), key=lambda f: f.sort_key())
    result.resolved = sorted((f for k, f in old.items() if k not in new), key=lambda f: f.sort_key())
    v_old, v_new = _verdicts(before), _verdicts(after)
    for tunnel_id in sorted(set(v_old) | set(v_new)):
        b, a = v_old.get(tunnel_id), v_new.get(tunnel_id)
        if (b and b[0]) != (a and a[0]):
            result.tunnels.append(
                TunnelChange(tunnel_id, b[0] if b else None, a[0] if a else None, b[1] if b else "", a[1] if a else "")
            )
    for change in result.tunnels:
        if change.before == "up" and change.after != "up":
            reason = f"was up, now {change.after}" if change.after else "was up, no longer found in the snapshot"
            result.breaking.append((change.tunnel, reason))
    errors_before = {f.tunnel for f in before.findings if f.tunnel and f.severity.value == "error"}
    flagged = {t for t, _ in result.breaking}
    for f in result.introduced:
        if f.severity.value == "error" and f.tunnel and f.tunnel not in errors_before and f.tunnel not in flagged:
            flagged.add(f.tunnel)
            result.breaking.append((f.tunnel, f"new error {f.id} on a tunnel that had none: {f.title}"))
    return result


def diff_dict(d: SnapshotDiff) -> dict[str, Any]:
    return {
        "tool": {"name": "ipsec-doctor", "version": __version__},
        "breaks": d.breaks,
        "breaking": [{"tunnel": t, "reason": r} for t, r in d.breaking],
        "findings_introduced": [f.as_dict() for f in d.introduced],
        "findings_resolved": [f.as_dict() for f in d.resolved],
        "tunnels_changed": [c.as_dict() for c in d.tunnels],
    }


def render_diff_json(d: SnapshotDiff) -> str:
    return pretty_json.dumps(diff_dict(d)) + "\n"


def _finding_line(f: Finding) -> str:
    where = f" [{f.tunnel}]" if f.tunnel else f" [{', '.join(sorted(f.devices))}]" if f.devices else ""
    return f"  {f.severity.value:7} {f.id}: {f.title}{where}"


def render_diff_text(d: SnapshotDiff) -> str:
    out = [
        f"ipsec-doctor diff: {len(d.introduced)} finding(s) introduced, {len(d.resolved)} resolved, "
        f"{len(d.tunnels)} tunnel verdict(s) changed"
        + (f"; BREAKS {len(d.breaking)} tunnel(s)" if d.breaking else "")
    ]
    if d.breaking:
        out += ["", "Breaking"] + [f"  {t}: {r}" for t, r in d.breaking]
    if d.tunnels:
        out += ["", "Tunnels"]
        for c in d.tunnels:
            out.append(f"  {c.tunnel}: {c.before or '(absent)'} -> {c.after or '(absent)'}")
            if c.summary_after:
                out.append(f"      now: {c.summary_after}")
    if d.introduced:
        out += ["", "Introduced"] + [_finding_line(f) for f in d.introduced]
    if d.resolved:
        out += ["", "Resolved"] + [_finding_line(f) for f in d.resolved]
    return "\n".join(out) + "\n"


def render_diff_html(d: SnapshotDiff) -> str:
    from .html import e, page, severity_badge, verdict_badge

    def findings(items: list[Finding], kind: str) -> str:
        if not items:
            return f'<p class="muted">None {kind}.</p>'
        rows = "".join(
            f"<tr><td>{severity_badge(f.severity.value)}</td><td><code>{e(f.id)}</code></td><td>{e(f.title)}</td>"
            f"<td><code>{e(f.tunnel or ', '.join(sorted(f.devices)))}</code></td></tr>"
            for f in items
        )
        return (
            f'<table class="{e(kind)}"><thead><tr><th>severity</th><th>id</th><th>title</th><th>where</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>"
        )

    def verdict(v: str | None) -> str:
        return verdict_badge(v) if v else '<span class="muted">absent</span>'

    tunnel_rows = "".join(
        f"<tr><td><code>{e(c.tunnel)}</code></td><td>{verdict(c.before)}</td><td>{verdict(c.after)}</td>"
        f"<td>{e(c.summary_after)}</td></tr>"
        for c in d.tunnels
    )
    breaking = "".join(f"<li><code>{e(t)}</code>: {e(r)}</li>" for t, r in d.breaking)
    body = [
        "<header><h1>ipsec-doctor diff</h1></header><main>",
        '<section id="summary"><h2>Summary</h2><div class="cards">',
        f'<div class="card"><b>{len(d.introduced)}</b>introduced</div>',
        f'<div class="card"><b>{len(d.resolved)}</b>resolved</div>',
        f'<div class="card"><b>{len(d.tunnels)}</b>verdicts changed</div>',
        f'<div class="card"><b>{len(d.breaking)}</b><span class="badge s-error">breaking</span></div></div></section>',
        f'<section id="breaking"><h2>Breaking</h2><ul>{breaking}</ul></section>' if breaking else "",
        '<section id="tunnels"><h2>Tunnel verdicts</h2>'
        + (
            "<table><thead><tr><th>tunnel</th><th>before</th><th>after</th><th>now</th></tr></thead>"
            f"<tbody>{tunnel_rows}</tbody></table>"
            if tunnel_rows
            else '<p class="muted">No verdict changed.</p>'
        )
        + "</section>",
        f'<section id="introduced"><h2>Introduced</h2>{findings(d.introduced, "introduced")}</section>',
        f'<section id="resolved"><h2>Resolved</h2>{findings(d.resolved, "resolved")}</section>',
        "</main>",
    ]
    return page("ipsec-doctor diff", body)
