"""P1-POLICY — the peers have no ISAKMP (IKEv1) policy in common.

What it does
    For every tunnel whose two ends are in the snapshot, takes the phase 1
    negotiation in each direction and reports when no pair of policies
    agrees on encryption, hash, authentication and DH group.  The detail
    names the failing attribute with both offers ("no DH group in common:
    HQ-ASA proposes group 14, BR1-RTR proposes group 2") and lists every
    policy of both ends, marking values that come from platform defaults.

Why it breaks
    The initiator sends all its policies; the responder must find one of its
    own that is identical in those four attributes.  Otherwise it answers
    NO_PROPOSAL_CHOSEN and the initiator sits in MM_WAIT_MSG2 (ASA) or
    MM_NO_STATE (IOS).  A missing ``authentication pre-share`` line is a
    classic cause: the default is rsa-sig.

Example
    HQ-ASA ``crypto ikev1 policy 10`` / ``group 14`` and BR1-RTR
    ``crypto isakmp policy 10`` / ``group 2``.

Fix
    Add a policy on the weaker side equal to the stronger side's policy
    (fix A), or, as an alternative, a policy on the stronger side equal to
    the weaker one (fix B).  A new policy leaves the existing ones, and the
    tunnels to other peers that use them, untouched.  Disruption: none.
    When the failure depends on which end initiates the finding is a
    warning.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix
from ..model import Device, IkePolicy, Source
from . import Context, check
from ._fix_tunnels import new_policy_lines
from ._partial import excerpt_downgrade
from ._policies import closest_pair, describe, differing, strength
from ._tunnels import Pair, Split, depends_text, entry_sources, failing, pairs, tunnel_finding

CATALOG_ID = "P1-POLICY"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One finding per paired tunnel whose phase 1 finds no common policy in some direction."""
    for pair, s in failing(pairs(ctx), CATALOG_ID, 1):
        yield _finding(pair, s)


def _offers(device: Device) -> str:
    if not device.ikev1_policies:
        return f"{device.name} has no ISAKMP policy"
    return f"{device.name} offers " + "; ".join(describe(p) for p in sorted(device.ikev1_policies,
                                                                           key=lambda p: p.priority))


def _finding(pair: Pair, s: Split) -> Finding:
    failure = s.failing[0][1]
    a, b = pair.a, pair.b
    # The negotiation message may already be one of the offer sentences ("R1 has no ISAKMP policy"): say it once.
    sentences = [f"{failure.message[:1].upper()}{failure.message[1:]}".rstrip("."), _offers(a), _offers(b)]
    detail = " ".join(f"{x}." for x in dict.fromkeys(sentences))
    if not s.every:
        detail += " " + depends_text(s)
    sources: list[Source | None] = []
    fixes: list[Fix] = []
    closest = closest_pair(a.ikev1_policies, b.ikev1_policies)
    if closest is not None:
        pa, pb = closest
        diffs = differing(pa, pb) or ["lifetime"]
        for p in (pa, pb):
            sources.append(p.source)
            sources.extend(p.attr_sources.get(x) for x in diffs)
        weak_dev, weak_pol, strong_dev, strong_pol = (
            (a, pa, b, pb) if strength(pa) <= strength(pb) else (b, pb, a, pa))
        fixes.append(_add_policy(weak_dev, strong_pol, strong_dev,
                                 f"fix A: {weak_dev.name} adopts {strong_dev.name}'s policy {strong_pol.priority}"))
        fixes.append(_add_policy(strong_dev, weak_pol, weak_dev,
                                 f"fix B (alternative): {strong_dev.name} accepts {weak_dev.name}'s policy "
                                 f"{weak_pol.priority}"))
        words = " and ".join({"group": "DH group"}.get(x, x) for x in diffs)
        title = (f"No ISAKMP policy in common between {a.name} and {b.name} "
                 f"({words} {'differ' if len(diffs) > 1 else 'differs'})")
    else:
        have, lack = (a, b) if a.ikev1_policies else (b, a)
        if have.ikev1_policies:
            first = min(have.ikev1_policies, key=lambda p: p.priority)
            sources.append(first.source)
            fixes.append(_add_policy(lack, first, have, f"{lack.name} has no ISAKMP policy: add one"))
        title = f"No ISAKMP policy in common between {a.name} and {b.name} ({lack.name} has none)"
    sources += entry_sources(pair.end_a, "peer") + entry_sources(pair.end_b, "peer")
    return tunnel_finding(CATALOG_ID, s.severity, pair, title, detail, sources, fixes)


def _add_policy(device: Device, like: IkePolicy, owner: Device, note: str) -> Fix:
    priority, lines = new_policy_lines(device, like)
    return Fix(device.name, tuple(lines), Disruption.NONE,
               note=f"{note} (as new policy {priority}; existing policies and other peers are unaffected)")
