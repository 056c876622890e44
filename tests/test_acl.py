"""ACLs as flow sets: first match, mirror, overlap, coverage, text."""

from __future__ import annotations

import time

from builders import acl, deny, permit

from ipsec_doctor.acl import (
    describe,
    entry_flows,
    flows_covered,
    mirror,
    mirror_mismatch,
    overlap,
    permitted_flows,
)


def test_permitted_flows_describes_a_plain_permit() -> None:
    flows = permitted_flows(acl("A", permit("10.1.0.0/24", "10.2.0.0/24")))
    assert describe(flows) == ["10.1.0.0/24 -> 10.2.0.0/24 ip"]


def test_describe_names_protocol_and_destination_port() -> None:
    flows = permitted_flows(acl("A", permit("10.1.0.0/24", "10.2.0.5/32", "tcp", dport=((443, 443),))))
    assert describe(flows) == ["tcp 10.1.0.0/24 -> 10.2.0.5/32 eq 443"]


def test_earlier_deny_removes_flows_from_later_permit() -> None:
    flows = permitted_flows(acl("A", deny("10.1.0.0/25", "10.2.0.0/24"), permit("10.1.0.0/24", "10.2.0.0/24")))
    assert describe(flows) == ["10.1.0.128/25 -> 10.2.0.0/24 ip"]


def test_later_deny_does_not_remove_earlier_permit() -> None:
    flows = permitted_flows(acl("A", permit("10.1.0.0/24", "10.2.0.0/24"), deny("10.1.0.0/25", "10.2.0.0/24")))
    assert describe(flows) == ["10.1.0.0/24 -> 10.2.0.0/24 ip"]


def test_inactive_entries_are_skipped() -> None:
    flows = permitted_flows(acl("A", deny("any", "any", inactive=True), permit("10.1.0.0/24", "10.2.0.0/24")))
    assert describe(flows) == ["10.1.0.0/24 -> 10.2.0.0/24 ip"]


def test_adjacent_networks_merge_into_one_prefix() -> None:
    flows = permitted_flows(acl("A", permit("10.1.0.0/24", "10.9.0.0/16"), permit("10.1.1.0/24", "10.9.0.0/16")))
    assert describe(flows) == ["10.1.0.0/23 -> 10.9.0.0/16 ip"]


def test_deny_of_one_port_leaves_other_protocols_and_ports() -> None:
    flows = permitted_flows(
        acl("A", deny("10.1.0.0/24", "10.2.0.0/24", "tcp", dport=((23, 23),)), permit("10.1.0.0/24", "10.2.0.0/24"))
    )
    text = describe(flows)
    assert "tcp 10.1.0.0/24 -> 10.2.0.0/24 lt 23" in text
    assert "tcp 10.1.0.0/24 -> 10.2.0.0/24 gt 23" in text
    assert "protocols 0-5 10.1.0.0/24 -> 10.2.0.0/24" in text
    full = permitted_flows(acl("B", permit("10.1.0.0/24", "10.2.0.0/24")))
    assert not flows.equals(full)
    assert describe(full.difference(flows)) == ["tcp 10.1.0.0/24 -> 10.2.0.0/24 eq 23"]


def test_ip_permit_covers_a_tcp_port_permit() -> None:
    narrow = permitted_flows(acl("N", permit("10.1.0.0/24", "10.2.0.5/32", "tcp", dport=((443, 443),))))
    wide = permitted_flows(acl("W", permit("10.1.0.0/16", "10.2.0.0/16")))
    assert flows_covered(narrow, wide)
    assert not flows_covered(wide, narrow)


def test_ipv4_and_ipv6_never_intersect() -> None:
    v4 = permitted_flows(acl("A", permit("any", "any")))
    v6 = permitted_flows(acl("B", permit("::/0", "::/0")))
    assert v4.intersection(v6).is_empty()
    assert describe(v6) == ["any6 -> any6 ip"]


def test_P2_MIRROR_mirror_images_compare_equal() -> None:
    local = acl("L", permit("10.1.0.0/24", "10.2.0.0/24"))
    remote = acl("R", permit("10.2.0.0/24", "10.1.0.0/24"))
    result = mirror_mismatch(local, remote)
    assert result.mirrored
    assert result.only_local.is_empty() and result.only_remote.is_empty()


def test_P2_MIRROR_names_the_flows_that_differ() -> None:
    local = acl("L", permit("10.1.0.0/24", "10.2.0.0/24"), permit("10.1.0.0/24", "10.3.0.0/24"))
    remote = acl("R", permit("10.2.0.0/24", "10.1.0.0/24"), permit("10.4.0.0/24", "10.1.0.0/24"))
    result = mirror_mismatch(local, remote)
    assert not result.mirrored
    assert describe(result.only_local) == ["10.1.0.0/24 -> 10.3.0.0/24 ip"]
    assert describe(result.only_remote) == ["10.1.0.0/24 -> 10.4.0.0/24 ip"]


def test_mirror_swaps_ports_too() -> None:
    flows = permitted_flows(acl("A", permit("10.1.0.0/24", "10.2.0.5/32", "tcp", dport=((443, 443),))))
    assert describe(mirror(flows)) == ["tcp 10.2.0.5/32 eq 443 -> 10.1.0.0/24"]


def test_P2_OVERLAP_reports_flows_both_entries_claim() -> None:
    a = acl("A", permit("10.1.0.0/16", "10.2.0.0/16"))
    b = acl("B", permit("10.1.5.0/24", "10.0.0.0/8"))
    assert describe(overlap(a, b)) == ["10.1.5.0/24 -> 10.2.0.0/16 ip"]
    c = acl("C", permit("10.1.0.0/16", "10.3.0.0/16"))
    assert overlap(a, c).is_empty()


def test_NAT_MATCH_exemption_covering_crypto_acl() -> None:
    crypto = permitted_flows(acl("C", permit("10.1.0.0/24", "10.2.0.0/24")))
    exempt_ok = permitted_flows(acl("N", permit("10.1.0.0/16", "10.2.0.0/16")))
    exempt_short = permitted_flows(acl("N2", permit("10.1.0.0/25", "10.2.0.0/24")))
    assert flows_covered(crypto, exempt_ok)
    assert not flows_covered(crypto, exempt_short)
    assert describe(crypto.difference(exempt_short)) == ["10.1.0.128/25 -> 10.2.0.0/24 ip"]


def test_unresolved_names_make_the_set_uncertain() -> None:
    flows = permitted_flows(acl("A", permit("10.1.0.0/24", "10.2.0.0/24", unresolved=("OBJ-MISSING",))))
    assert flows.uncertain


def test_entry_flows_removes_earlier_denies_per_permit() -> None:
    rows = entry_flows(acl("A", permit("10.1.0.0/24", "10.2.0.0/24"), deny("10.1.0.0/24", "10.3.0.0/25"),
                           permit("10.1.0.0/24", "10.3.0.0/24")))
    assert [describe(f) for _, f in rows] == [["10.1.0.0/24 -> 10.2.0.0/24 ip"], ["10.1.0.0/24 -> 10.3.0.128/25 ip"]]


def test_non_prefix_range_is_described_as_a_range() -> None:
    flows = permitted_flows(acl("A", permit(["10.0.0.1/32", "10.0.0.2/32"], "10.9.9.9/32")))
    assert describe(flows) == ["10.0.0.1-10.0.0.2 -> 10.9.9.9/32 ip"]


def test_thousand_line_acls_compare_quickly() -> None:
    entries_a = []
    entries_b = []
    for i in range(1000):
        third, fourth = divmod(i, 250)
        entries_a.append(permit(f"10.{third}.{fourth}.0/24", f"172.16.{fourth}.0/24"))
        entries_b.append(permit(f"172.16.{fourth}.0/24", f"10.{third}.{fourth}.0/24"))
        if i % 50 == 0:
            entries_a.insert(0, deny(f"10.{third}.{fourth}.128/25", "172.16.0.0/16"))
    entries_b.append(permit("172.16.5.0/24", "192.168.1.0/24"))
    start = time.perf_counter()
    result = mirror_mismatch(acl("A", *entries_a), acl("B", *entries_b))
    elapsed = time.perf_counter() - start
    assert len(describe(result.only_remote)) == 21  # 20 half-denied /24s + the extra remote line
    assert result.only_local.is_empty()
    assert elapsed < 1.0
