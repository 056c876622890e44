"""The command line: exit statuses, formats, and no secret in any output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ipsec_doctor import __version__
from ipsec_doctor.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "snapshot"
EXAMPLE_KEY = "Br4nch-0ne-K3y!"  # the example's pre-shared key, in both configs


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ipsec_doctor", *args], capture_output=True, text=True, cwd=ROOT)


def test_version_prints_the_package_version() -> None:
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"ipsec-doctor {__version__}"


def test_analyze_example_reports_errors_and_exits_1() -> None:
    proc = run("analyze", str(EXAMPLE))
    assert proc.returncode == 1, proc.stderr
    assert "HQ-ASA" in proc.stdout and "BR1-RTR" in proc.stdout
    assert "P2-PFS" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_analyze_example_json_follows_the_output_contract() -> None:
    proc = run("analyze", str(EXAMPLE), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["tool"] == {"name": "ipsec-doctor", "version": __version__}
    assert [d["name"] for d in doc["devices"]] == ["BR1-RTR", "HQ-ASA"]
    assert {i["kind"] for i in doc["inputs"]} == {"config"}
    assert len(doc["tunnels"]) == 1
    tunnel = doc["tunnels"][0]
    assert {e["device"] for e in tunnel["ends"]} == {"HQ-ASA", "BR1-RTR"}
    assert tunnel["phase1"] == "up" and tunnel["phase2"] == "fail"
    ids = {f["id"] for f in doc["findings"]}
    assert "P2-PFS" in ids
    pfs = next(f for f in doc["findings"] if f["id"] == "P2-PFS")
    assert pfs["severity"] == "error" and pfs["tunnel"] == tunnel["id"]
    assert any(e["file"].endswith("hq-asa.cfg") and "set pfs" in e["text"] for e in pfs["evidence"])
    assert all(fx["disruption"] in {"none", "renegotiates-tunnel", "drops-tunnel", "drops-all-tunnels"}
               for f in doc["findings"] for fx in f["fix"])


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_output_format_prints_the_pre_shared_key(fmt: str) -> None:
    proc = run("analyze", str(EXAMPLE), "--format", fmt)
    assert EXAMPLE_KEY not in proc.stdout + proc.stderr
    inv = run("inventory", str(EXAMPLE), "--format", fmt)
    assert inv.returncode == 0
    assert EXAMPLE_KEY not in inv.stdout + inv.stderr


def test_same_inputs_give_byte_identical_json(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["analyze", str(EXAMPLE), "--format", "json", "-o", str(a)]) == 1
    assert main(["analyze", str(EXAMPLE), "--format", "json", "-o", str(b)]) == 1
    assert a.read_bytes() == b.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_missing_path_exits_2_with_one_line_reason(tmp_path: Path) -> None:
    proc = run("analyze", str(tmp_path / "nope.cfg"))
    assert proc.returncode == 2
    assert "nope.cfg" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_arguments_exit_2_without_traceback() -> None:
    proc = run("analyze", "--format", "yaml", str(EXAMPLE))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_one_unusable_file_does_not_stop_the_others(tmp_path: Path) -> None:
    for f in EXAMPLE.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 10)
    proc = run("analyze", str(tmp_path), "--format", "json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert len(doc["devices"]) == 2
    junk = next(i for i in doc["inputs"] if i["file"].endswith("junk.bin"))
    assert junk["kind"] == "unknown" and junk["problems"]


def test_internal_error_exits_3_with_a_crash_report_that_holds_no_secret(monkeypatch, capsys, tmp_path) -> None:
    import ipsec_doctor.analysis as analysis

    def boom(*_a, **_k):
        raise RuntimeError(f"crypto isakmp key {EXAMPLE_KEY} address 192.0.2.1")

    monkeypatch.setattr(analysis, "parse_devices", boom)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["analyze", str(EXAMPLE)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "crash report" in err
    reports = list(tmp_path.glob("ipsec-doctor-crash-*.txt"))
    assert len(reports) == 1
    text = reports[0].read_text()
    assert "RuntimeError" in text and EXAMPLE_KEY not in text


def test_explain_prints_a_catalog_entry_and_rejects_unknown_ids() -> None:
    ok = run("explain", "P1-PSK")
    assert ok.returncode == 0 and "P1-PSK" in ok.stdout
    bad = run("explain", "P1-NOPE")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
