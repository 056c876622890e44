"""Shared plumbing of the tunnel checks (P1-*, P2-*, IN-UNPAIRED).

The negotiation (:mod:`ipsec_doctor.verdict`) has already run every tunnel
in each direction an end can initiate; these helpers turn its per-direction
results into the facts a check needs: which directions fail for a given
catalog ID, which devices and crypto map entries are involved, which lines
are the evidence.  A failure in every direction is an error; a failure in
some directions only is a warning, because the tunnel then comes up or not
depending on which end sends the first packet.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..findings import Evidence, Finding, Fix, Severity
from ..model import Device, Source
from ..negotiate import Failure
from ..pairing import Tunnel, TunnelEnd
from ..verdict import DirectionResult, TunnelVerdict
from . import Context


@dataclass(frozen=True, slots=True)
class Pair:
    """A two-ended tunnel with both devices loaded and its verdict."""

    tunnel: Tunnel
    verdict: TunnelVerdict
    a: Device
    end_a: TunnelEnd
    b: Device
    end_b: TunnelEnd

    def device(self, name: str) -> Device:
        return self.a if name == self.a.name else self.b

    def end(self, name: str) -> TunnelEnd:
        return self.end_a if name == self.a.name else self.end_b

    def other(self, name: str) -> Device:
        return self.b if name == self.a.name else self.a

    @property
    def devices(self) -> tuple[str, ...]:
        return tuple(sorted({self.a.name, self.b.name}))


def pairs(ctx: Context) -> Iterator[Pair]:
    """Every two-ended tunnel of the snapshot whose devices are both loaded."""
    for tunnel in ctx.tunnels:
        if tunnel.one_sided or len(tunnel.ends) < 2:
            continue
        verdict = ctx.verdicts.get(tunnel.id)
        ea, eb = tunnel.ends[0], tunnel.ends[1]
        da, db = ctx.device(ea.device), ctx.device(eb.device)
        if verdict is None or da is None or db is None or not verdict.directions:
            continue
        yield Pair(tunnel, verdict, da, ea, db, eb)


def v1_pairs(ctx: Context) -> Iterator[Pair]:
    """Paired tunnels negotiated with IKEv1 (IKEv2 ones are the V2-* checks' business)."""
    for pair in pairs(ctx):
        if getattr(pair.verdict, "ike_version", 1) != 2:
            yield pair


def phase1_failures(d: DirectionResult, catalog_id: str) -> list[Failure]:
    """Failures (and NAT-T warnings) of one direction's phase 1 with ``catalog_id``."""
    return [f for f in d.phase1.failures + d.phase1.warnings if f.catalog_id == catalog_id]


def phase2_failures(d: DirectionResult, catalog_id: str) -> list[Failure]:
    if d.phase2 is None:
        return []
    return [f for f in d.phase2.failures if f.catalog_id == catalog_id]


@dataclass(frozen=True, slots=True)
class Split:
    """The directions of a tunnel that fail for one catalog ID, and those that do not."""

    failing: tuple[tuple[DirectionResult, Failure], ...]
    passing: tuple[DirectionResult, ...]

    @property
    def any(self) -> bool:
        return bool(self.failing)

    @property
    def every(self) -> bool:
        return bool(self.failing) and not self.passing

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if self.every else Severity.WARNING

    def initiator_text(self) -> str:
        """``"when BR1-RTR initiates"`` for the failing direction(s)."""
        names = sorted({d.initiator for d, _ in self.failing})
        return "when " + " or ".join(names) + " initiates"


def split(verdict: TunnelVerdict, catalog_id: str, phase: int) -> Split:
    """Which directions fail with ``catalog_id`` in ``phase`` (1 or 2)."""
    failing: list[tuple[DirectionResult, Failure]] = []
    passing: list[DirectionResult] = []
    for d in verdict.directions:
        found = phase1_failures(d, catalog_id) if phase == 1 else phase2_failures(d, catalog_id)
        if found:
            failing.append((d, found[0]))
        else:
            passing.append(d)
    return Split(tuple(failing), tuple(passing))


def failing(tunnel_pairs: Iterable[Pair], catalog_id: str, phase: int) -> Iterator[tuple[Pair, Split]]:
    """Each pair with a direction failing with ``catalog_id`` in ``phase``, and its :class:`Split`."""
    for pair in tunnel_pairs:
        s = split(pair.verdict, catalog_id, phase)
        if s.any:
            yield pair, s


def depends_text(s: Split) -> str:
    """The sentence that explains a one-direction failure."""
    ok = sorted({d.initiator for d in s.passing})
    return (f"This depends on which end initiates: the tunnel fails {s.initiator_text()}, and negotiates "
            f"when {' or '.join(ok)} initiates.")


def evidence(sources: Iterable[Source | None]) -> tuple[Evidence, ...]:
    """Evidence lines in the given order, without duplicates or line-less sources."""
    seen: dict[tuple[str, int], Evidence] = {}
    for s in sources:
        if s is not None and s.line > 0:
            seen.setdefault((s.file, s.line), Evidence.of(s))
    return tuple(seen.values())


def entry_sources(end: TunnelEnd, *attrs: str) -> list[Source]:
    """The crypto map entry lines of an end (its first line, then ``attrs`` such as "peer", "match")."""
    entry = end.entry
    if entry is None:
        return []
    return [entry.source] + [entry.src(a) for a in attrs]


def binding_source(device: Device, end: TunnelEnd) -> Source | None:
    """The line that applies the end's crypto map to its interface."""
    for b in device.bindings:
        if b.map_name == end.crypto_map and b.interface == end.interface:
            return b.source
    itf = device.interface(end.interface)
    return itf.source if itf is not None else None


def caution_for(catalog_id: str) -> str | None:
    """The knowledge base's caution for ``catalog_id`` (None when the knowledge base lacks it)."""
    try:
        from ..knowledge.kb import entry
    except ImportError:  # the knowledge base is optional for the checks
        return None
    try:
        return entry(catalog_id).caution
    except (KeyError, LookupError):
        return None


def tunnel_finding(
    catalog_id: str,
    severity: Severity,
    pair: Pair,
    title: str,
    detail: str,
    sources: Iterable[Source | None],
    fixes: Iterable[Fix] = (),
    *,
    caution: str | None = None,
    key: str = "",
    extra: dict[str, Any] | None = None,
) -> Finding:
    """A finding about a paired tunnel (both devices named, tunnel id set)."""
    return Finding(
        id=catalog_id,
        severity=severity,
        title=title,
        devices=pair.devices,
        tunnel=pair.tunnel.id,
        detail=detail,
        evidence=evidence(sources),
        fix=tuple(fixes),
        caution=caution,
        key=key,
        extra=dict(extra or {}),
    )


def entry_label(end: TunnelEnd) -> str:
    """``crypto map outside_map 10`` / ``dynamic map DYN 10`` / ``Tunnel0`` for messages."""
    if end.crypto_map is None:
        return end.interface
    kind = "dynamic map" if end.dynamic else "crypto map"
    return f"{kind} {end.crypto_map} {end.seq}"
