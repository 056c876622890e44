"""The lab's translation to swanctl and its guards (no root, no strongSwan needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ipsec_doctor.analysis import parse_devices
from ipsec_doctor.inputs import load
from ipsec_doctor.lab import OutOfReach, plan_tunnel
from ipsec_doctor.lab.runner import _inside_addresses, explain
from ipsec_doctor.lab.translate import esp_v1_proposals, ike_v1_proposals, selectors
from ipsec_doctor.model import IkePolicy, TransformSet
from ipsec_doctor.pairing import find_tunnels
from ipsec_doctor.verdict import negotiate_tunnel

sys.path.insert(0, str(Path(__file__).parent))
from test_lab_conformance import Case

FIXTURES = Path(__file__).parent / "fixtures" / "ikev2"


def _plan(folder: Path):  # type: ignore[no-untyped-def]
    devices = {d.name: d for d in parse_devices(load([str(folder)]))}
    tunnel = next(t for t in find_tunnels(list(devices.values())) if not t.one_sided)
    return plan_tunnel(tunnel, devices, negotiate_tunnel(tunnel, devices))


def test_lab_ikev1_policies_become_strongswan_keywords_in_priority_order() -> None:
    policies = (IkePolicy(20, "3des", "md5", "pre-share", 1, 86400), IkePolicy(10, "aes-256", "sha", "pre-share", 2,
                                                                              86400))
    assert ike_v1_proposals(policies) == "aes256-sha1-modp1024,3des-md5-modp768"


def test_lab_transform_sets_with_pfs_become_esp_proposals() -> None:
    ts = TransformSet("TS", ("esp-aes 256", "esp-sha-hmac"), "esp-aes", 256, "esp-sha-hmac")
    gcm = TransformSet("G", ("esp-gcm 128",), "esp-gcm", 128, None)
    assert esp_v1_proposals((ts, gcm), 14) == "aes256-sha1-modp2048,aes128gcm16-modp2048"
    assert esp_v1_proposals((ts,), None) == "aes256-sha1"


def test_lab_refuses_certificates_and_transport_mode() -> None:
    with pytest.raises(OutOfReach, match="certificates"):
        ike_v1_proposals((IkePolicy(10, "aes", "sha", "rsa-sig", 2, 86400),))
    with pytest.raises(OutOfReach, match="transport"):
        esp_v1_proposals((TransformSet("T", (), "esp-aes", 128, "esp-sha-hmac", mode="transport"),), None)


def test_lab_ikev1_pair_translates_both_ends_with_mirrored_selectors(tmp_path: Path) -> None:
    plan = _plan(Case("ios-ios", 1, "pfs-mismatch").write(tmp_path))
    a, b = plan.ends
    assert plan.version == 1
    assert (str(a.local), str(a.remote)) == ("192.0.2.1", "198.51.100.2")
    assert a.proposals == b.proposals == "aes256-sha1-modp2048"
    assert a.children[0].esp_proposals == "aes256-sha1"
    assert b.children[0].esp_proposals == "aes256-sha1-modp2048"
    assert (a.children[0].local_ts, a.children[0].remote_ts) == ("10.1.1.0/24", "10.2.2.0/24")
    assert (b.children[0].local_ts, b.children[0].remote_ts) == ("10.2.2.0/24", "10.1.1.0/24")
    assert a.key == b.key and len(a.key) == 64  # the same Cisco key → the same stand-in


def test_lab_keys_stay_out_of_the_connection_file_and_differ_when_cisco_keys_differ(tmp_path: Path) -> None:
    plan = _plan(Case("asa-ios", 1, "key-mismatch").write(tmp_path))
    a, b = plan.ends
    assert a.key != b.key
    conf = a.swanctl_conf("/x/secrets.conf")
    assert a.key not in conf and "include /x/secrets.conf" in conf
    assert a.key in a.secrets_conf()
    for text in (conf, a.secrets_conf(), repr(a)):
        assert "Lab-Key-4711" not in text and "Other-Key-0815" not in text
    assert a.key not in repr(a)


def test_lab_ikev2_pair_with_asymmetric_keys_gets_two_secrets() -> None:
    plan = _plan(FIXTURES / "ios-ios-up")
    a = plan.ends[0]
    assert plan.version == 2
    assert a.proposals == "aes256-sha256-prfsha256-ecp256"
    assert a.remote_key and a.remote_key != a.key
    assert a.secrets_conf().count("secret =") == 2


def test_lab_says_out_of_reach_for_ios_default_proposals_and_cisco_only_failures() -> None:
    with pytest.raises(OutOfReach, match="default"):
        _plan(FIXTURES / "ios-ios-default-proposal")
    with pytest.raises(OutOfReach, match="V2-IDENTITY"):
        _plan(FIXTURES / "ios-ios-identity")
    with pytest.raises(OutOfReach, match="not enabled"):
        _plan(FIXTURES / "asa-ios-enable")


def test_lab_says_out_of_reach_for_ikev1_subset_acls(tmp_path: Path) -> None:
    with pytest.raises(OutOfReach, match="narrows"):
        _plan(Case("ios-ios", 1, "ts-subset").write(tmp_path))


def test_lab_selectors_carry_protocol_and_port(tmp_path: Path) -> None:
    folder = Case("ios-ios", 1, "match").write(tmp_path)
    cfg = folder / "a.cfg"
    cfg.write_text(cfg.read_text().replace(" permit ip 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255",
                                           " permit tcp host 10.1.1.5 10.2.2.0 0.0.0.255 eq 443"))
    device = next(d for d in parse_devices(load([str(cfg)])))
    assert selectors(device.acls["VPN-ACL"]) == [("10.1.1.5/32[6/]".replace("/]", "]"), "10.2.2.0/24[6/443]")]


def test_lab_log_explanations_drop_key_lines_and_keep_the_cause() -> None:
    key = "ab" * 32
    lines = [
        "07[IKE] tried 1 shared key for '10.0.0.1' - '10.0.0.2', but MAC mismatched",
        f"07[CFG] loaded secret {key}",
        "08[IKE] received AUTHENTICATION_FAILED notify error",
        "08[CFG] received proposals: IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024",
        "09[IKE] no acceptable DIFFIE_HELLMAN_GROUP found",
        "09[NET] sending packet: from 10.0.0.1[500] to 10.0.0.2[500] (100 bytes)",
    ]
    out = explain(lines, key, "R1")
    assert out == [
        "R1: tried 1 shared key for '10.0.0.1' - '10.0.0.2', but MAC mismatched",
        "R1: received AUTHENTICATION_FAILED notify error",
        "R1: received proposals: IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024",
        "R1: no acceptable DIFFIE_HELLMAN_GROUP found",
    ]


def test_lab_puts_an_address_of_each_local_selector_on_loopback(tmp_path: Path) -> None:
    plan = _plan(Case("ios-ios", 1, "match").write(tmp_path))
    assert _inside_addresses(plan.ends[0]) == ["10.1.1.1"]


def test_lab_command_exits_2_with_the_reason_when_the_lab_cannot_run(monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from ipsec_doctor import lab
    from ipsec_doctor.cli import main

    monkeypatch.setattr(lab, "lab_available", lambda: "the lab needs root (network namespaces)")
    assert main(["lab", str(FIXTURES / "ios-ios-up")]) == 2
    assert "lab unavailable: the lab needs root" in capsys.readouterr().err
