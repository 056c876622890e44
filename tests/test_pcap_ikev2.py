"""IKEv2 captures: IKE_SA_INIT / IKE_AUTH timelines, NAT detection, and the failures visible in clear."""

from __future__ import annotations

from pathlib import Path

from pcap_scenarios import SPI_I, SPI_R, V2_N, A, B, esp_both, v2_auth, v2_init_req, v2_init_resp, v2_notify_only, write

from ipsec_doctor.pcap import analyse
from ipsec_doctor.pcap import writer as w


def test_pcap_ikev2_init_and_auth_timeline_with_udp_4500_esp(tmp_path: Path) -> None:
    grams = [w.ike_datagram(A, B, v2_init_req()), w.ike_datagram(B, A, v2_init_resp())] + v2_auth() + \
        esp_both(3, encapsulated=True)
    report = analyse(write(tmp_path / "v2.pcap", grams))
    (session,) = report.sessions
    assert [m.label for m in session.messages] == ["IKE_SA_INIT request", "IKE_SA_INIT response",
                                                    "IKE_AUTH request", "IKE_AUTH response"]
    assert session.version == 2 and session.ispi == SPI_I.hex() and session.rspi == SPI_R.hex()
    assert session.chosen is not None
    assert session.chosen.text() == "IKE:aes-cbc-256/hmac-sha2-256-128/prf-hmac-sha2-256/modp2048"
    assert session.messages[2].ike.first_inner == "IDi" and session.messages[2].dport == 4500
    assert [(c.sender_translated, c.receiver_translated) for c in session.nat] == [(False, False), (False, False)]
    assert "IKEV2_FRAGMENTATION_SUPPORTED" in [n.name for n in session.messages[0].ike.notifies]
    assert session.messages[0].ike.ke_group == 14
    assert report.stops()[session.key] == "IKE_AUTH complete"
    assert report.findings == []
    assert sorted((f.src, f.encapsulated, f.packets) for f in report.esp) == [(A, True, 3), (B, True, 3)]
    assert report.events[0]["message_id"] == "IKEv2 IKE_SA_INIT request"


def test_pcap_ikev2_no_proposal_chosen_in_ike_sa_init_is_p1_policy(tmp_path: Path) -> None:
    grams = [w.ike_datagram(A, B, v2_init_req()), w.ike_datagram(B, A, v2_notify_only(14))]
    report = analyse(write(tmp_path / "v2-noprop.pcap", grams))
    (finding,) = report.findings
    assert finding.id == "P1-POLICY"
    assert "IKE:aes-cbc-256/hmac-sha2-256-128/prf-hmac-sha2-256/modp2048" in finding.detail
    assert [e.line for e in finding.evidence] == [1, 2]


def test_pcap_ikev2_unanswered_init_is_p1_enable(tmp_path: Path) -> None:
    packet = w.ike_datagram(A, B, v2_init_req())
    report = analyse(write(tmp_path / "v2-silent.pcap", [packet, packet, packet]))
    assert [f.id for f in report.findings] == ["P1-ENABLE"]
    assert report.findings[0].extra["silent"] == B


def test_pcap_ikev2_auth_answered_by_a_notify_is_a_psk_candidate(tmp_path: Path) -> None:
    grams = [w.ike_datagram(A, B, v2_init_req()), w.ike_datagram(B, A, v2_init_resp())] + v2_auth(V2_N)
    report = analyse(write(tmp_path / "v2-psk.pcap", grams))
    (finding,) = report.findings
    assert finding.id == "P1-PSK" and finding.confidence == "candidate"
    assert finding.evidence[0].line == 4 and "first payload N" in finding.evidence[0].text


def test_pcap_ikev2_invalid_ke_then_retry_is_not_a_failure(tmp_path: Path) -> None:
    grams = [w.ike_datagram(A, B, v2_init_req(group=19)),
             w.ike_datagram(B, A, v2_notify_only(17, data=(14).to_bytes(2, "big"))),
             w.ike_datagram(A, B, v2_init_req(group=14)), w.ike_datagram(B, A, v2_init_resp())] + v2_auth()
    report = analyse(write(tmp_path / "v2-ke.pcap", grams))
    assert report.findings == []
    assert report.sessions[0].messages[1].ike.notifies[0].name == "INVALID_KE_PAYLOAD"


def test_pcap_ikev2_invalid_ke_without_retry_is_p1_policy(tmp_path: Path) -> None:
    grams = [w.ike_datagram(A, B, v2_init_req(group=19)),
             w.ike_datagram(B, A, v2_notify_only(17, data=(14).to_bytes(2, "big")))]
    report = analyse(write(tmp_path / "v2-ke-stop.pcap", grams))
    (finding,) = report.findings
    assert finding.id == "P1-POLICY" and "DH group 14" in finding.detail


def test_pcap_ikev2_ts_unacceptable_in_clear_is_p2_mirror(tmp_path: Path) -> None:
    response = w.message(SPI_I, SPI_R, 2, 36, 0x20, 2, [(V2_N, w.v2_notify(38))])
    grams = [w.ike_datagram(A, B, v2_init_req()), w.ike_datagram(B, A, v2_init_resp())] + v2_auth() + \
        [w.ike_datagram(B, A, response, 4500, 4500)]
    report = analyse(write(tmp_path / "v2-ts.pcap", grams))
    assert [f.id for f in report.findings] == ["P2-MIRROR"]
    assert report.sessions[0].messages[-1].label == "CREATE_CHILD_SA response"


def test_pcap_ikev2_nat_detection_mismatch_is_seen(tmp_path: Path) -> None:
    # The initiator hashed 10.0.0.5 (before the NAT); the capture sees A. IKE_AUTH then moves to 4500.
    grams = [w.ike_datagram(A, B, v2_init_req(src="10.0.0.5")), w.ike_datagram(B, A, v2_init_resp())] + v2_auth()
    report = analyse(write(tmp_path / "v2-nat.pcap", grams))
    assert report.findings == []
    assert report.sessions[0].nat[0].sender_translated is True
    assert report.sessions[0].nat[1].sender_translated is False


def test_pcap_ikev2_nat_detection_mismatch_without_4500_is_p1_natt(tmp_path: Path) -> None:
    grams = [w.ike_datagram(A, B, v2_init_req(src="10.0.0.5")), w.ike_datagram(B, A, v2_init_resp())] + \
        v2_auth(port=500)
    report = analyse(write(tmp_path / "v2-nat-500.pcap", grams))
    (finding,) = report.findings
    assert finding.id == "P1-NATT" and finding.confidence == "observed"
    assert [e.line for e in finding.evidence] == [1, 2]


def test_pcap_ikev2_fragment_payload_is_mtu_evidence(tmp_path: Path) -> None:
    body = bytes(range(200))
    skf = w.header(SPI_I, SPI_R, 53, 0x20, 35, 0x08, 1,
                   bytes([35, 0]) + (8 + len(body)).to_bytes(2, "big") + (1).to_bytes(2, "big") +
                   (2).to_bytes(2, "big") + body)
    grams = [w.ike_datagram(A, B, v2_init_req()), w.ike_datagram(B, A, v2_init_resp()),
             w.ike_datagram(A, B, skf, 4500, 4500)]
    report = analyse(write(tmp_path / "v2-skf.pcap", grams))
    msg = report.sessions[0].messages[2]
    assert msg.ike.fragment == (1, 2) and msg.label == "IKE_AUTH request fragment 1/2"
    assert "MTU-MSS" in [f.id for f in report.findings]
