"""Log signatures: the data in ``knowledge/log_signatures.toml``, validated and compiled.

A signature maps lines to a catalog ID.  Its conditions are ANDed:

- ``message``: a message key or a list of keys (``"713092"``, ``"CRYPTO-IKMP_NO_SA"``,
  ``"Reason 433"``) — the id without vendor and severity, see :attr:`LogEvent.key`;
  ``"none"`` stands for a line without any message id (CLI output, bare quoted text);
- ``contains``: a substring of the message text; ``not_contains``: one that must be absent;
- ``regex``: a Python regular expression searched in the message text;
- ``all`` / ``any``: lists of conditions built from the keys above.

Signatures are tried in file order and the first match wins, so the more
specific entry (``DefaultL2LGroup`` + bad key → TG-NAME) precedes the general
one (bad key → P1-PSK).  A signature without ``message`` matches by text alone
and must name a literal (``contains`` or ``anchor``) for the prefilter; so must
one that lists ``"none"``.  A line that holds ``%`` but no VPN or listed tag is
never matched by text: tagged lines count by their tag only.
Each signature carries ``examples``: lines that must produce exactly it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..knowledge.schema import ID_PATTERN, validate

LOG_PLATFORMS = ("asa", "ios", "vpnclient", "anyconnect")
NO_ID = "none"  # the message key of a line without any message id (CLI output, bare client text)

_STR_OR_LIST: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
    ]
}
_LEAF_PROPS: dict[str, Any] = {
    "message": _STR_OR_LIST,
    "contains": {"type": "string", "minLength": 3},
    "not_contains": {"type": "string", "minLength": 1},
    "regex": {"type": "string", "minLength": 1},
}
_LEAF: dict[str, Any] = {"type": "object", "minProperties": 1, "additionalProperties": False, "properties": _LEAF_PROPS}

SIGNATURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "id", "examples"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
        "id": {"type": "string", "pattern": ID_PATTERN},
        "candidates": {"type": "array", "minItems": 1, "uniqueItems": True,
                       "items": {"type": "string", "pattern": ID_PATTERN}},
        "platform": {"enum": list(LOG_PLATFORMS)},
        "anchor": {"type": "string", "minLength": 3},
        "note": {"type": "string", "minLength": 1},
        **_LEAF_PROPS,
        "all": {"type": "array", "minItems": 1, "items": _LEAF},
        "any": {"type": "array", "minItems": 1, "items": _LEAF},
        "examples": {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 5, "pattern": r"^[^\n]+$"}},
    },
}

SIGNATURES_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "ipsec-doctor log signatures (log_signatures.toml)",
    "type": "object",
    "required": ["signature"],
    "additionalProperties": False,
    "properties": {"signature": {"type": "array", "minItems": 1, "items": SIGNATURE_SCHEMA}},
}


class SignatureError(Exception):
    """The shipped signature file is invalid: a packaging/programming error, not user input."""


@dataclass(frozen=True, slots=True)
class Condition:
    """One AND-ed test on a line; empty parts always pass."""

    messages: frozenset[str] = frozenset()
    contains: str | None = None
    not_contains: str | None = None
    regex: re.Pattern[str] | None = None

    def test(self, key: str | None, text: str) -> bool:
        if self.messages and (NO_ID if key is None else key) not in self.messages:
            return False
        if self.contains is not None and self.contains not in text:
            return False
        if self.not_contains is not None and self.not_contains in text:
            return False
        return self.regex is None or self.regex.search(text) is not None


@dataclass(frozen=True, slots=True)
class Signature:
    """A compiled entry of ``log_signatures.toml``."""

    name: str
    id: str
    candidates: tuple[str, ...]
    platform: str | None
    base: Condition
    all: tuple[Condition, ...]
    any: tuple[Condition, ...]
    examples: tuple[str, ...]
    anchors: tuple[str, ...]  # literals, one of which every matching line holds (prefilter, quick reject)
    order: int

    @property
    def messages(self) -> frozenset[str]:
        """Every message key the signature names (it is dispatched on each)."""
        keys = set(self.base.messages)
        for part in (*self.all, *self.any):
            keys |= part.messages
        return frozenset(keys)

    @property
    def text_only(self) -> bool:
        """Whether the signature can match a line whatever its key (by text alone)."""
        if self.base.messages or any(part.messages for part in self.all):
            return False
        return not self.any or not all(part.messages for part in self.any)

    def test(self, key: str | None, text: str) -> bool:
        """Whether a line with message ``key`` and message ``text`` matches."""
        if not self.base.test(key, text):
            return False
        if not all(part.test(key, text) for part in self.all):
            return False
        return not self.any or any(part.test(key, text) for part in self.any)


def _keys(value: str | Sequence[str] | None) -> frozenset[str]:
    if value is None:
        return frozenset()
    return frozenset([value] if isinstance(value, str) else value)


def _condition(raw: Mapping[str, Any]) -> Condition:
    return Condition(
        messages=_keys(raw.get("message")),
        contains=raw.get("contains"),
        not_contains=raw.get("not_contains"),
        regex=re.compile(raw["regex"]) if "regex" in raw else None,
    )


def _build(index: int, raw: Mapping[str, Any]) -> Signature:
    anchors: list[str] = []
    if "anchor" in raw:
        anchors.append(raw["anchor"])
    elif "contains" in raw:
        anchors.append(raw["contains"])
    else:
        anchors += [part["contains"] for part in raw.get("all", ()) if "contains" in part][:1]
        anchors += [part["contains"] for part in raw.get("any", ()) if "contains" in part]
    return Signature(
        name=raw["name"],
        id=raw["id"],
        candidates=tuple(raw.get("candidates", ())),
        platform=raw.get("platform"),
        base=_condition(raw),
        all=tuple(_condition(part) for part in raw.get("all", ())),
        any=tuple(_condition(part) for part in raw.get("any", ())),
        examples=tuple(raw["examples"]),
        anchors=tuple(anchors),
        order=index,
    )


def check_signatures(data: Mapping[str, Any], catalog_ids: Sequence[str] | None = None) -> list[str]:
    """All problems of a signature mapping: schema violations plus cross-entry rules.

    ``catalog_ids`` (default: the shipped catalog) are the IDs a signature may name.
    """
    # knowledge.schema.validate does not implement anyOf: the message type is checked by hand.
    problems = validate(data, SIGNATURES_SCHEMA) or _check_any_of(data)
    if problems:
        return problems
    if catalog_ids is None:
        from ..knowledge import ids

        catalog_ids = ids()
    known = set(catalog_ids)
    names: set[str] = set()
    for index, raw in enumerate(data["signature"]):
        where = f"$.signature[{index}] ({raw['name']})"
        if raw["name"] in names:
            problems.append(f"{where}: duplicate name")
        names.add(raw["name"])
        for catalog_id in (raw["id"], *raw.get("candidates", ())):
            if catalog_id not in known:
                problems.append(f"{where}: {catalog_id} is not a catalog ID")
        for part in (raw, *raw.get("all", ()), *raw.get("any", ())):
            if "regex" in part:
                try:
                    re.compile(part["regex"])
                except re.error as exc:
                    problems.append(f"{where}: bad regex: {exc}")
        compiled = None if problems else _build(index, raw)
        if compiled is not None and (compiled.text_only or NO_ID in compiled.messages) and not compiled.anchors:
            problems.append(f"{where}: a text-only signature needs 'contains' or 'anchor' for the prefilter")
    return problems


def load_signature_data() -> dict[str, Any]:
    """The raw TOML of the shipped signatures (no validation)."""
    with resources.files("ipsec_doctor.knowledge").joinpath("log_signatures.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def signatures() -> tuple[Signature, ...]:
    """The shipped signatures, validated and compiled, in file order."""
    data = load_signature_data()
    problems = check_signatures(data)
    if problems:
        raise SignatureError("log_signatures.toml is invalid:\n  " + "\n  ".join(problems))
    return tuple(_build(index, raw) for index, raw in enumerate(data["signature"]))


class Matcher:
    """Finds the first signature matching a line, by message key then by text.

    Keyed signatures are found by a dict lookup on the key; text-only ones are
    tried on every line that reaches the matcher (only prefilter hits do).
    """

    def __init__(self, entries: Sequence[Signature] | None = None) -> None:
        self.entries: tuple[Signature, ...] = tuple(signatures() if entries is None else entries)
        self._text_only = tuple(sig for sig in self.entries if sig.text_only)
        self._anchor_pairs = tuple((anchor, sig) for sig in self._text_only for anchor in sig.anchors)
        by_key: dict[str, list[Signature]] = {}
        for sig in self.entries:
            for key in sig.messages:
                by_key.setdefault(key, []).append(sig)
        self._by_key = {key: tuple(sorted(set(sigs), key=lambda s: s.order)) for key, sigs in by_key.items()}
        self.keys: frozenset[str] = frozenset(by_key) - {NO_ID}
        self.anchors: tuple[str, ...] = tuple(
            dict.fromkeys(a for sig in self.entries if sig.text_only or NO_ID in sig.messages for a in sig.anchors)
        )

    def match(self, key: str | None, text: str) -> Signature | None:
        """The first signature (file order) for a line with message ``key`` and message ``text``."""
        # Anchors are literals every matching line holds, so one `in` test rules most
        # text-only signatures out before any regex runs.
        tried = [sig for anchor, sig in self._anchor_pairs if anchor in text]
        keyed = self._by_key.get(NO_ID if key is None else key)
        if keyed:
            tried = sorted({*tried, *keyed}, key=_order) if tried else list(keyed)
        elif len(tried) > 1:
            tried = sorted(set(tried), key=_order)
        for sig in tried:
            if sig.test(key, text):
                return sig
        return None


def _order(sig: Signature) -> int:
    return sig.order


def _check_any_of(data: Mapping[str, Any]) -> list[str]:
    """Type errors of the ``message`` keys (a string or a list of strings)."""
    problems: list[str] = []
    for index, raw in enumerate(data.get("signature", ())):
        for part in (raw, *raw.get("all", ()), *raw.get("any", ())):
            value = part.get("message") if isinstance(part, Mapping) else None
            if value is not None and not (
                (isinstance(value, str) and value)
                or (isinstance(value, list) and value and all(isinstance(v, str) and v for v in value))
            ):
                problems.append(f"$.signature[{index}].message: expected a string or a list of strings")
    return problems
