"""Two-ended scenarios: every tunnel failure mode on ASA⇄IOS, IOS⇄IOS, ASA⇄ASA and PIX⇄IOS.

Each folder ``tests/scenarios/<pairing>-<mode>/`` holds the device files of
one snapshot and an ``expect.toml``::

    findings = ["P1-PSK"]        # tunnel-check IDs that must be reported; the other tunnel IDs must not be
    phase1 = "fail"              # the tunnel's phase 1 outcome: up | fail | unknown
    phase2 = "up"
    summary_contains = "fails at phase 1 — pre-shared keys differ"

Only the IDs of the tunnel checks are compared exactly, so checks of other
areas (firewall, NAT advice) may add findings without breaking a scenario.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from ipsec_doctor import analyze

SCENARIOS = Path(__file__).parent / "scenarios"
CASES = sorted(p.name for p in SCENARIOS.iterdir() if p.is_dir()) if SCENARIOS.is_dir() else []

TUNNEL_IDS = frozenset({
    "P1-POLICY", "P1-LIFETIME", "P1-PSK", "P1-IDENTITY", "P1-ENABLE", "P1-NATT",
    "P2-PFS", "P2-TRANSFORM", "P2-NOHASH", "P2-MIRROR", "IN-UNPAIRED",
})
PAIRINGS = ("asa-ios", "ios-ios", "asa-asa", "pix-ios")

# Keys and masked/encrypted forms written in the scenario files; none may reach any output.
_KEY_LINE = re.compile(r"(?:pre-shared-key|isakmp key)\s+(?:\d\s+)?(\S+)")


def _keys_in(folder: Path) -> set[str]:
    keys: set[str] = set()
    for f in folder.glob("*.cfg"):
        keys.update(m.group(1) for m in _KEY_LINE.finditer(f.read_text()))
    return {k for k in keys if not set(k) <= {"*"}}


@pytest.mark.parametrize("name", CASES)
def test_scenario_reports_expected_findings_and_phases(name: str) -> None:
    folder = SCENARIOS / name
    expect = tomllib.loads((folder / "expect.toml").read_text())
    report = analyze([folder])
    assert len(report.tunnels) == 1, [t.id for t in report.tunnels]
    verdict = report.verdicts[report.tunnels[0].id]
    assert (verdict.phase1, verdict.phase2) == (expect["phase1"], expect["phase2"]), verdict.summary
    assert expect["summary_contains"] in verdict.summary
    found = sorted({f.id for f in report.findings if f.id in TUNNEL_IDS})
    assert found == sorted(expect["findings"])
    for f in report.findings:
        if f.id in TUNNEL_IDS:
            assert f.evidence and all(e.line > 0 for e in f.evidence), f.id


@pytest.mark.parametrize("name", CASES)
def test_scenario_output_never_contains_a_key(name: str) -> None:
    folder = SCENARIOS / name
    report = analyze([folder])
    text = json.dumps([f.as_dict() for f in report.findings]) + json.dumps(
        {k: v.summary for k, v in report.verdicts.items()})
    keys = _keys_in(folder)
    assert keys  # every scenario has at least one key in clear or in encrypted form
    for key in keys:
        assert key not in text


def test_every_pairing_covers_every_failure_mode() -> None:
    modes = {n.split("-", 2)[2] for n in CASES if n.startswith("asa-ios-")}
    assert {"policy", "lifetime", "psk-differ", "identity", "enable", "natt", "pfs", "transform", "nohash",
            "mirror-disjoint", "unpaired"} <= modes
    for pairing in PAIRINGS:
        assert {n.split("-", 2)[2] for n in CASES if n.startswith(pairing + "-")} == modes, pairing
