"""The report writer's JSON is the text json.dumps(indent=2, ensure_ascii=False) would give, byte for byte."""

from __future__ import annotations

import enum
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipsec_doctor import analyze
from ipsec_doctor.report import pretty_json
from ipsec_doctor.report.json_report import report_dict

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _stdlib(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


class Colour(str, enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(), st.just(Colour.RED), st.just(Level.HIGH),
)
keys = st.one_of(st.text(), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.lists(inner, max_size=3).map(tuple),
                            st.dictionaries(keys, inner, max_size=5)),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_same_text_as_the_standard_library_on_random_json(value: object) -> None:
    assert pretty_json.dumps(value) == _stdlib(value)


def test_same_text_on_a_real_report() -> None:
    document = report_dict(analyze([EXAMPLES / "snapshot"]))
    text = pretty_json.dumps(document)
    assert text == _stdlib(document)
    assert '"findings": [' in text and "\n  " in text  # really indented


def test_what_json_refuses_is_still_refused() -> None:
    with pytest.raises(TypeError):
        pretty_json.dumps({"a": object()})
    with pytest.raises(TypeError):
        pretty_json.dumps({(1, 2): "tuple keys are not JSON"})


def test_non_ascii_text_is_written_as_is_and_controls_are_escaped() -> None:
    assert pretty_json.dumps({"名前": "トンネル\n\t\u0001"}) == '{\n  "名前": "トンネル\\n\\t\\u0001"\n}'
