"""The terminal view: rich colours and a tunnel table on a TTY, the plain text when piped, NO_COLOR honoured."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from ipsec_doctor import analyze
from ipsec_doctor.cli import main
from ipsec_doctor.report.terminal import PROGRESS_MIN_FILES, progress_for, render_rich, use_rich
from ipsec_doctor.report.text import render_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "snapshot"
EXAMPLE_KEY = "Br4nch-0ne-K3y!"


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def colour_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


def test_rich_view_is_used_only_on_a_terminal_without_no_color(colour_env: None) -> None:
    assert use_rich(FakeTTY(), {}) is True
    assert use_rich(io.StringIO(), {}) is False
    assert use_rich(FakeTTY(), {"NO_COLOR": "1"}) is False


def test_rich_view_colours_severities_and_tables_tunnels(colour_env: None) -> None:
    stream = FakeTTY()
    render_rich(analyze([EXAMPLE]), stream, width=160)
    out = stream.getvalue()
    assert "\x1b[" in out
    assert "Tunnels" in out and "BR1-RTR ⇄ HQ-ASA" in out and "QM_IDLE" in out and "MM_ACTIVE" in out
    assert "\x1b[1;31m[ERROR]\x1b[0m" in out
    assert "P2-PFS" in out and EXAMPLE_KEY not in out


def test_rich_view_quiet_hides_info_findings(colour_env: None) -> None:
    report = analyze([EXAMPLE])
    info_ids = {f.id for f in report.findings if f.severity.value == "info"}
    assert info_ids
    loud, quiet = FakeTTY(), FakeTTY()
    render_rich(report, loud, width=160)
    render_rich(report, quiet, quiet=True, width=160)
    assert all(i in loud.getvalue() for i in info_ids)
    assert not any(i in quiet.getvalue() for i in info_ids)


def test_piped_text_output_is_the_plain_renderer_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(EXAMPLE)]) == 1
    out = capsys.readouterr().out
    assert out == render_text(analyze([EXAMPLE]))
    assert "\x1b[" not in out


def test_rich_is_not_imported_for_piped_output() -> None:
    code = (
        "import sys; from ipsec_doctor.cli import main; rc = main(['analyze', sys.argv[1]]); "
        "sys.stderr.write('RICH=%s' % ('rich' in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], capture_output=True, text=True, timeout=60, check=False)
    assert "RICH=False" in run.stderr
    assert run.stdout.startswith("ipsec-doctor: 2 device(s)")


def test_progress_bar_only_for_many_files_on_a_terminal(tmp_path: Path, colour_env: None) -> None:
    many = tmp_path / "many"
    many.mkdir()
    for i in range(PROGRESS_MIN_FILES + 1):
        (many / f"{i:04d}.txt").write_text("!\n", encoding="utf-8")
    with progress_for([many], io.StringIO()) as callback:
        assert callback is None  # stderr piped
    with progress_for([EXAMPLE], FakeTTY()) as callback:
        assert callback is None  # too few files
    stream = FakeTTY()
    with progress_for([many], stream) as callback:
        assert callback is not None
        for _ in range(PROGRESS_MIN_FILES + 1):
            callback("x")
    assert "reading inputs" in stream.getvalue()


def test_progress_bar_reaches_every_file_through_analyze() -> None:
    from ipsec_doctor.analysis import analyze as analyze_with_progress

    seen: list[str] = []
    report = analyze_with_progress([EXAMPLE], progress=seen.append)
    assert sorted(Path(p).name for p in seen) == ["br1-rtr.cfg", "hq-asa.cfg"]
    assert len(report.devices) == 2
