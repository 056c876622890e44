"""Start-up: a command imports what it uses (the collect options are built only for `collect` and help)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "snapshot"

_PROBE = """
import sys
from ipsec_doctor.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("COLLECT-LOADED" if "ipsec_doctor.collect.runner" in sys.modules else "COLLECT-NOT-LOADED")
"""


def _run(*words: str) -> str:
    done = subprocess.run([sys.executable, "-c", _PROBE, *words], capture_output=True, text=True, timeout=120, check=False)
    return done.stdout


def test_analyze_does_not_import_the_collect_module(tmp_path: Path) -> None:
    out = _run("analyze", str(EXAMPLE), "--format", "json", "-o", str(tmp_path / "r.json"))
    assert out.strip().endswith("COLLECT-NOT-LOADED")
    assert (tmp_path / "r.json").stat().st_size > 100


def test_collect_help_still_lists_its_options() -> None:
    out = _run("collect", "--help")
    assert "--inventory" in out and "--with-keys" in out
    assert out.strip().endswith("COLLECT-LOADED")
