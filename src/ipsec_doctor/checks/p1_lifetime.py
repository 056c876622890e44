"""P1-LIFETIME — the peers' ISAKMP lifetimes differ.

What it does
    For every tunnel with both ends in the snapshot, compares the lifetimes
    of the ISAKMP policies that agree on everything else.

    * When the only candidate pair fails because the responder's lifetime
      is longer than the initiator's, phase 1 fails in that direction: an
      error when it fails both ways, otherwise a warning that depends on
      which end initiates.
    * When phase 1 succeeds but the two policies' lifetimes differ, an info
      finding: the shorter lifetime wins (the document's rule), and unequal
      lifetimes invite rekey collisions.

Why it breaks
    A Cisco responder accepts a proposal only when its own policy's
    lifetime is equal to or shorter than the initiator's.  When lifetimes
    differ but negotiation succeeds, both ends rekey on their own timers and
    an ASA may log ``%ASA-5-713092: Group = x.x.x.x, IP = x.x.x.x, Failure
    during phase 1 rekey attempt due to collision``; L2L tunnels then drop
    now and then.

Example
    HQ-ASA ``crypto ikev1 policy 10`` / ``lifetime 86400`` and BR1-RTR
    ``crypto isakmp policy 10`` / ``lifetime 28800``: when BR1-RTR
    initiates, HQ-ASA (responder, 86400 s) refuses.

Fix
    Give both policies the same lifetime: lower the longer one (fix A) or
    raise the shorter one (fix B).  The policy may be used with other peers
    too.  Disruption: none; the new value applies from the next phase 1
    negotiation.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, IkePolicy
from . import Context, check
from ._fix_tunnels import ike_value, set_policy_lines
from ._partial import excerpt_downgrade
from ._policies import matching_except_lifetime
from ._tunnels import Pair, Split, depends_text, entry_sources, pairs, split, tunnel_finding

CATALOG_ID = "P1-LIFETIME"
COLLISION = "%ASA-5-713092"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """Lifetime refusals (error/warning) and unequal negotiated lifetimes (info) on paired tunnels."""
    for pair in pairs(ctx):
        s = split(pair.verdict, CATALOG_ID, 1)
        if s.any:
            yield _refused(pair, s)
            continue
        unequal = _unequal(pair)
        if unequal is not None:
            yield _info(pair, *unequal)


def _life(p: IkePolicy) -> str:
    return "unlimited" if p.lifetime == 0 else f"{p.lifetime} s"


def _longer_shorter(da: Device, pa: IkePolicy, db: Device, pb: IkePolicy) -> tuple[Device, IkePolicy, Device, IkePolicy]:
    """(device with the longer lifetime, its policy, the other device, its policy); 0 is the longest."""
    la = pa.lifetime or 10**9
    lb = pb.lifetime or 10**9
    return (da, pa, db, pb) if la >= lb else (db, pb, da, pa)


def _fixes(long_dev: Device, long_pol: IkePolicy, short_dev: Device, short_pol: IkePolicy) -> list[Fix]:
    lower = set_policy_lines(long_dev, long_pol.priority,
                             {"lifetime": ike_value(long_dev, "lifetime", short_pol.lifetime)})
    raise_ = set_policy_lines(short_dev, short_pol.priority,
                              {"lifetime": ike_value(short_dev, "lifetime", long_pol.lifetime)})
    return [
        Fix(long_dev.name, tuple(lower), Disruption.NONE,
            note=f"fix A: lower {long_dev.name}'s policy {long_pol.priority} lifetime to {_life(short_pol)} "
                 "(the policy may also serve other peers)"),
        Fix(short_dev.name, tuple(raise_), Disruption.NONE,
            note=f"fix B (alternative): raise {short_dev.name}'s policy {short_pol.priority} lifetime to "
                 f"{_life(long_pol)}"),
    ]


def _refused(pair: Pair, s: Split) -> Finding:
    d, failure = s.failing[0]
    init, resp = pair.device(d.initiator), pair.device(d.responder)
    candidates = matching_except_lifetime(init.ikev1_policies, resp.ikev1_policies)
    detail = failure.message[:1].upper() + failure.message[1:] + "."
    if not s.every:
        detail += " " + depends_text(s)
    sources = entry_sources(pair.end_a, "peer") + entry_sources(pair.end_b, "peer")
    fixes: list[Fix] = []
    if candidates:
        ip, rp = candidates[0]
        sources = [ip.attr_sources.get("lifetime", ip.source), rp.attr_sources.get("lifetime", rp.source)] + sources
        fixes = _fixes(*_longer_shorter(init, ip, resp, rp))
    title = (f"ISAKMP lifetime of {resp.name} exceeds {init.name}'s: phase 1 fails when {init.name} initiates")
    return tunnel_finding(CATALOG_ID, s.severity, pair, title, detail, sources, fixes,
                          key="refused")


def _unequal(pair: Pair) -> tuple[IkePolicy, IkePolicy, int] | None:
    """(A's chosen policy, B's chosen policy, lifetime used) when phase 1 agrees but lifetimes differ."""
    directions = pair.verdict.directions
    if not directions or any(d.phase1.chosen is None for d in directions):
        return None
    for d in directions:
        chosen = d.phase1.chosen
        assert chosen is not None
        init, resp = pair.device(d.initiator), pair.device(d.responder)
        ip = next((p for p in init.ikev1_policies if p.priority == chosen.initiator_priority), None)
        rp = next((p for p in resp.ikev1_policies if p.priority == chosen.responder_priority), None)
        if ip is None or rp is None or ip.lifetime == rp.lifetime:
            continue
        pa, pb = (ip, rp) if init.name == pair.a.name else (rp, ip)
        return pa, pb, chosen.lifetime
    return None


def _info(pair: Pair, pa: IkePolicy, pb: IkePolicy, used: int) -> Finding:
    a, b = pair.a, pair.b
    used_text = "unlimited" if used == 0 else f"{used} s"
    detail = (f"ISAKMP lifetimes differ: {a.name} policy {pa.priority} has {_life(pa)}, {b.name} policy "
              f"{pb.priority} has {_life(pb)}. Phase 1 still comes up: the shorter lifetime ({used_text}) is "
              "used. Unequal lifetimes make the two ends rekey on different timers, which can collide; an ASA "
              f"then logs `{COLLISION}: ... Failure during phase 1 rekey attempt due to collision` and the "
              "tunnel drops now and then.")
    sources = [pa.attr_sources.get("lifetime", pa.source), pb.attr_sources.get("lifetime", pb.source)]
    title = f"ISAKMP lifetimes differ between {a.name} ({_life(pa)}) and {b.name} ({_life(pb)})"
    return tunnel_finding(CATALOG_ID, Severity.INFO, pair, title, detail, sources,
                          _fixes(*_longer_shorter(a, pa, b, pb)), key="unequal")
