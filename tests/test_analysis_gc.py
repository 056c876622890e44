"""analyze() keeps the cyclic garbage collector out of the run and gives the caller's setting back."""

from __future__ import annotations

import gc
from pathlib import Path

from ipsec_doctor import analyze

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "snapshot"


def test_collector_is_paused_during_the_run_and_restored_after() -> None:
    seen: list[bool] = []
    assert gc.isenabled()
    report = analyze([EXAMPLE], progress=lambda _path: seen.append(gc.isenabled()))
    assert report.devices  # the example really was analysed
    assert seen and not any(seen)  # paused while the inputs were read
    assert gc.isenabled()


def test_a_caller_that_disabled_the_collector_keeps_it_disabled() -> None:
    gc.disable()
    try:
        analyze([EXAMPLE])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_analyze_command_gives_the_collector_back(tmp_path: Path) -> None:
    from ipsec_doctor.cli import main

    out = tmp_path / "r.json"
    status = main(["analyze", str(EXAMPLE), "--format", "json", "-o", str(out)])
    assert status == 1  # the example's tunnel is broken on purpose (exit 1: errors found)
    assert out.read_text(encoding="utf-8").lstrip().startswith("{")
    assert gc.isenabled()


def _live_devices() -> int:
    from ipsec_doctor.model import Device

    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is Device)


def test_an_analysis_keeps_no_device_alive_once_its_report_is_dropped() -> None:
    """Before: the per-object memos kept every analysed device (and its ACLs, flows and routes) alive,
    up to 131,072 objects, so a process analysing snapshot after snapshot grew by each of them."""
    before = _live_devices()
    for _ in range(3):
        report = analyze([EXAMPLE])
        assert len(report.devices) == 2
        del report
    assert _live_devices() == before
