"""Determinism: the same inputs give byte-identical JSON, across processes and hash seeds.

Two child processes with different ``PYTHONHASHSEED`` values analyse
examples/snapshot and every tests/scenarios/* folder (the second one in the
reverse order, so no cache or interning order can hide behind a match) and
print the analyze and inventory JSON of each folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = [ROOT / "examples" / "snapshot", *sorted(p for p in (ROOT / "tests" / "scenarios").iterdir() if p.is_dir())]

DRIVER = """
import json, sys
from ipsec_doctor.analysis import analyze, parse_devices
from ipsec_doctor.inputs import load
from ipsec_doctor.inventory import render_inventory_json
from ipsec_doctor.report.json_report import render_json

folders = json.loads(sys.argv[1])
if sys.argv[2] == "reverse":
    folders = folders[::-1]
out = {}
for folder in folders:
    loaded = load([folder])
    out[folder] = {"analyze": render_json(analyze([folder])),
                   "inventory": render_inventory_json(parse_devices(loaded), loaded.inputs)}
sys.stdout.write(json.dumps(out, sort_keys=True))
"""


def _run(seed: str, order: str) -> dict[str, dict[str, str]]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    proc = subprocess.run([sys.executable, "-c", DRIVER, json.dumps([str(f) for f in FOLDERS]), order],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, check=True)
    result: dict[str, dict[str, str]] = json.loads(proc.stdout)
    return result


def test_json_is_byte_identical_across_processes_with_different_hash_seeds() -> None:
    first = _run("1", "forward")
    second = _run("4242", "reverse")
    assert len(FOLDERS) > 50 and set(first) == {str(f) for f in FOLDERS}
    differing = [folder for folder in first if first[folder] != second[folder]]
    assert differing == []
    # the reports are real: every scenario has devices, and the example its known tunnel
    example = json.loads(first[str(FOLDERS[0])]["analyze"])
    assert [d["name"] for d in example["devices"]] == ["BR1-RTR", "HQ-ASA"]
    assert all(json.loads(v["analyze"])["devices"] for v in first.values())


def test_cli_json_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "987654"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run([sys.executable, "-m", "ipsec_doctor", "analyze", str(ROOT / "tests" / "scenarios"),
                               "--format", "json"], capture_output=True, env=env, cwd=ROOT, timeout=600, check=False)
        assert proc.returncode in (0, 1), proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])["devices"]) > 50  # name clashes get @file suffixes, all kept
