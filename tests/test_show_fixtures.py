"""Show parsers and observations against hand-written outputs (tests/fixtures/show/<case>/).

Each case folder holds ``input.txt`` and ``expected.json``: the command key,
platform, number of notes, a subset of fields per record (in order), and the
observations expected (in order).  Fields not listed are not compared.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from ipsec_doctor.show import observe, parse_show

FIXTURES = Path(__file__).parent / "fixtures" / "show"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())


def plain(value: Any) -> Any:
    """Records → JSON-like values (dataclasses to dicts, tuples to lists, maps to dicts)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "items"):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "value") and not isinstance(value, (str, int)):
        return value.value
    return value


def field_of(obj: Any, name: str) -> Any:
    return plain(getattr(obj, name))


def assert_fields(obj: Any, expected: dict[str, Any], where: str) -> None:
    for name, want in expected.items():
        if name in ("type", "flow", "session"):
            continue
        assert field_of(obj, name) == want, f"{where}.{name}"


def load_case(case: str) -> tuple[str, dict[str, Any]]:
    folder = FIXTURES / case
    return (folder / "input.txt").read_text(encoding="utf-8"), json.loads((folder / "expected.json").read_text())


@pytest.mark.parametrize("case", CASES)
def test_show_fixture_parses_records_and_observations(case: str) -> None:
    text, expected = load_case(case)
    if "command" not in expected:
        pytest.skip("session fixture: checked by test_show_pasted_session")
    result = parse_show(text, command=expected.get("typed"), file=f"{case}.txt")
    assert result.command == expected["command"]
    assert (result.platform.value if result.platform else None) == expected["platform"]
    assert len(result.notes) == expected["notes"], [n.message for n in result.notes]
    assert len(result.records) == len(expected["records"])
    for index, (record, want) in enumerate(zip(result.records, expected["records"])):
        assert type(record).__name__ == want["type"]
        assert_fields(record, want, f"record[{index}]")
    for index, want in enumerate(expected.get("sas", [])):
        flow = result.records[want["flow"]]
        sa = [s for s in flow.sas if s.line == want["line"]]
        assert sa, f"sa at line {want['line']}"
        assert_fields(sa[0], want, f"sa[{index}]")
    for index, want in enumerate(expected.get("blocks", [])):
        session = result.records[want["session"]]
        block = [b for b in session.blocks if b.line == want["line"]]
        assert block, f"block at line {want['line']}"
        assert_fields(block[0], want, f"block[{index}]")
    observations = observe(result, text.splitlines())
    assert len(observations) == len(expected["observations"]), [(o.kind, o.value) for o in observations]
    for index, (seen, want) in enumerate(zip(observations, expected["observations"])):
        line = want.pop("line", None)
        if line is not None:
            assert seen.source.line == line, f"observation[{index}].line"
            assert seen.source.file == f"{case}.txt"
            assert seen.source.text, "the evidence line text is kept"
        assert_fields(seen, want, f"observation[{index}]")
