"""The JSON document of ../shared/spec/OUTPUT.md (names are a contract: add, never rename)."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..analysis import Report
from ..model import Device
from . import pretty_json


def _end_dict(end: Any) -> dict[str, Any]:
    return {
        "device": end.device,
        "interface": end.interface,
        "local_address": str(end.local_address) if end.local_address is not None else None,
        "peer_address": str(end.peer_address) if end.peer_address is not None else None,
        "crypto_map": end.crypto_map,
        "seq": end.seq,
        "dynamic": bool(getattr(end, "dynamic", False)),
    }


def tunnel_dict(tunnel: Any, verdict: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": tunnel.id,
        "kind": tunnel.kind,
        "ends": [_end_dict(e) for e in tunnel.ends],
        "phase1": "unknown",
        "phase2": "unknown",
        "predicted_state": {},
    }
    if getattr(tunnel, "one_sided", False):
        out["one_sided"] = True
    if getattr(tunnel, "nat_between", False):
        out["nat_between"] = True
    if getattr(tunnel, "protected_by", None) is not None:
        out["protected_by"] = tunnel.protected_by.id  # GRE encrypted by this crypto-map tunnel
    if verdict is not None:
        out["phase1"] = verdict.phase1_status
        out["phase2"] = verdict.phase2_status
        out["predicted_state"] = dict(sorted(verdict.predicted_state.items()))
        out["verdict"] = verdict.verdict
        out["summary"] = verdict.summary
    return out


def device_dict(device: Device) -> dict[str, Any]:
    return {"name": device.name, "platform": device.platform.value, "version": device.version, "file": device.file}


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "tool": {"name": "ipsec-doctor", "version": __version__},
        "inputs": [
            {
                "file": r.file,
                "kind": r.kind,
                "platform": r.platform,
                "device": r.device,
                "problems": [p.as_dict() for p in sorted(r.problems, key=lambda p: (p.line, p.message))],
            }
            for r in sorted(report.inputs, key=lambda r: r.file)
        ],
        "devices": [device_dict(d) for d in sorted(report.devices, key=lambda d: d.name)],
        "tunnels": [tunnel_dict(t, report.verdicts.get(t.id)) for t in sorted(report.tunnels, key=lambda t: t.id)],
        "findings": [f.as_dict() for f in report.findings],
        "events": report.events,
        **_evidence_members(report),
    }


def _evidence_members(report: Report) -> dict[str, Any]:
    """Additive members: ``coverage`` when show/log input was read, ``symptoms`` when asked."""
    out: dict[str, Any] = {}
    if report.coverage is not None:
        out["coverage"] = report.coverage
    if report.symptoms:
        out["symptoms"] = report.symptoms
    return out


def render_json(report: Report) -> str:
    return pretty_json.dumps(report_dict(report)) + "\n"
