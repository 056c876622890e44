"""The schema of ``catalog.toml`` and a small validator for it.

The schema is written in JSON-Schema vocabulary (draft 2020-12 keywords) so
the tests can also check the catalog with the ``jsonschema`` package, while
the runtime needs nothing beyond the standard library: :func:`validate`
implements the handful of keywords used here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

SEVERITIES = ("error", "warning", "info")
CHECK_KINDS = ("config", "show", "log", "advice")
PLATFORMS = ("ios", "asa", "pix6", "vpnclient", "anyconnect")
DISRUPTIONS = ("none", "renegotiates-tunnel", "drops-tunnel", "drops-all-tunnels")
ID_PATTERN = r"^[A-Z0-9]+(-[A-Z0-9]+)+$"

_PROSE: dict[str, Any] = {"type": "string", "minLength": 20}
_LINE: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": r"^[^\n]+$"}
_LINES: dict[str, Any] = {"type": "array", "items": _LINE}

ENTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title", "section", "severity", "checks", "platforms", "what", "why", "symptoms", "fix", "disruption"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 5, "maxLength": 120, "pattern": r"^[^\n]+$"},
        "section": _LINE,
        "severity": {"enum": list(SEVERITIES)},
        "checks": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(CHECK_KINDS)}},
        "platforms": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(PLATFORMS)}},
        "what": _PROSE,
        "why": _PROSE,
        "symptoms": _LINES,
        "fix": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"enum": list(PLATFORMS)},
            "additionalProperties": {"type": "array", "minItems": 1, "items": _LINE},
        },
        "disruption": {"enum": list(DISRUPTIONS)},
        "caution": {"type": "string", "minLength": 1},
        "correction": _PROSE,
        "candidates": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "pattern": ID_PATTERN},
        },
        "distinguish": {"type": "string", "minLength": 1},
        "references": {"type": "array", "minItems": 1, "items": _LINE},
    },
}

CATALOG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "ipsec-doctor knowledge base (catalog.toml)",
    "type": "object",
    "minProperties": 1,
    "propertyNames": {"pattern": ID_PATTERN},
    "additionalProperties": ENTRY_SCHEMA,
}

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list, tuple),
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
}


def validate(instance: object, schema: Mapping[str, Any] = CATALOG_SCHEMA, path: str = "$") -> list[str]:
    """Return the schema violations of ``instance`` as readable strings (empty when valid).

    >>> validate({"P1-X": {}}, CATALOG_SCHEMA)[0]
    "$.P1-X: missing required field 'title'"
    """
    errors: list[str] = []
    expected = schema.get("type")
    if expected is not None and not isinstance(instance, _TYPES[expected]):
        return [f"{path}: expected {expected}, got {type(instance).__name__}"]
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{path}: {instance!r} is not one of {', '.join(map(str, schema['enum']))}")
    if isinstance(instance, str):
        errors.extend(_string_errors(instance, schema, path))
    elif isinstance(instance, Mapping):
        errors.extend(_object_errors(instance, schema, path))
    elif isinstance(instance, Sequence):
        errors.extend(_array_errors(instance, schema, path))
    return errors


def _string_errors(value: str, schema: Mapping[str, Any], path: str) -> list[str]:
    errors: list[str] = []
    if len(value) < schema.get("minLength", 0):
        errors.append(f"{path}: shorter than {schema['minLength']} characters")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        errors.append(f"{path}: longer than {schema['maxLength']} characters")
    # jsonschema applies "pattern" with search semantics; so do we.
    if "pattern" in schema and re.search(schema["pattern"], value) is None:
        errors.append(f"{path}: {value[:40]!r} does not match {schema['pattern']}")
    return errors


def _object_errors(value: Mapping[str, Any], schema: Mapping[str, Any], path: str) -> list[str]:
    errors: list[str] = []
    if len(value) < schema.get("minProperties", 0):
        errors.append(f"{path}: needs at least {schema['minProperties']} field(s)")
    for name in schema.get("required", ()):
        if name not in value:
            errors.append(f"{path}: missing required field {name!r}")
    properties: Mapping[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    names = schema.get("propertyNames")
    for key, item in value.items():
        where = f"{path}.{key}"
        if names is not None:
            errors.extend(f"{where}: name {message.split(': ', 1)[-1]}" for message in validate(key, names, where))
        if key in properties:
            errors.extend(validate(item, properties[key], where))
        elif extra is False:
            errors.append(f"{where}: unknown field")
        elif isinstance(extra, Mapping):
            errors.extend(validate(item, extra, where))
    return errors


def _array_errors(value: Sequence[Any], schema: Mapping[str, Any], path: str) -> list[str]:
    errors: list[str] = []
    if len(value) < schema.get("minItems", 0):
        errors.append(f"{path}: needs at least {schema['minItems']} item(s)")
    if schema.get("uniqueItems") and len({repr(v) for v in value}) != len(value):
        errors.append(f"{path}: items are not unique")
    items = schema.get("items")
    if items is not None:
        for index, item in enumerate(value):
            errors.extend(validate(item, items, f"{path}[{index}]"))
    return errors
