"""Aggregating a big log folds repeated events without building an item each: same groups, counts, lines."""

from __future__ import annotations

from collections import defaultdict

import pytest

from ipsec_doctor.evidence import Attacher, collect
from ipsec_doctor.evidence import events as evidence_events
from ipsec_doctor.inputs import TextSection
from ipsec_doctor.logs import scan

_BODIES = (
    "%ASA-5-713092: Group = 203.0.113.{n}, IP = 203.0.113.{n}, Failure during phase 1 rekeying attempt due to collision",
    "%ASA-3-713902: Group = 198.51.100.{n}, IP = 198.51.100.{n}, Removing peer from peer table failed, no match!",
    "%ASA-7-713236: IP = 192.0.2.{n}, IKE_DECODE RECEIVED Message (msgid=0) with payloads : HDR + SA (1)",
    "%ASA-6-302013: Built outbound TCP connection {n} for outside:198.51.100.1/443 to inside:10.1.1.1/5000",
)


def _section() -> TextSection:
    lines = []
    for number in range(1, 3001):
        host = ("fw-hq", "fw-branch")[number % 2]
        body = _BODIES[number % len(_BODIES)].format(n=number % 7)
        lines.append((number, f"Nov 28 2026 10:00:{number % 60:02d} {host} : {body}"))
    return TextSection(file="edge.log", kind="log", lines=lines)


def _expected(section: TextSection) -> dict[tuple[object, ...], tuple[int, int, int]]:
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for event in scan(section.lines, section.file):
        # no devices are known: every event's device is None, so the host does not split groups
        key = (event.id, event.fields.get("peer"), None if event.id else event.message_id)
        groups[key].append(event.line)
    return {key: (len(lines), min(lines), max(lines)) for key, lines in groups.items()}


@pytest.mark.parametrize("seen_max", [1 << 16, 2])
def test_aggregate_counts_first_and_last_lines_match_a_plain_grouping(seen_max: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(evidence_events, "_SEEN_MAX", seen_max)  # 2: the shortcut is forgotten again and again
    section = _section()
    items, coverage = collect([section], Attacher([], []), "aggregate")
    got = {(i.id, i.peer, None if i.id else i.message_id): (i.count, i.first_line, i.last_line) for i in items}
    assert got == _expected(section)
    assert sum(i.count for i in items) == coverage.vpn_lines == 2250  # 3000 lines, a quarter are connection builds
    assert len(items) == 21  # three VPN messages x seven peers


def test_aggregate_and_all_modes_cover_the_same_lines() -> None:
    section = _section()
    aggregated, cov_a = collect([section], Attacher([], []), "aggregate")
    every, cov_b = collect([section], Attacher([], []), "all")
    assert cov_a.as_dict() == cov_b.as_dict()
    assert sum(i.count for i in aggregated) == len(every) == 2250
    assert {i.line for i in every} >= {i.first_line for i in aggregated}
