"""The exact-mirror shortcut of phase 2 must conclude what the general proxy comparison concludes.

``negotiate._exact_mirror`` skips the flow-set arithmetic when the responder's
crypto ACL is, entry for entry, the mirror image of the proposal.  These tests
run random pairs of small ACLs through ``_proxies`` with and without the
shortcut and require identical results, and check that the shortcut is really
taken on the common mirrored shape (so the comparison is not vacuous).
"""

from __future__ import annotations

import pytest
from builders import acl, deny, permit, tset
from hypothesis import given, settings
from hypothesis import strategies as st

from ipsec_doctor import negotiate
from ipsec_doctor.model import AccessList, Platform
from ipsec_doctor.negotiate import Phase2Offer, _proxies

NETS = ["10.1.0.0/24", "10.1.0.0/25", "10.1.0.128/25", "10.2.0.0/24", "10.2.0.0/23", "10.2.1.0/24",
        "10.0.0.0/8", "10.1.0.5/32", "0.0.0.0/0"]
PROTOS = ["ip", "tcp", "udp", "esp"]


def _offer(name: str, acl_: AccessList) -> Phase2Offer:
    return Phase2Offer(name, Platform.IOS, (tset(),), acl=acl_, acl_name=acl_.name)


permits = st.builds(permit, st.sampled_from(NETS), st.sampled_from(NETS), st.sampled_from(PROTOS))
aces = st.one_of(permits, permits, permits, st.builds(deny, st.sampled_from(NETS), st.sampled_from(NETS)))


@st.composite
def acl_pairs(draw: st.DrawFn) -> tuple[AccessList, AccessList]:
    local = acl("L", *draw(st.lists(aces, min_size=1, max_size=4)))
    if draw(st.booleans()):
        # the remote side written as the exact mirror (the shape the shortcut is for), maybe reordered
        mirrored = [permit(str(e.destinations[0]), str(e.sources[0]), e.services[0].protocol)
                    for e in local.entries if e.action == "permit"]
        order = draw(st.permutations(mirrored)) if mirrored else []
        remote = acl("R", *order) if order else acl("R", permit("10.9.9.0/24", "10.8.8.0/24"))
    else:
        remote = acl("R", *draw(st.lists(aces, min_size=1, max_size=4)))
    return local, remote


@settings(max_examples=300, deadline=None)
@given(acl_pairs())
def test_shortcut_and_general_comparison_agree(pair: tuple[AccessList, AccessList]) -> None:
    local, remote = pair
    init, resp = _offer("A", local), _offer("B", remote)
    fast = _proxies(init, resp)
    original = negotiate._exact_mirror
    try:
        negotiate._exact_mirror = lambda rows, resp_acl: False  # type: ignore[assignment]
        slow = _proxies(init, resp)
    finally:
        negotiate._exact_mirror = original
    assert fast == slow


def test_shortcut_is_taken_on_mirrored_acls_and_not_with_a_deny(monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[bool] = []
    original = negotiate._exact_mirror

    def spy(rows, resp_acl):  # type: ignore[no-untyped-def]
        taken.append(original(rows, resp_acl))
        return taken[-1]

    monkeypatch.setattr(negotiate, "_exact_mirror", spy)
    local = acl("L", permit("10.1.0.0/24", "10.2.0.0/24"), permit("10.1.0.0/24", "10.3.0.0/24", "tcp"))
    remote = acl("R", permit("10.2.0.0/24", "10.1.0.0/24"), permit("10.3.0.0/24", "10.1.0.0/24", "tcp"))
    proposed, rejected, failure, note = _proxies(_offer("A", local), _offer("B", remote))
    assert taken == [True]
    assert proposed == ["10.1.0.0/24 -> 10.2.0.0/24 ip", "tcp 10.1.0.0/24 -> 10.3.0.0/24"]
    assert (rejected, failure, note) == ([], None, None)
    with_deny = acl("R", deny("10.2.0.5/32", "10.1.0.0/24"), *remote.entries)
    _proxies(_offer("A", local), _offer("B", with_deny))
    assert taken == [True, False]
