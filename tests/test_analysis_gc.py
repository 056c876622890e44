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
