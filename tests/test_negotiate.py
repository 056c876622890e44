"""Negotiation: each rule with its failing case and its passing twin; verdicts and predicted states."""

from __future__ import annotations

from builders import acl, device, entry, itf, key, permit, policy, tset

from ipsec_doctor.model import IkeSettings, Platform
from ipsec_doctor.negotiate import (
    Phase1Offer,
    Phase2Offer,
    negotiate_phase1,
    negotiate_phase2,
    negotiate_tunnel,
)
from ipsec_doctor.pairing import find_tunnels
from ipsec_doctor.secrets import Secret
from ipsec_doctor.states import NO_SA, predict_states

HQ, BR = "HQ-ASA", "BR1-RTR"


def p1(name: str, *policies, **kw) -> Phase1Offer:  # type: ignore[no-untyped-def]
    platform = Platform.ASA if name == HQ else Platform.IOS
    return Phase1Offer(name, platform, tuple(policies) or (policy(),), kw.pop("key", key("s3cret")), **kw)


# --------------------------------------------------------------------------- phase 1


def test_P1_POLICY_same_policy_is_chosen() -> None:
    result = negotiate_phase1(p1(HQ, policy(10)), p1(BR, policy(20)))
    assert result.status == "ok"
    assert result.chosen is not None
    assert (result.chosen.initiator_priority, result.chosen.responder_priority) == (10, 20)
    assert result.key_check == "match"


def test_P1_POLICY_dh_group_mismatch_names_both_groups() -> None:
    result = negotiate_phase1(p1(HQ, policy(group=14)), p1(BR, policy(group=2)))
    assert result.status == "fail"
    assert result.failure is not None
    assert result.failure.catalog_id == "P1-POLICY"
    assert result.failure.attribute == "group"
    assert result.failure.message == "no DH group in common: HQ-ASA proposes group 14, BR1-RTR proposes group 2"


def test_P1_POLICY_names_closest_pair_among_several_policies() -> None:
    init = p1(HQ, policy(10, "3des", "md5", group=2), policy(20, "aes-256", "sha", group=14))
    resp = p1(BR, policy(5, "aes-256", "sha256", group=14))
    result = negotiate_phase1(init, resp)
    assert result.failure is not None
    assert result.failure.attribute == "hash"
    assert result.failure.message == "no hash in common: HQ-ASA proposes sha, BR1-RTR proposes sha256"


def test_P1_POLICY_responder_order_decides_which_pair_is_chosen() -> None:
    init = p1(HQ, policy(10, group=14), policy(20, group=5))
    resp = p1(BR, policy(1, group=5), policy(2, group=14))
    result = negotiate_phase1(init, resp)
    assert result.chosen is not None
    assert (result.chosen.initiator_priority, result.chosen.responder_priority) == (20, 1)


def test_P1_LIFETIME_responder_longer_fails() -> None:
    result = negotiate_phase1(p1(HQ, policy(lifetime=3600)), p1(BR, policy(lifetime=86400)))
    assert result.status == "fail"
    assert result.failure is not None and result.failure.catalog_id == "P1-LIFETIME"
    assert "BR1-RTR (responder, policy 10) has 86400 s" in result.failure.message


def test_P1_LIFETIME_responder_shorter_succeeds_with_shorter_lifetime() -> None:
    result = negotiate_phase1(p1(HQ, policy(lifetime=86400)), p1(BR, policy(lifetime=3600)))
    assert result.status == "ok"
    assert result.chosen is not None and result.chosen.lifetime == 3600
    assert any("3600 s is used" in n for n in result.notes)


def test_P1_PSK_keys_differ() -> None:
    result = negotiate_phase1(p1(HQ, key=key("alpha-key")), p1(BR, key=key("alpha-kex")))
    assert result.status == "fail" and result.key_check == "mismatch"
    assert result.failure is not None and result.failure.catalog_id == "P1-PSK"
    assert "alpha" not in result.failure.message and "alpha" not in repr(result)


def test_P1_PSK_masked_key_cannot_be_verified_and_says_what_to_run() -> None:
    result = negotiate_phase1(p1(HQ, key=Secret.masked()), p1(BR, key=key("alpha-key")))
    assert result.status == "unknown" and result.key_check == "cannot-verify"
    assert "more system:running-config" in result.notes[0]


def test_P1_PSK_type6_key_cannot_be_verified() -> None:
    result = negotiate_phase1(p1(HQ, key=key("alpha-key")), p1(BR, key=Secret.encrypted("6")))
    assert result.key_check == "cannot-verify"
    assert "type 6" in result.notes[0]


def test_P1_IDENTITY_address_vs_hostname_fails_auto_is_address() -> None:
    bad = negotiate_phase1(p1(HQ, identity="address"), p1(BR, identity="hostname"))
    good = negotiate_phase1(p1(HQ, identity="auto"), p1(BR, identity="address"))
    assert bad.failure is not None and bad.failure.catalog_id == "P1-IDENTITY"
    assert good.status == "ok"


def test_P1_ENABLE_responder_without_ike_fails() -> None:
    bad = negotiate_phase1(p1(HQ), p1(BR, ike_enabled=False, interface="GigabitEthernet0/0"))
    assert bad.failure is not None and bad.failure.catalog_id == "P1-ENABLE"
    assert "BR1-RTR's interface GigabitEthernet0/0" in bad.failure.message
    assert negotiate_phase1(p1(HQ), p1(BR)).status == "ok"


def test_P1_AGGR_aggressive_initiator_against_disabled_responder() -> None:
    bad = negotiate_phase1(p1(HQ, aggressive=True), p1(BR, aggressive_disabled=True))
    good = negotiate_phase1(p1(HQ, aggressive=True), p1(BR))
    assert bad.failure is not None and bad.failure.catalog_id == "P1-AGGR"
    assert good.status == "ok"


def test_P1_NATT_off_across_nat_is_a_warning() -> None:
    result = negotiate_phase1(p1(HQ, nat_traversal=False), p1(BR), nat_between=True)
    assert result.status == "ok"
    assert [w.catalog_id for w in result.warnings] == ["P1-NATT"]
    assert negotiate_phase1(p1(HQ, nat_traversal=False), p1(BR)).warnings == ()


# --------------------------------------------------------------------------- phase 2

LOCAL = acl("VPN", permit("10.1.0.0/24", "10.2.0.0/24"))
REMOTE = acl("VPN", permit("10.2.0.0/24", "10.1.0.0/24"))


def p2(name: str, acl_=None, **kw) -> Phase2Offer:  # type: ignore[no-untyped-def]
    platform = Platform.ASA if name == HQ else Platform.IOS
    kw.setdefault("transform_sets", (tset(),))
    a = acl_ if acl_ is not None else (LOCAL if name == HQ else REMOTE)
    return Phase2Offer(name, platform, acl=a, acl_name=a.name, **kw)


def test_P2_mirrored_acls_and_same_transform_come_up() -> None:
    result = negotiate_phase2(p2(HQ), p2(BR))
    assert result.status == "ok"
    assert result.transform == ("TS", "TS")
    assert result.proposed == ("10.1.0.0/24 -> 10.2.0.0/24 ip",)


def test_P2_TRANSFORM_mismatch_names_both_sets() -> None:
    result = negotiate_phase2(p2(HQ), p2(BR, transform_sets=(tset("MYSET", "esp-3des", None, "esp-md5-hmac"),)))
    assert result.failure is not None and result.failure.catalog_id == "P2-TRANSFORM"
    assert "TS (esp-aes 256 esp-sha-hmac)" in result.failure.message
    assert "MYSET (esp-3des esp-md5-hmac)" in result.failure.message


def test_P2_TRANSFORM_mode_must_agree() -> None:
    result = negotiate_phase2(p2(HQ), p2(BR, transform_sets=(tset(mode="transport"),)))
    assert result.failure is not None and result.failure.attribute == "mode"


def test_P2_PFS_on_one_end_only_fails() -> None:
    result = negotiate_phase2(p2(HQ, pfs_group=14), p2(BR))
    assert result.failure is not None and result.failure.catalog_id == "P2-PFS"
    assert result.failure.message == "PFS on one end only: HQ-ASA uses PFS group 14, BR1-RTR uses no PFS"


def test_P2_PFS_absent_on_both_ends_is_fine_and_same_group_is_fine() -> None:
    assert negotiate_phase2(p2(HQ), p2(BR)).status == "ok"
    assert negotiate_phase2(p2(HQ, pfs_group=5), p2(BR, pfs_group=5)).pfs_group == 5


def test_P2_PFS_different_groups_name_both() -> None:
    result = negotiate_phase2(p2(HQ, pfs_group=14), p2(BR, pfs_group=2))
    assert result.failure is not None and result.failure.summary == "PFS groups differ"


def test_P2_MIRROR_names_the_flows_the_responder_refuses() -> None:
    local = acl("VPN", permit("10.1.0.0/24", "10.2.0.0/24"), permit("10.1.0.0/24", "10.3.0.0/24"))
    result = negotiate_phase2(p2(HQ, local), p2(BR))
    assert result.failure is not None and result.failure.catalog_id == "P2-MIRROR"
    assert result.rejected == ("10.1.0.0/24 -> 10.3.0.0/24 ip",)


def test_P2_MIRROR_subset_proposal_is_accepted_by_responder_but_not_the_reverse() -> None:
    narrow = acl("VPN", permit("10.1.0.0/24", "10.2.0.0/25"))
    forward = negotiate_phase2(p2(HQ, narrow), p2(BR))
    backward = negotiate_phase2(p2(BR), p2(HQ, narrow))
    assert forward.status == "ok"
    assert backward.status == "fail"
    assert backward.rejected == ("10.2.0.128/25 -> 10.1.0.0/24 ip",)


def test_P2_MIRROR_proposal_spanning_two_responder_entries_is_refused() -> None:
    wide = acl("VPN", permit("10.1.0.0/24", "10.2.0.0/23"))
    split = acl("VPN", permit("10.2.0.0/24", "10.1.0.0/24"), permit("10.2.1.0/24", "10.1.0.0/24"))
    result = negotiate_phase2(p2(HQ, wide), p2(BR, split))
    assert result.status == "fail"
    assert any("several" in line for line in result.rejected)


def test_P2_ACLREF_missing_acl() -> None:
    offer = Phase2Offer(BR, Platform.IOS, (tset(),), acl=None, acl_name="101")
    result = negotiate_phase2(p2(HQ), offer)
    assert result.failure is not None and result.failure.catalog_id == "P2-ACLREF"
    assert "101, which does not exist" in result.failure.message


def test_P2_lifetimes_differ_lower_wins() -> None:
    result = negotiate_phase2(p2(HQ, lifetime_seconds=28800), p2(BR, lifetime_seconds=3600))
    assert result.status == "ok" and result.lifetime_seconds == 3600


# --------------------------------------------------------------------------- tunnels and states


def _pair(*, hq_key: str = "s3cret", br_key: str = "s3cret", br_policy=None, br_acl=None, hq_version=(9, 8)):  # type: ignore[no-untyped-def]
    hq = device(HQ, Platform.ASA, interfaces=(itf("GigabitEthernet0/0", "198.51.100.2/24", "outside"),),
                maps={"OUTSIDE_MAP": [entry("OUTSIDE_MAP", 10, ["203.0.113.10"])]},
                bindings=[("OUTSIDE_MAP", "outside")], acls=(LOCAL,), psks={"203.0.113.10": key(hq_key)},
                version=hq_version)
    br = device(BR, interfaces=(itf("GigabitEthernet0/0", "203.0.113.10/24"),),
                maps={"VPN": [entry("VPN", 10, ["198.51.100.2"])]}, bindings=[("VPN", "GigabitEthernet0/0")],
                acls=(br_acl or REMOTE,), psks={"198.51.100.2/32": key(br_key)},
                policies=(br_policy or policy(),))
    return [hq, br]


def _verdict(devices):  # type: ignore[no-untyped-def]
    (tunnel,) = find_tunnels(devices)
    return tunnel, negotiate_tunnel(tunnel, devices)


def test_tunnel_up_in_both_directions() -> None:
    tunnel, v = _verdict(_pair())
    assert v.verdict == "up" and v.phase1 == "up" and v.phase2 == "up"
    assert v.summary.startswith("comes up")
    assert predict_states(v, tunnel.ends) == {HQ: "MM_ACTIVE", BR: "QM_IDLE"}


def test_tunnel_fails_at_phase1_when_keys_differ_and_states_show_msg6() -> None:
    tunnel, v = _verdict(_pair(br_key="other"))
    assert v.verdict == "fails"
    assert v.summary == "fails at phase 1 — pre-shared keys differ"
    states = predict_states(v, tunnel.ends)
    assert v.directions[0].initiator == BR  # ends sorted by device name: BR1-RTR first
    assert states == {BR: "MM_KEY_EXCH", HQ: "MM_WAIT_MSG5"}


def test_asa_7_initiator_prints_msg_6_with_underscore() -> None:
    tunnel, v = _verdict(_pair(br_key="other", hq_version=(7, 2)))
    hq_first = next(d for d in v.directions if d.initiator == HQ)
    from ipsec_doctor.verdict import TunnelVerdict

    only_hq = TunnelVerdict(v.tunnel, v.verdict, v.summary, (hq_first,), v.phase1, v.phase2)
    assert predict_states(only_hq, tunnel.ends) == {HQ: "MM_WAIT_MSG_6", BR: "MM_KEY_EXCH"}


def test_lifetime_rule_makes_verdict_depend_on_initiator() -> None:
    tunnel, v = _verdict(_pair(br_policy=policy(lifetime=3600)))
    assert v.verdict == "depends-on-initiator"
    assert v.summary.startswith(f"comes up only when {HQ} initiates; when {BR} initiates it fails at phase 1")
    assert predict_states(v, tunnel.ends) == {BR: "MM_NO_STATE", HQ: NO_SA}


def test_subset_acl_makes_verdict_depend_on_initiator() -> None:
    tunnel, v = _verdict(_pair(br_acl=acl("VPN", permit("10.2.0.0/25", "10.1.0.0/24"))))
    assert v.verdict == "depends-on-initiator"
    assert "phase 2 — crypto ACLs are not mirror images" in v.summary


def test_masked_key_gives_unknown_verdict() -> None:
    devices = _pair()
    hq = devices[0]
    from dataclasses import replace

    from ipsec_doctor.model import TunnelGroup, frozen_map

    hq = replace(hq, tunnel_groups=frozen_map({"203.0.113.10": TunnelGroup("203.0.113.10", "ipsec-l2l",
                                                                              ikev1_psk=Secret.masked())}))
    tunnel, v = _verdict([hq, devices[1]])
    assert v.verdict == "unknown"
    assert "more system:running-config" in v.summary
    assert predict_states(v, tunnel.ends) == {}


def test_asa_without_ike_enable_fails_with_msg2_on_the_router() -> None:
    devices = _pair()
    from dataclasses import replace

    hq = replace(devices[0], ike=IkeSettings())
    tunnel, v = _verdict([hq, devices[1]])
    assert v.verdict == "fails"
    assert v.summary == "fails at phase 1 — IKE not enabled on the interface"
    assert predict_states(v, tunnel.ends) == {BR: "MM_NO_STATE", HQ: NO_SA}


def test_one_sided_tunnel_is_unknown() -> None:
    (tunnel,) = find_tunnels(_pair()[:1])
    v = negotiate_tunnel(tunnel, _pair()[:1])
    assert v.verdict == "unknown" and "not in the snapshot" in v.summary
