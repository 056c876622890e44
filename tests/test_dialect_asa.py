"""ASA dialect per generation (7.2, 8.2, 8.4, 9.x): parsed values, defaults and problems."""

from __future__ import annotations

from ipaddress import ip_address, ip_network

import pytest
from asa_fixture_helpers import parse_fixture, parse_text

from ipsec_doctor.model import ANY4, Service
from ipsec_doctor.secrets import SecretState

CANARIES = ("asa72CanaryKey!", "raCanaryKey77", "P4ssCanaryHash", "radiusCanary", "asa84CanaryV1",
            "asa84CanaryLocal", "asa98CanaryRemote", "asa98CanaryLocal", "AbCdEf0123456789")


@pytest.mark.parametrize("name", ["asa72_l2l.cfg", "asa82_ra.cfg", "asa84_l2l.cfg", "asa9x_vti.cfg"])
def test_asa_secrets_never_appear_in_repr_of_device(name: str) -> None:
    text = repr(parse_fixture(f"asa/{name}"))
    assert not [c for c in CANARIES if c in text]
    assert "<redacted>" in text or "<secret" in text


# --------------------------------------------------------------------------- 7.2


def test_asa72_interfaces_names_and_global_mtu() -> None:
    d = parse_fixture("asa/asa72_l2l.cfg")
    assert (d.name, d.version, d.version_tuple, d.domain) == ("asa72", "7.2(4)", (7, 2, 4), "example.org")
    outside = d.interface("outside")
    assert outside is not None and outside.name == "Ethernet0/0" and outside.mtu == 1500
    assert str(outside.primary_address) == "203.0.113.20/24" and outside.crypto_map == "outside_map"
    inside = d.interface("inside")
    assert inside is not None and inside.description == "inside LAN" and inside.security_level == 100
    mgmt = d.interface("Management0/0")
    assert mgmt is not None and mgmt.shutdown and mgmt.nameif is None
    assert d.names["hq-peer"].networks == (ip_network("198.51.100.20/32"),)
    assert d.names["site.lan.example"].networks == (ip_network("10.1.0.0/32"),)


def test_asa72_isakmp_policy_one_liners_and_block_get_asa_defaults() -> None:
    d = parse_fixture("asa/asa72_l2l.cfg")
    p10, p30 = d.ikev1_policies
    assert (p10.encryption, p10.hash, p10.authentication, p10.group, p10.lifetime) == (
        "aes-256", "sha", "pre-share", 5, 28800)
    assert p10.defaulted == frozenset()
    assert (p30.encryption, p30.hash, p30.group, p30.lifetime) == ("3des", "sha", 2, 86400)
    assert p30.defaulted == {"encryption", "hash", "group", "lifetime"}


def test_asa72_nat_traversal_is_off_by_default_and_identity_auto() -> None:
    d = parse_fixture("asa/asa72_l2l.cfg")
    assert not d.ike.nat_traversal and d.ike.nat_traversal_defaulted
    assert d.ike.identity == "auto" and d.ike.identity_defaulted
    assert d.ike.enabled_on("outside")


def test_asa72_crypto_map_one_liners_with_attr_sources() -> None:
    d = parse_fixture("asa/asa72_l2l.cfg")
    (e,) = d.crypto_maps["outside_map"].entries
    assert e.seq == 20 and e.match_acl == "L2L" and e.transform_sets == ("AES256-SHA",)
    assert e.pfs_group == 2  # `set pfs` alone is group 2 on ASA
    assert e.peers[0].address == ip_address("198.51.100.20")
    assert e.lifetime_seconds == 7200 and e.reverse_route and e.nat_t_disable and e.phase1_mode == "aggressive"
    assert {k: s.line for k, s in e.attr_sources.items()} == {
        "match": 58, "pfs": 59, "peer": 60, "transform-set": 61, "lifetime": 62, "reverse-route": 63,
        "nat-t-disable": 64, "phase1-mode": 65}
    assert [(b.map_name, b.interface) for b in d.bindings] == [("outside_map", "outside")]
    assert d.ipsec_lifetime_seconds == 3600 and d.ipsec_lifetime_kilobytes == 4608000


def test_asa72_transform_sets_normalised_and_transport_mode() -> None:
    d = parse_fixture("asa/asa72_l2l.cfg")
    ts = d.transform_sets["AES256-SHA"]
    assert ts.key == ("esp-aes", 256, "esp-sha-hmac", None) and ts.mode == "tunnel"
    tr = d.transform_sets["TRANSPORT"]
    assert tr.key == ("esp-3des", None, "esp-md5-hmac", None) and tr.mode == "transport"


def test_asa72_tunnel_group_psk_keepalive_and_default_keepalive() -> None:
    d = parse_fixture("asa/asa72_l2l.cfg")
    tg = d.tunnel_groups["198.51.100.20"]
    assert tg.type == "ipsec-l2l" and tg.ikev1_psk is not None and tg.ikev1_psk.state is SecretState.CLEAR
    assert tg.keepalive is not None and (tg.keepalive.interval, tg.keepalive.retry) == (15, 5)
    assert not tg.keepalive.defaulted
    masked = d.tunnel_groups["192.0.2.99"]
    assert masked.ikev1_psk is not None and masked.ikev1_psk.state is SecretState.MASKED
    assert masked.keepalive is not None and masked.keepalive.defaulted
    assert (masked.keepalive.interval, masked.keepalive.retry) == (10, 2)


def test_asa72_object_groups_flatten_and_resolve_in_acls() -> None:
    d = parse_fixture("asa/asa72_l2l.cfg")
    remote = d.object_groups["REMOTE-NETS"]
    assert remote.networks == (ip_network("10.1.0.0/24"), ip_network("10.1.5.5/32"), ip_network("10.1.0.0/16"))
    assert d.object_groups["WEB"].ports == ((80, 80), (8080, 8081))
    web, dns, deny = d.acls["outside_in"].entries
    assert web.services == (Service("tcp", None, ((80, 80), (8080, 8081))),)
    assert web.destinations == (ip_network("203.0.113.20/32"),)
    assert dns.services == (Service("tcp", None, ((53, 53),)), Service("udp", None, ((53, 53),)))
    assert deny.action == "deny" and deny.unresolved == ("MISSING-GROUP",)
    split = d.acls["SPLIT"]
    assert split.kind == "standard" and split.entries[0].sources == (ip_network("10.2.0.0/24"),)
    assert split.entries[0].destinations == (ANY4,)


def test_asa72_legacy_nat_settings_and_problems() -> None:
    d = parse_fixture("asa/asa72_l2l.cfg")
    assert [(r.order, r.kind, r.acl) for r in d.nat_rules] == [(0, "asa-nat0", "NONAT"), (1, "asa-dynamic", None)]
    assert d.nat_rules[1].real_source == (ip_network("10.2.0.0/24"),)
    permit = d.setting("sysopt connection permit-vpn")
    assert permit is not None and not permit.enabled and not permit.defaulted
    mss = d.setting("sysopt connection tcpmss")
    assert mss is not None and mss.value == "1300"
    assert d.management_access == "inside" and d.same_security_intra and not d.same_security_inter
    assert [p.line for p in d.problems] == [45, 82]
    assert "unrecognised tunnel-group ipsec-attributes" in d.problems[1].message


# --------------------------------------------------------------------------- 8.2 remote access


def test_asa82_remote_access_dynamic_map_pool_and_group_policy() -> None:
    d = parse_fixture("asa/asa82_ra.cfg")
    (static,) = d.crypto_maps["outside_map"].entries
    assert static.seq == 65535 and static.dynamic_map == "DYN"
    (dyn,) = d.dynamic_maps["DYN"]
    assert dyn.is_dynamic and dyn.transform_sets == ("ESP-3DES-SHA",) and dyn.reverse_route
    pool = d.pools["RAPOOL"]
    assert (str(pool.first), str(pool.last), pool.size, str(pool.mask)) == (
        "192.168.99.10", "192.168.99.50", 41, "255.255.255.0")
    gp = d.group_policies["RAGP"]
    assert gp.kind == "internal"
    assert gp.get("split-tunnel-network-list").value == "split"  # type: ignore[union-attr]
    assert gp.get("dns-server").value == "192.168.10.53 192.168.10.54"  # type: ignore[union-attr]
    assert gp.get("vpn-tunnel-protocol").value == "IPSec"  # type: ignore[union-attr]
    assert "webvpn" not in gp.attributes


def test_asa82_tunnel_group_user_and_aaa_server() -> None:
    d = parse_fixture("asa/asa82_ra.cfg")
    tg = d.tunnel_groups["RA"]
    assert tg.type == "remote-access" and tg.address_pools == ("RAPOOL",)
    assert tg.default_group_policy == "RAGP" and tg.authentication_server_group == "RADIUS"
    assert tg.ikev1_user_authentication == "none"
    assert tg.keepalive is not None and tg.keepalive.defaulted and tg.keepalive.interval == 300
    assert d.users["alice"].attributes["vpn-group-policy"].value == "RAGP"
    (aaa,) = d.aaa_servers
    assert (aaa.group, aaa.protocol, aaa.host, aaa.interface, aaa.timeout) == (
        "RADIUS", "radius", "192.168.10.7", "inside", 5)


def test_asa82_lifetime_none_identity_and_nat_traversal_disabled() -> None:
    d = parse_fixture("asa/asa82_ra.cfg")
    (p,) = d.ikev1_policies
    assert p.lifetime == 0 and p.defaulted == frozenset()
    assert d.ike.identity == "hostname" and not d.ike.identity_defaulted
    assert not d.ike.nat_traversal and not d.ike.nat_traversal_defaulted
    assert d.interface("outside").dhcp  # type: ignore[union-attr]
    preserve = d.setting("sysopt connection preserve-vpn-flows")
    assert preserve is not None and preserve.enabled and not preserve.defaulted
    assert len(d.threat_detection) == 2 and d.problems == ()


def test_asa82_acl_interface_operand_on_dhcp_interface_is_unresolved_quietly() -> None:
    d = parse_fixture("asa/asa82_ra.cfg")
    (entry,) = d.acls["outside_in"].entries
    assert entry.unresolved == ("interface outside",) and entry.destinations == ()
    static = d.nat_rules[1]
    assert static.kind == "asa-static" and static.pool_or_interface == "interface"
    assert static.service == ("tcp", "https", "https")


# --------------------------------------------------------------------------- 8.4


def test_asa84_ikev1_keywords_policies_and_enables() -> None:
    d = parse_fixture("asa/asa84_l2l.cfg")
    p10, p20 = d.ikev1_policies
    assert (p10.encryption, p10.group) == ("aes-256", 14)
    assert (p20.encryption, p20.authentication) == ("aes", "rsa-sig")
    assert p20.defaulted == {"authentication", "hash", "group", "lifetime"}
    assert d.ike.enabled_on("outside", 1) and d.ike.enabled_on("outside", 2)
    assert d.ike.aggressive_mode_disabled
    assert d.ike.nat_traversal and d.ike.nat_traversal_keepalive == 30 and not d.ike.nat_traversal_defaulted
    (v2,) = d.ikev2_proposals
    assert (v2.priority, v2.encryption, v2.integrity, v2.groups, v2.prf, v2.lifetime) == (
        10, ("aes-256", "aes-192"), ("sha256", "sha"), (14, 5), ("sha256",), 43200)


def test_asa84_transform_sets_proposals_and_crypto_map() -> None:
    d = parse_fixture("asa/asa84_l2l.cfg")
    assert d.transform_sets["AES-NONE"].key == ("esp-aes", 128, None, None)
    prop = d.ipsec_proposals["PROP1"]
    assert prop.encryption == ("aes-256", "aes") and prop.integrity == ("sha-1", "sha-256")
    (e,) = d.crypto_maps["outside_map"].entries
    assert [(p.raw, p.address) for p in e.peers] == [
        ("PEER-OBJ", ip_address("198.51.100.84")), ("198.51.100.85", ip_address("198.51.100.85"))]
    assert e.transform_sets == ("AES256-SHA",) and e.ikev2_proposals == ("PROP1",)
    assert e.pfs_group == 14 and e.phase1_mode == "aggressive" and e.lifetime_kilobytes == 50000
    assert d.ipsec_lifetime_kilobytes == 100000 and d.replay_window == 512


def test_asa84_tunnel_group_ikev1_ikev2_keys_and_disabled_keepalive() -> None:
    d = parse_fixture("asa/asa84_l2l.cfg")
    tg = d.tunnel_groups["198.51.100.84"]
    assert tg.ikev1_psk is not None and tg.ikev1_psk.state is SecretState.CLEAR
    assert tg.ikev2_local_psk is not None and tg.ikev2_local_psk.state is SecretState.CLEAR
    assert tg.ikev2_remote_psk is not None and tg.ikev2_remote_psk.state is SecretState.MASKED
    assert tg.keepalive is not None and not tg.keepalive.enabled and not tg.keepalive.defaulted
    assert tg.peer_id_validate == "nocheck"
    enc = d.tunnel_groups["198.51.100.85"].ikev1_psk
    assert enc is not None and enc.state is SecretState.ENCRYPTED


def test_asa84_objects_and_service_objects_in_acls() -> None:
    d = parse_fixture("asa/asa84_l2l.cfg")
    assert d.network_objects["REMOTE-RANGE"].kind == "range"
    assert d.network_objects["REMOTE-RANGE"].networks == (ip_network("172.16.1.0/25"),)
    assert d.network_objects["VPN-FQDN"].fqdn == "vpn.example.com"
    crypto = d.acls["CRYPTO-ACL"].entries[0]
    assert crypto.sources == (ip_network("10.84.0.0/16"),)
    assert crypto.destinations == (ip_network("172.16.0.0/24"), ip_network("172.16.1.0/25"))
    svc, mixed, inactive, missing = d.acls["outside_in"].entries
    assert svc.services == (Service("tcp", None, ((443, 443),)),)
    assert set(mixed.services) == {Service("tcp", None, ((22, 22),)), Service("udp", None, ((500, 501),)),
                                   Service("tcp", None, ((443, 443),))}
    assert inactive.inactive and inactive.services == (Service("tcp", None, ((8443, 8443),)),)
    assert missing.unresolved == ("NO-SUCH-OBJECT",)


def test_asa84_nat_in_evaluation_order_with_sections_and_identity() -> None:
    d = parse_fixture("asa/asa84_l2l.cfg")
    got = [(r.order, r.kind, r.section, r.identity, r.object_name) for r in d.nat_rules]
    assert got == [(0, "asa-twice", 1, True, None), (1, "asa-object", 2, False, "WEB-SERVER"),
                   (2, "asa-object", 2, False, "LOCAL-LAN"), (3, "asa-twice", 3, False, None)]
    exempt = d.nat_rules[0]
    assert exempt.real_destination == (ip_network("172.16.0.0/24"), ip_network("172.16.1.0/25"))
    web = d.nat_rules[1]
    assert web.mapped_source == (ip_network("203.0.113.85/32"),) and web.service == ("tcp", "https", "https")
    assert d.nat_rules[2].pool_or_interface == "interface"


def test_asa84_problems_are_pinned_and_settings_recorded() -> None:
    d = parse_fixture("asa/asa84_l2l.cfg")
    assert [(p.line, p.message.split(":")[0]) for p in d.problems] == [
        (42, "access-list outside_in"), (64, "unrecognised crypto map line ignored")]
    limit = d.setting("vpn-sessiondb max-session-limit")
    assert limit is not None and limit.value == "50"
    assert d.logging_queue == 8192


# --------------------------------------------------------------------------- 9.x


def test_asa9x_vti_tunnel_interface_profile_and_ikev2_policy() -> None:
    d = parse_fixture("asa/asa9x_vti.cfg")
    assert d.version_tuple == (9, 8, 4, 12)
    vti = d.interface("vti-azure")
    assert vti is not None and vti.name == "Tunnel1" and vti.tunnel is not None
    t = vti.tunnel
    assert (t.source_interface, t.destination, t.mode, t.protection_profile) == (
        "outside", ip_address("198.51.100.98"), "ipsec ipv4", "AZURE-PROF")
    prof = d.ipsec_profiles["AZURE-PROF"]
    assert prof.ikev2_proposals == ("AZURE-PROP",) and prof.pfs_group == 24 and prof.lifetime_seconds == 27000
    (pol,) = d.ikev2_proposals
    assert pol.groups == (24,) and pol.integrity == ("sha384",)
    assert d.routes[0].interface == "vti-azure" and d.routes[0].prefix == ip_network("10.200.0.0/16")
    assert len(d.dynamic_routing) == 1


def test_asa9x_show_run_all_noise_is_quiet_and_ikev2_keys_read() -> None:
    d = parse_fixture("asa/asa9x_vti.cfg")
    (e,) = d.crypto_maps["WAN"].entries
    assert e.connection_type == "bidirectional" and e.phase1_mode == "main" and e.trustpoint == "TP-AZURE"
    assert e.peers[0].address == ip_address("198.51.100.99")
    tg = d.tunnel_groups["198.51.100.98"]
    assert tg.ikev2_local_psk is not None and tg.ikev2_remote_psk is not None and tg.ikev1_psk is None
    assert tg.default_group_policy == "AZURE-GP"
    assert d.nat_rules[0].identity and d.problems == ()


# --------------------------------------------------------------------------- robustness


def test_asa_unknown_crypto_and_nat_lines_become_problems_with_redacted_text() -> None:
    d = parse_text("ASA Version 9.1(1)\ncrypto wizard things\nnat (inside,outside) bogus\n"
                   "tunnel-group X ipsec-attributes\n ikev1 pre-shared-key k3y!\n pre-shared-key\n")
    messages = [p.message for p in d.problems]
    assert messages[:2] == ["unrecognised crypto line ignored: crypto wizard things",
                            "unrecognised nat line ignored: nat (inside,outside) bogus"]
    assert "k3y!" not in repr(d)


@pytest.mark.parametrize("text", ["", "\n\n", "crypto", "crypto map", "access-list", "nat", "object network",
                                  "object-group network G\n network-object", "route outside",
                                  "crypto map M 10 set", "crypto isakmp policy x", "static (a,b)",
                                  "tunnel-group", "ip local pool P 1.1.1.9-1.1.1.1", "name 1.2.3.4",
                                  "object-group network A\n group-object A", "interface\n"])
def test_asa_parser_never_raises_on_fragments(text: str) -> None:
    d = parse_text(text)
    assert d.platform.value == "asa"


def test_asa_nested_group_loop_is_reported_not_recursed() -> None:
    d = parse_text("object-group network A\n group-object B\nobject-group network B\n group-object A\n"
                   "access-list X extended permit ip object-group A any\n")
    assert d.acls["X"].entries[0].sources == ()
    assert any("not defined" in p.message for p in d.problems)


def test_asa_twice_nat_after_object_block_is_not_mistaken_for_object_nat() -> None:
    d = parse_text("ASA Version 9.2(1)\nobject network L\n subnet 10.0.0.0 255.0.0.0\n"
                   "nat (inside,outside) source static L L\n")
    (rule,) = d.nat_rules
    assert rule.kind == "asa-twice" and rule.identity and rule.section == 1
