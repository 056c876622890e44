"""Packet captures in the pipeline: capture events and findings joined to tunnels and config findings.

A capture names no device, only addresses.  Each IKE message and ESP flow
becomes an event (``kind: "pcap"``, ``line`` = frame number) attached to the
tunnel whose end has the packet's two addresses, and to the device that
sent it.  Each capture finding (:mod:`ipsec_doctor.pcap.diagnose`) is then
folded like show/log evidence (:class:`~.fuse.Fuser`):

* a configuration finding with the same ID (or one of its candidates) on
  that tunnel gains the frames as ``pcap`` evidence and becomes ``confirmed``;
* otherwise the capture finding stands on its own: ``observed`` when the
  frames name one cause, ``candidate`` when other causes stay possible after
  the configurations at hand ruled out what they could (the silent side of
  an unanswered exchange is named).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..findings import Finding
from ..model import ParseProblem
from .attach import Attacher
from .events import Item
from .fuse import Fuser, _catalog


def add_captures(report: Any, findings: list[Finding]) -> list[Finding]:
    """Read every ``pcap`` input of ``report``: its events join ``report.events``, its findings are fused.

    Never raises: a capture that cannot be read, or a bug in this layer, is a
    problem on that input and the rest of the diagnosis stands.
    """
    records = [r for r in report.inputs if r.kind == "pcap"]
    if not records:
        return findings
    from .. import pcap
    from ..checks import registry

    attacher = Attacher(report.devices, report.tunnels)
    fuser = Fuser(findings, attacher, report.verdicts, registry())
    events: list[dict[str, Any]] = []
    for record in records:
        try:
            capture = pcap.analyse(record.file)
            record.problems.extend(capture.problems)
            events.extend(capture_events(capture, attacher))
            for finding in capture.findings:
                fold_capture_finding(fuser, finding, attacher)
        except Exception as exc:  # noqa: BLE001 - last guard: the configuration diagnosis must survive
            record.problems.append(ParseProblem(record.file, 0, f"capture not analysed (internal error "
                                                                f"{type(exc).__name__})"))
    events.sort(key=lambda ev: (ev["file"], ev["line"], ev["message_id"] or ""))
    report.events = [*report.events, *events]
    report.coverage = _coverage(report.coverage, len(events))
    return fuser.findings()


def capture_events(capture: Any, attacher: Attacher) -> list[dict[str, Any]]:
    """The capture's events with ``device`` (the sender), ``tunnel`` and ``candidates`` filled in."""
    candidates: dict[str, list[str]] = {}
    for finding in capture.findings:
        candidates.setdefault(finding.id, list(finding.candidates))
    out: list[dict[str, Any]] = []
    for event in capture.events:
        fields = event.get("fields") or {}
        src, dst = str(fields.get("src", "")), str(fields.get("dst", ""))
        ident = event.get("id")
        out.append({
            **event,
            "device": attacher.address_owner(src),
            "tunnel": attacher.pair_tunnel(src, dst),
            "candidates": candidates.get(str(ident), []) if ident else [],
        })
    return out


def _place(finding: Finding, attacher: Attacher) -> tuple[str | None, tuple[str, ...], tuple[str, str] | None]:
    """(tunnel, devices, address pair) of a capture finding, from the addresses the frames carry."""
    pair = finding.extra.get("addresses")
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        return None, (), None
    a, b = str(pair[0]), str(pair[1])
    tunnel = attacher.pair_tunnel(a, b)
    if tunnel is not None:
        return tunnel, attacher.tunnel_devices(tunnel), (a, b)
    owners = tuple(sorted({d for d in (attacher.address_owner(a), attacher.address_owner(b)) if d}))
    return None, owners, (a, b)


def _items(finding: Finding, tunnel: str | None, devices: Sequence[str], pair: tuple[str, str] | None) -> list[Item]:
    fields: dict[str, Any] = {"stop": finding.extra.get("stop") or ""}
    if pair is not None:
        fields.update(src=pair[0], dst=pair[1], peer=str(finding.extra.get("silent") or pair[1]))
    device = devices[0] if len(devices) == 1 and tunnel is None else None
    out = []
    for ev in finding.evidence:
        label = ev.text.split(" -> ", 1)[-1].split(" ", 1)[-1] if " -> " in ev.text else ev.text
        out.append(Item(
            kind="pcap", file=ev.file, line=ev.line, id=finding.id, candidates=finding.candidates,
            message_id=" ".join(label.split()[:2]) or None, fields=dict(fields), text=ev.text, device=device,
            tunnel=tunnel, meaning=finding.detail, first_line=ev.line, last_line=ev.line,
        ))
    return out


def fold_capture_finding(fuser: Fuser, finding: Finding, attacher: Attacher) -> None:
    """Fold one capture finding into ``fuser`` (see the module docstring)."""
    tunnel, devices, pair = _place(finding, attacher)
    items = _items(finding, tunnel, devices, pair)
    if not items:
        return
    ids = tuple(dict.fromkeys((finding.id, *finding.candidates)))
    attached = tunnel is not None or bool(devices)
    if attached:
        kept, ruled, found = fuser.rank(ids, items[0])
    else:  # addresses of no device at hand: confirm nothing, rule nothing out
        kept, ruled, found = list(ids), {}, set()
    if found:
        for cause in sorted(found, key=ids.index):
            for item in items:
                fuser._confirm(cause, item, [], ruled)
        return
    primary, others = kept[0], [c for c in kept[1:] if c != kept[0]]
    confidence = "candidate" if others or primary != finding.id else finding.confidence
    slot = fuser._put(_own_finding(finding, primary, confidence, tunnel, devices, pair, attacher))
    for item in items:
        slot.add(item)
    fuser._merge_candidates(slot, others, ruled)


def _own_finding(finding: Finding, primary: str, confidence: str, tunnel: str | None, devices: Sequence[str],
                 pair: tuple[str, str] | None, attacher: Attacher) -> Finding:
    from dataclasses import replace

    entry = _catalog(primary)
    name = Path(finding.evidence[0].file).name if finding.evidence else "capture"
    stop = str(finding.extra.get("stop") or "")
    detail = finding.detail
    silent = finding.extra.get("silent")
    if silent:
        owner = attacher.address_owner(str(silent))
        detail += f"\nThe silent side is {silent}" + (f" ({owner})." if owner else " (no configuration at hand).")
    if confidence == "candidate":
        title = f"{stop or finding.title} (capture {name}): most likely {primary}, other causes possible"
    else:
        title = f"{entry.title if entry is not None else finding.title} — seen in capture {name}"
        if stop:
            title += f" ({stop})"
    key = f"capture {' '.join(sorted(pair))}" if pair else f"capture {finding.key}"
    return replace(
        finding, id=primary, title=title, detail=detail, tunnel=tunnel, devices=tuple(sorted(devices)),
        evidence=(), confidence=confidence, candidates=(), key=key,
        severity=entry.severity if entry is not None else finding.severity,
        caution=entry.caution if entry is not None else finding.caution,
    )


def _coverage(coverage: dict[str, Any] | None, messages: int) -> dict[str, Any]:
    """Coverage with the capture's messages: every decoded IKE message or ESP flow counts as recognised."""
    out: dict[str, Any] = dict(coverage) if coverage else {"recognised": 0, "vpn_lines": 0}
    out["recognised"] = int(out.get("recognised", 0)) + messages
    out["vpn_lines"] = int(out.get("vpn_lines", 0)) + messages
    out["pcap"] = {"recognised": messages, "vpn_lines": messages}
    return out
