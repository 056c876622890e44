"""``--jobs 2`` on a big log: workers fold events into aggregate groups, and the report stays that of ``--jobs 1``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ipsec_doctor.cli import main
from ipsec_doctor.evidence.events import AGGREGATE_ABOVE, FoldedEvents, log_group_key
from ipsec_doctor.inputs import reader
from ipsec_doctor.logs import LogScanner
from ipsec_doctor.scale import evidence as scale_evidence
from ipsec_doctor.scale.logrange import RangeResult, fold_threshold, plan_ranges, scan_partitioned
from ipsec_doctor.scale.parallel import LocalEngine, ProcessEngine

PART = 256 * 1024  # smallest byte range in these tests: a few MB give 4 ranges, as prescan asks for 2 workers

CONFIG = """hostname fw1
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 192.0.2.1 255.255.255.0
access-list VPN extended permit ip 10.1.1.0 255.255.255.0 10.2.2.0 255.255.255.0
crypto ipsec ikev1 transform-set TS esp-aes esp-sha-hmac
crypto map outside_map 10 match address VPN
crypto map outside_map 10 set peer 203.0.113.10
crypto map outside_map 10 set ikev1 transform-set TS
crypto map outside_map interface outside
crypto ikev1 enable outside
crypto ikev1 policy 10
 authentication pre-share
 encryption aes
 hash sha
 group 2
tunnel-group 203.0.113.10 type ipsec-l2l
"""

# {host} is one of HOSTS (fw1 by name and by its outside address: one device, two fold keys), {peer} one of PEERS
TEMPLATES = (
    "%ASA-5-713904: IP = {peer}, All IKE SA proposals found unacceptable!",
    "%ASA-3-713902: Group = {peer}, IP = {peer}, All IPSec SA proposals found unacceptable!",
    "%ASA-5-713068: Group = {peer}, IP = {peer}, Received non-routine Notify message: No proposal chosen (14)",
    (
        "%ASA-4-402119: IPSEC: Received an ESP packet (SPI= 0x1B86506B, sequence number= 0x28B) from {peer} "
        "(user= {peer}) to 192.0.2.1 that failed anti-replay checking."
    ),
    "%ASA-3-713042: IKE Initiator unable to find policy: Intf inside, Src: 10.1.1.10, Dst: 10.2.2.20",
    "%ASA-5-713120: Group = {peer}, IP = {peer}, PHASE 2 COMPLETED (msgid=3e4b5c6d)",  # VPN, no signature
)
HOSTS = ("fw1", "192.0.2.1", "fw2")
PEERS = ("203.0.113.10", "203.0.113.11", "203.0.113.12", "198.51.100.7")
FILLER = (
    "Nov 28 2026 10:{m:02d}:{s:02d} fw1 : %ASA-6-302013: Built outbound TCP connection {n} for "
    "outside:192.0.2.9/443 (192.0.2.9/443) to inside:10.1.1.5/{p} (10.1.1.5/{p})\n"
)


LATE_PEER = "198.51.100.99"  # only in the log's last third: its groups start in a later byte range


def _vpn_line(n: int, late: bool = False) -> str:
    # the timestamp changes every line, so a group's first event is told apart from its others
    peer = LATE_PEER if late and n % 2 else PEERS[(n // 7) % len(PEERS)]
    body = TEMPLATES[n % len(TEMPLATES)].format(peer=peer)
    return f"Nov 28 2026 10:{n // 60 % 60:02d}:{n % 60:02d} {HOSTS[(n // 3) % len(HOSTS)]} : {body}\n"


def _filler(n: int) -> str:
    return FILLER.format(m=n // 60 % 60, s=n % 60, n=n, p=1024 + n % 60000)


def _write_log(path: Path, *, dense_head: int, spread: int, filler: int) -> Path:
    """``dense_head`` VPN lines in a row, then ``filler`` noise lines with ``spread`` VPN lines among them."""
    out = [_vpn_line(n) for n in range(dense_head)]
    every = max(1, filler // max(spread, 1))
    vpn = dense_head
    for n in range(filler):
        out.append(_filler(n))
        if n % every == 0 and vpn < dense_head + spread:
            out.append(_vpn_line(vpn, late=vpn - dense_head > spread * 2 // 3))
            vpn += 1
    path.write_text("".join(out), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("biglogs")
    for name in ("small", "big"):
        (root / name).mkdir()
        (root / name / "fw1.cfg").write_text(CONFIG, encoding="utf-8")
    # below: 3,000 VPN events spread evenly (no range, nor the log, passes 10,000)
    small = _write_log(root / "small" / "fw.log", dense_head=0, spread=3_000, filler=30_000)
    # above: 25,000 VPN events in the first half, so the first ranges alone pass 10,000, the last does not
    big = _write_log(root / "big" / "fw.log", dense_head=25_000, spread=2_000, filler=20_000)
    return {"below": small, "above": big}


class RecordingEngine(LocalEngine):
    """A local engine that keeps what every task returned (to see which ranges folded)."""

    def __init__(self) -> None:
        self.results: list[Any] = []

    def map(self, fn: Callable[[Any], Any], items: Any) -> list[Any]:
        out = super().map(fn, items)
        self.results.extend(out)
        return out


def _expected_groups(path: Path) -> list[tuple[Any, int, int, int]]:
    """Sequential scan folded by hand: (first event, count, first line, last line) in first-event order."""
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for event in LogScanner().scan(str(path), "fw.log"):
        found = groups.setdefault(log_group_key(event), [event, 0, event.line, event.line])
        found[1] += 1
        found[2] = min(found[2], event.line)
        found[3] = max(found[3], event.line)
    return [tuple(g) for g in groups.values()]  # type: ignore[misc]


def test_log_ranges_fold_in_auto_only_past_10000_events_and_merge_to_the_sequential_groups(
    logs: dict[str, Path],
) -> None:
    path = logs["above"]
    assert len(plan_ranges(path, 4, PART)) == 4
    engine = RecordingEngine()
    merged = scan_partitioned(path, "fw.log", executor=engine, parts=4, min_bytes=PART,
                              fold_above=fold_threshold("auto"))
    parts: list[RangeResult] = engine.results
    folded = [p for p in parts if p.groups is not None]
    assert len(parts) == 4 and 1 <= len(folded) < 4  # the dense head folds, the sparse tail sends its events
    assert all(sum(g.count for g in p.groups or []) > AGGREGATE_ABOVE for p in folded)
    assert merged.events == [] and merged.groups is not None
    got = [(g.event, g.count, g.first_line, g.last_line) for g in merged.groups]
    expected = _expected_groups(path)
    assert got == expected
    assert sum(g[1] for g in got) == 27_000
    assert all(g[0].line == g[2] for g in got)  # the kept event is the group's first line, in file numbers
    late = [g for g in got if g[0].peer == LATE_PEER]
    assert late and min(g[2] for g in late) > merged.lines // 2  # groups that start past the first ranges


def test_log_ranges_never_fold_for_events_all_or_an_unknown_mode(logs: dict[str, Path]) -> None:
    path = logs["above"]
    sequential = list(LogScanner().scan(str(path), "fw.log"))
    for mode in ("all", None):
        merged = scan_partitioned(path, "fw.log", executor=LocalEngine(), parts=4, min_bytes=PART,
                                  fold_above=fold_threshold(mode))
        assert merged.groups is None
        assert merged.events == sequential
    assert fold_threshold("aggregate") == 0 and fold_threshold("auto") == AGGREGATE_ABOVE


def test_log_ranges_in_worker_processes_fold_for_aggregate_like_locally(logs: dict[str, Path]) -> None:
    path = logs["below"]
    with ProcessEngine(2) as engine:
        merged = scan_partitioned(path, "fw.log", executor=engine, parts=4, min_bytes=PART,
                                  fold_above=fold_threshold("aggregate"))
    assert merged.groups is not None
    got = [(g.event, g.count, g.first_line, g.last_line) for g in merged.groups]
    assert got == _expected_groups(path)
    assert sum(g[1] for g in got) == 3_000
    assert merged.lines == 33_000


def _report(folder: Path, mode: str, jobs: int, out: Path) -> dict[str, Any]:
    target = out / f"{mode}-{jobs}.json"
    chosen = [] if mode == "auto" else ["--events", mode]  # the CLI's default is auto
    main(["analyze", str(folder), "--format", "json", *chosen, "--jobs", str(jobs), "-o", str(target)])
    return json.loads(target.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("size", "mode", "streamed", "folds"),
    [
        ("below", "aggregate", True, True),
        ("below", "auto", True, False),
        ("above", "auto", True, True),
        ("below", "all", True, False),
        ("above", "aggregate", False, True),  # held in memory: one task per section, folded there
    ],
)
def test_analyze_report_with_jobs_2_equals_jobs_1_when_workers_aggregate_log_events(
    logs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    size: str, mode: str, streamed: bool, folds: bool,
) -> None:
    folder = logs[size].parent
    if streamed:
        # the logs are a few MB: make them "too big to hold" so they are streamed and cut into byte ranges
        monkeypatch.setattr(reader, "MAX_FULL_READ", 1 << 20)
    original = scale_evidence.prescan_logs
    seen: list[bool] = []

    received: list[str | None] = []

    def prescan(texts: Any, engine: Any, events_mode: str | None = None, **kwargs: Any) -> Any:
        # analysis.py passes the --events mode; only the byte ranges are made small here
        received.append(events_mode)
        kwargs.setdefault("min_bytes", PART)
        out = original(texts, engine, events_mode, **kwargs)
        seen.extend(isinstance(t.events, FoldedEvents) for t in out if t.kind == "log")
        return out

    monkeypatch.setattr(scale_evidence, "prescan_logs", prescan)
    local = _report(folder, mode, 1, tmp_path)
    parallel = _report(folder, mode, 2, tmp_path)
    assert received == [mode]  # the CLI's mode reached the workers
    assert seen == [folds]
    assert parallel == local
    log_events = [e for e in local["events"] if e["kind"] == "log"]
    total = 3_000 if size == "below" else 27_000
    assert local["coverage"]["log"]["vpn_lines"] == total
    if mode == "all" or (mode == "auto" and size == "below"):
        assert len(log_events) == total and all("count" not in e for e in log_events)
    else:
        assert sum(e["count"] for e in log_events) == total
        assert len(log_events) < 100
        assert all(e["first_line"] == e["line"] <= e["last_line"] for e in log_events)
    assert any(e["device"] == "fw1" and e["fields"]["host"] == "192.0.2.1" for e in log_events)
    assert any(e["fields"].get("peer") == LATE_PEER for e in log_events)
