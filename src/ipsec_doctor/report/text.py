"""Plain-text report that reads top-down like an engineer's answer.

Per tunnel a one-line verdict, then the findings that concern it with their
evidence (file:line) and the commands to type on each device, safest first.
Findings that belong to no tunnel follow, per device.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..analysis import Report
from ..findings import Finding

_MARK = {"error": "ERROR", "warning": "WARN ", "info": "INFO "}
_ARROW = " <-> "


def _tunnel_line(tunnel: Any, verdict: Any) -> str:
    names = [e.device for e in tunnel.ends]
    pair = " ⇄ ".join(names) if len(names) > 1 else f"{names[0]} ⇄ (peer not in snapshot: {tunnel.ends[0].peer_address})"
    summary = verdict.summary if verdict is not None else "not negotiated"
    return f"{pair}: {summary}"


def _finding_block(f: Finding, indent: str = "  ") -> list[str]:
    lines = [f"{indent}[{_MARK[f.severity.value]}] {f.id}: {f.title}"]
    if f.detail:
        for part in f.detail.splitlines():
            lines.append(f"{indent}    {part}")
    if f.candidates:
        lines.append(f"{indent}    other possible causes: {', '.join(f.candidates)}")
    for e in f.evidence:
        lines.append(f"{indent}    evidence {e.file}:{e.line}: {e.text.strip()}")
    for fix in sorted(f.fix, key=lambda x: (x.disruption.rank, x.device)):
        note = f" — {fix.note}" if fix.note else ""
        lines.append(f"{indent}    fix on {fix.device} ({fix.disruption.value}){note}:")
        for cmd in fix.commands:
            lines.append(f"{indent}        {cmd}")
    if f.caution:
        lines.append(f"{indent}    caution: {f.caution}")
    return lines


def render_text(report: Report, *, quiet: bool = False) -> str:
    out: list[str] = []
    errors = sum(1 for f in report.findings if f.severity.value == "error")
    warnings = sum(1 for f in report.findings if f.severity.value == "warning")
    failing = sum(1 for v in report.verdicts.values() if getattr(v, "verdict", "") not in ("up",))
    out.append(
        f"ipsec-doctor: {len(report.devices)} device(s), {len(report.tunnels)} tunnel(s) "
        f"({failing} not predicted up), {errors} error(s), {warnings} warning(s)"
    )
    by_tunnel: dict[str, list[Finding]] = defaultdict(list)
    by_device: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        if quiet and f.severity.value == "info":
            continue
        if f.tunnel:
            by_tunnel[f.tunnel].append(f)
        else:
            by_device[", ".join(sorted(f.devices)) or "(snapshot)"].append(f)
    if report.tunnels:
        out.append("")
        out.append("Tunnels")
    for tunnel in sorted(report.tunnels, key=lambda t: (getattr(report.verdicts.get(t.id), "verdict", "") == "up", t.id)):
        verdict = report.verdicts.get(tunnel.id)
        out.append("")
        out.append(_tunnel_line(tunnel, verdict))
        out.append(f"  id: {tunnel.id}")
        if verdict is not None and verdict.predicted_state:
            states = ", ".join(f"{d} {s}" for d, s in sorted(verdict.predicted_state.items()))
            out.append(f"  predicted `show crypto isakmp sa`: {states}")
        for f in by_tunnel.pop(tunnel.id, []):
            out.extend(_finding_block(f))
    for tunnel_id, findings in sorted(by_tunnel.items()):
        out.append("")
        out.append(tunnel_id)
        for f in findings:
            out.extend(_finding_block(f))
    if by_device:
        out.append("")
        out.append("Devices")
    for device, findings in sorted(by_device.items()):
        out.append("")
        out.append(device)
        for f in findings:
            out.extend(_finding_block(f))
    out.extend(evidence_lines(report))
    out.extend(symptom_lines(report))
    problems = [(r.file, p) for r in report.inputs for p in r.problems]
    skipped = [r for r in report.inputs if r.kind in ("unknown", "error")]
    if problems or skipped:
        out.append("")
        out.append("Inputs")
        for r in sorted(skipped, key=lambda r: r.file):
            reason = r.problems[0].message if r.problems else "not recognised"
            out.append(f"  {r.file}: skipped ({reason})")
        shown = [(f, p) for f, p in problems if not any(s.file == f for s in skipped)]
        for file, p in sorted(shown, key=lambda x: (x[0], x[1].line))[: None if not quiet else 20]:
            out.append(f"  {file}:{p.line}: {p.message}")
    return "\n".join(out) + "\n"


def evidence_lines(report: Report) -> list[str]:
    """The "Evidence" section: coverage of the show/log lines and the events per catalog ID."""
    coverage = report.coverage
    if not coverage:
        return []
    out = ["", "Evidence"]
    recognised, total = coverage.get("recognised", 0), coverage.get("vpn_lines", 0)
    share = f" ({100 * recognised // total}%)" if total else ""
    out.append(f"  coverage: {recognised} of {total} VPN-looking show/log line(s) or capture message(s) recognised{share}")
    for kind in ("show", "log"):
        part = coverage.get(kind)
        if isinstance(part, dict) and part.get("vpn_lines"):
            out.append(f"    {kind}: {part['recognised']} of {part['vpn_lines']}")
    counts: dict[str, int] = defaultdict(int)
    unattached = 0
    for event in report.events:
        if event.get("id"):
            counts[str(event["id"])] += int(event.get("count", 1) or 1)
        if not event.get("device") and not event.get("tunnel"):
            unattached += 1
    if counts:
        out.append("  events by catalog ID: " + ", ".join(f"{k} ×{v}" for k, v in sorted(counts.items())))
    if unattached:
        out.append(f"  {unattached} event(s) could not be tied to a device of the snapshot")
    return out


_STATUS = {"confirmed": "confirmed", "supported": "confirmed by config", "observed": "seen in show/log",
           "ruled-out": "ruled out", "unknown": "cannot tell"}


def symptom_lines(report: Report) -> list[str]:
    """The "Symptoms" section: each user text, the symptoms it matched and what the configs say."""
    if not report.symptoms:
        return []
    out = ["", "Symptoms"]
    for entry in report.symptoms:
        out.append("")
        out.append(f"  \"{entry.get('query', '')}\"")
        matches = entry.get("matches") or []
        if not matches:
            out.append("    no known symptom matches these words (`ipsec-doctor symptoms` lists them)")
        for m in matches:
            out.append(f"    matches: {m['phrase']}")
            for c in m.get("candidates", []):
                out.append(f"      {c['id']:14} {_STATUS.get(c['status'], c['status'])}: {c['reason']}")
                for f in c.get("findings", [])[:3]:
                    out.append(f"          {f['title']}")
            if m.get("ask"):
                out.append(f"      next step: {m['ask']}")
    return out
