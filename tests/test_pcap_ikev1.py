"""IKEv1 captures: timelines, proposals, vendor IDs and where the negotiation stops."""

from __future__ import annotations

from pathlib import Path

from pcap_scenarios import (
    ICKY,
    RCKY,
    SA,
    VID,
    VID_NATT,
    A,
    B,
    encrypted,
    esp_both,
    main_mode,
    mm1,
    mm2,
    mm34,
    offer_two,
    quick_mode,
    v1_info_notify,
    write,
)

from ipsec_doctor.pcap import analyse
from ipsec_doctor.pcap import writer as w


def _ids(report) -> list[str]:
    return sorted(f.id for f in report.findings)


def test_pcap_ikev1_main_and_quick_mode_timeline_is_labelled(tmp_path: Path) -> None:
    path = write(tmp_path / "ok.pcap", main_mode() + quick_mode() + esp_both(4))
    report = analyse(path)
    assert report.format == "pcap" and report.frames == 17
    (session,) = report.sessions
    assert [m.label for m in session.messages] == ["MM1", "MM2", "MM3", "MM4", "MM5", "MM6", "QM1", "QM2", "QM3"]
    assert (session.initiator, session.responder) == (A, B)
    assert session.ispi == ICKY.hex() and session.rspi == RCKY.hex()
    assert [m.from_initiator for m in session.messages[:4]] == [True, False, True, False]
    assert session.chosen is not None and session.chosen.text() == "ISAKMP: aes-256/sha/pre-share/group 14/86400s"
    assert report.stops()[session.key] == "phase 1 and quick mode complete (QM3 seen)"
    assert report.findings == []
    flows = {(f.src, f.spi): f.packets for f in report.esp}
    assert flows == {(A, "c0ffee01"): 4, (B, "beef0002"): 4}


def test_pcap_ikev1_vendor_ids_are_recognised(tmp_path: Path) -> None:
    report = analyse(write(tmp_path / "vid.pcap", main_mode()))
    first, second = report.sessions[0].messages[:2]
    assert first.ike.vendor_ids == ["DPD (RFC 3706)", "NAT-T (RFC 3947)", "NAT-T draft-ietf-ipsec-nat-t-ike-02\\n",
                                    "Cisco fragmentation"]
    assert second.ike.vendor_ids == ["DPD (RFC 3706)", "NAT-T (RFC 3947)", "Cisco Unity", "XAUTH"]
    assert first.ike.payloads == ["SA", "VID", "VID", "VID", "VID"]


def test_pcap_ikev1_mm1_retransmitted_unanswered_is_p1_enable(tmp_path: Path) -> None:
    packet = w.ike_datagram(A, B, mm1())
    report = analyse(write(tmp_path / "silent.pcap", [packet] * 4))
    (finding,) = report.findings
    assert finding.id == "P1-ENABLE" and finding.candidates == ("FW-PORTS",)
    assert finding.confidence == "observed"
    assert [e.line for e in finding.evidence] == [1, 2, 3, 4]
    assert {e.kind for e in finding.evidence} == {"pcap"}
    assert finding.extra["silent"] == B
    assert "retransmission of frame 1" in finding.evidence[1].text
    assert f"{B} never answered" in finding.detail
    messages = report.sessions[0].messages
    assert [m.retransmit_of for m in messages] == [None, 1, 1, 1]
    assert report.stops()[report.sessions[0].key] == f"MM1 sent 4 time(s), never answered by {B}"


def test_pcap_ikev1_no_proposal_chosen_in_main_mode_is_p1_policy_with_the_offer(tmp_path: Path) -> None:
    grams = [w.ike_datagram(A, B, mm1(offer_two())), v1_info_notify(B, A, 14)]
    report = analyse(write(tmp_path / "noprop.pcap", grams))
    (finding,) = report.findings
    assert finding.id == "P1-POLICY"
    assert "aes-256/sha256/pre-share/group 14/86400s" in finding.detail
    assert "3des/md5/pre-share/group 2/86400s" in finding.detail
    assert [e.line for e in finding.evidence] == [1, 2]
    assert "N(NO_PROPOSAL_CHOSEN)" in finding.evidence[1].text


def test_pcap_ikev1_no_proposal_chosen_in_quick_mode_is_p2_transform(tmp_path: Path) -> None:
    spi = bytes.fromhex("c0ffee01")
    grams = main_mode() + quick_mode()[:1] + [v1_info_notify(B, A, 14, protocol=3, spi=spi, rspi=RCKY)]
    report = analyse(write(tmp_path / "qm-noprop.pcap", grams))
    (finding,) = report.findings
    assert finding.id == "P2-TRANSFORM" and finding.candidates == ("P2-PFS",)
    assert [e.line for e in finding.evidence] == [7, 8]


def test_pcap_ikev1_invalid_id_information_is_p2_mirror(tmp_path: Path) -> None:
    grams = main_mode() + quick_mode()[:1] + [v1_info_notify(B, A, 18, protocol=3, spi=b"\x01\x02\x03\x04",
                                                             rspi=RCKY)]
    report = analyse(write(tmp_path / "badid.pcap", grams))
    assert _ids(report) == ["P2-MIRROR"]
    assert "INVALID_ID_INFORMATION" in report.findings[0].detail


def test_pcap_ikev1_mm5_retransmitted_with_encrypted_answers_is_p1_psk(tmp_path: Path) -> None:
    mm5 = w.ike_datagram(A, B, encrypted(2, 0, 5, 5))
    info = w.ike_datagram(B, A, encrypted(5, 0x55AA55AA, 8, 11, 92))
    grams = main_mode()[:4] + [mm5, info, mm5, info, mm5]
    report = analyse(write(tmp_path / "psk.pcap", grams))
    (finding,) = report.findings
    assert finding.id == "P1-PSK" and finding.confidence == "observed"
    assert "MM5 3 time(s)" in finding.detail and "encrypted informational" in finding.detail
    assert [e.line for e in finding.evidence] == [5, 6, 7, 8, 9]
    labels = [m.label for m in report.sessions[0].messages]
    assert labels == ["MM1", "MM2", "MM3", "MM4", "MM5", "INFO", "MM5", "INFO", "MM5"]


def test_pcap_ikev1_payload_malformed_in_clear_is_p1_psk(tmp_path: Path) -> None:
    grams = main_mode()[:5] + [v1_info_notify(B, A, 16, rspi=RCKY)]
    report = analyse(write(tmp_path / "malformed.pcap", grams))
    assert _ids(report) == ["P1-PSK"]
    assert "PAYLOAD_MALFORMED" in report.findings[0].detail


def test_pcap_ikev1_quick_mode_unanswered_is_a_p2_candidate(tmp_path: Path) -> None:
    qm1 = quick_mode()[0]
    info = w.ike_datagram(B, A, encrypted(5, 0x77, 8, 3, 60))
    report = analyse(write(tmp_path / "qm.pcap", main_mode() + [qm1, info]))
    (finding,) = report.findings
    assert finding.id == "P2-TRANSFORM" and finding.confidence == "candidate"
    assert finding.candidates == ("P2-PFS", "P2-MIRROR")


def test_pcap_ikev1_nat_d_mismatch_without_natt_is_p1_natt(tmp_path: Path) -> None:
    # The initiator hashed its inside address 10.0.0.5; the packet carries the translated A.
    grams = main_mode(natted_src="10.0.0.5")
    report = analyse(write(tmp_path / "nat.pcap", grams))
    (finding,) = report.findings
    assert finding.id == "P1-NATT" and finding.severity.value == "error"
    assert f"the source of {A} is translated" in finding.detail
    assert finding.evidence[0].line == 3
    nat = report.sessions[0].nat
    assert [(c.frame, c.sender_translated, c.receiver_translated, c.algorithm) for c in nat] == [
        (3, True, False, "sha1"), (4, False, False, "sha1")]


def test_pcap_ikev1_nat_d_mismatch_with_float_to_4500_is_not_a_finding(tmp_path: Path) -> None:
    grams = main_mode(natted_src="10.0.0.5", port=4500) + quick_mode(4500) + esp_both(3, encapsulated=True)
    report = analyse(write(tmp_path / "natt.pcap", grams))
    assert report.findings == []
    assert report.sessions[0].messages[4].dport == 4500
    assert {f.encapsulated for f in report.esp} == {True}
    mm3 = next(e for e in report.events if e["line"] == 3)
    assert mm3["fields"]["nat_translated"] == ["source"]
    assert report.as_dict()["sessions"][0]["nat"][0]["source_translated"] is True


def test_pcap_ikev1_nat_d_uses_the_negotiated_md5_hash(tmp_path: Path) -> None:
    sa = w.v1_sa([(1, b"", [w.p1_transform(5, 1, 1, 2)])])
    first = w.ike_datagram(A, B, w.message(ICKY, bytes(8), 1, 2, 0, 0, [(SA, sa), (VID, bytes(16))]))
    second = w.ike_datagram(B, A, w.message(ICKY, RCKY, 1, 2, 0, 0, [(SA, sa)]))
    grams = [first, second, w.ike_datagram(A, B, mm34(A, 500, B, 500, algo="md5")),
             w.ike_datagram(B, A, mm34(B, 500, A, 500, algo="md5"))]
    report = analyse(write(tmp_path / "md5.pcap", grams))
    assert [(c.algorithm, c.sender_translated, c.receiver_translated) for c in report.sessions[0].nat] == [
        ("md5", False, False), ("md5", False, False)]
    assert report.findings == []


def test_pcap_esp_in_one_direction_only_is_p2_oneway(tmp_path: Path) -> None:
    grams = main_mode() + quick_mode() + [w.esp_datagram(A, B, 0xC0FFEE01, seq) for seq in range(1, 6)]
    report = analyse(write(tmp_path / "oneway.pcap", grams))
    (finding,) = report.findings
    assert finding.id == "P2-ONEWAY"
    assert finding.extra["direction"] == f"{A} -> {B}" and finding.extra["packets"] == 5
    assert [e.line for e in finding.evidence] == [10, 14]


def test_pcap_fragmented_ike_is_reassembled_and_reported_as_mtu(tmp_path: Path) -> None:
    big = w.message(ICKY, bytes(8), 1, 2, 0, 0, [(SA, offer_two()), (VID, bytes(range(256)) * 8)])
    packet = w.ike_datagram(A, B, big)
    parts = w.fragments(packet, 1500)
    report = analyse(write(tmp_path / "frag.pcap", parts + [w.ike_datagram(B, A, mm2())]))
    assert len(parts) == 2
    first = report.sessions[0].messages[0]
    assert first.label == "MM1" and first.fragmented and first.frames == (1, 2)
    assert len(first.ike.proposals[0].transforms) == 2
    assert _ids(report) == ["MTU-MSS"]
    assert "IP-fragmented" in report.findings[0].evidence[0].text


def test_pcap_events_follow_the_output_contract(tmp_path: Path) -> None:
    packet = w.ike_datagram(A, B, mm1())
    report = analyse(write(tmp_path / "ev.pcap", [packet, packet]))
    first = report.events[0]
    assert set(first) >= {"file", "line", "id", "message_id", "fields"}
    assert first["line"] == 1 and first["message_id"] == "IKEv1 MM1" and first["id"] == "P1-ENABLE"
    assert first["fields"]["src"] == A and first["fields"]["peer"] == B
    assert first["fields"]["proposals"] == ["ISAKMP: aes-256/sha/pre-share/group 14/86400s"]
    assert report.events[1]["fields"]["retransmit_of"] == 1


def _am(rspi: bytes, payloads: list[tuple[int, bytes]]) -> bytes:
    return w.message(ICKY, rspi, 1, 4, 0, 0, payloads)


def test_pcap_ikev1_aggressive_mode_is_labelled_with_identities(tmp_path: Path) -> None:
    fqdn = (2).to_bytes(1, "big") + bytes(3) + b"branch.example.net"
    am1 = _am(bytes(8), [(SA, offer_two()), (4, bytes(128)), (10, bytes(20)), (5, fqdn), (VID, VID_NATT)])
    am2 = _am(RCKY, [(SA, w.v1_sa([(1, b"", [w.p1_transform(7, 4, 1, 14, 256)])])), (4, bytes(128)),
                     (10, bytes(20)), (5, bytes([1, 17, 1, 244]) + bytes([198, 51, 100, 2])), (8, bytes(32))])
    am3 = _am(RCKY, [(8, bytes(32))])
    report = analyse(write(tmp_path / "am.pcap", [w.ike_datagram(A, B, am1), w.ike_datagram(B, A, am2),
                                                  w.ike_datagram(A, B, am3)]))
    session = report.sessions[0]
    assert [m.label for m in session.messages] == ["AM1", "AM2", "AM3"]
    assert session.messages[0].ike.ids == ["fqdn branch.example.net"]
    assert session.messages[1].ike.ids == [f"ipv4 {B}"]
    assert session.chosen is not None and session.chosen.transforms[0].text() == "aes-256/sha256/pre-share/group 14/86400s"
    assert report.findings == []
    assert report.stops()[session.key] == "phase 1 complete"


def test_pcap_ikev1_quick_mode_proposal_in_clear_names_the_transforms(tmp_path: Path) -> None:
    sa = w.v1_sa([(3, bytes.fromhex("c0ffee01"), [w.p2_transform(12, 2, 256, pfs_group=14),
                                                  w.p2_transform(3, 1)])])
    qm1 = w.message(ICKY, RCKY, 1, 32, 0, 0x42, [(8, bytes(20)), (SA, sa), (10, bytes(16))])
    grams = main_mode() + [w.ike_datagram(A, B, qm1), v1_info_notify(B, A, 14, protocol=3, rspi=RCKY,
                                                                        spi=bytes.fromhex("c0ffee01"))]
    report = analyse(write(tmp_path / "qm-clear.pcap", grams))
    (finding,) = report.findings
    assert finding.id == "P2-TRANSFORM"
    assert "ESP: esp-aes-256 esp-sha-hmac tunnel pfs group 14, esp-3des esp-md5-hmac tunnel" in finding.detail
