"""The state/counter → catalog table (``knowledge/show_signatures.toml``), validated on first use."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..knowledge.schema import ID_PATTERN, validate

TOPICS = (
    "isakmp-state",
    "ikev2-state",
    "session-status",
    "ipsec-traffic",
    "asp-drop",
    "cerm",
    "sysopt",
    "management-access",
)

SIGNATURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "signature"],
    "additionalProperties": False,
    "properties": {
        "version": {"enum": [1]},
        "signature": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["topic", "values", "candidates", "meaning"],
                "additionalProperties": False,
                "properties": {
                    "topic": {"enum": list(TOPICS)},
                    "values": {
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"type": "string", "minLength": 1, "pattern": r"^[^\s].*[^\s]$|^\S$"},
                    },
                    "candidates": {
                        "type": "array",
                        "uniqueItems": True,
                        "items": {"type": "string", "pattern": ID_PATTERN},
                    },
                    "healthy": {"type": "boolean"},
                    "requires": {"enum": ["l2l"]},
                    "meaning": {"type": "string", "minLength": 10},
                },
            },
        },
    },
}


class SignatureError(Exception):
    """The shipped signature table is invalid: a packaging/programming error, not user input."""


@dataclass(frozen=True, slots=True)
class Signature:
    topic: str
    value: str  # the spelling as listed (lookups are case-insensitive)
    candidates: tuple[str, ...]
    healthy: bool
    meaning: str
    requires: str | None = None


def check_signatures(data: Any) -> list[str]:
    """Schema errors plus the rules a schema cannot say (empty when valid)."""
    errors = validate(data, SIGNATURE_SCHEMA)
    if errors:
        return errors
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(data["signature"]):
        where = f"$.signature[{index}]"
        healthy = item.get("healthy", False)
        if healthy and item["candidates"]:
            errors.append(f"{where}: a healthy signature has no candidates")
        if not healthy and not item["candidates"]:
            errors.append(f"{where}: a problem signature needs at least one candidate")
        for value in item["values"]:
            key = (item["topic"], value.upper())
            if key in seen:
                errors.append(f"{where}: {item['topic']} value {value!r} listed twice")
            seen.add(key)
    return errors


def load_signature_data() -> dict[str, Any]:
    text = resources.files("ipsec_doctor.knowledge").joinpath("show_signatures.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def signatures() -> dict[tuple[str, str], Signature]:
    """``(topic, VALUE upper-case)`` → :class:`Signature`; raises :class:`SignatureError` when invalid."""
    data = load_signature_data()
    errors = check_signatures(data)
    if errors:
        raise SignatureError("show_signatures.toml: " + "; ".join(errors))
    table: dict[tuple[str, str], Signature] = {}
    for item in data["signature"]:
        for value in item["values"]:
            table[(item["topic"], value.upper())] = Signature(
                topic=item["topic"],
                value=value,
                candidates=tuple(item["candidates"]),
                healthy=bool(item.get("healthy", False)),
                meaning=item["meaning"],
                requires=item.get("requires"),
            )
    return table


def lookup(topic: str, value: str) -> Signature | None:
    """The signature for a state or rule value, or None when the table does not know it."""
    return signatures().get((topic, value.upper()))
