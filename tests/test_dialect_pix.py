"""PIX 6.3 dialect: one-line interfaces, isakmp one-liners, legacy NAT and PIX defaults."""

from __future__ import annotations

from ipaddress import ip_address, ip_network

from asa_fixture_helpers import parse_fixture, parse_text

from ipsec_doctor.model import Platform
from ipsec_doctor.secrets import SecretState

PIX = Platform.PIX6


def test_pix6_reads_version_hostname_and_one_line_interfaces() -> None:
    d = parse_fixture("pix/pix63_l2l.cfg", PIX)
    assert (d.name, d.platform, d.version, d.version_tuple) == ("pixfw", PIX, "6.3(5)", (6, 3, 5))
    assert d.domain == "example.net"
    outside = d.interface("outside")
    assert outside is not None and outside.name == "Ethernet0"
    assert outside.security_level == 0 and str(outside.primary_address) == "203.0.113.2/24"
    assert outside.mtu == 1500 and outside.crypto_map == "mymap"
    dmz = d.interface("dmz")
    assert dmz is not None and dmz.dhcp and dmz.shutdown and dmz.security_level == 50


def test_pix6_isakmp_policy_one_liners_fill_pix_defaults() -> None:
    d = parse_fixture("pix/pix63_l2l.cfg", PIX)
    p10, p20 = d.ikev1_policies
    assert (p10.priority, p10.encryption, p10.hash, p10.authentication, p10.group, p10.lifetime) == (
        10, "3des", "md5", "pre-share", 1, 86400)
    assert p10.defaulted == {"group", "lifetime"}
    assert (p20.encryption, p20.hash, p20.group, p20.lifetime) == ("des", "sha", 2, 3600)
    assert p20.defaulted == {"encryption", "hash"}
    assert p10.attr_sources["hash"].line == 43


def test_pix6_isakmp_key_becomes_psk_with_netmask_and_masked_key() -> None:
    d = parse_fixture("pix/pix63_l2l.cfg", PIX)
    clear, masked = d.pre_shared_keys
    assert clear.peer == ip_network("198.51.100.2/32") and clear.no_xauth
    assert clear.secret.state is SecretState.CLEAR
    assert "<redacted>" in clear.source.text and "pixCanaryKey123" not in clear.source.text
    assert masked.peer == ip_network("192.0.2.0/24") and masked.secret.state is SecretState.MASKED


def test_pix6_enable_nat_traversal_identity_and_sysopt() -> None:
    d = parse_fixture("pix/pix63_l2l.cfg", PIX)
    assert d.ike.enabled_on("outside") and not d.ike.enabled_on("inside")
    assert d.ike.nat_traversal and not d.ike.nat_traversal_defaulted and d.ike.nat_traversal_keepalive == 20
    assert d.ike.identity == "address" and not d.ike.identity_defaulted
    permit = d.setting("sysopt connection permit-ipsec")
    assert permit is not None and permit.enabled and not permit.defaulted


def test_pix6_defaults_without_nat_traversal_or_sysopt_are_off() -> None:
    d = parse_text("PIX Version 6.3(3)\nhostname p\nisakmp policy 5 authentication pre-share\n", PIX)
    assert not d.ike.nat_traversal and d.ike.nat_traversal_defaulted
    permit = d.setting("sysopt connection permit-ipsec")
    assert permit is not None and not permit.enabled and permit.defaulted
    (p,) = d.ikev1_policies
    assert (p.encryption, p.group) == ("des", 1) and p.defaulted == {"encryption", "hash", "group", "lifetime"}


def test_pix6_crypto_map_peer_by_name_and_legacy_nat() -> None:
    d = parse_fixture("pix/pix63_l2l.cfg", PIX)
    (entry,) = d.crypto_maps["mymap"].entries
    assert entry.match_acl == "101" and entry.transform_sets == ("myset",) and entry.pfs_group == 2
    assert entry.peers[0].raw == "branch-peer" and entry.peers[0].address == ip_address("198.51.100.2")
    assert entry.src("peer").line == 32
    kinds = [(r.kind, r.nat_id, r.acl) for r in d.nat_rules]
    assert kinds == [("asa-nat0", 0, "nonat"), ("asa-static", None, None), ("asa-dynamic", 1, None)]
    dyn = d.nat_rules[2]
    assert dyn.pool_or_interface == "interface" and dyn.mapped_interface == "outside"
    acl = d.acls["101"].entries[0]
    assert acl.destinations == (ip_network("10.20.0.0/24"),)


def test_pix6_unknown_isakmp_line_is_a_problem_and_secrets_never_print() -> None:
    d = parse_fixture("pix/pix63_l2l.cfg", PIX)
    assert [(p.line, p.message) for p in d.problems] == [
        (47, "unrecognised isakmp line ignored: isakmp frobnicate everything")]
    assert "pixCanaryKey123" not in repr(d)


def test_pix7_version_is_parsed_with_asa_syntax() -> None:
    d = parse_text("PIX Version 7.2(1)\nhostname p7\ncrypto isakmp enable outside\n", PIX)
    assert d.platform is Platform.ASA and d.version_tuple == (7, 2, 1)
    assert d.ike.enabled_on("outside") and not d.ike.nat_traversal
