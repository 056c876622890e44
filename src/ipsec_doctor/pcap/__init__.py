"""Packet captures: IKE and ESP read from a pcap/pcapng file, and where the negotiation stops.

Pure Python, no dependency (scapy is GPL-2.0 and this project is
Apache-2.0).  Two calls for the pipeline::

    from ipsec_doctor import pcap
    report = pcap.analyse("left.pcap")          # CaptureReport: sessions, ESP flows, findings, events
    events, findings = pcap.events_and_findings("left.pcap")

``events`` follow the OUTPUT.md event shape (``file``, ``line`` = frame
number, ``id``, ``message_id`` such as ``"IKEv1 MM1"``, ``fields``) plus
``kind: "pcap"``; ``findings`` are :class:`~ipsec_doctor.findings.Finding`
with ``Evidence(kind="pcap")``, ``devices=()`` and ``tunnel=None`` (a capture
does not name devices: the caller may attach them by peer address, given in
``finding.extra`` and in each event's ``fields``).  Nothing here raises on
any input; problems come back in ``CaptureReport.problems``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding
from ..model import ParseProblem
from .capture import MAX_READ, Reassembler, datagrams, read_capture
from .diagnose import judge_esp, judge_mtu, judge_nat, judge_session, session_stop, to_finding
from .timeline import Collector, EspFlow, Message, Session

__all__ = ["CaptureReport", "EspFlow", "Message", "Session", "analyse", "analyse_bytes", "events_and_findings"]


@dataclass(slots=True)
class CaptureReport:
    """Everything read from one capture."""

    file: str
    format: str = ""
    frames: int = 0
    sessions: list[Session] = field(default_factory=list)
    esp: list[EspFlow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    nat_keepalives: int = 0

    def stops(self) -> dict[str, str]:
        """Session key → where its exchange got to, in plain words."""
        return {s.key: session_stop(s) for s in self.sessions}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (timelines as lists of message labels with frames)."""
        return {
            "file": self.file, "format": self.format, "frames": self.frames,
            "sessions": [{
                "key": s.key, "version": s.version, "initiator": s.initiator, "responder": s.responder,
                "ispi": s.ispi, "rspi": s.rspi, "stop": session_stop(s),
                "offered": [p.text() for p in s.offered],
                "nat": [{"frame": c.frame, "sender": c.sender, "source_translated": c.sender_translated,
                         "destination_translated": c.receiver_translated} for c in s.nat], "chosen": s.chosen.text() if s.chosen else None,
                "timeline": [{"frame": m.frame, "label": m.label, "from": m.src, "to": m.dst,
                              "retransmit_of": m.retransmit_of} for m in s.messages],
            } for s in self.sessions],
            "esp": [f.as_dict() for f in self.esp],
            "findings": [f.as_dict() for f in self.findings],
            "problems": [{"line": p.line, "message": p.message} for p in self.problems],
        }


def analyse(path: str | Path) -> CaptureReport:
    """Read one capture file and diagnose it; never raises on the file's content or absence."""
    name = str(path)
    try:
        size = os.path.getsize(name)
        with open(name, "rb") as handle:
            data = handle.read(MAX_READ)
    except OSError as exc:
        report = CaptureReport(name)
        report.problems.append(ParseProblem(name, 0, f"cannot read capture: {exc.strerror or type(exc).__name__}"))
        return report
    report = analyse_bytes(data, name)
    if size > MAX_READ:
        report.problems.append(ParseProblem(name, 0, f"capture is {size} bytes: only the first 512 MiB was read"))
    return report


def analyse_bytes(data: bytes, file: str = "<capture>") -> CaptureReport:
    """:func:`analyse` on bytes already in memory."""
    report = CaptureReport(file)
    try:
        _fill(report, data)
    except Exception as exc:  # noqa: BLE001 - a decoder bug must not cost the rest of the diagnosis
        report.problems.append(ParseProblem(file, 0, f"capture not fully analysed (internal error "
                                                     f"{type(exc).__name__})"))
    return report


def events_and_findings(path: str | Path) -> tuple[list[dict[str, Any]], list[Finding]]:
    """The events (OUTPUT.md shape) and findings of one capture, for the analysis pipeline."""
    report = analyse(path)
    return report.events, report.findings


def _fill(report: CaptureReport, data: bytes) -> None:
    capture = read_capture(data)
    report.format = capture.format
    report.frames = len(capture.frames)
    report.problems.extend(ParseProblem(report.file, line, message) for line, message in capture.problems)
    collector = Collector()
    joiner = Reassembler()
    for gram in datagrams(capture, joiner):
        collector.add(gram)
    report.sessions = sorted(collector.sessions.values(), key=lambda s: s.messages[0].frame)
    report.esp = sorted(collector.esp.values(), key=lambda f: f.first_frame)
    report.nat_keepalives = collector.keepalives
    verdicts = []
    for session in report.sessions:
        found = judge_session(session)
        nat = judge_nat(session)
        if nat is not None:
            found.append(nat)
        for verdict in found:  # the pipeline attaches the finding to a tunnel by these (never serialised)
            verdict.extra.setdefault("addresses", (session.initiator, session.responder))
            verdict.extra.setdefault("stop", session_stop(session))
        verdicts.extend(found)
    verdicts.extend(judge_esp(report.esp))
    verdicts.extend(judge_mtu(report.sessions, report.esp, joiner.fragment_frames()))
    report.findings = [to_finding(v, report.file) for v in verdicts]
    report.events = _events(report)
    for session in report.sessions:
        for m in session.messages:
            if m.ike.problem:
                report.problems.append(ParseProblem(report.file, m.frame, f"{m.message_id}: {m.ike.problem}"))


def _events(report: CaptureReport) -> list[dict[str, Any]]:
    ids_by_frame: dict[int, str] = {}
    for finding in report.findings:
        for ev in finding.evidence:
            ids_by_frame.setdefault(ev.line, finding.id)
    out: list[dict[str, Any]] = []
    for session in report.sessions:
        for m in session.messages:
            out.append({
                "file": report.file, "line": m.frame, "id": ids_by_frame.get(m.frame),
                "message_id": m.message_id, "fields": _fields(session, m), "kind": "pcap",
            })
    for flow in report.esp:
        out.append({
            "file": report.file, "line": flow.first_frame, "id": ids_by_frame.get(flow.first_frame),
            "message_id": "ESP-in-UDP" if flow.encapsulated else "ESP",
            "fields": dict(sorted({**flow.as_dict(), "peer": flow.dst}.items())), "kind": "pcap",
        })
    out.sort(key=lambda e: (e["line"], e["message_id"]))
    return out


def _fields(session: Session, m: Message) -> dict[str, Any]:
    ike = m.ike
    fields: dict[str, Any] = {
        "src": m.src, "sport": m.sport, "dst": m.dst, "dport": m.dport, "peer": m.dst,
        "exchange": ike.exchange_name, "ispi": ike.ispi.hex(), "rspi": ike.rspi.hex(), "msgid": ike.msgid,
        "encrypted": ike.encrypted, "payloads": list(ike.payloads), "length": ike.length,
        "from": "initiator" if m.from_initiator else "responder",
    }
    if ike.proposals:
        fields["proposals"] = [p.text() for p in ike.proposals]
    if ike.vendor_ids:
        fields["vendor_ids"] = list(ike.vendor_ids)
    if ike.notifies:
        fields["notifies"] = [n.name for n in ike.notifies]
    if ike.natd or ike.nat_src or ike.nat_dst:
        fields["nat_d"] = len(ike.natd) + len(ike.nat_src) + len(ike.nat_dst)
    if ike.ids:
        fields["ids"] = list(ike.ids)
    if ike.first_inner:
        fields["first_inner"] = ike.first_inner
    if ike.fragment:
        fields["fragment"] = list(ike.fragment)
    for check in session.nat:
        if check.frame == m.frame:
            fields["nat_translated"] = [side for side, hit in (("source", check.sender_translated),
                                                               ("destination", check.receiver_translated)) if hit]
    if m.retransmit_of is not None:
        fields["retransmit_of"] = m.retransmit_of
    if m.fragmented:
        fields["ip_fragmented"] = True
    return dict(sorted(fields.items()))
