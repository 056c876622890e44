"""The prefilter's faster forms select exactly the lines the plain forms select.

The ``re`` engine matches VPN tags with a digit trie instead of a flat
alternation, and skips the literal search of a block whose every line holds
a ``%`` after one whole-block match; both are checked against the simple
definitions here.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ipsec_doctor.logs import LogScanner, Matcher
from ipsec_doctor.logs.prefilter import VPN_ASA_CLASSES, Prefilter, _asa_id_trie, _tag_parts, _trie


def _prefilter() -> Prefilter:
    matcher = Matcher()
    return Prefilter(matcher.keys, matcher.anchors, "re")


def test_trie_matches_the_same_strings_as_the_flat_alternation() -> None:
    words = ["CRYPTO", "CERM", "IPSEC", "ISAKMP", "IKEV2", "HW_VPN", "VPN_HW", "C", "CRYPT", "IP"]
    trie = re.compile(_trie((w, "") for w in words) + r"\Z")
    flat = re.compile("(?:" + "|".join(map(re.escape, words)) + r")\Z")
    probes = [*words, "CRYPTOX", "CRYP", "I", "ISAKM", "VPN", "HW_VP", ""]
    assert [bool(trie.match(p)) for p in probes] == [bool(flat.match(p)) for p in probes]
    assert _trie([]) == "(?!)"


def test_asa_id_trie_accepts_the_same_six_digit_ids_as_the_class_alternation() -> None:
    keys = Matcher().keys
    asa_ids, _, _ = _tag_parts(keys)
    flat = re.compile(rf"(?:{asa_ids})\Z")
    trie = re.compile(_asa_id_trie(keys) + r"\Z")
    listed = sorted(k for k in keys if k.isdecimal())
    # every class prefix with a spread of endings, plus every listed id and its neighbours
    probes = [f"{c:03d}{e}" for c in range(1000) for e in ("000", "005", "013", "119", "999")]
    probes += [f"{int(k) + d:06d}" for k in listed for d in (-1, 0, 1)]
    probes += ["71309", "7130920", "", "abc123"]
    assert [bool(trie.match(p)) for p in probes] == [bool(flat.match(p)) for p in probes]
    assert sum(bool(trie.match(p)) for p in probes) >= 5 * len(VPN_ASA_CLASSES)


def _reference_spans(prefilter: Prefilter, text: str) -> list[tuple[int, int]]:
    """Line by line: a VPN tag anywhere, or (in a line without "%") a style literal or anchor."""
    out, start = [], 0
    for line in text.split("\n")[:-1]:
        end = start + len(line)
        if prefilter._tag.search(line) or ("%" not in line and any(lit in line for lit in prefilter._literals)):
            out.append((start, end))
        start = end + 1
    return out


_LINES = st.sampled_from([
    "Nov 28 2026 10:00:00 fw : %ASA-6-302013: Built outbound TCP connection 1",
    "Nov 28 2026 10:00:00 fw : %ASA-5-713092: Group = 192.0.2.1, IP = 192.0.2.1, QM FSM error",
    "Nov 28 2026 10:00:00 fw : %ASA-6-302013: 100% used, then %ASA-5-713092: in the text",
    "Nov 28 2026 10:00:00 fw : %ASA-6-302013: QM FSM error but tagged as a connection",
    "000123: *Mar  1 00:01:02.123: %CRYPTO-4-IKMP_NO_SA: IKE message from 192.0.2.2 has no SA",
    "Mar  1 00:01:02: ISAKMP:(1001): processing SA payload",
    "QM FSM error on a bare line",
    "a plain line without anything",
    "",
    "50% done",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=30))
def test_prefilter_selects_the_reference_lines_with_and_without_untagged_lines(lines: list[str]) -> None:
    prefilter = _prefilter()
    text = "\n".join(lines) + "\n"
    assert list(prefilter.lines(text)) == _reference_spans(prefilter, text)


def test_block_of_tagged_lines_skips_the_literal_search_but_still_finds_vpn_tags() -> None:
    prefilter = _prefilter()
    tagged = "Nov 28 2026 10:00:00 fw : %ASA-6-302013: Built, QM FSM error\n" * 50
    vpn = "Nov 28 2026 10:00:00 fw : %ASA-5-713092: Group = 192.0.2.1, IP = 192.0.2.1, QM FSM error\n"
    text = tagged + vpn + tagged
    assert [text[s:e] for s, e in prefilter.lines(text)] == [vpn.rstrip("\n")]
    bare = "QM FSM error on a line without a tag\n"
    text = tagged + bare + tagged
    assert [text[s:e] for s, e in prefilter.lines(text)] == [bare.rstrip("\n")]


def test_line_numbers_stay_right_when_blocks_are_counted_on_the_way(tmp_path) -> None:  # type: ignore[no-untyped-def]
    noise = "Nov 28 2026 10:00:00 fw : %ASA-6-302013: Built outbound TCP connection 1\n"
    vpn = "Nov 28 2026 10:00:00 fw : %ASA-5-713092: Group = 192.0.2.1, IP = 192.0.2.1, QM FSM error\n"
    lines = [vpn if n % 997 == 0 else noise for n in range(30000)]
    path = tmp_path / "big.log"
    path.write_text("".join(lines), encoding="utf-8")
    scanner = LogScanner(block_size=4096)  # many blocks, each ending between two lines
    events = list(scanner.scan(path))
    assert [e.line for e in events] == [n + 1 for n in range(30000) if n % 997 == 0]
    assert scanner.lines == 30000
    assert scanner.candidates == len(events) == 31
