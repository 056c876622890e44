"""The terminal view: colour by severity and a table of tunnels, with ``rich``.

Used for ``--format text`` only when stdout is a terminal and ``NO_COLOR`` is
unset; piped output stays the plain text of :mod:`.text`, byte for byte.
``rich`` is imported lazily (inside the functions) so that ``ipsec-doctor``
starts fast and works without it: every caller falls back to plain text.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..analysis import Report
from ..findings import Finding

PROGRESS_MIN_FILES = 300
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_VERDICT_STYLE = {"up": "green", "fails": "bold red", "depends-on-initiator": "dark_orange", "unknown": "bright_black"}


def _is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def use_rich(stream: IO[str], environ: dict[str, str] | None = None) -> bool:
    """True when ``stream`` is a terminal, ``NO_COLOR`` is unset and ``rich`` is importable."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR") or not _is_tty(stream):
        return False
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


def _finding_renderables(f: Finding, quiet: bool) -> list[Any]:
    from rich.text import Text

    out: list[Any] = []
    head = Text("  ")
    head.append(f"[{f.severity.value.upper()}]", style=_SEVERITY_STYLE[f.severity.value])
    head.append(f" {f.id}", style="bold")
    head.append(f": {f.title}")
    out.append(head)
    if f.detail:
        out.extend(Text(f"      {line}") for line in f.detail.splitlines())
    if f.candidates:
        out.append(Text(f"      other possible causes: {', '.join(f.candidates)}", style="dim"))
    for e in f.evidence:
        line = Text("      evidence ", style="dim")
        line.append(f"{e.file}:{e.line}", style="underline")
        line.append(f": {e.text.strip()}")
        out.append(line)
    for fix in sorted(f.fix, key=lambda x: (x.disruption.rank, x.device)):
        note = f" — {fix.note}" if fix.note else ""
        out.append(Text(f"      fix on {fix.device} ({fix.disruption.value}){note}:", style="bold"))
        out.extend(Text(f"          {cmd}", style="green") for cmd in fix.commands)
    if f.caution:
        out.append(Text(f"      caution: {f.caution}", style="italic yellow"))
    return out


def render_rich(report: Report, stream: IO[str], *, quiet: bool = False, width: int | None = None) -> None:
    """Print ``report`` on ``stream`` with colours and a tunnel table."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=stream, width=width, highlight=False, soft_wrap=False)
    errors = sum(1 for f in report.findings if f.severity.value == "error")
    warnings = sum(1 for f in report.findings if f.severity.value == "warning")
    verdict_of = {t.id: getattr(report.verdicts.get(t.id), "verdict", "unknown") or "unknown" for t in report.tunnels}
    failing = sum(1 for v in verdict_of.values() if v != "up")
    head = Text(f"ipsec-doctor: {len(report.devices)} device(s), {len(report.tunnels)} tunnel(s) ")
    head.append(f"({failing} not predicted up)", style="bold red" if failing else "green")
    head.append(", ")
    head.append(f"{errors} error(s)", style="bold red" if errors else "")
    head.append(", ")
    head.append(f"{warnings} warning(s)", style="yellow" if warnings else "")
    console.print(head)
    ordered = sorted(report.tunnels, key=lambda t: (verdict_of[t.id] == "up", t.id))
    if ordered:
        table = Table(title="Tunnels", title_justify="left", expand=False)
        for column in ("verdict", "tunnel", "phase 1", "phase 2", "predicted isakmp sa", "summary"):
            table.add_column(column)
        for tunnel in ordered:
            v = report.verdicts.get(tunnel.id)
            names = [e.device for e in tunnel.ends]
            pair = " ⇄ ".join(names) if len(names) > 1 else f"{names[0]} ⇄ {tunnel.ends[0].peer_address} (not in snapshot)"
            states = getattr(v, "predicted_state", {}) or {}
            table.add_row(
                Text(verdict_of[tunnel.id], style=_VERDICT_STYLE.get(verdict_of[tunnel.id], "")),
                # Text, never str: a str cell is parsed as rich markup, and these come from the configs
                Text(pair),
                Text(getattr(v, "phase1_status", "unknown")),
                Text(getattr(v, "phase2_status", "unknown")),
                Text("\n".join(f"{d}: {s}" for d, s in sorted(states.items()))),
                Text(getattr(v, "summary", "not negotiated")),
            )
        console.print(table)
    by_tunnel: dict[str, list[Finding]] = defaultdict(list)
    by_device: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        if quiet and f.severity.value == "info":
            continue
        (by_tunnel[f.tunnel] if f.tunnel else by_device[", ".join(sorted(f.devices)) or "(snapshot)"]).append(f)
    labels = {t.id: " ⇄ ".join(e.device for e in t.ends) for t in report.tunnels}
    for tunnel_id in [t.id for t in ordered if t.id in by_tunnel] + sorted(set(by_tunnel) - set(verdict_of)):
        console.print()
        console.print(Text(labels.get(tunnel_id, tunnel_id), style="bold"), Text(f"  {tunnel_id}", style="dim"))
        for f in by_tunnel[tunnel_id]:
            for item in _finding_renderables(f, quiet):
                console.print(item, soft_wrap=True)  # the terminal wraps: commands stay copyable
    for device, findings in sorted(by_device.items()):
        console.print()
        console.print(Text(device, style="bold"))
        for f in findings:
            for item in _finding_renderables(f, quiet):
                console.print(item, soft_wrap=True)  # the terminal wraps: commands stay copyable
    skipped = [r for r in report.inputs if r.kind in ("unknown", "error")]
    if skipped:
        console.print()
        console.print(Text("Inputs skipped", style="bold"))
        for r in sorted(skipped, key=lambda r: r.file):
            reason = r.problems[0].message if r.problems else "not recognised"
            console.print(Text(f"  {r.file}: {reason}", style="dim"))


def count_inputs(paths: Sequence[str | Path]) -> int:
    """How many files the paths hold (walks directories; reads nothing)."""
    from ..inputs.reader import iter_paths

    return sum(1 for _ in iter_paths(list(paths)))


@contextmanager
def progress_for(
    paths: Sequence[str | Path], stream: IO[str], environ: dict[str, str] | None = None
) -> Iterator[Callable[[str], None] | None]:
    """A per-file callback that advances a progress bar on ``stream``, or None.

    The bar is shown only for more than :data:`PROGRESS_MIN_FILES` inputs and
    when ``stream`` (stderr) is a terminal, so logs and pipes stay clean.
    """
    env = os.environ if environ is None else environ
    if not use_rich(stream, {k: v for k, v in env.items() if k != "NO_COLOR"}):
        yield None
        return
    total = count_inputs(paths)
    if total <= PROGRESS_MIN_FILES:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=stream, no_color=bool(env.get("NO_COLOR")))
    with Progress(
        TextColumn("reading inputs"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console, transient=True,
    ) as bar:
        task = bar.add_task("read", total=total)
        yield lambda _path: bar.advance(task)
