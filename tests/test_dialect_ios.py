"""IOS dialect: each construct of the fixtures under tests/fixtures/ios/ parsed into the model."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

import pytest

from ipsec_doctor.dialects.ios import parse_ios
from ipsec_doctor.inputs import ConfigSection
from ipsec_doctor.model import ANY4, Device, Platform
from ipsec_doctor.secrets import SecretState

FIXTURES = Path(__file__).parent / "fixtures" / "ios"
CANARIES = (
    "CANARY-PSK-PLAIN", "CanaryType7Key", "CANARY-PSK-HOST", "CANARY-PSK-WILD", "CANARY-RADIUS-KEY",
    "CANARY-RADIUS-OLD", "CANARY-V2-LOCAL", "CANARY-V2-REMOTE", "CANARY-V2-BOTH", "CANARY-KEYRING",
    "CANARY-GROUP-KEY", "05280701205E573D0015124520091D", "Q\\aLSA[cd]QTAaNRC",
)


def parse_text(text: str, name: str = "test.cfg", hint: str | None = None) -> Device:
    lines = list(enumerate(text.splitlines(), 1))
    return parse_ios(ConfigSection(name, lines, Platform.IOS, name_hint=hint))


def parse_fixture(name: str) -> Device:
    return parse_text((FIXTURES / name).read_text(), name)


@pytest.fixture(scope="module")
def site_a() -> Device:
    return parse_fixture("site_a_crypto_map.cfg")


@pytest.fixture(scope="module")
def hub() -> Device:
    return parse_fixture("hub_ikev2_vti.cfg")


@pytest.fixture(scope="module")
def branch() -> Device:
    return parse_fixture("script_unindented.cfg")


@pytest.fixture(scope="module")
def ezvpn() -> Device:
    return parse_fixture("problems_and_ezvpn.cfg")


# --------------------------------------------------------------------------- device identity


def test_ios_reads_hostname_version_and_domain(site_a: Device) -> None:
    assert site_a.name == "SITE-A"
    assert site_a.platform is Platform.IOS
    assert site_a.version == "15.4" and site_a.version_tuple == (15, 4)
    assert site_a.domain == "example.net"
    assert site_a.hostname_source is not None and site_a.hostname_source.line == 7


def test_ios_device_name_falls_back_to_hint_then_file_stem() -> None:
    assert parse_text("interface Loopback0\n", "dir/edge-7.cfg", hint="EDGE7").name == "EDGE7"
    assert parse_text("interface Loopback0\n", "dir/edge-7.cfg").name == "edge-7"


# --------------------------------------------------------------------------- interfaces


def test_ios_parses_interface_addresses_nat_roles_and_crypto_map_binding(site_a: Device) -> None:
    wan = site_a.interface("GigabitEthernet0/0")
    assert wan is not None
    assert wan.addresses == (IPv4Interface("198.51.100.1/30"),)
    assert (wan.nat_role, wan.tcp_adjust_mss, wan.mtu, wan.crypto_map) == ("outside", 1360, 1400, "VPN")
    assert wan.description == "WAN uplink"
    lan = site_a.interface("GigabitEthernet0/1")
    assert lan is not None
    assert lan.addresses == (IPv4Interface("10.1.1.1/24"), IPv4Interface("10.1.2.1/24"))
    assert lan.vrf == "LAN" and lan.nat_role == "inside"
    dhcp = site_a.interface("GigabitEthernet0/2")
    assert dhcp is not None and dhcp.dhcp and dhcp.shutdown
    assert [(b.map_name, b.interface, b.source.line) for b in site_a.bindings] == [("VPN", "GigabitEthernet0/0", 87)]


def test_ios_parses_tunnel_interfaces_vti_dmvpn_and_named_destination(hub: Device) -> None:
    vti = hub.interface("Tunnel10")
    assert vti is not None and vti.tunnel is not None
    assert vti.tunnel.mode == "ipsec ipv4"
    assert vti.tunnel.source_interface == "GigabitEthernet0/0"
    assert vti.tunnel.destination == IPv4Address("203.0.113.20")
    assert vti.tunnel.protection_profile == "IPSEC-V2" and not vti.tunnel.protection_shared
    dmvpn = hub.interface("Tunnel20")
    assert dmvpn is not None and dmvpn.tunnel is not None
    assert dmvpn.tunnel.mode == "gre multipoint" and dmvpn.tunnel.protection_shared
    assert dmvpn.tunnel.source_address == IPv4Address("198.51.100.1")
    gre = hub.interface("Tunnel30")
    assert gre is not None and gre.tunnel is not None
    assert gre.tunnel.mode == "gre ip"  # IOS default
    assert gre.tunnel.destination is None and gre.tunnel.destination_name == "vpn.example.net"


def test_ios_merges_an_interface_entered_twice_in_a_script(branch: Device) -> None:
    assert [i.name for i in branch.interfaces] == ["GigabitEthernet0/0"]
    itf = branch.interfaces[0]
    assert itf.addresses == (IPv4Interface("192.0.2.10/24"),)
    assert itf.description == "entered again" and itf.crypto_map == "CM" and not itf.shutdown


# --------------------------------------------------------------------------- IKEv1


def test_ios_parses_isakmp_policy_values(site_a: Device) -> None:
    pol = {p.priority: p for p in site_a.ikev1_policies}
    p10 = pol[10]
    assert (p10.encryption, p10.hash, p10.authentication, p10.group, p10.lifetime) == (
        "aes-256", "sha256", "pre-share", 14, 28800)
    assert p10.defaulted == frozenset()
    assert p10.attr_sources["group"].line == 19
    p30 = pol[30]
    assert (p30.encryption, p30.hash, p30.group) == ("3des", "md5", 2)


def test_ios_applies_isakmp_policy_defaults_and_records_them(site_a: Device) -> None:
    p20 = next(p for p in site_a.ikev1_policies if p.priority == 20)
    assert (p20.encryption, p20.hash, p20.authentication, p20.group, p20.lifetime) == (
        "des", "sha", "pre-share", 1, 86400)
    assert p20.defaulted == frozenset({"encryption", "hash", "group", "lifetime"})


def test_ios_bare_encr_aes_is_aes_128(branch: Device) -> None:
    assert branch.ikev1_policies[0].encryption == "aes"
    assert branch.ikev1_policies[0].defaulted == frozenset({"hash", "lifetime"})


def test_ios_parses_isakmp_keys_with_every_secret_encoding(site_a: Device) -> None:
    keys = site_a.pre_shared_keys
    by_peer = {str(k.peer or k.peer_name): k for k in keys}
    assert by_peer["203.0.113.2/32"].secret.state is SecretState.CLEAR
    type7 = by_peer["203.0.113.3/32"]
    assert type7.secret.state is SecretState.CLEAR and type7.secret.encoding == "7" and type7.no_xauth
    assert by_peer["203.0.113.4/32"].secret.state is SecretState.ENCRYPTED
    assert by_peer["203.0.113.5/32"].secret.state is SecretState.MASKED
    assert by_peer["peer.example.net"].peer is None
    assert by_peer["0.0.0.0/0"].peer == ANY4  # `address 0.0.0.0` is the wildcard key


def test_ios_type7_key_compares_equal_to_its_clear_text() -> None:
    dev = parse_text(
        "crypto isakmp key CanaryType7Key address 192.0.2.1\n"
        "crypto isakmp key 7 05280701205E573D0015124520091D address 192.0.2.2\n"
    )
    first, second = dev.pre_shared_keys
    assert first.secret.same_as(second.secret) is True


def test_ios_parses_global_isakmp_settings(site_a: Device) -> None:
    ike = site_a.ike
    assert ike.enabled_everywhere is True
    assert ike.nat_traversal is False and ike.nat_traversal_defaulted is False
    assert ike.nat_traversal_keepalive == 20
    assert ike.identity == "hostname" and not ike.identity_defaulted
    assert ike.keepalive is not None
    assert (ike.keepalive.enabled, ike.keepalive.interval, ike.keepalive.retry, ike.keepalive.periodic) == (
        True, 10, 3, True)
    assert ike.aggressive_mode_disabled is True


def test_ios_ike_settings_defaults_when_nothing_is_configured(hub: Device, branch: Device) -> None:
    assert hub.ike.enabled_everywhere is True
    assert hub.ike.nat_traversal is True and hub.ike.nat_traversal_defaulted is True
    assert hub.ike.identity == "address" and hub.ike.identity_defaulted
    assert branch.ike.enabled_everywhere is False  # `no crypto isakmp enable`


def test_ios_parses_keyring_and_isakmp_profile(branch: Device) -> None:
    (keyring,) = branch.keyrings
    assert (keyring.name, keyring.vrf, keyring.local_address, keyring.ike_version) == (
        "KR", "INET", "GigabitEthernet0/0", 1)
    (key,) = branch.pre_shared_keys
    assert key.keyring == "KR" and key.peer == IPv4Network("192.0.2.20/32")
    (prof,) = branch.isakmp_profiles
    assert prof.keyrings == ("KR",)
    assert prof.match_addresses == (IPv4Network("192.0.2.20/32"),)
    assert prof.self_identity == "fqdn branch.example.net"
    assert (prof.local_address, prof.keepalive, prof.virtual_template) == ("GigabitEthernet0/0", 15, 1)


def test_ios_parses_easy_vpn_client_group_and_profile(ezvpn: Device) -> None:
    group = ezvpn.client_groups["REMOTE-USERS"]
    assert group.key is not None and group.key.state is SecretState.CLEAR
    assert (group.pool, group.acl, group.domain, group.max_logins) == ("RA-POOL", "SPLIT", "corp.example.net", 3)
    assert group.dns == ("10.0.0.53", "10.0.0.54") and group.split_dns == ("corp.example.net",)
    (prof,) = ezvpn.isakmp_profiles
    assert prof.match_identities == ("group REMOTE-USERS",)
    assert (prof.client_authentication_list, prof.isakmp_authorization_list) == ("RA-AUTH", "RA-AUTHZ")
    assert prof.client_configuration_address == "respond" and prof.virtual_template == 2


# --------------------------------------------------------------------------- IKEv2


def test_ios_parses_ikev2_proposal_policy_keyring_and_profile(hub: Device) -> None:
    (prop,) = hub.ikev2_proposals
    assert prop.encryption == ("aes-cbc-256", "aes-cbc-128") and prop.integrity == ("sha256", "sha1")
    assert prop.prf == ("sha256",) and prop.groups == (19, 14)
    (pol,) = hub.ikev2_policies
    assert pol.proposals == ("PROP-1",) and pol.match_local_addresses == (IPv4Address("198.51.100.1"),)
    keys = [(k.peer, k.direction, k.ike_version, k.keyring) for k in hub.pre_shared_keys]
    assert keys == [
        (IPv4Network("203.0.113.20/32"), "local", 2, "KR-1"),
        (IPv4Network("203.0.113.20/32"), "remote", 2, "KR-1"),
        (ANY4, "both", 2, "KR-1"),
    ]
    (prof,) = hub.isakmp_profiles
    assert prof.ike_version == 2 and prof.keyrings == ("KR-1",)
    assert prof.match_addresses == (IPv4Network("203.0.113.20/32"),)
    assert "fqdn spoke1.example.net" in prof.match_identities
    assert prof.auth_local == ("pre-share",) and prof.auth_remote == ("pre-share",)
    assert prof.self_identity == "fqdn hub.example.net" and prof.keepalive == 10


# --------------------------------------------------------------------------- IPsec


def test_ios_normalises_transform_sets(site_a: Device) -> None:
    ts = site_a.transform_sets
    assert ts["TS-AES256"].key == ("esp-aes", 256, "esp-sha-hmac", None)
    assert ts["TS-AES256"].transforms == ("esp-aes 256", "esp-sha-hmac")
    assert ts["TS-AES"].key == ("esp-aes", 128, "esp-sha256-hmac", None)  # bare esp-aes is AES-128
    t3 = ts["TS-3DES"]
    assert (t3.esp_encryption, t3.esp_integrity, t3.ah, t3.compression, t3.mode) == (
        "esp-3des", "esp-md5-hmac", "ah-sha-hmac", "comp-lzs", "transport")
    assert ts["TS-GCM"].key == ("esp-gcm", 256, None, None)


def test_ios_parses_ipsec_profile(hub: Device) -> None:
    prof = hub.ipsec_profiles["IPSEC-V2"]
    assert prof.transform_sets == ("TS-V2",) and prof.pfs_group == 19
    assert prof.lifetime_seconds == 7200 and prof.ikev2_profile == "PROF-1" and prof.responder_only


def test_ios_parses_crypto_map_peers_and_pfs(site_a: Device) -> None:
    cmap = site_a.crypto_maps["VPN"]
    e10, e20, e65535 = cmap.entries
    assert [p.raw for p in e10.peers] == ["203.0.113.9", "203.0.113.2"]  # `default` peer first
    assert e10.peers[0].address == IPv4Address("203.0.113.9")
    assert e10.transform_sets == ("TS-AES256", "TS-AES") and e10.match_acl == "VPN-TRAFFIC"
    assert e10.pfs_group == 14 and e10.reverse_route
    assert (e10.lifetime_seconds, e10.lifetime_kilobytes) == (900, 100000)
    assert e10.src("match").line == 67 and e10.src("pfs").line == 64 and e10.src("peer").line == 61
    assert e20.peers[0].raw == "peer-b.example.net" and e20.peers[0].address is None
    assert e20.pfs_group == 1  # `set pfs` without a group is group 1 on IOS
    assert e20.match_acl == "101"
    assert e65535.dynamic_map == "DYN" and e65535.peers == ()


def test_ios_parses_crypto_map_level_settings_and_dynamic_map(site_a: Device) -> None:
    cmap = site_a.crypto_maps["VPN"]
    assert cmap.client_authentication_list == "VPN-AUTH" and cmap.isakmp_authorization_list == "VPN-AUTHZ"
    assert cmap.client_configuration_address == "respond" and cmap.local_address == "GigabitEthernet0/0"
    (dyn,) = site_a.dynamic_maps["DYN"]
    assert dyn.is_dynamic and dyn.transform_sets == ("TS-AES256",) and dyn.reverse_route


def test_ios_parses_ipsec_global_sa_settings(site_a: Device, hub: Device) -> None:
    assert (site_a.ipsec_lifetime_seconds, site_a.ipsec_lifetime_kilobytes) == (1800, 2000000)
    assert site_a.ipsec_idle_time == 600 and site_a.replay_window == 512
    assert (hub.ipsec_lifetime_seconds, hub.ipsec_lifetime_kilobytes) == (3600, 4608000)  # defaults


def test_ios_crypto_map_with_isakmp_profile_from_a_script(branch: Device) -> None:
    (entry,) = branch.crypto_maps["CM"].entries
    assert entry.isakmp_profile == "PROF" and entry.match_acl == "120"
    assert [p.address for p in entry.peers] == [IPv4Address("192.0.2.20")]


# --------------------------------------------------------------------------- ACLs


def test_ios_parses_named_extended_acl_with_ports_and_sequence(site_a: Device) -> None:
    acl = site_a.acls["VPN-TRAFFIC"]
    assert acl.kind == "extended" and [e.sequence for e in acl.entries] == [10, 20, 30]
    first, second, third = acl.entries
    assert first.sources == (IPv4Network("10.1.1.0/24"),) and first.destinations == (IPv4Network("10.2.2.0/24"),)
    assert second.services[0].protocol == "tcp"
    assert second.services[0].src_ports == ((80, 80),) and second.services[0].dst_ports == ((1000, 2000),)
    assert third.action == "deny" and third.sources == (ANY4,)


def test_ios_parses_numbered_standard_and_extended_acls(site_a: Device) -> None:
    std = site_a.acls["10"]
    assert std.kind == "standard"
    assert [e.sources for e in std.entries] == [
        (IPv4Network("10.1.1.0/24"),), (IPv4Network("10.9.9.9/32"),), (ANY4,)]
    assert all(e.destinations == (ANY4,) for e in std.entries)
    ext = site_a.acls["101"]
    assert len(ext.entries) == 2  # the remark is not an entry
    udp = ext.entries[1].services[0]
    assert udp.protocol == "udp" and udp.src_ports == ((500, 500),)
    assert udp.dst_ports == ((0, 4499), (4501, 65535))


def test_ios_expands_object_groups_in_acls(ezvpn: Device) -> None:
    acl = ezvpn.acls["OG-ACL"]
    assert len(acl.entries) == 2  # the entry naming an undefined group is reported and skipped
    assert IPv4Network("10.8.0.0/24") in acl.entries[0].sources
    assert IPv4Network("10.7.0.0/24") in acl.entries[0].sources
    services = acl.entries[1].services
    assert [(s.protocol, s.dst_ports) for s in services] == [("tcp", ((443, 443),)), ("udp", ((5000, 5010),))]
    assert acl.entries[1].destinations == ezvpn.object_groups["LOCAL-NETS"].networks


def test_ios_reports_and_skips_non_contiguous_wildcards(ezvpn: Device) -> None:
    acl = ezvpn.acls["SPLIT"]
    assert [e.sources for e in acl.entries] == [(IPv4Network("10.0.0.0/24"),)]
    assert any(p.line == 39 and "non-contiguous" in p.message for p in ezvpn.problems)


# --------------------------------------------------------------------------- NAT, routing, pools, AAA


def test_ios_parses_nat_rules_in_order_and_route_maps(site_a: Device) -> None:
    kinds = [(r.kind, r.order, r.acl, r.route_map, r.pool_or_interface, r.overload) for r in site_a.nat_rules]
    assert kinds[:2] == [
        ("ios-route-map", 0, None, "NAT-RM", "GigabitEthernet0/0", True),
        ("ios-list", 1, "NAT-ACL", None, "PUBLIC", True),
    ]
    static = site_a.nat_rules[2]
    assert static.kind == "ios-static" and static.real_source == (IPv4Network("10.1.1.10/32"),)
    assert static.mapped_source == (IPv4Network("198.51.100.10/32"),)
    assert site_a.route_maps["NAT-RM"].entries[0].match_acls == ("NAT-ACL",)


def test_ios_parses_static_routes_dynamic_routing_pools_and_aaa(site_a: Device) -> None:
    default, vrf_route = site_a.routes
    assert default.prefix == ANY4 and default.next_hop == IPv4Address("198.51.100.2")
    assert (vrf_route.vrf, vrf_route.interface, vrf_route.next_hop, vrf_route.distance) == (
        "LAN", "GigabitEthernet0/1", IPv4Address("10.1.1.254"), 200)
    assert [s.line for s in site_a.dynamic_routing] == [126]
    pool = site_a.pools["RA-POOL"]
    assert pool.size == 41
    servers = [(a.group, a.protocol, a.host, a.timeout) for a in site_a.aaa_servers]
    assert servers == [
        ("VPN-RADIUS", "radius", "192.0.2.50", None),
        ("RAD1", "radius", "192.0.2.60", 7),
        ("radius", "radius", "192.0.2.61", 4),
    ]


# --------------------------------------------------------------------------- problems and secrets


def test_ios_reports_unrecognised_lines_inside_vpn_blocks(ezvpn: Device) -> None:
    lines = {p.line: p.message for p in ezvpn.problems}
    assert "unrecognised crypto isakmp policy command" in lines[9]
    assert "unrecognised crypto isakmp profile command" in lines[27]
    assert "esp-blowfish" in lines[29]
    assert "unrecognised crypto map command" in lines[35]
    assert "unrecognised ip access-list command" in lines[41]
    assert "interface crypto" in lines[62]
    assert "crypto ipsec" in lines[64]
    assert all(p.file == "problems_and_ezvpn.cfg" for p in ezvpn.problems)


def test_ios_skips_unrelated_configuration_quietly(site_a: Device, hub: Device) -> None:
    assert site_a.problems == () and hub.problems == ()


@pytest.mark.parametrize(
    "name", ["site_a_crypto_map.cfg", "hub_ikev2_vti.cfg", "script_unindented.cfg", "problems_and_ezvpn.cfg"]
)
def test_ios_never_exposes_secrets_in_repr_or_sources(name: str) -> None:
    dev = parse_fixture(name)
    text = repr(dev) + str(dev) + "".join(p.message for p in dev.problems)
    for canary in CANARIES:
        assert canary not in text
    assert "<redacted>" in repr(dev)


def test_ios_survives_hostile_input_without_raising() -> None:
    text = "\n".join([
        "crypto isakmp policy", "crypto isakmp policy x", " encr", "crypto map", "crypto map M x",
        "crypto isakmp key", "crypto isakmp key 7", "ip access-list extended", " permit", " permit tcp host",
        "access-list 101 permit tcp any eq", "ip route 1.2.3.4", "ip nat inside source", "interface",
        "interface Tunnel1", " tunnel protection ipsec", " tunnel source", "crypto ikev2 keyring K", " peer P",
        "  address", "  pre-shared-key local", "route-map", "ip local pool P x y", "crypto ipsec transform-set T",
        "\x00\xff garbage", "crypto dynamic-map D", "object-group network", "version", "hostname",
    ])
    dev = parse_text(text)
    assert dev.platform is Platform.IOS
    assert all(p.line > 0 for p in dev.problems)
    assert not any("internal error" in p.message for p in dev.problems)
