"""The JSON Schema of ``--format json``: shipped, printed by ``ipsec-doctor schema``, and met by every snapshot."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ipsec_doctor import analyze
from ipsec_doctor.cli import main
from ipsec_doctor.report.json_report import render_json
from ipsec_doctor.report.schema import output_schema, schema_text

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
SNAPSHOTS = (
    [ROOT / "examples" / "snapshot"]
    + sorted(p for p in (TESTS / "scenarios").iterdir() if p.is_dir())
    + sorted(p / "fail" for p in (TESTS / "checks").iterdir() if (p / "fail").is_dir())
)


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = output_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["required"]) == {"tool", "inputs", "devices", "tunnels", "findings", "events"}


def test_schema_command_prints_the_shipped_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert printed == schema_text()
    assert json.loads(printed)["title"].startswith("ipsec-doctor")


@pytest.mark.parametrize("folder", SNAPSHOTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_json_of_every_snapshot_matches_the_schema(
    folder: Path, validate_report_json: Callable[[str | dict[str, Any]], dict[str, Any]]
) -> None:
    data = validate_report_json(render_json(analyze([folder])))
    assert data["tool"]["name"] == "ipsec-doctor"
    assert data["devices"], f"{folder} has no device"


def test_schema_rejects_a_renamed_contract_field(validate_report_json: Callable[..., Any]) -> None:
    data = json.loads(render_json(analyze([ROOT / "examples" / "snapshot"])))
    data["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError, match="fatal"):
        validate_report_json(data)
    del data["tunnels"]
    with pytest.raises(jsonschema.ValidationError, match="tunnels"):
        validate_report_json(data)


def test_schema_accepts_events_and_added_fields(validate_report_json: Callable[..., Any]) -> None:
    data = json.loads(render_json(analyze([ROOT / "examples" / "snapshot"])))
    data["events"] = [
        {"file": "logs/hq.log", "line": 88, "id": "P1-LIFETIME", "message_id": "ASA-5-713092", "fields": {"peer": "203.0.113.10"}},
        {"file": "logs/hq.log", "line": 90, "id": None, "message_id": None, "fields": {}},
    ]
    data["tunnels"][0]["new_field_added_later"] = 1  # the contract allows additions
    assert validate_report_json(data)["events"][1]["id"] is None
