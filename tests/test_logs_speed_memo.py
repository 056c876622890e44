"""The fast path of the log reader (memo of message bodies, one-regex header) gives the same events.

Every event read with ``LogScanner(memo=True)`` (the default) must equal the
one read with ``memo=False`` (the general parser on every line): same
header facts, catalog ID, fields and, above all, the same redaction.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipsec_doctor.logs import LogEvent, LogScanner, signatures
from ipsec_doctor.logs.fast import MEMO_ENTRIES, MISS, LineMemo
from ipsec_doctor.logs.signatures import Matcher

FIXTURES = Path(__file__).parent / "fixtures" / "logs"
LOGS = Path(__file__).resolve().parents[1].parent / "shared" / "realworld" / "logs"

HEADERS = (
    "Nov 28 2026 10:00:00 fw-hq : ",
    "Nov 28 2026 10:00:00 fw-hq: ",
    "Jan  1 10:00:00 fw-branch ",
    "<166>Mar 24 2010 10:21:50 asa1.example.net : ",
    "Mar 24 2010 10:21:50.123 fw_2 : ",
    "Mar 24 2010 10:21:50 FWHQ : ",  # parse_prefix reads FWHQ as a time zone
    "Mar 24 2010 10:21:50 FWHQ",  # ... also right before the tag
    "Mar 24 2010 10:21:50 fw-hq",
    "Mar 24 2010 10:21:50 EST fw : ",
    "Mar 24 2010 10:21:50 keyserver : ",  # a secret-looking word in the header
    "Mar 24 2010 10:21:50 pass-fw : ",
    "2024-01-01T00:00:00Z fw-hq : ",
    "Dec 31 23:59:59 192.0.2.1 Dec 31 2024 23:59:59 fw-relay : ",
    "",
)
BODIES = (
    "%ASA-5-713092: Group = 203.0.113.10, IP = 203.0.113.10, Failure during phase 1 rekeying attempt due to collision",
    "%ASA-3-713198: Group = DefaultL2LGroup, IP = 198.51.100.7, User Authentication failed: pre-shared key mismatch",
    "%ASA-4-713903: Group = 10.0.0.1, IP = 10.0.0.1, password s3cr3tPW in the text",
    "%ASA-4-713903: key cisco123 shows up here",
    "%ASA-6-113005: AAA user authentication Rejected : reason = AAA failure : server = 10.1.1.1 : user = jdoe",
    "%ASA-auth-4-113004: AAA user authentication Successful : server = 10.1.1.1 : user = jdoe",
    "%ASA-6-302013: Built outbound TCP connection 1 for outside:198.51.100.1/443 to inside:10.1.1.1/5000",
    "%ASA-5-713092",
    "%ASA-5-713092:   ",
    "%ASA-5-713092community public",
    ("%PIX-4-402119: IPSEC: Received an ESP packet (SPI= 0x1B86506B, sequence number= 0x28B) from 68.18.122.4 "
     "(user= Bangalo) to 10.10.1.1 that failed anti-replay checking."),
    "%FTD-3-713902: Group = 192.0.2.9, IP = 192.0.2.9, Removing peer from peer table failed, no match!",
    "%ASA-5-713904: IP = 203.0.113.10, Received encrypted packet with no matching SA, dropping \u00e9t\u00e9",
    "%ASA-7-713236: IP = 198.51.100.5, IKE_DECODE RECEIVED Message (msgid=0) with payloads : HDR + SA (1)",
)


def _both(lines: list[str]) -> tuple[list[LogEvent], list[LogEvent], LogScanner]:
    fast = LogScanner(memo=True)
    events = list(fast.scan(lines, "mix.log"))
    plain = list(LogScanner(memo=False).scan(lines, "mix.log"))
    return events, plain, fast


def test_memo_and_general_parser_agree_on_every_header_and_body_combination() -> None:
    lines = [header + body for header in HEADERS for body in BODIES]
    events, plain, fast = _both(lines * 2)  # the second half is answered from the memo
    assert events == plain
    assert len(events) == 2 * len(HEADERS) * (len(BODIES) - 1)  # every body but the 302013 connection build
    assert fast._memo is not None and fast._memo.hits > 0
    assert all("s3cr3tPW" not in e.raw and "cisco123" not in e.raw for e in events)


def test_memo_and_general_parser_agree_on_the_signature_examples_behind_a_syslog_header() -> None:
    examples = [example for sig in signatures() for example in sig.examples]
    lines = [*examples, *("Nov 28 2026 10:00:00 fw-hq : " + e[e.find("%"):] for e in examples if "%" in e)]
    events, plain, _ = _both(lines)
    assert events == plain
    assert sum(1 for e in events if e.id is not None) >= len(examples)


def test_memo_and_general_parser_agree_on_the_fixture_logs() -> None:
    for path in sorted(FIXTURES.iterdir()):
        assert list(LogScanner(memo=True).scan(path)) == list(LogScanner(memo=False).scan(path)), path.name


def test_memo_and_general_parser_agree_on_the_realworld_logs() -> None:
    if not LOGS.is_dir():
        pytest.skip("shared/realworld/logs is not available")
    total = 0
    for path in sorted(LOGS.rglob("*.log")):
        fast = list(LogScanner(memo=True).scan(path))
        assert fast == list(LogScanner(memo=False).scan(path)), path.name
        total += len(fast)
    assert total > 100


def test_memo_is_bounded_and_emptied_when_full() -> None:
    memo = LineMemo(Matcher())
    for n in range(MEMO_ENTRIES + 10):
        event = memo.event(f"Nov 28 2026 10:00:00 fw-hq : %ASA-5-713119: Group = g{n}, IP = 192.0.2.1, PHASE 1 COMPLETED",
                           n + 1, "x.log")
        assert isinstance(event, LogEvent) and event.fields["group"] == f"g{n}"
    assert len(memo._memo) == 10
    assert memo.misses == MEMO_ENTRIES + 10


def test_memo_sends_unusual_headers_to_the_general_parser() -> None:
    memo = LineMemo(Matcher())
    body = "%ASA-5-713092: Group = 203.0.113.10, IP = 203.0.113.10, Failure"
    assert memo.event("Mar 24 2010 10:21:50 FWHQ : " + body, 1, "x") is MISS
    assert memo.event("Mar 24 2010 10:21:50 keyserver : " + body, 1, "x") is MISS
    assert memo.event("%CRYPTO-4-IKMP_NO_SA: no SA", 1, "x") is MISS
    event = memo.event("Mar 24 2010 10:21:50 fw-hq : " + body, 7, "x")
    assert isinstance(event, LogEvent)
    assert (event.line, event.timestamp, event.host, event.id) == (7, "Mar 24 2010 10:21:50", "fw-hq", "P1-LIFETIME")


_WORDS = st.sampled_from(["key", "password", "Pass", "secret", "community", "auth", "psk", "-pw", "x", "9", ":", "(",
                          "user=", "IP =", "192.0.2.1", "Group =", ",", "encrypted", "0", "7", "\u00e9"])


@settings(max_examples=150, deadline=None)
@given(
    header=st.sampled_from(HEADERS),
    body=st.sampled_from(BODIES),
    extra=st.lists(_WORDS, max_size=8),
)
def test_memo_matches_the_general_parser_on_generated_lines(header: str, body: str, extra: list[str]) -> None:
    line = header + body + " " + " ".join(extra)
    events, plain, _ = _both([line, line])
    assert events == plain
    assert len(events) in (0, 2)
