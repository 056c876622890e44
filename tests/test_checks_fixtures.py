"""Every check has a failing fixture and a passing twin, as data.

Layout: ``tests/checks/<CATALOG-ID>/fail/`` and ``.../pass/`` each hold a
snapshot (one or more device files, analysed together).  An optional
``expect.toml`` in ``fail/`` pins details::

    severity = "error"          # severity of the finding
    devices = ["BR1-RTR"]       # devices named by the finding
    count = 1                   # exact number of findings with this id
    detail_contains = ["group 14"]

The failing snapshot must produce the finding; the passing twin must not.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ipsec_doctor import analyze

CHECKS = Path(__file__).parent / "checks"
CASES = sorted(p.name for p in CHECKS.iterdir() if p.is_dir()) if CHECKS.is_dir() else []


def _findings(folder: Path, catalog_id: str):
    report = analyze([folder])
    return [f for f in report.findings if f.id == catalog_id]


@pytest.mark.parametrize("catalog_id", CASES)
def test_check_reports_failing_fixture(catalog_id: str) -> None:
    folder = CHECKS / catalog_id / "fail"
    found = _findings(folder, catalog_id)
    assert found, f"{catalog_id}: no finding on {folder}"
    expect_file = folder / "expect.toml"
    if expect_file.exists():
        expect = tomllib.loads(expect_file.read_text())
        if "severity" in expect:
            assert {f.severity.value for f in found} == {expect["severity"]}
        if "devices" in expect:
            assert sorted({d for f in found for d in f.devices}) == sorted(expect["devices"])
        if "count" in expect:
            assert len(found) == expect["count"]
        for needle in expect.get("detail_contains", []):
            assert any(needle in (f.detail + " " + f.title) for f in found), needle
    for f in found:
        assert f.evidence, f"{catalog_id}: finding without evidence"
        assert all(e.line > 0 for e in f.evidence)


@pytest.mark.parametrize("catalog_id", CASES)
def test_check_passes_fixed_twin(catalog_id: str) -> None:
    folder = CHECKS / catalog_id / "pass"
    assert folder.is_dir(), f"{catalog_id}: missing passing twin"
    assert _findings(folder, catalog_id) == []
