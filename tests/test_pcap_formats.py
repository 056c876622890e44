"""Capture formats (pcap µs/ns, both byte orders, pcapng, link types, IPv6) and robustness on any bytes."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pcap_scenarios import A, B, esp_both, main_mode, mm1, mm2, quick_mode, write

from ipsec_doctor.pcap import analyse, analyse_bytes, events_and_findings
from ipsec_doctor.pcap import writer as w
from ipsec_doctor.pcap.capture import read_capture

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _labels(report) -> list[str]:
    return [m.label for s in report.sessions for m in s.messages]


def test_pcap_pcapng_gives_the_same_timeline_as_pcap(tmp_path: Path) -> None:
    grams = main_mode() + quick_mode() + esp_both(2)
    classic = analyse(write(tmp_path / "a.pcap", grams))
    ng = analyse(write(tmp_path / "a.pcapng", grams, ng=True))
    assert ng.format == "pcapng" and classic.format == "pcap"
    assert _labels(ng) == _labels(classic) == ["MM1", "MM2", "MM3", "MM4", "MM5", "MM6", "QM1", "QM2", "QM3"]
    assert [(f.spi, f.packets) for f in ng.esp] == [(f.spi, f.packets) for f in classic.esp]
    assert ng.problems == []


def test_pcap_pcapng_timestamps_use_the_interface_resolution() -> None:
    data = w.pcapng_file([(1_700_000_000.5, w.ethernet(w.ike_datagram(A, B, mm1())))])
    capture = read_capture(data)
    assert capture.frames[0].time == pytest.approx(1_700_000_000.5)


def test_pcap_nanosecond_and_big_endian_files_are_read() -> None:
    frame = w.ethernet(w.ike_datagram(A, B, mm1()))
    ns = read_capture(w.pcap_file([(12.000000123, frame)], nanoseconds=True))
    assert ns.frames[0].time == pytest.approx(12.000000123)
    big = struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1) + struct.pack(">IIII", 5, 0, len(frame),
                                                                                    len(frame)) + frame
    report = analyse_bytes(big)
    assert _labels(report) == ["MM1"]


@pytest.mark.parametrize("linktype, wrap", [
    (113, lambda ip: bytes(14) + b"\x08\x00" + ip),  # Linux cooked capture (SLL)
    (276, lambda ip: b"\x08\x00" + bytes(18) + ip),  # SLL2
    (101, lambda ip: ip),  # raw IP
    (0, lambda ip: b"\x02\x00\x00\x00" + ip),  # BSD loopback
    (1, lambda ip: bytes(12) + b"\x81\x00\x00\x0a\x08\x00" + ip),  # Ethernet with an 802.1Q tag
])
def test_pcap_link_types_are_decoded(linktype: int, wrap) -> None:
    frames = [(1.0, wrap(w.ike_datagram(A, B, mm1()))), (2.0, wrap(w.ike_datagram(B, A, mm2())))]
    report = analyse_bytes(w.pcap_file(frames, linktype=linktype))
    assert _labels(report) == ["MM1", "MM2"]


def test_pcap_ipv6_peers_are_decoded(tmp_path: Path) -> None:
    a6, b6 = "2001:db8::1", "2001:db8::2"
    grams = [w.ike_datagram(a6, b6, mm1()), w.ike_datagram(a6, b6, mm1())]
    report = analyse(write(tmp_path / "v6.pcap", grams))
    assert report.sessions[0].initiator == a6
    assert [f.id for f in report.findings] == ["P1-ENABLE"]


def test_pcap_nat_keepalives_and_other_traffic_are_ignored(tmp_path: Path) -> None:
    grams = [w.ipv4(A, B, 17, w.udp(4500, 4500, b"\xff")), w.ipv4(A, B, 17, w.udp(53, 53, b"x" * 20)),
             w.ipv4(A, B, 6, bytes(20))]
    report = analyse(write(tmp_path / "noise.pcap", grams))
    assert report.frames == 3 and report.sessions == [] and report.esp == [] and report.nat_keepalives == 1


def test_pcap_events_and_findings_api(tmp_path: Path) -> None:
    packet = w.ike_datagram(A, B, mm1())
    events, findings = events_and_findings(write(tmp_path / "api.pcap", [packet, packet]))
    assert [e["message_id"] for e in events] == ["IKEv1 MM1", "IKEv1 MM1"]
    assert [f.id for f in findings] == ["P1-ENABLE"]
    assert all(e["kind"] == "pcap" for f in findings for e in [ev.as_dict() for ev in f.evidence])


def test_pcap_every_truncation_is_reported_not_raised(tmp_path: Path) -> None:
    data = write(tmp_path / "t.pcap", main_mode() + esp_both(1)).read_bytes()
    ng = write(tmp_path / "t.pcapng", main_mode(), ng=True).read_bytes()
    for blob in (data, ng):
        for cut in range(0, len(blob), 7):
            report = analyse_bytes(blob[:cut], "cut")
            assert report.frames <= 8
            if 24 < cut < len(blob) and blob is data:
                assert report.problems or report.frames >= 1
    cut = analyse_bytes(data[:len(data) - 10], "cut")
    assert any("truncated" in p.message for p in cut.problems)


def test_pcap_damaged_ike_payload_chain_is_a_problem(tmp_path: Path) -> None:
    message = bytearray(mm1())
    message[30:32] = b"\xff\xff"  # first payload length far beyond the message
    report = analyse(write(tmp_path / "bad.pcap", [w.ike_datagram(A, B, bytes(message))]))
    assert report.sessions[0].messages[0].ike.problem is not None
    assert any("MM1" in p.message for p in report.problems)


def test_pcap_missing_file_is_a_problem() -> None:
    report = analyse("/nonexistent/capture.pcap")
    assert report.frames == 0 and "cannot read capture" in report.problems[0].message


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\x0a\x0d\x0d\x0a", b""]),
       st.binary(max_size=600))
def test_pcap_random_bytes_never_raise(magic: bytes, rest: bytes) -> None:
    report = analyse_bytes(magic + rest, "random")
    assert report.frames >= 0
    assert not any("internal error" in p.message for p in report.problems)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=400), st.integers(0, 3))
def test_pcap_random_udp_payloads_never_raise(payload: bytes, port_choice: int) -> None:
    port = (500, 4500, 500, 4500)[port_choice]
    body = payload if port_choice < 2 else (b"\x00\x00\x00\x00" + payload if port == 4500 else mm1()[:28] + payload)
    frames = [(1.0, w.ethernet(w.ipv4(A, B, 17, w.udp(port, port, body))))]
    report = analyse_bytes(w.pcap_file(frames), "random-udp")
    assert report.frames == 1
    assert not any("internal error" in p.message for p in report.problems)


def _real_captures() -> list[Path]:
    found: list[Path] = []
    for base in (ROOT / "tests" / "fixtures" / "pcap", SHARED):
        if base.is_dir():
            for pattern in ("*.pcap", "*.pcapng", "*.cap"):
                found.extend(sorted(base.rglob(pattern)))
    return found


@pytest.mark.parametrize("path", _real_captures() or [None])
def test_pcap_real_lab_captures_decode(path: Path | None) -> None:
    if path is None:
        pytest.skip("no real captures in tests/fixtures/pcap or ../shared")
    report = analyse(path)
    assert report.format in ("pcap", "pcapng")
    assert report.frames > 0
    assert not any("internal error" in p.message for p in report.problems)
    for session in report.sessions:
        assert session.messages[0].label


_VALID = w.pcap_file([(float(i), w.ethernet(g)) for i, g in enumerate(main_mode() + quick_mode() + esp_both(1))])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(24, len(_VALID) - 1), st.integers(0, 255)), min_size=1, max_size=12),
       st.integers(24, len(_VALID)))
def test_pcap_mutated_capture_never_raises(flips: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(_VALID)
    for index, value in flips:
        data[index] = value
    report = analyse_bytes(bytes(data[:cut]), "mutated")
    assert not any("internal error" in p.message for p in report.problems)
    for finding in report.findings:
        assert finding.as_dict()["evidence"] and all(e.kind == "pcap" for e in finding.evidence)
