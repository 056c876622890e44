"""IKEv2: negotiation (IKE_SA_INIT, IKE_AUTH, CHILD_SA), verdicts, predicted states and the V2-* checks.

Two-ended snapshots live in ``tests/fixtures/ikev2/<pairing>-<mode>/`` (ASA⇄IOS
and IOS⇄IOS): all good, proposal mismatch, asymmetric key mismatch, identity
mismatch, child proposal mismatch, IKEv2 not enabled, PFS mismatch, one end
IKEv1 only, traffic selectors narrowed or refused, IOS default proposal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipsec_doctor import analyze
from ipsec_doctor.model import Platform
from ipsec_doctor.negotiate_v2 import (
    IOS_DEFAULT_PROPOSAL,
    V2Auth,
    V2IkeOffer,
    V2Proposal,
    identity_matches,
    negotiate_ike,
)
from ipsec_doctor.secrets import Secret

FIXTURES = Path(__file__).parent / "fixtures" / "ikev2"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CONFIGS = SHARED / "realworld" / "configs"


def _run(name: str):  # type: ignore[no-untyped-def]
    report = analyze([FIXTURES / name])
    assert len(report.tunnels) == 1, [t.id for t in report.tunnels]
    verdict = report.verdicts[report.tunnels[0].id]
    return report, verdict


def _ids(report) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.id for f in report.findings if f.id.startswith(("V2-", "P1-", "P2-", "TG-"))}


def _finding(report, catalog_id: str):  # type: ignore[no-untyped-def]
    found = [f for f in report.findings if f.id == catalog_id]
    assert len(found) == 1, [f.title for f in found]
    return found[0]


# --------------------------------------------------------------------------- two-ended scenarios


@pytest.mark.parametrize("pairing", ["ios-ios", "asa-ios"])
def test_ikev2_tunnel_with_matching_ends_comes_up_in_both_directions(pairing: str) -> None:
    report, verdict = _run(f"{pairing}-up")
    assert verdict.ike_version == 2
    assert (verdict.verdict, verdict.phase1, verdict.phase2) == ("up", "up", "up")
    assert verdict.summary.startswith("comes up: IKEv2")
    assert len(verdict.directions) == 2
    assert not _ids(report)


def test_ikev2_predicted_states_are_ready_on_ios_and_up_active_on_asa() -> None:
    _, verdict = _run("asa-ios-up")
    assert dict(verdict.predicted_state) == {"BR1-RTR": "READY", "HQ-ASA": "UP-ACTIVE"}


@pytest.mark.parametrize("pairing", ["ios-ios", "asa-ios"])
def test_ikev2_proposal_mismatch_fails_ike_sa_init_with_v2_proposal(pairing: str) -> None:
    report, verdict = _run(f"{pairing}-proposal")
    assert (verdict.verdict, verdict.phase1) == ("fails", "fail")
    assert "no IKEv2 proposal in common" in verdict.summary
    assert _ids(report) == {"V2-PROPOSAL"}
    f = _finding(report, "V2-PROPOSAL")
    assert f.severity.value == "error" and "NO_PROPOSAL_CHOSEN" in f.detail


def test_ikev2_proposal_mismatch_names_both_offers_and_fixes_in_each_syntax() -> None:
    report, _ = _run("asa-ios-proposal")
    f = _finding(report, "V2-PROPOSAL")
    assert "BR1-RTR proposes PROP-V2: aes-cbc-256, integrity sha256, prf sha256, group 19" in f.detail
    assert "HQ-ASA accepts policy 10: aes-cbc-256, integrity sha1, prf sha1, group 14" in f.detail
    fixes = {x.device: x.commands for x in f.fix}
    assert fixes["BR1-RTR"] == ("crypto ikev2 proposal PROP-HQ-ASA", " encryption aes-cbc-256", " integrity sha1",
                                " group 14", "crypto ikev2 policy POL-V2", " proposal PROP-HQ-ASA")
    assert fixes["HQ-ASA"] == ("crypto ikev2 policy 5", " encryption aes-256", " integrity sha256", " group 19",
                               " prf sha256", " lifetime seconds 86400")


def test_ikev2_initiator_state_is_in_neg_when_ike_sa_init_is_refused() -> None:
    _, verdict = _run("ios-ios-proposal")
    assert verdict.predicted_state["R1"] == "IN-NEG"
    assert verdict.predicted_state["R2"] == "(no SA)"


@pytest.mark.parametrize("pairing", ["ios-ios", "asa-ios"])
def test_ikev2_asymmetric_key_mismatch_fails_ike_auth_with_v2_psk(pairing: str) -> None:
    report, verdict = _run(f"{pairing}-psk")
    assert (verdict.verdict, verdict.phase1) == ("fails", "fail")
    assert "IKEv2 pre-shared keys differ" in verdict.summary
    assert _ids(report) == {"V2-PSK"}
    f = _finding(report, "V2-PSK")
    assert "local key" in f.detail and "remote key" in f.detail and f.severity.value == "error"


def test_ikev2_psk_fix_uses_keyring_peer_block_and_tunnel_group_keywords() -> None:
    report, _ = _run("asa-ios-psk")
    fixes = {x.device: x.commands for x in _finding(report, "V2-PSK").fix}
    assert fixes["BR1-RTR"] == ("crypto ikev2 keyring KR-V2", " peer SITE-PEER", "  address 203.0.113.10",
                                "  pre-shared-key local <pre-shared-key>", "  pre-shared-key remote <pre-shared-key>")
    assert fixes["HQ-ASA"] == ("tunnel-group 198.51.100.20 ipsec-attributes",
                               " ikev2 local-authentication pre-shared-key <pre-shared-key>",
                               " ikev2 remote-authentication pre-shared-key <pre-shared-key>")


@pytest.mark.parametrize("pairing", ["ios-ios", "asa-ios"])
def test_ikev2_identity_mismatch_fails_ike_auth_with_v2_identity(pairing: str) -> None:
    report, verdict = _run(f"{pairing}-identity")
    assert verdict.verdict == "fails"
    assert _ids(report) == {"V2-IDENTITY"}


def test_ikev2_identity_fix_adds_match_identity_on_the_refusing_router() -> None:
    report, _ = _run("ios-ios-identity")
    f = _finding(report, "V2-IDENTITY")
    assert "R1 sends identity fqdn r1.example.net" in f.detail
    commands = [x.commands for x in f.fix]
    assert ("crypto ikev2 profile PROF-V2", " match identity remote fqdn r1.example.net") in commands
    assert ("crypto ikev2 profile PROF-V2", " identity local address 192.0.2.1") in commands
    assert len(commands) == len(set(commands))


@pytest.mark.parametrize("pairing", ["ios-ios", "asa-ios"])
def test_ikev2_child_proposal_mismatch_fails_the_child_sa(pairing: str) -> None:
    report, verdict = _run(f"{pairing}-child")
    assert (verdict.phase1, verdict.phase2) == ("up", "fail")
    assert "no IPsec proposal in common" in verdict.summary
    assert _ids(report) == {"V2-PROPOSAL"}


def test_ikev2_child_fix_defines_asa_ipsec_proposal_and_ios_transform_set() -> None:
    report, _ = _run("asa-ios-child")
    fixes = {x.device: x.commands for x in _finding(report, "V2-PROPOSAL").fix}
    assert fixes["BR1-RTR"] == ("crypto ipsec transform-set ESP-V2 esp-gcm 256", " mode tunnel",
                                "crypto map VPN 10 ipsec-isakmp", " set transform-set TS-V2 ESP-V2")
    assert fixes["HQ-ASA"] == ("crypto ipsec ikev2 ipsec-proposal TS-V2", " protocol esp encryption aes-256",
                               " protocol esp integrity sha-256",
                               "crypto map outside_map 10 set ikev2 ipsec-proposal ESP-V2 TS-V2")


def test_asa_without_crypto_ikev2_enable_fails_with_the_enable_fix() -> None:
    report, verdict = _run("asa-ios-enable")
    assert verdict.verdict == "fails"
    f = _finding(report, "V2-PROPOSAL")
    assert [x.commands for x in f.fix] == [("crypto ikev2 enable outside",)]


def test_ikev2_pfs_mismatch_is_a_warning_because_only_the_rekey_fails() -> None:
    report, verdict = _run("asa-ios-pfs")
    assert verdict.verdict == "up"
    f = _finding(report, "V2-PROPOSAL")
    assert f.severity.value == "warning" and "rekey" in f.detail
    assert [x.commands for x in f.fix] == [("crypto map VPN 10 ipsec-isakmp", " set pfs group19")]


def test_ikev1_only_end_facing_ikev2_only_end_fails_with_v2_proposal() -> None:
    report, verdict = _run("asa-ios-mixed")
    assert verdict.verdict == "fails"
    assert "one end speaks IKEv1 only" in verdict.summary
    assert "V2-PROPOSAL" in _ids(report) and "P1-POLICY" not in _ids(report)


def test_ikev2_responder_narrows_a_wider_proposal_and_refuses_a_disjoint_one() -> None:
    _, narrow = _run("ios-ios-narrow")
    assert narrow.verdict == "up"
    assert any("narrows" in n for d in narrow.directions if d.phase2 for n in d.phase2.notes)
    report, refused = _run("ios-ios-ts")
    assert (refused.phase2, refused.verdict) == ("fail", "fails")
    assert "traffic selectors unacceptable" in refused.summary
    assert "P2-MIRROR" in _ids(report)


def test_ios_without_ikev2_policy_uses_the_default_proposal_and_says_it_is_assumed() -> None:
    _, verdict = _run("ios-ios-default-proposal")
    assert verdict.verdict == "up"
    notes = verdict.directions[0].phase1.notes
    assert any("default IKEv2 proposal is assumed" in n for n in notes)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()) if FIXTURES.is_dir() else [])
def test_ikev2_output_never_contains_a_key(name: str) -> None:
    report = analyze([FIXTURES / name])
    text = json.dumps([f.as_dict() for f in report.findings]) + json.dumps(
        {k: v.summary for k, v in report.verdicts.items()})
    for key in ("Fx7-Qp2_Lm9-Zr4!Wd", "Tb3#Nc8-Vy6_Kh1$Gs", "Wrong-Remote_Key-99"):
        assert key not in text


# --------------------------------------------------------------------------- pure negotiation


def _offer(name: str, proposals: tuple[V2Proposal, ...], local: Secret, remote: Secret,
           identity: tuple[str, str] = ("address", "192.0.2.1"), matches: tuple[str, ...] | None = None,
           platform: Platform = Platform.ASA) -> V2IkeOffer:
    auth = V2Auth(profile="tg", local_key=local, remote_key=remote, identity=identity, matches=matches)
    return V2IkeOffer(name, platform, proposals, auth, peer="198.51.100.2")


K1, K2 = Secret.from_clear("first-key-value-1"), Secret.from_clear("second-key-value-2")
GCM = V2Proposal("gcm", ("aes-gcm-256",), (), ("sha384",), (20,))
CBC = V2Proposal("cbc", ("aes-cbc-256",), ("sha256",), ("sha256",), (19,))


def test_responder_picks_its_own_first_proposal_in_common() -> None:
    init = _offer("A", (CBC, GCM), K1, K2)
    resp = _offer("B", (GCM, CBC), K2, K1)
    result = negotiate_ike(init, resp)
    assert result.status == "ok"
    assert "IKE SA: A gcm / B gcm" in result.notes


def test_aead_proposals_need_no_integrity_in_common() -> None:
    gcm_b = V2Proposal("gcm-b", ("aes-gcm-256",), ("sha512",), ("sha384",), (20,))
    assert negotiate_ike(_offer("A", (GCM,), K1, K2), _offer("B", (gcm_b,), K2, K1)).status == "ok"


def test_asymmetric_keys_are_compared_crosswise_and_masked_keys_are_unknown() -> None:
    ok = negotiate_ike(_offer("A", (CBC,), K1, K2), _offer("B", (CBC,), K2, K1))
    assert (ok.status, ok.key_check) == ("ok", "match")
    bad = negotiate_ike(_offer("A", (CBC,), K1, K2), _offer("B", (CBC,), K1, K2))
    assert bad.status == "fail" and {f.catalog_id for f in bad.failures} == {"V2-PSK"}
    assert len(bad.failures) == 2  # both directions of IKE_AUTH
    hidden = negotiate_ike(_offer("A", (CBC,), K1, K2), _offer("B", (CBC,), Secret.masked(), K1))
    assert (hidden.status, hidden.key_check) == ("unknown", "cannot-verify")


def test_ios_default_proposal_is_marked_as_a_default() -> None:
    assert IOS_DEFAULT_PROPOSAL.defaulted
    assert 2 in IOS_DEFAULT_PROPOSAL.groups and "aes-cbc-256" in IOS_DEFAULT_PROPOSAL.encryption


def test_identity_match_statements_cover_address_fqdn_and_domain() -> None:
    assert identity_matches(("address", "192.0.2.1"), "address 192.0.2.0 255.255.255.0")
    assert not identity_matches(("address", "192.0.2.1"), "address 198.51.100.2 255.255.255.255")
    assert identity_matches(("fqdn", "r1.example.net"), "fqdn domain example.net")
    assert identity_matches(("fqdn", "R1.example.net"), "fqdn r1.example.net")
    assert not identity_matches(("fqdn", "r1.example.net"), "address 192.0.2.1 255.255.255.255")


# --------------------------------------------------------------------------- real-world (../shared)


@pytest.mark.skipif(not CONFIGS.is_dir(), reason="../shared/realworld/configs is not present")
def test_realworld_iclexi_ikev2_policy_based_pair_comes_up_with_ikev2() -> None:
    report = analyze([CONFIGS / "iClexi__VPN-IKEv2-Policy-Based" / "configs"])
    assert [t.id for t in report.tunnels] == [
        "R1:GigabitEthernet0/0:CMAP-IKEV2-POLICY:10 <-> R2:GigabitEthernet0/0:CMAP-IKEV2-POLICY:10"]
    verdict = report.verdicts[report.tunnels[0].id]
    assert (verdict.verdict, verdict.ike_version) == ("up", 2)
    assert dict(verdict.predicted_state) == {"R1": "READY", "R2": "READY"}
    assert not [f for f in report.findings if f.severity.value == "error"]
    # esp-sha-hmac is SHA-1: hygiene advice only
    assert {f.id for f in report.findings if f.id.startswith("SEC-")} == {"SEC-WEAK-HASH"}
