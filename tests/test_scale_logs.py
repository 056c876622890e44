"""Byte-range partitioning of one big log gives exactly the events of one sequential scan."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from ipsec_doctor.logs import LogScanner
from ipsec_doctor.scale.logrange import plan_ranges, scan_partitioned
from ipsec_doctor.scale.parallel import LocalEngine, ProcessEngine

FIXTURES = Path(__file__).parent / "fixtures" / "logs"


def _mixed_log(tmp_path: Path, *, newline: str = "\n", bom: bool = False, trailing: bool = True) -> Path:
    """Every fixture log style, interleaved with noise lines, repeated so the file has many cut points."""
    parts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.iterdir()) if p.is_file()]
    noise = "Oct 12 10:00:01 fw1 : %ASA-6-302013: Built outbound TCP connection 7 for outside:192.0.2.9/443\n"
    block = "".join(noise * 3 + part + ("" if part.endswith("\n") else "\n") for part in parts)
    text = block * 120
    if not trailing:
        text = text.rstrip("\n")
    path = tmp_path / "big.log"
    data = text.replace("\n", newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def _sequential(path: Path) -> tuple[list[object], int, int]:
    scanner = LogScanner()
    events = list(scanner.scan(path, "big.log"))
    return events, scanner.lines, scanner.candidates


@pytest.mark.parametrize(
    ("newline", "bom", "trailing"),
    [("\n", False, True), ("\r\n", False, True), ("\n", True, False)],
)
def test_log_byte_ranges_merge_to_the_sequential_scan(tmp_path: Path, newline: str, bom: bool, trailing: bool) -> None:
    path = _mixed_log(tmp_path, newline=newline, bom=bom, trailing=trailing)
    spans = plan_ranges(path, 9, min_bytes=1024)
    assert len(spans) == 9
    assert spans[0][0] == 0 and spans[-1][1] == path.stat().st_size
    assert all(a[1] == b[0] for a, b in pairwise(spans))
    data = path.read_bytes()
    assert all(data[start - 1 : start] == b"\n" for start, _end in spans[1:])  # every cut follows a line break
    events, lines, candidates = _sequential(path)
    merged = scan_partitioned(path, "big.log", executor=LocalEngine(), parts=9, min_bytes=1024)
    assert len(events) > 1000
    assert merged.events == events
    assert (merged.lines, merged.candidates) == (lines, candidates)


def test_log_cut_never_separates_a_vpn_client_header_from_its_message(tmp_path: Path) -> None:
    path = _mixed_log(tmp_path)
    data = path.read_bytes()
    for start, _end in plan_ranges(path, 40, min_bytes=256)[1:]:
        before = data[:start].decode("utf-8").split("\n")[:-1][-3:]
        assert not any("Sev=" in line for line in before)


def test_log_byte_ranges_scanned_in_worker_processes_match(tmp_path: Path) -> None:
    path = _mixed_log(tmp_path)
    events, lines, _candidates = _sequential(path)
    with ProcessEngine(2) as engine:
        merged = scan_partitioned(path, "big.log", executor=engine, parts=4, min_bytes=1024)
    assert merged.events == events
    assert merged.lines == lines
    assert sum(1 for e in merged.events if e.id) == sum(1 for e in events if e.id) > 100


def test_small_or_utf16_log_is_one_range(tmp_path: Path) -> None:
    small = tmp_path / "small.log"
    small.write_text("%ASA-5-713904: IP = 192.0.2.1, Received encrypted packet with no matching SA\n")
    assert plan_ranges(small, 8) == [(0, small.stat().st_size)]
    wide = tmp_path / "wide.log"
    wide.write_bytes(("x\n" * 5000).encode("utf-16"))
    assert plan_ranges(wide, 8, min_bytes=64) == [(0, wide.stat().st_size)]
