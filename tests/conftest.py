"""Shared pytest fixtures."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest


def validate_report_json_document(document: str | dict[str, Any]) -> dict[str, Any]:
    """Validate an ``analyze --format json`` document against the shipped schema; returns it parsed.

    Raises ``jsonschema.ValidationError`` with the path of the first bad member.
    """
    import jsonschema

    from ipsec_doctor.report.schema import output_schema

    data = json.loads(document) if isinstance(document, str) else document
    schema = output_schema()
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(data)
    return data


@pytest.fixture
def validate_report_json() -> Callable[[str | dict[str, Any]], dict[str, Any]]:
    """A callable that validates a JSON report (text or parsed) against output.schema.json."""
    return validate_report_json_document
