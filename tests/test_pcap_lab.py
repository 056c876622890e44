"""Real captures from the strongSwan lab (tests/fixtures/pcap/lab-*.pcap; skipped when absent).

The lab runs strongSwan with ``encap = yes``, which fakes the NAT-D hashes to
force UDP 4500: every session therefore shows a "translated" source although
no NAT exists, and NAT-T is in use — which must not become a finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ipsec_doctor.pcap import analyse

LAB = Path(__file__).resolve().parent / "fixtures" / "pcap"
SITE_A, SITE_B = "192.0.2.1", "198.51.100.2"


def _lab(name: str):
    path = LAB / name
    if not path.is_file():
        pytest.skip(f"{name} not present")
    return analyse(path)


def test_pcap_lab_ikev1_match_is_complete_with_no_finding() -> None:
    report = _lab("lab-ikev1-ios-ios-match.pcap")
    assert report.problems == [] and report.findings == []
    assert len(report.sessions) == 2
    for session in report.sessions:
        assert [m.label for m in session.messages][:9] == ["MM1", "MM2", "MM3", "MM4", "MM5", "MM6", "QM1", "QM2",
                                                           "QM3"]
        assert report.stops()[session.key] == "phase 1 and quick mode complete (QM3 seen)"
        assert session.chosen is not None and session.chosen.text().startswith("ISAKMP: aes-256/sha/pre-share/group 14")
        assert session.messages[4].dport == 4500
    assert "NAT-T (RFC 3947)" in report.sessions[0].messages[0].ike.vendor_ids


def test_pcap_lab_ikev1_key_mismatch_is_p1_psk_from_both_sides() -> None:
    report = _lab("lab-ikev1-ios-ios-key-mismatch.pcap")
    assert [f.id for f in report.findings] == ["P1-PSK", "P1-PSK"]
    first = report.findings[0]
    assert first.confidence == "observed" and [e.line for e in first.evidence] == [5, 6, 7, 8, 9]
    assert "MM5 3 time(s)" in first.detail


def test_pcap_lab_ikev1_dh_group_mismatch_is_p1_policy_with_each_offer() -> None:
    report = _lab("lab-ikev1-ios-ios-dh-group-mismatch.pcap")
    assert [f.id for f in report.findings] == ["P1-POLICY", "P1-POLICY"]
    assert "group 14" in report.findings[0].detail and f"Offered by {SITE_A}" in report.findings[0].detail
    assert "group 2" in report.findings[1].detail and f"Offered by {SITE_B}" in report.findings[1].detail


def test_pcap_lab_ikev2_key_mismatch_points_at_the_auth_notify() -> None:
    report = _lab("lab-ikev2-ios-ios-key-mismatch.pcap")
    assert [(f.id, f.confidence) for f in report.findings] == [("P1-PSK", "candidate"), ("P1-PSK", "candidate")]
    assert [e.line for e in report.findings[0].evidence] == [4]
    labels = [m.label for m in report.sessions[0].messages]
    assert labels == ["IKE_SA_INIT request", "IKE_SA_INIT response", "IKE_AUTH request", "IKE_AUTH response"]
    assert "REDIRECT_SUPPORTED" in [n.name for n in report.sessions[0].messages[0].ike.notifies]
