"""Object-group ACEs propose one proxy identity per member combination, as the ASA expands them."""

from __future__ import annotations

from pathlib import Path

from ipsec_doctor import analyze

HUB = """\
ASA Version 9.8(4)
hostname HUB
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.200.16.1 255.255.240.0
object-group network DC-NETS
 network-object 10.200.16.0 255.255.240.0
 network-object 10.200.32.0 255.255.240.0
object network SPOKE-LAN
 subnet 10.0.0.0 255.255.255.0
access-list SPOKE-CRYPTO extended permit ip object-group DC-NETS object SPOKE-LAN
nat (inside,outside) source static DC-NETS DC-NETS destination static SPOKE-LAN SPOKE-LAN
route outside 0.0.0.0 0.0.0.0 198.51.100.1
crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac
crypto map OUT 10 match address SPOKE-CRYPTO
crypto map OUT 10 set peer 203.0.113.10
crypto map OUT 10 set ikev1 transform-set TS
crypto map OUT interface outside
crypto ikev1 enable outside
crypto ikev1 policy 10
 authentication pre-share
 encryption aes-256
 hash sha
 group 14
 lifetime 86400
tunnel-group 203.0.113.10 type ipsec-l2l
tunnel-group 203.0.113.10 ipsec-attributes
 ikev1 pre-shared-key Same-Key-On-Both-1
"""

SPOKE = """\
version 15.4
hostname SPOKE
crypto isakmp policy 10
 encr aes 256
 authentication pre-share
 group 14
crypto isakmp key Same-Key-On-Both-1 address 198.51.100.2
crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.2
 set transform-set TS
 match address VPN-ACL
interface GigabitEthernet0/0
 ip address 203.0.113.10 255.255.255.0
 crypto map VPN
interface GigabitEthernet0/1
 ip address 10.0.0.1 255.255.255.0
ip route 0.0.0.0 0.0.0.0 203.0.113.1
ip access-list extended VPN-ACL
 {lines}
"""


def _snapshot(tmp_path: Path, spoke_lines: list[str]) -> Path:
    (tmp_path / "hub.cfg").write_text(HUB)
    (tmp_path / "spoke.cfg").write_text(SPOKE.format(lines="\n ".join(spoke_lines)))
    return tmp_path


def test_object_group_ace_is_matched_member_by_member_by_the_peer(tmp_path: Path) -> None:
    report = analyze([_snapshot(tmp_path, [
        "permit ip 10.0.0.0 0.0.0.255 10.200.16.0 0.0.15.255",
        "permit ip 10.0.0.0 0.0.0.255 10.200.32.0 0.0.15.255",
    ])])
    (verdict,) = report.verdicts.values()
    assert (verdict.verdict, verdict.phase2_status) == ("up", "up"), verdict.summary
    assert not [f for f in report.findings if f.id == "P2-MIRROR"]


def test_a_peer_missing_one_member_is_still_reported(tmp_path: Path) -> None:
    report = analyze([_snapshot(tmp_path, ["permit ip 10.0.0.0 0.0.0.255 10.200.16.0 0.0.15.255"])])
    mirror = [f for f in report.findings if f.id == "P2-MIRROR"]
    assert mirror and "10.200.32.0/20" in mirror[0].detail
