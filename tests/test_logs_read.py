"""The streaming log reader: header styles, severities, line numbers, blocks, encodings."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipsec_doctor.logs import LogScanner, aggregate, coverage, is_vpn_key, scan

FIXTURES = Path(__file__).parent / "fixtures" / "logs"


def _by_line(name: str) -> dict[int, object]:
    return {e.line: e for e in scan(FIXTURES / name)}


def test_asa_syslog_headers_rfc3164_rfc5424_collector_and_bare_tag() -> None:
    events = _by_line("asa_syslog_headers.log")
    assert sorted(events) == [1, 2, 3, 4, 6, 7]  # line 5 (302013 connection built) is not VPN
    first, second, third, fourth = events[1], events[2], events[3], events[4]
    assert (first.message_id, first.severity, first.host, first.timestamp) == ("ASA-5-713092", 5, "fw-hq", "Mar 24 2010 10:21:50")
    assert (first.id, first.fields["peer"], first.fields["group"]) == ("P1-LIFETIME", "203.0.113.10", "203.0.113.10")
    assert (second.timestamp, second.host, second.id, second.fields["dst"]) == ("2024-01-01T00:00:00Z", "fw-hq", "P2-NOPEER", "198.51.100.7")
    # the relay's timestamp and address come first; the device's own header wins
    assert (third.timestamp, third.host) == ("Jan  1 2024 10:00:00", "fw-branch")
    assert (third.id, third.candidates) == ("P2-MIRROR", ("CM-DYNORDER",))
    assert (third.fields["interface"], third.fields["src"], third.fields["dst"]) == ("inside", "10.1.1.10", "10.2.2.20")
    assert (fourth.host, fourth.timestamp, fourth.platform) == (None, None, "asa")
    assert dict(fourth.fields) == {
        "user": "Bangalo", "spi": "0x1B86506B", "seq": "0x28B", "src": "68.18.122.4", "dst": "10.10.1.1", "peer": "68.18.122.4",
    }


def test_vpn_lines_that_match_no_signature_are_events_without_id() -> None:
    events = _by_line("asa_syslog_headers.log")
    assert (events[6].message_id, events[6].id, events[6].fields["peer"]) == ("ASA-5-713904", None, "203.0.113.10")
    assert (events[7].message_id, events[7].key, events[7].id, events[7].host) == ("ASA-6-113005", "113005", None, "localhost")
    assert events[7].fields["user"] == "jdoe"


def test_asdm_export_takes_severity_from_the_first_field() -> None:
    events = list(scan(FIXTURES / "asdm_export.txt"))
    assert [(e.line, e.message_id, e.severity, e.id) for e in events] == [
        (1, "ASA-4-713903", 4, "P1-POLICY"),
        (2, "ASA-3-713902", 3, "P1-POLICY"),
        (3, "ASA-3-713048", 3, "P1-POLICY"),
        (4, "ASA-4-713903", 4, None),
        (5, "ASA-5-713904", 5, "P1-POLICY"),
    ]
    assert events[0].timestamp == "Mar 24 2010 10:21:50"
    assert all(e.fields["peer"] == "203.0.113.10" for e in events)


def test_ios_syslog_with_sequence_numbers_star_and_dot_timestamps() -> None:
    events = _by_line("ios_syslog.log")
    assert sorted(events) == [1, 2, 3, 4, 6, 7]
    assert (events[1].message_id, events[1].key, events[1].severity, events[1].timestamp) == (
        "CRYPTO-4-IKMP_NO_SA", "CRYPTO-IKMP_NO_SA", 4, "Mar  1 00:10:12.123")
    assert (events[1].id, events[1].fields["peer"], events[1].platform) == ("P1-NO-SA", "198.51.100.7", "ios")
    assert (events[2].timestamp, events[2].id, events[2].fields["peer"]) == ("Mar  1 00:10:13.001", "P2-MIRROR", "203.0.113.10")
    assert (events[3].id, events[3].host) == ("PLAT-CERM", None)
    invalid_spi = events[4]
    assert (invalid_spi.host, invalid_spi.id, invalid_spi.key) == ("rtr-branch", None, "CRYPTO-RECVD_PKT_INV_SPI")
    assert (invalid_spi.fields["spi"], invalid_spi.fields["peer"], invalid_spi.fields["interface"]) == (
        "0xC0FFEE", "203.0.113.10", "GigabitEthernet0/0")
    assert (events[6].id, events[6].host, events[6].fields["dst_port"]) == ("FW-WSCALE", "10.0.0.2", "23")
    assert (events[7].severity, events[7].id) == (1, "PLAT-HWERR")


def test_ike_debug_lines_asa_and_ios() -> None:
    events = _by_line("ike_debug.log")
    assert sorted(events) == [1, 2, 3, 4, 5, 6, 7]
    assert [(events[n].message_id, events[n].platform, events[n].id) for n in sorted(events)] == [
        ("IKEv1", "asa", "CM-DYNORDER"),
        ("IKEv1", "asa", "CM-DYNORDER"),
        ("IKEv1 DEBUG", "asa", None),
        ("IKEv1", "asa", "TG-NAME"),
        ("ISAKMP", "ios", "P1-AGGR"),
        ("ISAKMP", "ios", None),
        ("IKEv2", "ios", "V2-PROPOSAL"),
    ]
    assert events[1].timestamp == "Mar 24 10:21:50"
    assert all(events[n].severity is None for n in events)
    assert events[6].fields["peer"] == "203.0.113.10"


def test_vpn_client_log_takes_the_message_from_the_following_line() -> None:
    events = list(scan(FIXTURES / "vpnclient.log"))
    assert [(e.line, e.message_id, e.severity, e.id) for e in events] == [
        (1, "IKE/0xE3000056", 4, "P1-PSK"),
        (4, "IKE/0xE300007D", 4, "P1-PSK"),
        (7, "IKE/0x63000001", 6, None),
        (10, "IKE/0x63000013", 6, "RA-IDLE"),
    ]
    assert events[0].text == "The received HASH payload cannot be verified"
    assert events[0].timestamp == "02/18/06 12:41:51.900"
    assert all(e.platform == "vpnclient" for e in events)


def test_vpn_client_header_and_message_split_across_blocks() -> None:
    data = (FIXTURES / "vpnclient.log").read_bytes()
    for size in (7, 50, 64, 100, 1 << 20):
        scanner = LogScanner(block_size=size)
        got = [(e.line, e.id, e.text) for e in scanner.scan(FIXTURES / "vpnclient.log")]
        assert got == [(e.line, e.id, e.text) for e in scan(FIXTURES / "vpnclient.log")], size
        assert scanner.lines == data.count(b"\n")


def test_client_status_lines_carry_reason_codes() -> None:
    events = list(scan(FIXTURES / "client_status.txt"))
    assert [(e.line, e.message_id, e.id, e.fields["reason"]) for e in events] == [
        (1, "Reason 412", "P1-NATT", "412"),
        (3, "Reason 433", "RA-REASON433", "433"),
        (4, "Reason 442", None, "442"),
    ]
    assert events[0].candidates == ("P1-ENABLE", "FW-PORTS")
    assert events[1].candidates == ("RA-POOLNETBC", "RA-XAUTHRADIUS", "FW-THREAT", "P2-TRANSFORM")


def test_severity_is_read_from_the_line_not_the_message_id() -> None:
    lines = [
        "%ASA-3-402130: CRYPTO: Received an ESP packet (SPI = 0x1, sequence number= 0x2) from 203.0.113.10 (user= 203.0.113.10) to 192.0.2.1 with incorrect IPsec padding",
        "%ASA-6-402130: CRYPTO: Received an ESP packet (SPI = 0x1, sequence number= 0x2) from 203.0.113.10 (user= 203.0.113.10) to 192.0.2.1 with incorrect IPsec padding",
    ]
    assert [(e.severity, e.message_id, e.id) for e in scan(lines)] == [(3, "ASA-3-402130", "P2-NOHASH"), (6, "ASA-6-402130", "P2-NOHASH")]


def test_lines_input_keeps_given_line_numbers_like_text_sections() -> None:
    section_lines = [(10, "noise"), (42, "%ASA-3-713206: Tunnel Rejected: Conflicting protocols specified by tunnel-group and group-policy")]
    events = list(scan(section_lines, file="asa.log"))
    assert [(e.file, e.line, e.id) for e in events] == [("asa.log", 42, "TG-PROTO")]
    assert events[0].source.file == "asa.log" and events[0].source.line == 42


def test_utf16_crlf_and_cr_only_files_read_like_utf8(tmp_path: Path) -> None:
    text = (FIXTURES / "ios_syslog.log").read_text()
    expected = [(e.line, e.id, e.text) for e in scan(FIXTURES / "ios_syslog.log")]
    for name, data in (
        ("utf16.log", text.replace("\n", "\r\n").encode("utf-16")),
        ("cr.log", text.replace("\n", "\r").encode()),
        ("crlf.log", text.replace("\n", "\r\n").encode()),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        for size in (33, 1 << 20):
            assert [(e.line, e.id, e.text) for e in LogScanner(block_size=size).scan(path)] == expected, (name, size)


def test_block_boundaries_do_not_change_events(tmp_path: Path) -> None:
    lines = []
    for name in ("asa_syslog_headers.log", "ios_syslog.log", "ike_debug.log", "asdm_export.txt", "client_status.txt"):
        lines += (FIXTURES / name).read_text().splitlines()
    path = tmp_path / "mixed.log"
    path.write_text("\n".join(lines * 20))  # no final newline: the last line must still count
    reference = [(e.line, e.message_id, e.id) for e in scan(path)]
    assert len(reference) == 20 * 27  # 6 + 6 + 7 + 5 + 3 events per copy
    for size in (1, 17, 256, 4096):
        assert [(e.line, e.message_id, e.id) for e in LogScanner(block_size=size).scan(path)] == reference


def test_missing_and_binary_files_are_problems_not_exceptions(tmp_path: Path) -> None:
    scanner = LogScanner()
    assert list(scanner.scan(tmp_path / "absent.log")) == []
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 10)
    assert list(scanner.scan(binary)) == []
    assert [p.message for p in scanner.problems][1] == "binary file, skipped"
    assert scanner.problems[0].message.startswith("cannot read")


def test_secrets_in_log_lines_are_redacted() -> None:
    line = "%ASA-5-713904: Group = L2L, IP = 203.0.113.10, pre-shared-key s3cr3tK3y mismatched pre-shared key"
    events = list(scan([line]))
    assert len(events) == 1
    assert "s3cr3tK3y" not in events[0].raw and "s3cr3tK3y" not in events[0].text and "s3cr3tK3y" not in repr(events[0])


def test_is_vpn_key_classes() -> None:
    assert is_vpn_key("asa", "713999") and is_vpn_key("asa", "113019") and is_vpn_key("asa", "752006")
    assert not is_vpn_key("asa", "302013") and not is_vpn_key("asa", "305013")
    assert is_vpn_key("ios", "CRYPTO-IKMP_NO_SA") and not is_vpn_key("ios", "SEC-IPACCESSLOGP")
    assert is_vpn_key("vpnclient", "Reason 442") and is_vpn_key("asa", "IKEv1", debug=True)


def test_coverage_and_aggregation_per_id_host_peer() -> None:
    line = "<166>Mar 24 2010 10:21:50 {host} : %ASA-5-713092: Group = {peer}, IP = {peer}, Failure during phase 1 rekey attempt due to collision"
    lines = [line.format(host=h, peer=p) for h, p in
             (("fw1", "203.0.113.10"), ("fw1", "203.0.113.10"), ("fw2", "203.0.113.10"), ("fw1", "198.51.100.7"))]
    lines += ["%ASA-5-713904: IP = 203.0.113.10, Received encrypted packet with no matching SA, dropping"] * 2
    events = list(scan(lines))
    assert coverage(events) == (4, 6)
    groups = aggregate(events)
    assert [(g.id, g.host, g.peer, g.count, g.first.line, g.last.line) for g in groups] == [
        ("P1-LIFETIME", "fw1", "203.0.113.10", 2, 1, 2),
        ("P1-LIFETIME", "fw2", "203.0.113.10", 1, 3, 3),
        ("P1-LIFETIME", "fw1", "198.51.100.7", 1, 4, 4),
        (None, None, "203.0.113.10", 2, 5, 6),
    ]
    assert groups[3].key == "713904" and groups[0].events == []
    kept = aggregate(events, keep_events=True)
    assert [len(g.events) for g in kept] == [2, 1, 1, 2]
    assert kept[0].message_ids == ["ASA-5-713092"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=20))
def test_scan_never_raises_on_arbitrary_text(lines: list[str]) -> None:
    events = list(scan(lines))
    assert all(1 <= e.line <= len(lines) for e in events)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_scan_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".log") as handle:
        handle.write(data)
        handle.flush()
        events = list(LogScanner(block_size=97).scan(handle.name))
    assert all(e.line >= 1 for e in events)


HAS_HYPERSCAN = importlib.util.find_spec("hyperscan") is not None


@pytest.mark.skipif(not HAS_HYPERSCAN, reason="hyperscan (optional extra) is not installed")
def test_hyperscan_and_re_prefilters_yield_identical_events(tmp_path: Path) -> None:
    lines = []
    for path in sorted(FIXTURES.iterdir()):
        lines += path.read_text().splitlines()
    lines += [
        # tricky for the two engines: "%" without a tag, non-VPN tags holding signature literals
        "WARNING, system is running low on memory (95% used).",
        "%ASA-6-106100: access-list x permitted tcp QM FSM error",
        "6|Mar 24 2010 10:21:48|305006: regular translation creation failed for protocol 50 src inside:10.0.1.26 dst outside:10.9.69.4",
        "%ASA-3-305006: regular translation creation failed for protocol 50 src inside:10.0.1.26 dst outside:10.9.69.4",
        "%SYS-5-CONFIG_I: Configured from console; Reason 412 is not a client line here",
    ]
    lines.append("%ASA-5-713904: IP = 203.0.113.10, café Received encrypted packet")  # non-ASCII block: re fallback
    path = tmp_path / "all.log"
    path.write_text("\n".join(lines * 5) + "\n")
    fast = LogScanner(engine="hyperscan")
    assert fast.engine_used == "hyperscan"
    for size in (64, 1 << 20):
        assert list(LogScanner(engine="re", block_size=size).scan(path)) == list(LogScanner(engine="hyperscan", block_size=size).scan(path))


def test_re_engine_is_always_available() -> None:
    assert LogScanner(engine="re").engine_used == "re"
    assert LogScanner(engine="auto").engine_used == ("hyperscan" if HAS_HYPERSCAN else "re")


def test_lines_with_percent_count_only_by_their_tag() -> None:
    lines = [
        "WARNING, system is running low on memory (95% used).",  # "%" but no tag: no text matching
        "%ASA-6-106100: access-list x permitted tcp QM FSM error",  # non-VPN tag: never by text
        "%ASA-3-305006: regular translation creation failed for protocol 50 src inside:10.0.1.26 dst outside:10.9.69.4",
        "WARNING, system is running low on memory. Performance may start to degrade.",
    ]
    assert [(e.line, e.id) for e in scan(lines)] == [(3, "P1-NATT"), (4, "PLAT-LOWMEM")]


def test_vpn_client_header_without_message_stands_alone() -> None:
    lines = [
        "5      10:00:00.000  03/24/10  Sev=Warning/2\tIKE/0xE3000056",
        "6      10:00:00.100  03/24/10  Sev=Warning/2\tIKE/0xE300007D",
        "Hash verification failed... may be configured with invalid group password.",
        "7      10:00:00.200  03/24/10  Sev=Info/4\tIKE/0x63000001",
    ]
    events = list(scan(lines))
    assert [(e.line, e.text, e.id) for e in events] == [
        (1, "", None),
        (2, "Hash verification failed... may be configured with invalid group password.", "P1-PSK"),
        (4, "", None),
    ]
