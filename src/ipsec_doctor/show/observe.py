"""Observations: what parsed show output says about each tunnel, mapped to catalog candidates.

An :class:`Observation` is one fact (an SA state, a one-way counter pair, a
drop counter, a sysopt setting) with where it was read and the catalog IDs it
points at (from ``knowledge/show_signatures.toml``).  Facts of a working
tunnel are observations too (``kind="healthy"``, ``id=None``), so the
evidence fusion can weigh "the tunnel is up" against a configuration finding.

This module decides nothing about configurations: matching an observation to
a device and tunnel (``device_hint``, ``peer``, ``local``) is the fusion's job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..model import Platform, Source
from ..redact import redact_line
from .common import Numbered, numbered
from .records import (
    AspDrop,
    CermInfo,
    CryptoSession,
    Ikev2Sa,
    IpsecFlow,
    IsakmpSa,
    ManagementAccess,
    ShowResult,
    SysoptSetting,
    VpnSession,
)
from .signatures import lookup

HEALTHY = "healthy"


def _empty() -> Mapping[str, int]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Observation:
    """One fact read from show output.

    ``topic`` is what was observed (``isakmp-state``, ``ikev2-state``,
    ``session-status``, ``ipsec-traffic``, ``asp-drop``, ``cerm``, ``sysopt``,
    ``management-access``); ``kind`` equals ``topic`` except for the facts of a
    working tunnel, whose kind is ``"healthy"``.  ``value`` is the state as
    printed (``MM_WAIT_MSG_6``) or the rule name (``encaps-zero``).  ``id`` is
    the most likely catalog ID (the first candidate) or None.  ``side`` says
    where a one-way problem lies: ``"local"`` (this device) or ``"peer"``.
    """

    kind: str
    topic: str
    value: str
    id: str | None
    candidates: tuple[str, ...]
    source: Source
    command: str | None = None
    platform: Platform | None = None
    device_hint: str | None = None
    peer: str | None = None
    local: str | None = None
    side: str | None = None
    counters: Mapping[str, int] = field(default_factory=_empty)
    meaning: str = ""
    detail: str = ""  # caveats and specifics in our words (interface, peer type unknown ...)

    @property
    def healthy(self) -> bool:
        return self.kind == HEALTHY


class _Context:
    """What every observation of one result shares."""

    __slots__ = ("result", "texts")

    def __init__(self, result: ShowResult, lines: Numbered | None) -> None:
        self.result = result
        self.texts: dict[int, str] = dict(lines) if lines else {}

    def make(
        self,
        topic: str,
        value: str,
        line: int,
        *,
        peer: str | None = None,
        local: str | None = None,
        side: str | None = None,
        counters: Mapping[str, int] | None = None,
        detail: str = "",
        drop_candidates: bool = False,
    ) -> Observation:
        signature = lookup(topic, value)
        if signature is None:
            candidates: tuple[str, ...] = ()
            kind, meaning = topic, ""
            detail = detail or "value not in the signature table"
        else:
            candidates = () if drop_candidates else signature.candidates
            kind = HEALTHY if signature.healthy else topic
            meaning = signature.meaning
        text = self.texts.get(line, "")
        result = self.result
        return Observation(
            kind=kind,
            topic=topic,
            value=value,
            id=candidates[0] if candidates else None,
            candidates=candidates,
            source=Source(result.file, line, redact_line(text.strip()) if text else ""),
            command=result.command,
            platform=result.platform,
            device_hint=result.device_hint,
            peer=peer,
            local=local,
            side=side,
            counters=MappingProxyType(dict(counters)) if counters else _empty(),
            meaning=meaning,
            detail=detail,
        )


def traffic_rule(encaps: int | None, decaps: int | None, has_sa: bool = True) -> tuple[str, str | None] | None:
    """``(rule, side)`` for a pair of encrypt/decrypt counters, None when nothing can be said.

    >>> traffic_rule(0, 393)
    ('encaps-zero', 'local')
    >>> traffic_rule(120, 0)
    ('decaps-zero', 'peer')
    """
    if not has_sa:
        return "no-sa", None
    if encaps is None or decaps is None:
        return None
    if encaps == 0 and decaps > 0:
        return "encaps-zero", "local"
    if encaps > 0 and decaps == 0:
        return "decaps-zero", "peer"
    if encaps > 0 and decaps > 0:
        return "both-ways", None
    return None  # no traffic yet: nothing to conclude


def observe(result: ShowResult, lines: Iterable[str] | Iterable[tuple[int, str]] | None = None) -> list[Observation]:
    """Observations of one parsed output; ``lines`` (the same text) fills ``Source.text``."""
    context = _Context(result, numbered(lines) if lines is not None else None)
    out: list[Observation] = []
    for record in result.records:
        handler = _HANDLERS.get(type(record))
        if handler is not None:
            out.extend(handler(context, record))
    return out


def observe_sections(sections: Iterable[object]) -> list[Observation]:
    """Parse and observe every show :class:`~ipsec_doctor.inputs.TextSection`."""
    from .registry import parse_section

    out: list[Observation] = []
    for section in sections:
        if getattr(section, "kind", None) != "show":
            continue
        result = parse_section(section)  # type: ignore[arg-type]
        out.extend(observe(result, section.lines))  # type: ignore[attr-defined]
    return out


def _isakmp(context: _Context, sa: IsakmpSa) -> list[Observation]:
    signature = lookup("isakmp-state", sa.state)
    detail, drop = "", False
    if signature is not None and signature.requires == "l2l":
        if sa.sa_type is None:
            detail = "the output does not say whether the peer is LAN-to-LAN; confirm it before acting"
        elif sa.sa_type.upper() != "L2L":
            detail, drop = f"peer type is {sa.sa_type}, not LAN-to-LAN: XAUTH is expected", True
    return [context.make("isakmp-state", sa.state, sa.line, peer=sa.peer, local=sa.local, detail=detail,
                         drop_candidates=drop)]


def _ikev2(context: _Context, sa: Ikev2Sa) -> list[Observation]:
    return [context.make("ikev2-state", sa.status, sa.line, peer=sa.remote, local=sa.local)]


def _flow(context: _Context, flow: IpsecFlow) -> list[Observation]:
    rule = traffic_rule(flow.encaps, flow.decaps, flow.has_sa)
    if rule is None:
        return []
    value, side = rule
    peer = flow.current_peer or flow.remote_endpoint
    local = flow.local_endpoint or flow.local_addr
    detail = ""
    if flow.local_ident and flow.remote_ident:
        detail = (f"flow {flow.local_ident.addr}/{flow.local_ident.mask} -> "
                  f"{flow.remote_ident.addr}/{flow.remote_ident.mask}")
    return [context.make("ipsec-traffic", value, flow.line, peer=peer, local=local, side=side,
                         counters=flow.counters, detail=detail)]


def _session(context: _Context, session: CryptoSession) -> list[Observation]:
    out: list[Observation] = []
    local = session.ike_sas[0].local if session.ike_sas else None
    if session.status:
        out.append(context.make("session-status", session.status, session.line, peer=session.peer, local=local,
                                detail=f"interface {session.interface}"))
    for flow in session.flows:
        if not flow.active_sas:
            continue
        rule = traffic_rule(flow.encrypted, flow.decrypted)
        if rule is None:
            continue
        counters = {k: v for k, v in (("encaps", flow.encrypted), ("decaps", flow.decrypted)) if v is not None}
        out.append(context.make("ipsec-traffic", rule[0], flow.line, peer=session.peer, local=local,
                                side=rule[1], counters=counters, detail=f"flow {flow.src} -> {flow.dst}"))
    return out


def _vpn_session(context: _Context, session: VpnSession) -> list[Observation]:
    out: list[Observation] = []
    peer = session.connection or session.ip_addr
    for block in session.blocks:
        if not block.kind.lower().startswith("ipsec"):
            continue
        tx, rx = _num(block.get("Pkts Tx")), _num(block.get("Pkts Rx"))
        rule = traffic_rule(tx, rx)
        if rule is None:
            continue
        counters = {k: v for k, v in (("encaps", tx), ("decaps", rx)) if v is not None}
        detail = f"flow {block.local_addr} -> {block.remote_addr}" if block.local_addr else ""
        out.append(context.make("ipsec-traffic", rule[0], block.line, peer=peer, side=rule[1],
                                counters=counters, detail=detail))
    return out


def _num(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdecimal() else None


def _asp(context: _Context, drop: AspDrop) -> list[Observation]:
    out: list[Observation] = []
    for counter in drop.counters:
        if counter.count <= 0:
            continue
        if lookup("asp-drop", counter.name) is None and lookup("asp-drop", counter.description) is None:
            continue
        out.append(context.make("asp-drop", counter.name, counter.line, counters={counter.name: counter.count},
                                detail=f"{counter.description}: {counter.count}"))
    return out


def _cerm(context: _Context, info: CermInfo) -> list[Observation]:
    reached = [r for r in info.resources if r.maximum and r.available == 0]
    drops = {label: value for label, value in info.counters.items()
             if value > 0 and any(word in label.lower() for word in ("drop", "exceed", "reject", "fail"))}
    if reached or drops:
        names = [r.name for r in reached] + list(drops)
        line = reached[0].line if reached else info.counter_lines.get(next(iter(drops)), info.line)
        return [context.make("cerm", "limit-reached", line, counters=drops, detail="; ".join(names))]
    if info.enabled:
        return [context.make("cerm", "limits-enforced", info.line)]
    return []


def _sysopt(context: _Context, setting: SysoptSetting) -> list[Observation]:
    option = setting.option
    if option in ("connection permit-vpn", "connection permit-ipsec"):
        value = "permit-vpn-on" if setting.enabled else "permit-vpn-off"
    elif option == "connection preserve-vpn-flows":
        value = "preserve-vpn-flows-on" if setting.enabled else "preserve-vpn-flows-off"
    else:
        return []
    return [context.make("sysopt", value, setting.line, detail=("" if setting.enabled else "no ") + "sysopt " + option)]


def _mgmt(context: _Context, access: ManagementAccess) -> list[Observation]:
    if access.interface is None:
        return [context.make("management-access", "none", access.line)]
    return [context.make("management-access", "set", access.line, detail=f"management-access {access.interface}")]


_HANDLERS: dict[type, Callable[[_Context, Any], list[Observation]]] = {
    IsakmpSa: _isakmp,
    Ikev2Sa: _ikev2,
    IpsecFlow: _flow,
    CryptoSession: _session,
    VpnSession: _vpn_session,
    AspDrop: _asp,
    CermInfo: _cerm,
    SysoptSetting: _sysopt,
    ManagementAccess: _mgmt,
}
