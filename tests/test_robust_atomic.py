"""Atomic reports: an interrupted run (SIGINT, SIGTERM) leaves no half-written report and no temp file.

To interrupt *while the report is being written*, a ``sitecustomize`` hook in
the child process slows the report write down (small chunks with pauses) and
drops a marker file once the first chunk is on disk; the test then signals
the child.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipsec_doctor.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "snapshot"

HOOK = '''
import os, time
import ipsec_doctor.report as report

MARKER = os.environ["IPSEC_DOCTOR_TEST_MARKER"]
_real_fdopen = os.fdopen


class _SlowFile:
    def __init__(self, handle):
        self._handle = handle

    def write(self, text):
        for start in range(0, len(text), 200):
            self._handle.write(text[start:start + 200])
            self._handle.flush()
            if not os.path.exists(MARKER):
                open(MARKER, "w").close()
            time.sleep(0.05)
        return len(text)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._handle.__exit__(*exc)


class _Os:
    def __getattr__(self, name):
        return getattr(os, name)

    @staticmethod
    def fdopen(*args, **kwargs):
        return _SlowFile(_real_fdopen(*args, **kwargs))


report.os = _Os()
'''


def _start_slow_writer(tmp_path: Path, target: Path) -> tuple[subprocess.Popen[str], Path]:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    marker = tmp_path / "writing.marker"
    env = dict(os.environ, PYTHONPATH=str(hook), IPSEC_DOCTOR_TEST_MARKER=str(marker))
    proc = subprocess.Popen(
        [sys.executable, "-m", "ipsec_doctor", "analyze", str(EXAMPLE), "--format", "json", "-o", str(target)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )
    return proc, marker


@pytest.mark.parametrize(("sig", "status", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                      (signal.SIGTERM, 143, "terminated")])
def test_a_signal_while_the_report_is_written_leaves_no_report_and_no_temp_file(
    tmp_path: Path, sig: signal.Signals, status: int, word: str
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "report.json"
    proc, marker = _start_slow_writer(tmp_path, target)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the child never started writing"
        time.sleep(0.01)
    assert [p.name for p in out_dir.iterdir() if p.name.endswith(".tmp")]  # mid-write: the temp file exists
    proc.send_signal(sig)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == status, stderr
    assert stderr == f"ipsec-doctor: {word}\n"
    assert list(out_dir.iterdir()) == []  # neither the report nor its temp file


def test_the_slow_writer_hook_completes_a_valid_report_when_not_interrupted(tmp_path: Path) -> None:
    """Control for the test above: the hook itself does not break the write."""
    target = tmp_path / "report.json"
    proc, marker = _start_slow_writer(tmp_path, target)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    assert marker.exists()
    assert json.loads(target.read_text(encoding="utf-8"))["devices"]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_previous_report_survives_an_interrupted_rewrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ipsec_doctor import report

    target = tmp_path / "report.json"
    assert main(["analyze", str(EXAMPLE), "--format", "json", "-o", str(target)]) == 1
    before = target.read_bytes()

    real_replace = os.replace

    def interrupted_replace(src: str, dst: str) -> None:
        raise KeyboardInterrupt  # Ctrl-C between the last byte and the rename

    monkeypatch.setattr(report.os, "replace", interrupted_replace)
    assert main(["analyze", str(EXAMPLE), "--format", "text", "-o", str(target)]) == 130
    monkeypatch.setattr(report.os, "replace", real_replace)
    assert capsys.readouterr().err.endswith("ipsec-doctor: interrupted\n")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_sigterm_handler_is_restored_after_main_returns() -> None:
    before = signal.getsignal(signal.SIGTERM)
    assert main(["explain", "P1-PSK"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before


# --------------------------------------------------------------------------- what -o may name


def test_output_to_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    import threading

    from ipsec_doctor.report import write_atomic

    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    write_atomic(fifo, '{"ok": true}\n')
    reader.join(timeout=10)
    assert received == ['{"ok": true}\n']
    assert fifo.is_fifo()  # still the pipe, not a regular file renamed over it
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_output_through_a_symlink_replaces_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    from ipsec_doctor.report import write_atomic

    real = tmp_path / "reports" / "latest.json"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    write_atomic(link, "new\n")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new\n"


def test_dash_o_dev_null_leaves_the_device_alone(tmp_path: Path) -> None:
    before = os.stat(os.devnull)
    assert not os.path.isfile(os.devnull)  # the device, as the test starts
    status = main(["analyze", str(EXAMPLE), "--format", "json", "-o", os.devnull])
    after = os.stat(os.devnull)
    assert status == 1
    assert (after.st_mode, after.st_rdev, after.st_ino) == (before.st_mode, before.st_rdev, before.st_ino)
    assert not os.path.isfile(os.devnull)
