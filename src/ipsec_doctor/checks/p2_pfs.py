"""P2-PFS — Perfect Forward Secrecy on one end only, or with different DH groups.

What it does
    For every tunnel with both ends in the snapshot, compares the PFS
    setting of the two crypto map entries (or IPsec profiles): IOS ``set pfs
    [groupN]`` (``set pfs`` alone is group 1), ASA/PIX ``crypto map M N set
    pfs [groupN]`` (alone: group 2).  Reports an error naming both settings.

Why it breaks
    PFS adds a Diffie-Hellman exchange to quick mode.  An initiator that
    asks for it is refused by a responder without it, and a responder that
    requires it refuses an initiator that does not offer it; different
    groups are refused the same way.  Phase 1 comes up, phase 2 does not.

Example
    HQ-ASA ``crypto map outside_map 10 set pfs group14``; BR1-RTR's ``crypto
    map VPN 10`` has no ``set pfs``.

Fix
    Same setting on both ends: add the stronger setting on the other end
    (fix A) or remove/lower it on this end (fix B).  Disruption: the
    tunnel renegotiates.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix
from ..model import Device
from ..pairing import TunnelEnd
from ..verdict import phase2_offer
from . import Context, check
from ._fix_tunnels import entry_set_lines, entry_unset_lines, pfs_words
from ._partial import excerpt_downgrade
from ._tunnels import Pair, Split, depends_text, entry_label, entry_sources, failing, pairs, tunnel_finding

CATALOG_ID = "P2-PFS"

# DH group strength order for choosing the stronger setting.
_RANK = {1: 0, 2: 1, 5: 2, 24: 3, 14: 4, 15: 5, 19: 6, 16: 7, 20: 8, 21: 9}


def _words(group: int | None) -> str:
    return "no PFS" if group is None else f"PFS group {group}"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One error per paired tunnel whose PFS settings differ."""
    for pair, s in failing(pairs(ctx), CATALOG_ID, 2):
        yield _finding(pair, s)


def pfs_lines(device: Device, end: TunnelEnd, group: int | None) -> list[str]:
    """Set (or remove, when ``group`` is None) PFS on the end's entry or IPsec profile."""
    if end.entry is None:
        profile = end.profile or "<ipsec-profile>"
        what = f"set pfs group{group}" if group is not None else "no set pfs"
        return [f"crypto ipsec profile {profile}", f" {what}"]
    if group is None:
        return entry_unset_lines(device, end, ["set pfs"])
    return entry_set_lines(device, end, [pfs_words(group)])


def _finding(pair: Pair, s: Split) -> Finding:
    ga = phase2_offer(pair.a, pair.end_a).pfs_group
    gb = phase2_offer(pair.b, pair.end_b).pfs_group
    a, b = pair.a, pair.b
    detail = (f"PFS settings differ: {a.name} ({entry_label(pair.end_a)}) uses {_words(ga)}, {b.name} "
              f"({entry_label(pair.end_b)}) uses {_words(gb)}. Phase 1 comes up but quick mode is refused, so "
              "no IPsec SA is built.")
    if not s.every:
        detail += " " + depends_text(s)

    def rank(g: int | None) -> int:
        return -1 if g is None else _RANK.get(g, 0)

    # The weaker setting (no PFS, or the weaker group) is the one to change first.
    (weak, weak_end, weak_g), (strong, strong_end, strong_g) = sorted(
        ((a, pair.end_a, ga), (b, pair.end_b, gb)), key=lambda t: rank(t[2]))
    fixes = [
        Fix(weak.name, tuple(pfs_lines(weak, weak_end, strong_g)), Disruption.RENEGOTIATES_TUNNEL,
            note=f"fix A: {weak.name} uses {_words(strong_g)} like {strong.name}"),
        Fix(strong.name, tuple(pfs_lines(strong, strong_end, weak_g)), Disruption.RENEGOTIATES_TUNNEL,
            note=f"fix B (alternative): {strong.name} uses {_words(weak_g)} like {weak.name}"),
    ]
    sources = entry_sources(pair.end_a, "pfs") + entry_sources(pair.end_b, "pfs")
    title = f"PFS differs between {a.name} ({_words(ga)}) and {b.name} ({_words(gb)})"
    return tunnel_finding(CATALOG_ID, s.severity, pair, title, detail, sources, fixes)
