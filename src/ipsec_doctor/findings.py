"""Findings: what the diagnosis reports.

A :class:`Finding` names a catalog ID (see ``knowledge/catalog.toml``), the
devices and tunnel concerned, the evidence (file, line, redacted text), the
cause in plain words and the fixes.  Every :class:`Fix` carries a
:class:`Disruption` class so an engineer knows what typing it will cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .model import Source


class Severity(str, Enum):
    ERROR = "error"  # the tunnel or its traffic fails
    WARNING = "warning"  # fails sometimes, for some traffic, or depending on who initiates
    INFO = "info"  # advice

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Disruption(str, Enum):
    """What applying a fix costs, safest first."""

    NONE = "none"
    RENEGOTIATES_TUNNEL = "renegotiates-tunnel"
    DROPS_TUNNEL = "drops-tunnel"
    DROPS_ALL_TUNNELS = "drops-all-tunnels"  # every tunnel of the map / interface / device

    @property
    def rank(self) -> int:
        return list(Disruption).index(self)


@dataclass(frozen=True, slots=True)
class Evidence:
    file: str
    line: int
    text: str  # already redacted
    kind: str = "config"  # config | show | log | pcap

    @classmethod
    def of(cls, source: Source, kind: str = "config") -> Evidence:
        return cls(source.file, source.line, source.text, kind)

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "text": self.text, "kind": self.kind}


@dataclass(frozen=True, slots=True)
class Fix:
    device: str
    commands: tuple[str, ...]
    disruption: Disruption = Disruption.NONE
    note: str | None = None  # e.g. "run in configuration mode", "alternative"

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "device": self.device,
            "commands": list(self.commands),
            "disruption": self.disruption.value,
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class Finding:
    id: str
    severity: Severity
    title: str
    devices: tuple[str, ...] = ()
    tunnel: str | None = None
    detail: str = ""  # the cause in plain words, with both offers where relevant
    evidence: tuple[Evidence, ...] = ()
    fix: tuple[Fix, ...] = ()
    caution: str | None = None
    confidence: str = "config"  # config | confirmed (config + observation) | observed | candidate
    candidates: tuple[str, ...] = ()  # alternative catalog IDs for ambiguous symptoms
    key: str = ""  # distinguishes two findings of one id on one tunnel/device ("cause")
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    def sort_key(self) -> tuple[object, ...]:
        return (self.severity.rank, self.tunnel or "", self.id, self.devices, self.key)

    def identity(self) -> tuple[str, str, tuple[str, ...], str]:
        """One finding per (id, tunnel or device, cause) — used for merging evidence."""
        return (self.id, self.tunnel or "", tuple(sorted(self.devices)), self.key)

    def as_dict(self) -> dict[str, object]:
        fixes = sorted(self.fix, key=lambda f: (f.disruption.rank, f.device))
        out: dict[str, object] = {
            "id": self.id,
            "severity": self.severity.value,
            "title": self.title,
            "devices": sorted(self.devices),
            "tunnel": self.tunnel,
            "detail": self.detail,
            "evidence": [e.as_dict() for e in self.evidence],
            "fix": [f.as_dict() for f in fixes],
            "caution": self.caution,
            "confidence": self.confidence,
        }
        if self.candidates:
            out["candidates"] = list(self.candidates)
        return out
