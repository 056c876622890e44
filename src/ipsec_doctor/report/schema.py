"""The JSON Schema (draft 2020-12) of ``--format json``, shipped as package data.

``ipsec-doctor schema`` prints it so a pipeline can validate what it reads.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_FILE = "output.schema.json"


def schema_text() -> str:
    """The schema exactly as shipped (stable bytes for diffing in a pipeline)."""
    return resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def _schema() -> dict[str, Any]:
    return json.loads(schema_text())


def output_schema() -> dict[str, Any]:
    """The schema as a fresh dict (callers may mutate it)."""
    return json.loads(json.dumps(_schema()))
