"""Tunnel checks (P1-*, P2-*, IN-UNPAIRED): exact fix commands per platform and version, and details.

The snapshots are the two-ended scenarios of ``tests/scenarios``; variants
copy one to a temporary folder and edit a line, so each test shows the one
configuration difference it is about.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ipsec_doctor import analyze
from ipsec_doctor.analysis import Report
from ipsec_doctor.checks.p2_nohash import lacks_integrity
from ipsec_doctor.findings import Finding, Fix
from ipsec_doctor.model import TransformSet

SCENARIOS = Path(__file__).parent / "scenarios"


def _report(name: str) -> Report:
    return analyze([SCENARIOS / name])


def _variant(tmp_path: Path, name: str, edits: dict[str, list[tuple[str, str]]]) -> Report:
    """Copy scenario ``name`` and apply (old, new) text edits per file; old must exist."""
    folder = tmp_path / name
    shutil.copytree(SCENARIOS / name, folder)
    (folder / "expect.toml").unlink()
    for file, changes in edits.items():
        path = folder / file
        text = path.read_text()
        for old, new in changes:
            assert old in text, (file, old)
            text = text.replace(old, new)
        path.write_text(text)
    return analyze([folder])


def _only(report: Report, catalog_id: str) -> Finding:
    found = [f for f in report.findings if f.id == catalog_id]
    assert len(found) == 1, [f.title for f in found]
    return found[0]


def _fix(finding: Finding, device: str) -> Fix:
    fixes = [x for x in finding.fix if x.device == device]
    assert len(fixes) == 1, finding.fix
    return fixes[0]


# --------------------------------------------------------------------------- P1-POLICY


def test_p1_policy_names_attribute_and_both_offers() -> None:
    f = _only(_report("asa-ios-policy"), "P1-POLICY")
    assert f.severity.value == "error"
    assert f.detail.startswith("No DH group in common: BR1-RTR proposes group 2, HQ-ASA proposes group 14.")
    assert "HQ-ASA offers policy 10: aes-256, sha, pre-share, group 14" in f.detail
    assert f.title == "No ISAKMP policy in common between BR1-RTR and HQ-ASA (DH group differs)"


def test_p1_policy_fix_a_raises_the_weaker_ios_side_and_fix_b_adds_to_asa84() -> None:
    f = _only(_report("asa-ios-policy"), "P1-POLICY")
    weak = _fix(f, "BR1-RTR")
    assert weak.commands == ("crypto isakmp policy 5", " authentication pre-share", " encr aes 256", " hash sha",
                             " group 14", " lifetime 86400")
    assert weak.note is not None and weak.note.startswith("fix A")
    strong = _fix(f, "HQ-ASA")
    assert strong.commands == ("crypto ikev1 policy 5", " authentication pre-share", " encryption aes-256",
                               " hash sha", " group 2", " lifetime 86400")
    assert strong.note is not None and strong.note.startswith("fix B")
    assert {x.disruption.value for x in f.fix} == {"none"}


def test_p1_policy_fix_on_asa82_uses_isakmp_one_liners() -> None:
    f = _only(_report("asa-asa-policy"), "P1-POLICY")
    assert _fix(f, "BR2-ASA").commands == (
        "crypto isakmp policy 5 authentication pre-share", "crypto isakmp policy 5 encryption aes-256",
        "crypto isakmp policy 5 hash sha", "crypto isakmp policy 5 group 14", "crypto isakmp policy 5 lifetime 86400")


def test_p1_policy_fix_on_pix6_has_no_crypto_prefix() -> None:
    f = _only(_report("pix-ios-policy"), "P1-POLICY")
    assert "HQ-PIX proposes group 5, BR1-RTR proposes group 2" in f.detail or \
        "BR1-RTR proposes group 2, HQ-PIX proposes group 5" in f.detail
    assert _fix(f, "HQ-PIX").commands[0] == "isakmp policy 5 authentication pre-share"
    assert _fix(f, "BR1-RTR").commands[-2:] == (" group 5", " lifetime 86400")


# --------------------------------------------------------------------------- P1-LIFETIME


def test_p1_lifetime_refusal_is_a_warning_depending_on_the_initiator() -> None:
    f = _only(_report("asa-ios-lifetime"), "P1-LIFETIME")
    assert f.severity.value == "warning"
    assert "HQ-ASA (responder, policy 10) has 86400 s, BR1-RTR (initiator, policy 10) has 28800 s" in f.detail
    assert "fails when BR1-RTR initiates, and negotiates when HQ-ASA initiates" in f.detail
    assert _fix(f, "HQ-ASA").commands == ("crypto ikev1 policy 10", " lifetime 28800")
    assert _fix(f, "BR1-RTR").commands == ("crypto isakmp policy 10", " lifetime 86400")


def test_p1_lifetime_info_when_phase1_agrees_but_lifetimes_differ(tmp_path: Path) -> None:
    # BR1-RTR: policy 10 (28800 s) and policy 20 (default 86400 s) with the same ciphers; both directions agree.
    extra = "crypto isakmp policy 20\n encr aes 256\n authentication pre-share\n group 14\n"
    report = _variant(tmp_path, "ios-ios-up", {"br1-rtr.cfg": [
        (" group 14\n", " group 14\n lifetime 28800\n" + extra)]})
    assert all(v.verdict == "up" for v in report.verdicts.values())
    f = _only(report, "P1-LIFETIME")
    assert f.severity.value == "info"
    assert "the shorter lifetime (28800 s) is used" in f.detail
    assert "%ASA-5-713092" in f.detail
    assert _fix(f, "HQ-RTR").commands == ("crypto isakmp policy 10", " lifetime 28800")


# --------------------------------------------------------------------------- P1-PSK


def test_p1_psk_mismatch_fixes_use_each_platform_and_version_syntax() -> None:
    f = _only(_report("asa-asa-psk-differ"), "P1-PSK")
    assert f.severity.value == "error" and f.key == "mismatch"
    assert _fix(f, "HQ-ASA").commands == ("tunnel-group 198.51.100.20 ipsec-attributes",
                                          " ikev1 pre-shared-key <pre-shared-key>")
    assert _fix(f, "BR2-ASA").commands == ("tunnel-group 203.0.113.10 ipsec-attributes",
                                           " pre-shared-key <pre-shared-key>")
    pix = _only(_report("pix-ios-psk-differ"), "P1-PSK")
    assert _fix(pix, "HQ-PIX").commands == (
        "no isakmp key <pre-shared-key> address 198.51.100.20 netmask 255.255.255.255",
        "isakmp key <pre-shared-key> address 198.51.100.20 netmask 255.255.255.255")
    assert _fix(pix, "BR1-RTR").commands == ("no crypto isakmp key <pre-shared-key> address 203.0.113.10",
                                             "crypto isakmp key <pre-shared-key> address 203.0.113.10")
    assert pix.caution and "down while you type" in pix.caution


def test_p1_psk_evidence_lines_are_redacted() -> None:
    f = _only(_report("asa-ios-psk-differ"), "P1-PSK")
    texts = [e.text for e in f.evidence]
    assert "crypto isakmp key <redacted> address 203.0.113.10" in texts
    assert all("Secret" not in t for t in texts)


def test_p1_psk_masked_asa_key_says_which_command_shows_it() -> None:
    f = _only(_report("asa-ios-psk-hidden"), "P1-PSK")
    assert f.severity.value == "info" and not f.fix
    assert "`more system:running-config` on HQ-ASA" in f.detail


def test_p1_psk_type6_ios_key_cannot_be_shown() -> None:
    f = _only(_report("ios-ios-psk-hidden"), "P1-PSK")
    assert f.severity.value == "info"
    assert "type 6 (encrypted); IOS cannot show it" in f.detail
    assert "re-entering the same key on both ends" in f.detail


def test_p1_psk_missing_on_ios_and_on_asa_tunnel_group_without_key() -> None:
    ios = _only(_report("asa-ios-psk-missing"), "P1-PSK")
    assert ios.devices == ("BR1-RTR", "HQ-ASA") and ios.key == "missing"
    assert "BR1-RTR has no `crypto isakmp key` or keyring entry covering the peer address 203.0.113.10" in ios.detail
    assert [x.device for x in ios.fix] == ["BR1-RTR"]
    asa = _only(_report("asa-asa-psk-missing"), "P1-PSK")
    assert "BR2-ASA has tunnel-group 203.0.113.10 but no pre-shared key" in asa.detail
    assert _fix(asa, "BR2-ASA").commands == ("tunnel-group 203.0.113.10 ipsec-attributes",
                                             " pre-shared-key <pre-shared-key>")


# --------------------------------------------------------------------------- P1-IDENTITY


def test_p1_identity_changes_the_end_that_is_not_using_the_address() -> None:
    f = _only(_report("asa-ios-identity"), "P1-IDENTITY")
    assert f.severity.value == "error"
    assert f.detail.startswith("BR1-RTR identifies itself by `hostname`, HQ-ASA by `auto` (the address, with "
                               "pre-shared keys) by default.")
    assert [(x.device, x.commands) for x in f.fix] == [("BR1-RTR", ("crypto isakmp identity address",))]
    pix = _only(_report("pix-ios-identity"), "P1-IDENTITY")
    assert _fix(pix, "BR1-RTR").commands == ("crypto isakmp identity address",)


# --------------------------------------------------------------------------- P1-ENABLE


def test_p1_enable_fix_per_platform_and_version(tmp_path: Path) -> None:
    assert _fix(_only(_report("asa-ios-enable"), "P1-ENABLE"), "HQ-ASA").commands == ("crypto ikev1 enable outside",)
    assert _fix(_only(_report("pix-ios-enable"), "P1-ENABLE"), "HQ-PIX").commands == ("isakmp enable outside",)
    ios = _only(_report("ios-ios-enable"), "P1-ENABLE")
    assert _fix(ios, "HQ-RTR").commands == ("crypto isakmp enable",)
    assert "no crypto isakmp enable" in [e.text for e in ios.evidence]
    old = _variant(tmp_path, "asa-asa-up", {"br2-asa.cfg": [("crypto isakmp enable outside\n", "")]})
    f = _only(old, "P1-ENABLE")
    assert f.devices == ("BR2-ASA",) and f.key == "outside"
    assert _fix(f, "BR2-ASA").commands == ("crypto isakmp enable outside",)


def test_p1_enable_runs_even_when_the_peer_is_not_in_the_snapshot(tmp_path: Path) -> None:
    folder = tmp_path / "alone"
    folder.mkdir()
    shutil.copy(SCENARIOS / "asa-ios-enable" / "hq-asa.cfg", folder / "hq-asa.cfg")
    report = analyze([folder])
    assert {f.id for f in report.findings} >= {"P1-ENABLE", "IN-UNPAIRED"}
    assert "(peers 198.51.100.20)" in _only(report, "P1-ENABLE").detail


# --------------------------------------------------------------------------- P1-NATT


def test_p1_natt_fix_per_platform() -> None:
    asa = _only(_report("asa-ios-natt"), "P1-NATT")
    assert asa.severity.value == "error" and asa.tunnel is not None
    assert _fix(asa, "HQ-ASA").commands == ("crypto isakmp nat-traversal 20",)
    ios = _only(_report("ios-ios-natt"), "P1-NATT")
    assert _fix(ios, "HQ-RTR").commands == ("crypto ipsec nat-transparency udp-encapsulation",)
    pix = _only(_report("pix-ios-natt"), "P1-NATT")
    assert "NAT-T is off by default there" in pix.detail
    assert _fix(pix, "HQ-PIX").commands == ("isakmp nat-traversal 20",)


def test_p1_natt_entry_opt_out_is_removed(tmp_path: Path) -> None:
    report = _variant(tmp_path, "asa-asa-natt", {"hq-asa.cfg": [
        ("no crypto isakmp nat-traversal\n", ""),
        ("crypto map outside_map interface outside\n",
         "crypto map outside_map 10 set nat-t-disable\ncrypto map outside_map interface outside\n")]})
    f = _only(report, "P1-NATT")
    assert "has `set nat-t-disable`" in f.detail
    assert _fix(f, "HQ-ASA").commands == ("no crypto map outside_map 10 set nat-t-disable",)


def test_p1_natt_not_reported_without_nat_between() -> None:
    assert not [f for f in _report("asa-ios-up").findings if f.id == "P1-NATT"]


# --------------------------------------------------------------------------- P2-PFS


def test_p2_pfs_names_both_settings_and_fixes_each_side() -> None:
    f = _only(_report("asa-ios-pfs"), "P2-PFS")
    assert "HQ-ASA (crypto map outside_map 10) uses PFS group 14, BR1-RTR (crypto map VPN 10) uses no PFS" in \
        f.detail or "BR1-RTR (crypto map VPN 10) uses no PFS, HQ-ASA (crypto map outside_map 10) uses PFS group 14" \
        in f.detail
    assert _fix(f, "BR1-RTR").commands == ("crypto map VPN 10 ipsec-isakmp", " set pfs group14")
    assert _fix(f, "HQ-ASA").commands == ("no crypto map outside_map 10 set pfs",)
    assert any(e.text == "crypto map outside_map 10 set pfs group14" for e in f.evidence)


def test_p2_pfs_on_pix6_reopens_the_entry() -> None:
    f = _only(_report("pix-ios-pfs"), "P2-PFS")
    assert _fix(f, "BR1-RTR").commands == ("crypto map VPN 10 ipsec-isakmp", " set pfs group5")
    assert _fix(f, "HQ-PIX").commands == ("no crypto map outside_map 10 set pfs",)


# --------------------------------------------------------------------------- P2-TRANSFORM


def test_p2_transform_adds_the_stronger_set_on_ios_and_the_weaker_on_pix6() -> None:
    f = _only(_report("pix-ios-transform"), "P2-TRANSFORM")
    assert "HQ-PIX proposes AES256-SHA (esp-aes-256 esp-sha-hmac)" in f.detail
    assert _fix(f, "BR1-RTR").commands == ("crypto ipsec transform-set AES256-SHA esp-aes 256 esp-sha-hmac",
                                           "crypto map VPN 10 ipsec-isakmp", " set transform-set 3DES-MD5 AES256-SHA")
    assert _fix(f, "HQ-PIX").commands == ("crypto ipsec transform-set 3DES-MD5 esp-3des esp-md5-hmac",
                                          "crypto map outside_map 10 set transform-set AES256-SHA 3DES-MD5")


def test_p2_transform_on_asa84_uses_ikev1_keywords() -> None:
    f = _only(_report("asa-ios-transform"), "P2-TRANSFORM")
    assert _fix(f, "HQ-ASA").commands == ("crypto ipsec ikev1 transform-set 3DES-MD5 esp-3des esp-md5-hmac",
                                          "crypto map outside_map 10 set ikev1 transform-set AES256-SHA 3DES-MD5")


# --------------------------------------------------------------------------- P2-NOHASH


def test_p2_nohash_warns_per_device_with_its_own_syntax() -> None:
    report = _report("asa-ios-nohash")
    found = {f.devices[0]: f for f in report.findings if f.id == "P2-NOHASH"}
    assert set(found) == {"BR1-RTR", "HQ-ASA"}
    assert all(f.severity.value == "warning" and len(f.devices) == 1 for f in found.values())
    assert found["HQ-ASA"].fix[0].commands == ("crypto ipsec ikev1 transform-set AES-NOHASH esp-aes esp-sha-hmac",)
    assert found["BR1-RTR"].fix[0].commands == ("crypto ipsec transform-set AES-NOHASH esp-aes esp-sha-hmac",)
    assert "used by crypto map outside_map 10" in found["HQ-ASA"].detail


def test_p2_nohash_ignores_combined_mode_and_ah() -> None:
    assert lacks_integrity(TransformSet("A", ("esp-aes",), "esp-aes", 128))
    assert not lacks_integrity(TransformSet("G", ("esp-gcm 256",), "esp-gcm", 256))
    assert not lacks_integrity(TransformSet("H", ("ah-sha-hmac", "esp-aes"), "esp-aes", 128, ah="ah-sha-hmac"))
    assert not lacks_integrity(TransformSet("S", ("esp-aes", "esp-sha-hmac"), "esp-aes", 128, "esp-sha-hmac"))


# --------------------------------------------------------------------------- P2-MIRROR


def test_p2_mirror_superset_is_a_warning_and_narrows_the_wider_side_first() -> None:
    f = _only(_report("asa-ios-mirror-superset"), "P2-MIRROR")
    assert f.severity.value == "warning"
    assert "Phase 2 comes up only when BR1-RTR (the narrower ACL) initiates" in f.detail
    assert "only HQ-ASA protects 10.10.0.0/24 -> 192.168.20.0/24 ip" in f.detail
    wide = _fix(f, "HQ-ASA")
    assert wide.note is not None and wide.note.startswith("fix A")
    assert wide.commands == (
        "no access-list VPN-CRYPTO extended permit ip 10.10.0.0 255.255.0.0 192.168.20.0 255.255.255.0",
        "access-list VPN-CRYPTO extended permit ip 10.10.1.0 255.255.255.0 192.168.20.0 255.255.255.0")
    assert _fix(f, "BR1-RTR").commands == (
        "ip access-list extended VPN-CRYPTO", " no permit ip 192.168.20.0 0.0.0.255 10.10.1.0 0.0.0.255",
        " permit ip 192.168.20.0 0.0.0.255 10.10.0.0 0.0.255.255")
    assert {e.text for e in f.evidence} >= {
        "permit ip 192.168.20.0 0.0.0.255 10.10.1.0 0.0.0.255",
        "access-list VPN-CRYPTO extended permit ip 10.10.0.0 255.255.0.0 192.168.20.0 255.255.255.0"}


def test_p2_mirror_without_overlap_is_an_error_on_pix6_too() -> None:
    f = _only(_report("pix-ios-mirror-disjoint"), "P2-MIRROR")
    assert f.severity.value == "error"
    assert "they have no flow in common" in f.detail
    assert _fix(f, "HQ-PIX").commands[-1] == "access-list VPN-CRYPTO permit ip 10.10.0.0 255.255.0.0 " \
                                             "192.168.30.0 255.255.255.0"


# --------------------------------------------------------------------------- IN-UNPAIRED


def test_in_unpaired_lists_what_to_ask_without_the_key() -> None:
    f = _only(_report("asa-ios-unpaired"), "IN-UNPAIRED")
    assert f.severity.value == "info" and f.devices == ("HQ-ASA",)
    ask = f.extra["ask"]
    assert isinstance(ask, list)
    assert ask[0].endswith("permitting from their side exactly: 192.168.20.0/24 -> 10.10.0.0/16 ip")
    assert "policy 10: aes-256, sha, pre-share, group 14, lifetime 86400 s" in ask[1]
    assert "AES256-SHA (esp-aes-256 esp-sha-hmac)" in ask[2]
    assert ask[-1].startswith("confirmation that the pre-shared key configured for address 203.0.113.10")
    assert "Hq2Br1" not in f.detail


# --------------------------------------------------------------------------- verdict summary


def test_tunnel_summary_reads_like_an_engineers_answer() -> None:
    report = _report("asa-ios-psk-differ")
    (verdict,) = report.verdicts.values()
    assert verdict.summary == "fails at phase 1 — pre-shared keys differ"
