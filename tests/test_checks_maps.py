"""Crypto map and tunnel-group checks: platform variants with exact fix commands.

The data-driven fail/pass fixtures live in tests/checks/<ID>/; these tests
cover what differs per platform and version (IOS blocks vs ASA one-liners,
ASA 8.4 ``ikev1`` keywords, PIX 6) and the edge cases of each check.
Devices are parsed from small configurations with the dialects; where a
construct cannot be written in a configuration the dialect models, the
parsed device is adjusted with ``dataclasses.replace``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import ModuleType

from ipsec_doctor.checks import (
    Context,
    cm_dynorder,
    cm_namecase,
    cm_onedyn,
    cm_oneperif,
    cm_unapplied,
    p2_aclref,
    p2_keyacq,
    p2_nopeer,
    p2_overlap,
    tg_ezvpn,
    tg_iosxauth,
    tg_name,
    tg_proto,
)
from ipsec_doctor.dialects import parse_config
from ipsec_doctor.findings import Disruption, Finding
from ipsec_doctor.inputs import ConfigSection
from ipsec_doctor.model import CryptoMapBinding, Device, Platform

CHECKS = Path(__file__).parent / "checks"


def parse(text: str, platform: Platform, file: str = "dev.cfg") -> Device:
    lines = list(enumerate(text.strip("\n").splitlines(), 1))
    return parse_config(ConfigSection(file, lines, platform))


def run(module: ModuleType, *devices: Device) -> list[Finding]:
    return list(module.run(Context(list(devices))))


def commands(finding: Finding, index: int = 0) -> list[str]:
    return list(finding.fix[index].commands)


def asa(version: str, body: str, host: str = "HQ-ASA") -> Device:
    return parse(
        f"""ASA Version {version}
hostname {host}
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.1 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.1.0.1 255.255.0.0
{body}""",
        Platform.ASA,
    )


def ios(body: str, version: str = "15.4", host: str = "BR1-RTR") -> Device:
    return parse(
        f"""version {version}
hostname {host}
interface GigabitEthernet0/0
 ip address 203.0.113.10 255.255.255.0
 ip nat outside
interface GigabitEthernet0/1
 ip address 10.10.0.1 255.255.0.0
 ip nat inside
{body}""",
        Platform.IOS,
    )


def pix(body: str) -> Device:
    return parse(
        f"""PIX Version 6.3(5)
interface ethernet0 auto
interface ethernet1 100full
nameif ethernet0 outside security0
nameif ethernet1 inside security100
hostname BR3-PIX
ip address outside 203.0.113.30 255.255.255.0
ip address inside 10.30.0.1 255.255.0.0
{body}""",
        Platform.PIX6,
    )


IOS_MAP_TWO_PEERS = """crypto isakmp key Br-Key-1 address 198.51.100.1
crypto isakmp key Br-Key-2 address 198.51.100.2
crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set TS
 match address HUB1
crypto map VPN 20 ipsec-isakmp
 set transform-set TS
 match address HUB2
interface GigabitEthernet0/0
 crypto map VPN
ip access-list extended HUB1
 permit ip 10.10.0.0 0.0.255.255 10.1.0.0 0.0.255.255
ip access-list extended HUB2
 permit ip 10.10.0.0 0.0.255.255 10.2.0.0 0.0.255.255
"""


# --------------------------------------------------------------------------- P2-ACLREF


def test_P2_ACLREF_ios_missing_acl_creates_it_under_the_entrys_name() -> None:
    dev = ios("""crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set TS
 match address HUB-TRAFFIC
interface GigabitEthernet0/0
 crypto map VPN
""")
    [f] = run(p2_aclref, dev)
    assert f.severity.value == "error"
    assert "HUB-TRAFFIC" in f.detail
    assert commands(f) == [
        "ip access-list extended HUB-TRAFFIC",
        " permit ip <local-network> <wildcard> <remote-network> <wildcard>",
    ]


def test_P2_ACLREF_asa_84_and_82_spell_the_transform_set_keyword_per_version() -> None:
    body = """access-list BR2 extended permit ip 10.1.0.0 255.255.0.0 10.20.0.0 255.255.0.0
crypto ipsec transform-set TS esp-aes-256 esp-sha-hmac
crypto map VPN 20 match address BR2
crypto map VPN 20 set peer 203.0.113.20
crypto map VPN interface outside
"""
    [old] = run(p2_aclref, asa("8.2(5)", body))
    assert commands(old) == ["crypto map VPN 20 set transform-set TS"]
    new_body = body.replace("crypto ipsec transform-set", "crypto ipsec ikev1 transform-set")
    [new] = run(p2_aclref, asa("9.8(4)", new_body))
    assert commands(new) == ["crypto map VPN 20 set ikev1 transform-set TS"]
    assert new.fix[0].disruption is Disruption.NONE


def test_P2_ACLREF_pix6_missing_match_address_uses_one_line_commands() -> None:
    dev = pix("""crypto ipsec transform-set TS esp-aes-256 esp-sha-hmac
crypto map VPN 20 ipsec-isakmp
crypto map VPN 20 set peer 198.51.100.1
crypto map VPN 20 set transform-set TS
crypto map VPN interface outside
""")
    [f] = run(p2_aclref, dev)
    assert "no `match address`" in f.detail
    assert commands(f) == ["crypto map VPN 20 match address <crypto-acl>"]


def test_P2_ACLREF_ios_default_transform_sets_depend_on_release() -> None:
    body = """crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.1
 match address HUB
interface GigabitEthernet0/0
 crypto map VPN
ip access-list extended HUB
 permit ip 10.10.0.0 0.0.255.255 10.1.0.0 0.0.255.255
crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
"""
    assert run(p2_aclref, ios(body, version="15.4")) == []  # IOS 15 proposes its default transform sets
    [f] = run(p2_aclref, ios(body, version="12.4"))
    assert commands(f) == ["crypto map VPN 10 ipsec-isakmp", " set transform-set TS"]


# --------------------------------------------------------------------------- P2-NOPEER


def test_P2_NOPEER_ios_proposes_the_only_unused_keyed_peer_and_the_renumber_remedy() -> None:
    [f] = run(p2_nopeer, ios(IOS_MAP_TWO_PEERS))
    assert f.title == "Crypto map VPN 20 on BR1-RTR has no peer"
    assert commands(f) == ["crypto map VPN 20 ipsec-isakmp", " set peer 198.51.100.2"]
    assert f.fix[0].disruption is Disruption.NONE
    assert commands(f, 1) == [
        "no crypto map VPN 20",
        "crypto map VPN 21 ipsec-isakmp",
        " match address HUB2",
        " set peer 198.51.100.2",
        " set transform-set TS",
        "interface GigabitEthernet0/0",
        " no crypto map VPN",
        "interface GigabitEthernet0/0",
        " crypto map VPN",
    ]
    assert f.fix[1].disruption is Disruption.DROPS_ALL_TUNNELS
    assert f.caution and "drops every tunnel" in f.caution


def test_P2_NOPEER_pix6_without_a_candidate_uses_a_placeholder() -> None:
    dev = pix("""access-list HUB permit ip 10.30.0.0 255.255.0.0 10.1.0.0 255.255.0.0
crypto ipsec transform-set TS esp-aes-256 esp-sha-hmac
crypto map VPN 10 ipsec-isakmp
crypto map VPN 10 match address HUB
crypto map VPN 10 set transform-set TS
crypto map VPN interface outside
""")
    [f] = run(p2_nopeer, dev)
    assert commands(f) == ["crypto map VPN 10 set peer <peer-address>"]
    assert commands(f, 1)[:3] == [
        "no crypto map VPN 10 match address HUB",
        "no crypto map VPN 10 set transform-set TS",
        "crypto map VPN 11 ipsec-isakmp",
    ]
    assert commands(f, 1)[-2:] == ["no crypto map VPN interface outside", "crypto map VPN interface outside"]


def test_P2_NOPEER_ignores_dynamic_map_references() -> None:
    dev = asa("9.8(4)", """crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac
crypto dynamic-map DYN 10 set ikev1 transform-set TS
crypto map VPN 65535 ipsec-isakmp dynamic DYN
crypto map VPN interface outside
""")
    assert run(p2_nopeer, dev) == []


# --------------------------------------------------------------------------- P2-OVERLAP


def test_P2_OVERLAP_ios_inserts_deny_lines_with_sequence_numbers() -> None:
    dev = ios("""crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set TS
 match address WIDE
crypto map VPN 20 ipsec-isakmp
 set peer 198.51.100.2
 set transform-set TS
 match address NARROW
interface GigabitEthernet0/0
 crypto map VPN
ip access-list extended WIDE
 permit ip 10.10.0.0 0.0.255.255 10.0.0.0 0.255.255.255
ip access-list extended NARROW
 permit ip 10.10.1.0 0.0.0.255 10.20.0.0 0.0.255.255
""")
    [f] = run(p2_overlap, dev)
    assert f.severity.value == "warning"
    assert "10.10.1.0/24 -> 10.20.0.0/16 ip" in f.detail
    assert commands(f) == ["ip access-list extended WIDE", " 1 deny ip 10.10.1.0 0.0.0.255 10.20.0.0 0.0.255.255"]
    assert f.fix[0].disruption is Disruption.RENEGOTIATES_TUNNEL


def test_P2_OVERLAP_pix6_deny_line_has_no_extended_keyword() -> None:
    dev = pix("""access-list WIDE permit ip 10.30.0.0 255.255.0.0 10.0.0.0 255.0.0.0
access-list NARROW permit ip 10.30.0.0 255.255.0.0 host 10.20.0.5
crypto ipsec transform-set TS esp-aes-256 esp-sha-hmac
crypto map VPN 10 ipsec-isakmp
crypto map VPN 10 match address WIDE
crypto map VPN 10 set peer 198.51.100.1
crypto map VPN 10 set transform-set TS
crypto map VPN 20 ipsec-isakmp
crypto map VPN 20 match address NARROW
crypto map VPN 20 set peer 198.51.100.2
crypto map VPN 20 set transform-set TS
crypto map VPN interface outside
""")
    [f] = run(p2_overlap, dev)
    assert commands(f) == ["access-list WIDE line 1 deny ip 10.30.0.0 255.255.0.0 host 10.20.0.5"]


def test_P2_OVERLAP_disjoint_acls_do_not_overlap() -> None:
    assert run(p2_overlap, ios(IOS_MAP_TWO_PEERS)) == []


# --------------------------------------------------------------------------- P2-KEYACQ


def test_P2_KEYACQ_is_asa_only() -> None:
    body = IOS_MAP_TWO_PEERS.replace("match address HUB2", "match address HUB1")
    assert run(p2_keyacq, ios(body)) == []


def test_P2_KEYACQ_asa_duplicate_ace_and_incomplete_entry() -> None:
    dev = asa("9.8(4)", """object network LAN
 subnet 10.1.0.0 255.255.0.0
object network BR1-LAN
 subnet 10.10.0.0 255.255.0.0
access-list BR1 extended permit ip 10.1.0.0 255.255.0.0 10.10.0.0 255.255.0.0
access-list BR1 extended permit ip object LAN object BR1-LAN
access-list BR2 extended permit ip 10.1.0.0 255.255.0.0 10.20.0.0 255.255.0.0
crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac
crypto map VPN 10 match address BR1
crypto map VPN 10 set peer 203.0.113.10
crypto map VPN 10 set ikev1 transform-set TS
crypto map VPN 20 match address BR2
crypto map VPN 20 set ikev1 transform-set TS
crypto map VPN interface outside
""")
    found = {f.key: f for f in run(p2_keyacq, dev)}
    assert sorted(k.split()[0] for k in found) == ["duplicate", "incomplete"]
    assert commands(found["incomplete VPN 20"]) == ["no crypto map VPN 20 match address BR2"]
    dup = next(f for k, f in found.items() if k.startswith("duplicate BR1"))
    assert commands(dup) == ["no access-list BR1 extended permit ip object LAN object BR1-LAN"]
    assert all(f.severity.value == "warning" for f in found.values())


def test_P2_KEYACQ_ikev2_in_use_is_not_reported() -> None:
    dev = asa("9.8(4)", """access-list BR1 extended permit ip 10.1.0.0 255.255.0.0 10.10.0.0 255.255.0.0
crypto ipsec ikev2 ipsec-proposal P-AES
 protocol esp encryption aes-256
 protocol esp integrity sha-256
crypto map VPN 10 match address BR1
crypto map VPN 10 set peer 203.0.113.10
crypto map VPN 10 set ikev2 ipsec-proposal P-AES
crypto map VPN interface outside
crypto ikev2 policy 1
 encryption aes-256
 integrity sha256
 group 14
 prf sha256
crypto ikev2 enable outside
""")
    assert [f for f in run(p2_keyacq, dev) if f.key == "ikev2"] == []


# --------------------------------------------------------------------------- CM-DYNORDER


def test_CM_DYNORDER_ios_moves_the_dynamic_entry_to_65535() -> None:
    dev = ios("""crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto dynamic-map DYN 10
 set transform-set TS
crypto map VPN 5 ipsec-isakmp dynamic DYN
crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set TS
 match address HUB
interface GigabitEthernet0/0
 crypto map VPN
ip access-list extended HUB
 permit ip 10.10.0.0 0.0.255.255 10.1.0.0 0.0.255.255
""")
    [f] = run(cm_dynorder, dev)
    assert commands(f) == ["no crypto map VPN 5 ipsec-isakmp dynamic DYN", "crypto map VPN 65535 ipsec-isakmp dynamic DYN"]
    assert f.fix[0].disruption is Disruption.DROPS_TUNNEL


def test_CM_DYNORDER_asa_uses_the_highest_free_number_when_65535_is_taken() -> None:
    dev = asa("9.8(4)", """access-list BR1 extended permit ip 10.1.0.0 255.255.0.0 10.10.0.0 255.255.0.0
crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac
crypto dynamic-map DYN 10 set ikev1 transform-set TS
crypto map VPN 100 ipsec-isakmp dynamic DYN
crypto map VPN 65535 match address BR1
crypto map VPN 65535 set peer 203.0.113.10
crypto map VPN 65535 set ikev1 transform-set TS
crypto map VPN interface outside
""")
    [f] = run(cm_dynorder, dev)
    assert commands(f)[1] == "crypto map VPN 65534 ipsec-isakmp dynamic DYN"


# --------------------------------------------------------------------------- CM-ONEDYN


def test_CM_ONEDYN_ios_merges_dynamic_entries_as_blocks() -> None:
    dev = ios("""crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto dynamic-map RA-DYN 10
 set transform-set TS
crypto dynamic-map PARTNER-DYN 10
 set transform-set TS
 set pfs group14
crypto map VPN 65000 ipsec-isakmp dynamic RA-DYN
crypto map VPN 65535 ipsec-isakmp dynamic PARTNER-DYN
interface GigabitEthernet0/0
 crypto map VPN
""")
    [f] = run(cm_onedyn, dev)
    assert f.key == "GigabitEthernet0/0"
    assert commands(f) == [
        "crypto dynamic-map RA-DYN 20",
        " set transform-set TS",
        " set pfs group14",
        "no crypto map VPN 65535 ipsec-isakmp dynamic PARTNER-DYN",
    ]


# --------------------------------------------------------------------------- CM-NAMECASE


def test_CM_NAMECASE_documents_rri_example_stray_lowercase_line() -> None:
    # The source document's own example: entries under myMAP, reverse-route typed under mymap.
    dev = asa("9.8(4)", """access-list cryptoACL extended permit ip 192.168.100.0 255.255.255.0 192.168.200.0 255.255.255.0
crypto ipsec ikev1 transform-set mySET esp-aes-256 esp-sha-hmac
crypto map myMAP 10 match address cryptoACL
crypto map myMAP 10 set peer 203.0.113.2
crypto map myMAP 10 set ikev1 transform-set mySET
crypto map mymap 10 set reverse-route
crypto map myMAP interface outside
""")
    [f] = run(cm_namecase, dev)
    assert f.severity.value == "warning"
    assert commands(f) == ["crypto map myMAP 10 set reverse-route", "no crypto map mymap 10 set reverse-route"]
    assert run(cm_unapplied, dev) == []  # the stray map is CM-NAMECASE's, not an unapplied map


def test_CM_NAMECASE_ios_binding_replaces_in_place() -> None:
    dev = ios("""crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto map myMAP 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set TS
 match address HUB
interface GigabitEthernet0/0
 crypto map mymap
ip access-list extended HUB
 permit ip 10.10.0.0 0.0.255.255 10.1.0.0 0.0.255.255
""")
    [f] = run(cm_namecase, dev)
    assert f.severity.value == "error"
    assert commands(f) == ["interface GigabitEthernet0/0", " crypto map myMAP"]


def test_CM_NAMECASE_acl_reference_with_other_case() -> None:
    dev = asa("9.8(4)", """access-list cryptoACL extended permit ip 10.1.0.0 255.255.0.0 10.10.0.0 255.255.0.0
crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac
crypto map VPN 10 match address cryptoacl
crypto map VPN 10 set peer 203.0.113.10
crypto map VPN 10 set ikev1 transform-set TS
crypto map VPN interface outside
""")
    [f] = run(cm_namecase, dev)
    assert f.severity.value == "warning"
    assert commands(f) == ["crypto map VPN 10 match address cryptoACL"]


# --------------------------------------------------------------------------- CM-ONEPERIF


def test_CM_ONEPERIF_ios_script_binding_two_maps_merges_into_the_last() -> None:
    dev = ios("""crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto map SITE-A 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set TS
 match address HUB1
crypto map SITE-B 10 ipsec-isakmp
 set peer 198.51.100.2
 set transform-set TS
 match address HUB2
interface GigabitEthernet0/0
 crypto map SITE-B
ip access-list extended HUB1
 permit ip 10.10.0.0 0.0.255.255 10.1.0.0 0.0.255.255
ip access-list extended HUB2
 permit ip 10.10.0.0 0.0.255.255 10.2.0.0 0.0.255.255
""")
    earlier = CryptoMapBinding("SITE-A", "GigabitEthernet0/0", replace(dev.bindings[0].source, line=1))
    dev = replace(dev, bindings=(earlier,) + dev.bindings)
    [f] = run(cm_oneperif, dev)
    assert commands(f) == [
        "crypto map SITE-B 20 ipsec-isakmp",
        " match address HUB1",
        " set peer 198.51.100.1",
        " set transform-set TS",
    ]
    assert f.fix[0].disruption is Disruption.NONE


# --------------------------------------------------------------------------- CM-UNAPPLIED


UNBOUND_ASA = """access-list BR1 extended permit ip 10.1.0.0 255.255.0.0 10.10.0.0 255.255.0.0
crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac
crypto map VPN 10 match address BR1
crypto map VPN 10 set peer 203.0.113.10
crypto map VPN 10 set ikev1 transform-set TS
"""


def test_CM_UNAPPLIED_asa_falls_back_to_the_security_level_0_interface() -> None:
    [f] = run(cm_unapplied, asa("9.8(4)", UNBOUND_ASA))
    assert f.severity.value == "error"
    assert commands(f) == ["crypto map VPN interface outside"]
    assert f.fix[0].disruption is Disruption.NONE
    assert f.caution and "encrypted" in f.caution


def test_CM_UNAPPLIED_asa_merges_when_the_outside_interface_has_another_map() -> None:
    body = UNBOUND_ASA + """access-list BR2 extended permit ip 10.1.0.0 255.255.0.0 10.20.0.0 255.255.0.0
crypto map OUTSIDE-MAP 10 match address BR2
crypto map OUTSIDE-MAP 10 set peer 203.0.113.20
crypto map OUTSIDE-MAP 10 set ikev1 transform-set TS
crypto map OUTSIDE-MAP interface outside
"""
    [f] = run(cm_unapplied, asa("9.8(4)", body))
    assert commands(f) == [
        "crypto map OUTSIDE-MAP 20 match address BR1",
        "crypto map OUTSIDE-MAP 20 set peer 203.0.113.10",
        "crypto map OUTSIDE-MAP 20 set ikev1 transform-set TS",
    ]


def test_CM_UNAPPLIED_pix6_and_incomplete_only_map_is_info() -> None:
    dev = pix("""crypto ipsec transform-set TS esp-aes-256 esp-sha-hmac
crypto map OLD 10 ipsec-isakmp
crypto map OLD 10 set transform-set TS
""")
    [f] = run(cm_unapplied, dev)
    assert f.severity.value == "info"
    assert commands(f) == ["crypto map OLD interface outside"]


# --------------------------------------------------------------------------- TG-NAME


L2L_ASA = """access-list BR2 extended permit ip 10.1.0.0 255.255.0.0 10.20.0.0 255.255.0.0
crypto ipsec transform-set TS esp-aes-256 esp-sha-hmac
crypto map VPN 20 match address BR2
crypto map VPN 20 set peer 203.0.113.20
crypto map VPN 20 set transform-set TS
crypto map VPN interface outside
"""


def test_TG_NAME_asa_82_uses_pre_84_key_keyword() -> None:
    [f] = run(tg_name, asa("8.2(5)", L2L_ASA))
    assert f.severity.value == "error"
    assert commands(f) == [
        "tunnel-group 203.0.113.20 type ipsec-l2l",
        "tunnel-group 203.0.113.20 ipsec-attributes",
        " pre-shared-key <pre-shared-key>",
    ]


def test_TG_NAME_aggressive_mode_entries_are_skipped_and_ios_is_out_of_scope() -> None:
    body = L2L_ASA + "crypto map VPN 20 set phase1-mode aggressive\n"
    assert run(tg_name, asa("8.2(5)", body)) == []
    assert run(tg_name, ios(IOS_MAP_TWO_PEERS)) == []


# --------------------------------------------------------------------------- TG-PROTO


def test_TG_PROTO_asa_82_adds_ipsec_to_dfltgrppolicy() -> None:
    body = L2L_ASA + """group-policy DfltGrpPolicy attributes
 vpn-tunnel-protocol webvpn
tunnel-group 203.0.113.20 type ipsec-l2l
"""
    [f] = run(tg_proto, asa("8.2(5)", body))
    assert commands(f) == ["group-policy DfltGrpPolicy attributes", " vpn-tunnel-protocol webvpn IPSec"]


def test_TG_PROTO_fixes_the_groups_own_policy_and_respects_inheritance() -> None:
    body = L2L_ASA + """group-policy GP-L2L internal
group-policy GP-L2L attributes
 vpn-tunnel-protocol ssl-client
tunnel-group 203.0.113.20 type ipsec-l2l
tunnel-group 203.0.113.20 general-attributes
 default-group-policy GP-L2L
"""
    [f] = run(tg_proto, asa("9.8(4)", body))
    assert commands(f) == ["group-policy GP-L2L attributes", " vpn-tunnel-protocol ssl-client ikev1"]
    inherited = body.replace(" vpn-tunnel-protocol ssl-client\n", " dns-server value 10.1.0.53\n")
    assert run(tg_proto, asa("9.8(4)", inherited)) == []  # platform default of DfltGrpPolicy includes ikev1


def test_TG_PROTO_username_attributes_override_the_group_document_example() -> None:
    body = """group-policy hf_group_policy internal
group-policy hf_group_policy attributes
 vpn-tunnel-protocol l2tp-ipsec
username hfremote password Hf-Pass-123
username hfremote attributes
 vpn-tunnel-protocol l2tp-ipsec
 group-lock value hf
tunnel-group hf type remote-access
tunnel-group hf general-attributes
 default-group-policy hf_group_policy
tunnel-group hf ipsec-attributes
 pre-shared-key Hf-Group-Key
"""
    found = {f.key: f for f in run(tg_proto, asa("8.2(5)", body))}
    assert set(found) == {"group hf", "user hfremote"}
    assert commands(found["group hf"]) == ["group-policy hf_group_policy attributes", " vpn-tunnel-protocol l2tp-ipsec IPSec"]
    assert commands(found["user hfremote"]) == ["username hfremote attributes", " vpn-tunnel-protocol l2tp-ipsec IPSec"]


# --------------------------------------------------------------------------- TG-IOSXAUTH


IOS_RA_AND_L2L = """crypto isakmp key Hub-Key address 0.0.0.0 0.0.0.0
crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto dynamic-map RA-DYN 10
 set transform-set TS
crypto map VPN client authentication list RA-AUTH
crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set TS
 match address HUB
crypto map VPN 65535 ipsec-isakmp dynamic RA-DYN
interface GigabitEthernet0/0
 crypto map VPN
ip access-list extended HUB
 permit ip 10.10.0.0 0.0.255.255 10.1.0.0 0.0.255.255
"""


def test_TG_IOSXAUTH_ios_wildcard_key_keeps_its_mask() -> None:
    [f] = run(tg_iosxauth, ios(IOS_RA_AND_L2L))
    assert commands(f) == ["crypto isakmp key <pre-shared-key> address 0.0.0.0 0.0.0.0 no-xauth"]
    assert f.fix[0].disruption is Disruption.RENEGOTIATES_TUNNEL


def test_TG_IOSXAUTH_isakmp_profile_separates_the_l2l_peer() -> None:
    body = IOS_RA_AND_L2L.replace(" set peer 198.51.100.1\n", " set peer 198.51.100.1\n set isakmp-profile L2L\n")
    assert run(tg_iosxauth, ios(body)) == []


def test_TG_IOSXAUTH_pix6_key_gets_no_xauth_and_no_config_mode() -> None:
    dev = pix("""access-list HUB permit ip 10.30.0.0 255.255.0.0 10.1.0.0 255.255.0.0
crypto ipsec transform-set TS esp-aes-256 esp-sha-hmac
crypto map VPN 10 ipsec-isakmp
crypto map VPN 10 match address HUB
crypto map VPN 10 set peer 198.51.100.1
crypto map VPN 10 set transform-set TS
crypto map VPN interface outside
isakmp key Pix-Hub-Key address 198.51.100.1 netmask 255.255.255.255
""")
    # `crypto map VPN client authentication RADIUS` (PIX 6) is set on the model directly.
    cmap = replace(dev.crypto_maps["VPN"], client_authentication_list="RADIUS")
    dev = replace(dev, crypto_maps={"VPN": cmap})
    [f] = run(tg_iosxauth, dev)
    assert commands(f) == [
        "isakmp key <pre-shared-key> address 198.51.100.1 netmask 255.255.255.255 no-xauth no-config-mode"
    ]


def test_TG_IOSXAUTH_asa_is_immune() -> None:
    assert run(tg_iosxauth, asa("9.8(4)", L2L_ASA)) == []


# --------------------------------------------------------------------------- TG-EZVPN


EZ_ASA = """group-policy GP-EZ internal
group-policy GP-EZ attributes
 vpn-tunnel-protocol ikev1
tunnel-group EZ type remote-access
tunnel-group EZ general-attributes
 default-group-policy GP-EZ
tunnel-group EZ ipsec-attributes
 ikev1 pre-shared-key Ez-Group-Key
group-policy DfltGrpPolicy attributes
 nem enable
"""


def test_TG_EZVPN_nem_inherited_from_dfltgrppolicy_is_advice() -> None:
    [f] = run(tg_ezvpn, asa("9.8(4)", EZ_ASA))
    assert f.severity.value == "info"
    assert commands(f) == ["tunnel-group EZ ipsec-attributes", " isakmp ikev1-user-authentication none"]
    assert f.caution and "only credential" in f.caution


def test_TG_EZVPN_secure_unit_authentication_is_a_deliberate_choice() -> None:
    body = EZ_ASA + "group-policy GP-EZ attributes\n secure-unit-authentication enable\n"
    assert run(tg_ezvpn, asa("9.8(4)", body)) == []


# --------------------------------------------------------------------------- secrets


def test_map_checks_never_print_pre_shared_keys_from_the_fail_fixtures() -> None:
    from ipsec_doctor import analyze

    ids = ("P2-NOPEER", "TG-NAME", "TG-IOSXAUTH", "TG-EZVPN", "TG-PROTO", "P2-KEYACQ")
    for cid in ids:
        report = analyze([CHECKS / cid / "fail"])
        text = json.dumps([f.as_dict() for f in report.findings])
        for secret in ("Br1-Key-2024", "Br2-Key-2024", "Hub-Br2-Key", "Ez-Group-Key", "Ra-Group-Key", "Vpn-User-Pass"):
            assert secret not in text, (cid, secret)
        assert any(f.id == cid for f in report.findings)
