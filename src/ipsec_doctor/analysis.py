"""The pipeline: paths → inputs → devices → tunnels → verdicts → findings → :class:`Report`.

>>> from ipsec_doctor import analyze
>>> report = analyze(["examples/"])                     # doctest: +SKIP
>>> sorted({f.id for f in report.findings})             # doctest: +SKIP
['P1-PSK']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Evidence, Finding
from .inputs import InputRecord, Loaded, TextSection
from .model import Device, ParseProblem, Platform


@dataclass
class Report:
    inputs: list[InputRecord] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    tunnels: list[Any] = field(default_factory=list)  # pairing.Tunnel
    verdicts: dict[str, Any] = field(default_factory=dict)  # tunnel id → negotiate.TunnelVerdict
    findings: list[Finding] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    texts: list[TextSection] = field(default_factory=list)
    coverage: dict[str, Any] | None = None  # recognised / VPN-looking show+log lines (None: no show/log input)
    symptoms: list[dict[str, Any]] = field(default_factory=list)  # one entry per --symptom text

    @property
    def has_errors(self) -> bool:
        return any(f.severity.value == "error" for f in self.findings)

    @property
    def usable(self) -> bool:
        """False when no input could be used at all (exit status 2)."""
        return any(r.kind in ("config", "show", "log", "pcap") for r in self.inputs)


def _platform(value: str | Platform | None) -> Platform | None:
    if value is None or isinstance(value, Platform):
        return value
    return Platform(value.lower())


def parse_devices(loaded: Loaded, parsed: Sequence[Device] | None = None) -> list[Device]:
    """Parse every config section; name collisions get the file stem appended.

    ``parsed``: the sections' devices when parsed elsewhere already (``--jobs``,
    ``--scheduler``), one per section in order; names and records are settled here.
    """
    from .dialects import parse_config

    devices: list[Device] = []
    records = {r.file: r for r in loaded.inputs}
    names_by_file: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    for index, section in enumerate(loaded.configs):
        device = parse_config(section) if parsed is None else parsed[index]
        if device.name in seen:
            seen[device.name] += 1
            from dataclasses import replace

            device = replace(device, name=f"{device.name}@{Path(section.file).stem}")
        seen.setdefault(device.name, 1)
        devices.append(device)
        record = records.get(section.file)
        if record is not None:
            names_by_file.setdefault(section.file, []).append(device.name)
            record.device = ", ".join(names_by_file[section.file])  # the parsed hostnames win over prompt hints
            record.platform = record.platform or device.platform.value
            record.problems.extend(device.problems)
    devices.sort(key=lambda d: d.name)
    return devices


def merge_findings(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (id, tunnel or device, cause): evidence of duplicates is merged."""
    from dataclasses import replace

    merged: dict[tuple[object, ...], Finding] = {}
    for f in findings:
        key = f.identity()
        if key in merged:
            old = merged[key]
            evidence = tuple(dict.fromkeys(old.evidence + f.evidence))
            fixes = tuple(dict.fromkeys(old.fix + f.fix))
            merged[key] = replace(old, evidence=evidence, fix=fixes)
        else:
            merged[key] = f
    out = list(merged.values())
    for i, f in enumerate(out):
        out[i] = replace(f, evidence=tuple(sorted(set(f.evidence), key=lambda e: (e.file, e.line, e.kind, e.text))))
    out.sort(key=lambda f: f.sort_key())
    return out


def diagnose(devices: Sequence[Device]) -> tuple[list[Any], dict[str, Any], list[Finding]]:
    """Pair the devices, negotiate each tunnel, run every check."""
    from .checks import Context, registry
    from .negotiate import negotiate_tunnel
    from .pairing import find_tunnels

    tunnels = find_tunnels(list(devices))
    by_name = {d.name: d for d in devices}
    verdicts = {t.id: negotiate_tunnel(t, by_name) for t in tunnels}
    ctx = Context(list(devices), tunnels, verdicts)
    findings: list[Finding] = []
    for fn in registry().values():
        findings.extend(fn(ctx))
    return tunnels, verdicts, attach_to_tunnels(findings, tunnels)


def attach_to_tunnels(findings: list[Finding], tunnels: Sequence[Any]) -> list[Finding]:
    """Give a device-level finding its tunnel when its evidence points into exactly one tunnel end.

    Checks that look at one device (NAT exemption, MSS, ...) do not know the
    pairing; an engineer reads the report per tunnel, so a finding whose
    evidence quotes the lines of one paired crypto map entry belongs there.
    """
    from dataclasses import replace

    owner: dict[tuple[str, int], set[str]] = {}
    for tunnel in tunnels:
        for end in tunnel.ends:
            entry = getattr(end, "entry", None)
            if entry is None:
                continue
            for src in (entry.source, *entry.attr_sources.values()):
                owner.setdefault((src.file, src.line), set()).add(tunnel.id)
    out: list[Finding] = []
    for f in findings:
        if f.tunnel is None and len(f.devices) == 1:
            hits = set().union(*(owner.get((e.file, e.line), set()) for e in f.evidence)) if f.evidence else set()
            if len(hits) == 1:
                f = replace(f, tunnel=hits.pop())
        out.append(f)
    return out


def analyze(
    paths: Sequence[str | Path],
    *,
    platform: str | Platform | None = None,
    progress: Callable[[str], None] | None = None,
    events: str = "auto",
    symptoms: Sequence[str] = (),
    jobs: int = 1,
    scheduler: str | None = None,
) -> Report:
    """Analyse files or directories; never raises on bad user input.

    ``progress`` is called with each input file's path once it is read.
    ``events``: ``"all"`` (one event per line), ``"aggregate"`` (one per
    catalog ID, device and peer) or ``"auto"`` (aggregate a log with more
    than 10,000 events).  ``symptoms``: what the users report, in their words.
    ``jobs`` > 1 parses configurations and scans logs in that many processes;
    ``scheduler`` (``tcp://host:port``) does it on a Dask cluster.  Either
    way the report is the same as a local run's.
    """
    from . import _devcache
    from ._gc import collector_paused

    # an analysis builds millions of long-lived, acyclic objects: see _gc (same peak memory with it off)
    try:
        with collector_paused():
            return _analyze(paths, platform, progress, events, symptoms, jobs, scheduler)
    finally:
        # The per-object memos (crypto flows, routes, NAT regions) hold every device they were asked
        # about: they serve one analysis, and a process that analyses snapshot after snapshot must not
        # keep the earlier ones alive (a reporter that asks again recomputes what it needs).
        _devcache.clear()


def _analyze(
    paths: Sequence[str | Path],
    platform: str | Platform | None,
    progress: Callable[[str], None] | None,
    events: str,
    symptoms: Sequence[str],
    jobs: int,
    scheduler: str | None,
) -> Report:
    from .inputs import load

    if jobs > 1 or scheduler:
        from .scale import open_engine
        from .scale.evidence import prescan_logs
        from .scale.loadwork import load_parallel

        with open_engine(jobs, scheduler) as engine:
            # many files: read, split and parsed in the workers by runs of files; else only sections travel
            loaded, parsed = load_parallel(list(paths), engine, platform=_platform(platform), progress=progress)
            report = Report(inputs=loaded.inputs)
            report.devices = parse_devices(loaded, parsed)
            report.texts = prescan_logs(loaded.texts, engine, events)
    else:
        loaded = load(list(paths), platform=_platform(platform), progress=progress)  # type: ignore[attr-defined]
        report = Report(inputs=loaded.inputs, texts=loaded.texts)
        report.devices = parse_devices(loaded)
    tunnels, verdicts, findings = diagnose(report.devices)
    report.tunnels = tunnels
    report.verdicts = verdicts
    findings = merge_findings(findings)
    findings = add_evidence(report, findings, events)
    from .evidence import add_captures  # packet captures: events and findings fused like show/log evidence

    findings = add_captures(report, findings)
    report.findings = merge_findings(findings)
    if symptoms:
        from .checks import registry
        from .evidence import check_symptoms

        report.symptoms = check_symptoms(symptoms, report.findings, report.events, report.devices, report.tunnels,
                                         registry())
    return report


def add_evidence(report: Report, findings: list[Finding], mode: str = "auto") -> list[Finding]:
    """Read the show/log sections into ``report.events`` and fold them into ``findings``.

    Show parsers and the log reader never raise on content; a bug in this
    layer must still not cost the configuration diagnosis, so it becomes a
    problem on the inputs instead of a crash.
    """
    if not report.texts:
        return findings
    from .checks import registry
    from .evidence import Attacher, collect, events_of, fuse

    attacher = Attacher(report.devices, report.tunnels)
    try:
        items, coverage = collect(report.texts, attacher, mode)
    except Exception as exc:  # noqa: BLE001 - last guard, see docstring
        for record in report.inputs:
            if record.kind in ("show", "log"):
                record.problems.append(ParseProblem(record.file, 0, f"evidence not read (internal error {type(exc).__name__})"))
        return findings
    report.events = events_of(items)
    report.coverage = coverage.as_dict()
    return fuse(findings, items, attacher, report.verdicts, registry())


def problem_evidence(problem: ParseProblem, text: str = "") -> Evidence:
    return Evidence(problem.file, problem.line, text, "config")
