"""IOS dialect over the real-world corpus in ../shared/realworld/configs (skipped when absent).

Every file whose SOURCES.md platform is ``ios`` must parse without an
exception; a few facts checked by hand against the files are pinned, as is
the number of ParseProblems per file (a change there is a behaviour change
to look at, not noise).
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest

from ipsec_doctor.dialects.ios import parse_ios
from ipsec_doctor.inputs import ConfigSection
from ipsec_doctor.model import ANY4, Device, Platform
from ipsec_doctor.secrets import SecretState

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CONFIGS = SHARED / "realworld" / "configs"

pytestmark = pytest.mark.skipif(not (CONFIGS / "SOURCES.md").is_file(), reason="../shared/realworld is absent")

_ROW = re.compile(r"^\| `([^`]+)` \| `[^`]+` \| (\w+) \|", re.M)

BATFISH_IPSEC = "batfish__batfish/projects/batfish/src/test/resources/org/batfish/grammar/cisco/testrigs/ios-crypto-ipsec/configs"
AWS_GENERATED = (
    "batfish__batfish/projects/batfish/src/test/resources/org/batfish/representation/aws/"
    "test-vpn-gateway/configs/vpn-03701a53bba3c48b7.txt"
)

# ParseProblems per file, reviewed by hand: the ccat example carries an Easy VPN
# client, a typo'd NAT line and a non-netmask route; the Azure templates use
# placeholder addresses (40.76.X.X).
EXPECTED_PROBLEMS: dict[str, int] = {
    "frostbits-security__ccat/example/1.txt": 5,
    "Azure__Azure-vpn-config-samples/Cisco/Current/ISR/cisco-isr-ios-15.0-Policy_Based.txt": 1,
    "Azure__Azure-vpn-config-samples/Cisco/Current/ISR/cisco-isr-ios-15.1-Route_Based.txt": 4,
}


def ios_files() -> list[str]:
    if not (CONFIGS / "SOURCES.md").is_file():
        return []
    return [f for f, platform in _ROW.findall((CONFIGS / "SOURCES.md").read_text()) if platform == "ios"]


def load(relative: str) -> Device:
    # A minimal splitter: these files hold one device each, so the whole file is the section.
    text = (CONFIGS / relative).read_text(encoding="utf-8", errors="replace")
    return parse_ios(ConfigSection(relative, list(enumerate(text.splitlines(), 1)), Platform.IOS))


def test_realworld_has_ios_files() -> None:
    assert len(ios_files()) >= 20


@pytest.mark.parametrize("relative", ios_files())
def test_ios_parses_realworld_file_with_pinned_problem_count(relative: str) -> None:
    dev = load(relative)
    assert dev.platform is Platform.IOS
    assert len(dev.problems) == EXPECTED_PROBLEMS.get(relative, 0), [(p.line, p.message) for p in dev.problems]
    assert not any("internal error" in p.message for p in dev.problems)
    assert "<redacted>" in repr(dev) or not dev.pre_shared_keys


def test_ios_iclexi_ikev1_policy_based_r1() -> None:
    dev = load("iClexi__VPN-IKEv1-Policy-Based/scripts/R1-IKEv1-Policy-Based.cfg")
    assert dev.name == "R1-IKEV1-POLICY"
    (policy,) = dev.ikev1_policies
    assert (policy.encryption, policy.hash, policy.authentication, policy.group, policy.lifetime) == (
        "aes-256", "sha", "pre-share", 14, 86400)
    (key,) = dev.pre_shared_keys
    assert key.peer == IPv4Network("20.25.8.50/32") and key.secret.state is SecretState.CLEAR
    assert dev.transform_sets["TS-IKEV1"].key == ("esp-aes", 256, "esp-sha-hmac", None)
    (entry,) = dev.crypto_maps["MAP-IKEV1"].entries
    assert [p.address for p in entry.peers] == [IPv4Address("20.25.8.50")]
    assert entry.transform_sets == ("TS-IKEV1",) and entry.match_acl == "110"
    (ace,) = dev.acls["110"].entries
    assert ace.sources == (IPv4Network("192.168.45.0/24"),) and ace.destinations == (IPv4Network("192.168.84.0/24"),)
    # the script enters GigabitEthernet0/0 twice: address first, crypto map at the end
    wan = dev.interface("GigabitEthernet0/0")
    assert wan is not None and wan.crypto_map == "MAP-IKEV1" and str(wan.addresses[0]) == "20.25.8.46/30"


def test_ios_batfish_crypto_ipsec_r1() -> None:
    dev = load(f"{BATFISH_IPSEC}/r1")
    (policy,) = dev.ikev1_policies
    assert (policy.priority, policy.encryption, policy.group, policy.lifetime) == (12, "aes", 2, 28800)
    assert policy.hash == "sha" and "hash" in policy.defaulted  # no hash line: the IOS default
    (entry,) = dev.crypto_maps["mymap"].entries
    assert entry.transform_sets == ("ts1", "ts2") and entry.pfs_group == 2 and entry.match_acl == "ACL"
    assert [p.raw for p in entry.peers] == ["2.3.4.8"]
    assert {(b.map_name, b.interface) for b in dev.bindings} == {
        ("mymap", "TenGigabitEthernet0/0"), ("mysecondmap", "TenGigabitEthernet0/1")}
    keyring_keys = {k.keyring: k.peer for k in dev.pre_shared_keys}
    assert keyring_keys == {"KEYRING": IPv4Network("2.3.4.8/32"), "KEYRING_FOR_R3": IPv4Network("2.3.4.11/32")}
    tunnel = dev.interface("Tunnel21")
    assert tunnel is not None and tunnel.shutdown and tunnel.tunnel is not None
    assert tunnel.tunnel.mode == "ipsec ipv4" and tunnel.tunnel.protection_profile == "ipsec-profile"
    assert dev.ipsec_profiles["ipsec-profile"].pfs_group == 2


def test_ios_batfish_crypto_ipsec_r3_dynamic_map() -> None:
    dev = load(f"{BATFISH_IPSEC}/r3")
    (entry,) = dev.crypto_maps["mymap"].entries
    assert entry.dynamic_map == "mydynamicmap"
    (dyn,) = dev.dynamic_maps["mydynamicmap"]
    assert dyn.is_dynamic and dyn.transform_sets == ("ts1",) and dyn.match_acl == "ACL"


def test_ios_ngmunia_dmvpn_spoke_uses_shared_tunnel_protection() -> None:
    dev = load("NGMunia__Dual-Hub-DMVPN/Configs/R3")
    for name in ("Tunnel0", "Tunnel1"):
        itf = dev.interface(name)
        assert itf is not None and itf.tunnel is not None
        assert itf.tunnel.mode == "gre multipoint"
        assert itf.tunnel.protection_profile == "crypt-profile" and itf.tunnel.protection_shared
        assert itf.tunnel.source_interface == "Ethernet0/3"
    assert dev.transform_sets["crypt-ts"].mode == "transport"
    assert dev.transform_sets["crypt-ts"].key == ("esp-aes", 192, "esp-sha256-hmac", None)
    (key,) = dev.pre_shared_keys
    assert key.peer == ANY4  # `address 0.0.0.0` printed with trailing blanks


def test_ios_ngmunia_hub_tunnel_protection_is_not_shared() -> None:
    dev = load("NGMunia__Dual-Hub-DMVPN/Configs/R1")
    tunnel = dev.interface("Tunnel0")
    assert tunnel is not None and tunnel.tunnel is not None
    assert tunnel.tunnel.protection_profile == "crypt-profile" and not tunnel.tunnel.protection_shared


def test_ios_azure_isr_policy_based_template() -> None:
    dev = load("Azure__Azure-vpn-config-samples/Cisco/Current/ISR/cisco-isr-ios-15.0-Policy_Based.txt")
    (policy,) = dev.ikev1_policies
    assert (policy.encryption, policy.hash, policy.group, policy.lifetime) == ("aes-256", "sha", 2, 28800)
    (key,) = dev.pre_shared_keys
    assert key.secret.state is SecretState.MASKED and key.peer is None and key.peer_name == "40.76.X.X"
    (entry,) = dev.crypto_maps["azure-crypto-map"].entries
    assert entry.peers[0].raw == "40.76.X.X" and entry.peers[0].address is None
    assert (entry.lifetime_seconds, entry.lifetime_kilobytes) == (3600, 102400000)
    (ace,) = dev.acls["101"].entries
    assert ace.sources == (IPv4Network("10.0.0.0/8"),) and ace.destinations == (IPv4Network("192.168.0.0/16"),)
    (binding,) = dev.bindings
    assert binding.map_name == "azure-crypto-map"
    assert dev.interfaces[0].tcp_adjust_mss == 1350


def test_ios_iclexi_ikev2_route_based_r1() -> None:
    dev = load("iClexi__VPN-IKEv2-Route-Based/configs/R1.cfg")
    (proposal,) = dev.ikev2_proposals
    assert (proposal.encryption, proposal.integrity, proposal.groups) == (("aes-cbc-256",), ("sha256",), (14,))
    assert [k.direction for k in dev.pre_shared_keys] == ["local", "remote"]
    tunnel = dev.interface("Tunnel0")
    assert tunnel is not None and tunnel.tunnel is not None
    assert tunnel.tunnel.source_interface == "GigabitEthernet0/0"
    assert tunnel.tunnel.destination == IPv4Address("20.25.8.50")
    assert dev.ipsec_profiles["IPSEC-PROF-IKEV2-VTI"].ikev2_profile == "PROF-IKEV2-VTI"
    assert [(str(r.prefix), r.interface) for r in dev.routes][-1] == ("192.168.84.0/24", "Tunnel0")


def test_ios_ccat_example_with_lost_left_margin() -> None:
    dev = load("frostbits-security__ccat/example/1.txt")
    (policy,) = dev.ikev1_policies
    assert (policy.encryption, policy.authentication, policy.group, policy.lifetime) == ("3des", "pre-share", 2, 480)
    assert dev.client_groups["rtr-remote"].pool == "dynpool"
    (dyn,) = dev.dynamic_maps["dynmap"]
    assert dyn.reverse_route and dyn.transform_sets == ("vpn1",)
    assert dev.crypto_maps["static-map"].entries[0].dynamic_map == "dynmap"
    assert dev.ipsec_lifetime_seconds == 86400
    assert len(dev.acls["103"].entries) == 5


def test_ios_fred_costa_annotated_notes_merge_abbreviated_interfaces() -> None:
    dev = load("Fred-Costa__Network-Project/R-ENTA.txt")
    serial = dev.interface("Serial0/0/0")
    assert serial is not None
    assert serial.nat_role == "outside" and serial.crypto_map == "OMAPA"
    assert dev.transform_sets["TRANS"].ah == "ah-sha-hmac"
    assert sorted(dev.crypto_maps) == ["MAPA2", "OMAPA"]


def test_ios_aws_generated_config_keepalive_and_replay_window() -> None:
    dev = load(AWS_GENERATED)
    assert [p.priority for p in dev.ikev1_policies] == [200, 201]
    assert dev.ike.keepalive is not None and dev.ike.keepalive.interval == 10 and not dev.ike.keepalive.periodic
    assert dev.replay_window == 128
    assert all(k.keyring and k.keyring.startswith("keyring-vpn-") for k in dev.pre_shared_keys)
