"""Cryptographic hygiene (SEC-*): one finding per device and weakness, every place listed, fixes per platform."""

from __future__ import annotations

import json
from pathlib import Path

from ipsec_doctor import analyze

CHECKS = Path(__file__).parent / "checks"

IOS = """!
version {version}
hostname BR1-RTR
!
crypto isakmp policy 10
 encr 3des
 hash md5
 authentication pre-share
 group 2
crypto isakmp key {key} address 203.0.113.10
crypto isakmp key {key} address 203.0.113.77
!
crypto ipsec transform-set TS esp-3des esp-md5-hmac
 mode tunnel
crypto ipsec transform-set NOHASH esp-aes 256
 mode tunnel
!
crypto map VPN 10 ipsec-isakmp
 set peer 203.0.113.10
 set transform-set NOHASH
 set pfs group5
 match address VPN-CRYPTO
!
interface GigabitEthernet0/0
 ip address 198.51.100.20 255.255.255.0
 crypto map VPN
!
ip access-list extended VPN-CRYPTO
 permit ip 192.168.20.0 0.0.0.255 10.10.0.0 0.0.255.255
end
"""

ASA = """: Saved
ASA Version {version}
hostname HQ-ASA
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.10 255.255.255.0
access-list VPN-CRYPTO extended permit ip 10.10.0.0 255.255.0.0 192.168.20.0 255.255.255.0
crypto ipsec transform-set TS esp-des esp-md5-hmac
crypto map outside_map 10 match address VPN-CRYPTO
crypto map outside_map 10 set peer 198.51.100.20
crypto map outside_map 10 set transform-set TS
crypto map outside_map 10 set pfs group1
crypto map outside_map interface outside
crypto isakmp enable outside
crypto isakmp policy 10
 authentication pre-share
 encryption des
 hash md5
 group 1
 lifetime 86400
tunnel-group 198.51.100.20 type ipsec-l2l
tunnel-group 198.51.100.20 ipsec-attributes
 pre-shared-key {key}
tunnel-group SALES type remote-access
tunnel-group SALES ipsec-attributes
 pre-shared-key {key}
: end
"""

KEY = "Sh0rt-Key"  # 9 characters: weak, reused


def _analyze(tmp_path: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / name).write_text(text)
    return analyze([tmp_path])


def _only(report, catalog_id: str, key: str | None = None):  # type: ignore[no-untyped-def]
    found = [f for f in report.findings if f.id == catalog_id and (key is None or f.key == key)]
    assert len(found) == 1, [(f.title, f.key) for f in found]
    return found[0]


def test_ios_weak_cipher_lists_policy_and_transform_set_and_fixes_with_aes_256(tmp_path: Path) -> None:
    report = _analyze(tmp_path, "r.cfg", IOS.format(version="15.4", key=KEY))
    f = _only(report, "SEC-WEAK-CIPHER")
    assert f.severity.value == "warning" and f.key == "3DES"
    assert "ISAKMP policy 10 (encryption 3des); transform set TS (esp-3des)" in f.detail
    assert f.fix[0].commands == ("crypto isakmp policy 10", " encr aes 256",
                                 "crypto ipsec transform-set TS esp-aes 256 esp-md5-hmac")


def test_asa_82_weak_cipher_fix_uses_pre_84_one_line_syntax(tmp_path: Path) -> None:
    report = _analyze(tmp_path, "a.cfg", ASA.format(version="8.2(5)", key=KEY))
    f = _only(report, "SEC-WEAK-CIPHER")
    assert f.fix[0].commands == ("crypto isakmp policy 10 encryption aes-256",
                                 "crypto ipsec transform-set TS esp-aes-256 esp-md5-hmac")


def test_weak_hash_md5_is_a_warning_with_sha256_on_ios(tmp_path: Path) -> None:
    report = _analyze(tmp_path, "r.cfg", IOS.format(version="15.4", key=KEY))
    f = _only(report, "SEC-WEAK-HASH", "MD5")
    assert f.severity.value == "warning"
    assert f.fix[0].commands == ("crypto isakmp policy 10", " hash sha256",
                                 "crypto ipsec transform-set TS esp-3des esp-sha256-hmac")


def test_asa_ikev1_md5_hash_is_replaced_by_sha_with_the_ikev2_note(tmp_path: Path) -> None:
    report = _analyze(tmp_path, "a.cfg", ASA.format(version="8.2(5)", key=KEY))
    f = _only(report, "SEC-WEAK-HASH", "MD5")
    assert f.fix[0].commands == ("crypto isakmp policy 10 hash sha",
                                 "crypto ipsec transform-set TS esp-des esp-sha-hmac")
    assert f.fix[0].note is not None and "IKEv2" in f.fix[0].note


def test_weak_dh_fix_is_group_19_on_ios_15_and_group_14_on_ios_12(tmp_path: Path) -> None:
    new = _only(_analyze(tmp_path, "r.cfg", IOS.format(version="15.4", key=KEY)), "SEC-WEAK-DH")
    assert "weak DH groups 2, 5" in new.title
    assert new.fix[0].commands == ("crypto isakmp policy 10", " group 19", "crypto map VPN 10 ipsec-isakmp",
                                   " set pfs group19")
    (tmp_path / "r.cfg").write_text(IOS.format(version="12.4", key=KEY))
    old = _only(analyze([tmp_path]), "SEC-WEAK-DH")
    assert old.fix[0].commands == ("crypto isakmp policy 10", " group 14", "crypto map VPN 10 ipsec-isakmp",
                                   " set pfs group14")


def test_asa_weak_dh_fix_uses_group_14_and_one_line_pfs(tmp_path: Path) -> None:
    f = _only(_analyze(tmp_path, "a.cfg", ASA.format(version="9.8(4)", key=KEY)), "SEC-WEAK-DH")
    assert f.fix[0].commands == ("crypto ikev1 policy 10", " group 14", "crypto map outside_map 10 set pfs group14")


def test_no_integrity_is_info_while_p2_nohash_keeps_the_warning(tmp_path: Path) -> None:
    report = _analyze(tmp_path, "r.cfg", IOS.format(version="15.4", key=KEY))
    sec = _only(report, "SEC-NO-INTEGRITY")
    assert sec.severity.value == "info"
    assert sec.fix[0].commands == ("crypto ipsec transform-set NOHASH esp-gcm 256",)
    assert {f.severity.value for f in report.findings if f.id == "P2-NOHASH"} == {"warning"}


def test_key_reuse_lists_every_peer_and_never_prints_the_key(tmp_path: Path) -> None:
    report = _analyze(tmp_path, "r.cfg", IOS.format(version="15.4", key=KEY))
    f = _only(report, "SEC-KEY-REUSE")
    assert f.severity.value == "info"
    assert "203.0.113.10" in f.detail and "203.0.113.77" in f.detail
    assert KEY not in json.dumps(f.as_dict())


def test_key_reuse_groups_across_devices_but_not_the_two_ends_of_one_tunnel(tmp_path: Path) -> None:
    (tmp_path / "a.cfg").write_text(ASA.format(version="9.8(4)", key=KEY))
    report = _analyze(tmp_path, "r.cfg", IOS.format(version="15.4", key=KEY))
    found = [f for f in report.findings if f.id == "SEC-KEY-REUSE"]
    assert sorted(f.devices[0] for f in found) == ["BR1-RTR", "HQ-ASA"]
    assert "tunnel-group SALES" in found[0].detail


def test_weak_psk_reports_length_only(tmp_path: Path) -> None:
    report = _analyze(tmp_path, "r.cfg", IOS.format(version="15.4", key=KEY))
    f = _only(report, "SEC-WEAK-PSK")
    assert "(9 characters)" in f.detail
    assert f.fix[0].commands[0] == "crypto isakmp key <pre-shared-key> address 203.0.113.10"
    assert KEY not in json.dumps([x.as_dict() for x in report.findings])


def test_asa_remote_access_group_key_without_am_disable_is_aggressive_mode_advice(tmp_path: Path) -> None:
    f = _only(_analyze(tmp_path, "a.cfg", ASA.format(version="9.8(4)", key=KEY)), "SEC-AGGR-PSK")
    assert "tunnel-group SALES (remote access, IKEv1 group key)" in f.detail
    assert f.fix[0].commands == ("crypto ikev1 am-disable",)
    f82 = _only(_analyze(tmp_path, "a.cfg", ASA.format(version="8.2(5)", key=KEY)), "SEC-AGGR-PSK")
    assert f82.fix[0].commands == ("crypto isakmp am-disable",)


def test_sec_ikev1_needs_ikev2_capable_software_on_both_ends(tmp_path: Path) -> None:
    capable = analyze([CHECKS / "SEC-IKEV1" / "fail"])
    assert [f.devices for f in capable.findings if f.id == "SEC-IKEV1"] == [("BR1-RTR", "HQ-ASA")]
    (tmp_path / "a.cfg").write_text(ASA.format(version="8.2(5)", key="Long-Enough_Key-4711"))
    (tmp_path / "r.cfg").write_text((CHECKS / "SEC-IKEV1" / "fail" / "br1-rtr.cfg").read_text())
    old = analyze([tmp_path])
    assert old.tunnels and not [f for f in old.findings if f.id == "SEC-IKEV1"]


def test_sec_ikev1_fix_builds_ikev2_on_both_platforms() -> None:
    f = _only(analyze([CHECKS / "SEC-IKEV1" / "fail"]), "SEC-IKEV1")
    fixes = {x.device: x.commands for x in f.fix}
    assert fixes["HQ-ASA"][:6] == ("crypto ikev2 policy 10", " encryption aes-gcm-256", " integrity null",
                                   " group 20", " prf sha384", " lifetime seconds 86400")
    assert "crypto map outside_map 10 set ikev2 ipsec-proposal ESP-NGE" in fixes["HQ-ASA"]
    assert fixes["BR1-RTR"][-3:] == ("crypto map VPN 10 ipsec-isakmp", " set transform-set TS-NGE",
                                     " set ikev2-profile PROF-203-0-113-10")
    assert all(x.disruption.value == "drops-tunnel" for x in f.fix)


def test_hygiene_findings_are_never_errors(tmp_path: Path) -> None:
    (tmp_path / "a.cfg").write_text(ASA.format(version="9.8(4)", key=KEY))
    report = _analyze(tmp_path, "r.cfg", IOS.format(version="15.4", key=KEY))
    sec = [f for f in report.findings if f.id.startswith("SEC-")]
    assert len({f.id for f in sec}) >= 7
    assert {f.severity.value for f in sec} <= {"warning", "info"}
