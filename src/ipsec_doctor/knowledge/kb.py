"""The knowledge base: catalog entries loaded from ``catalog.toml``.

The TOML file is the source an engineer edits; this module loads it once, on
first use (importing :mod:`ipsec_doctor` never reads it), checks it against
:data:`~ipsec_doctor.knowledge.schema.CATALOG_SCHEMA` plus a few cross-entry
rules, and exposes it as frozen :class:`CatalogEntry` values.

>>> entry("P1-PSK").severity.value
'error'
>>> "How to fix" in render_explain("P1-PSK")
True
"""

from __future__ import annotations

import difflib
import re
import textwrap
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..findings import Disruption, Severity
from .schema import CATALOG_SCHEMA, PLATFORMS, validate

PLATFORM_NAMES: Mapping[str, str] = {
    "ios": "IOS / IOS-XE",
    "asa": "ASA",
    "pix6": "PIX 6.x",
    "vpnclient": "Cisco VPN Client",
    "anyconnect": "AnyConnect",
}

DISRUPTION_TEXT: Mapping[Disruption, str] = {
    Disruption.NONE: "no interruption of running tunnels",
    Disruption.RENEGOTIATES_TUNNEL: "the affected tunnel renegotiates (a short interruption)",
    Disruption.DROPS_TUNNEL: "the affected tunnel goes down until it is re-established",
    Disruption.DROPS_ALL_TUNNELS: "every tunnel of the map, interface or device goes down",
}

# Placeholders that must never be filled in by code: the tool does not print keys.
_SECRET_PLACEHOLDERS = frozenset({"pre-shared-key"})
_PLACEHOLDER = re.compile(r"<([a-z][a-z0-9-]*)>")


class CatalogError(Exception):
    """The shipped catalog is invalid: a packaging/programming error, not user input."""


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One problem of the catalog, in the words ipsec-doctor reports it."""

    id: str
    title: str
    section: str
    severity: Severity
    checks: tuple[str, ...]
    platforms: tuple[str, ...]
    what: str
    why: str
    symptoms: tuple[str, ...]
    fix: tuple[tuple[str, tuple[str, ...]], ...]  # (platform, commands) in platform order
    disruption: Disruption
    caution: str | None = None
    correction: str | None = None
    candidates: tuple[str, ...] = ()
    distinguish: str | None = None
    references: tuple[str, ...] = ()

    @property
    def fixes(self) -> dict[str, tuple[str, ...]]:
        """The fix commands keyed by platform."""
        return dict(self.fix)

    def fix_for(self, platform: str, values: Mapping[str, str] | None = None) -> tuple[str, ...]:
        """Fix commands for ``platform`` with placeholders filled from ``values``.

        Unknown placeholders stay as ``<name>``; ``<pre-shared-key>`` is never
        filled, so a key cannot leak into a printed fix.

        >>> entry("CM-UNAPPLIED").fix_for("asa", {"map": "outside_map", "interface": "outside"})
        ('crypto map outside_map interface outside',)
        """
        commands = self.fixes.get(platform, ())
        if not values:
            return commands
        return tuple(_fill(command, values) for command in commands)


@dataclass(frozen=True, slots=True)
class UnknownId:
    """Returned instead of an entry when an ID is not in the catalog."""

    query: str
    suggestions: tuple[str, ...]

    @property
    def message(self) -> str:
        text = f"unknown catalog ID {self.query!r}"
        if self.suggestions:
            text += "; did you mean " + ", ".join(self.suggestions) + "?"
        return text + " (`ipsec-doctor explain` lists all IDs)"

    def __str__(self) -> str:
        return self.message


def _fill(command: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _SECRET_PLACEHOLDERS or name not in values:
            return match.group(0)
        return values[name]

    return _PLACEHOLDER.sub(replace, command)


def _prose(text: str) -> str:
    # TOML multi-line strings keep the file's line breaks; entries are single paragraphs.
    return " ".join(text.split())


def check_catalog(data: Mapping[str, Any]) -> list[str]:
    """All problems of a catalog mapping: schema violations and cross-entry rules."""
    problems = validate(data, CATALOG_SCHEMA)
    if problems:
        return problems
    for key, raw in data.items():
        for platform in raw["fix"]:
            if platform not in raw["platforms"]:
                problems.append(f"$.{key}.fix.{platform}: platform not listed in platforms")
        for other in raw.get("candidates", ()):
            if other not in data:
                problems.append(f"$.{key}.candidates: {other} is not a catalog ID")
            elif other == key:
                problems.append(f"$.{key}.candidates: an entry cannot be its own candidate")
    return problems


def _build(key: str, raw: Mapping[str, Any]) -> CatalogEntry:
    fix = tuple((p, tuple(raw["fix"][p])) for p in PLATFORMS if p in raw["fix"])
    return CatalogEntry(
        id=key,
        title=raw["title"],
        section=raw["section"],
        severity=Severity(raw["severity"]),
        checks=tuple(raw["checks"]),
        platforms=tuple(raw["platforms"]),
        what=_prose(raw["what"]),
        why=_prose(raw["why"]),
        symptoms=tuple(raw["symptoms"]),
        fix=fix,
        disruption=Disruption(raw["disruption"]),
        caution=_prose(raw["caution"]) if "caution" in raw else None,
        correction=_prose(raw["correction"]) if "correction" in raw else None,
        candidates=tuple(raw.get("candidates", ())),
        distinguish=_prose(raw["distinguish"]) if "distinguish" in raw else None,
        references=tuple(raw.get("references", ())),
    )


def load_catalog_data() -> dict[str, Any]:
    """The raw TOML of the shipped catalog, as a dict (no validation)."""
    with resources.files(__package__).joinpath("catalog.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def _catalog() -> dict[str, CatalogEntry]:
    data = load_catalog_data()
    problems = check_catalog(data)
    if problems:
        raise CatalogError("catalog.toml is invalid:\n  " + "\n  ".join(problems))
    return {key: _build(key, raw) for key, raw in data.items()}


def ids() -> tuple[str, ...]:
    """Every catalog ID, in file order (grouped by section)."""
    return tuple(_catalog())


def all_entries() -> tuple[CatalogEntry, ...]:
    """Every catalog entry, in file order."""
    return tuple(_catalog().values())


def entry(catalog_id: str) -> CatalogEntry:
    """The entry for ``catalog_id``; a ``KeyError`` means a check names a missing ID (a bug)."""
    return _catalog()[catalog_id]


def lookup(query: str) -> CatalogEntry | UnknownId:
    """The entry for a user-typed ID (case-insensitive), or an :class:`UnknownId` with suggestions."""
    catalog = _catalog()
    key = query.strip().upper()
    if key in catalog:
        return catalog[key]
    prefixed = [k for k in catalog if key and k.startswith(key)]
    close = difflib.get_close_matches(key, list(catalog), n=5, cutoff=0.5)
    suggestions = tuple(dict.fromkeys(close + prefixed))[:8]
    return UnknownId(query, suggestions)


def _wrap(text: str, width: int, indent: str = "  ") -> list[str]:
    # Commands and paths inside prose must stay intact, so never split on hyphens or inside words.
    return textwrap.wrap(
        text,
        width=max(width, 40),
        initial_indent=indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
        break_long_words=False,
    ) or [indent]


def _bullets(items: tuple[str, ...]) -> list[str]:
    # Symptoms quote device messages: never wrapped, because people copy and grep them.
    return [f"  - {item}" for item in items]


def render_entry(item: CatalogEntry, width: int = 88) -> str:
    """The ``explain`` text of one entry, readable top-down."""
    out: list[str] = [f"{item.id}: {item.title}", "=" * min(width, len(item.id) + 2 + len(item.title))]
    out += _wrap(f"Section: {item.section}. Default severity: {item.severity.value}.", width, "")
    out += _wrap(f"Decided from: {', '.join(item.checks)}. Platforms: {', '.join(item.platforms)}.", width, "")
    out += ["", "What it is", *_wrap(item.what, width), "", "Why it breaks", *_wrap(item.why, width)]
    out += ["", "How it shows"]
    out += _bullets(item.symptoms) if item.symptoms else ["  (no specific message; found from configuration)"]
    if item.candidates:
        out += ["", "Other possible causes", *(f"  - {c}: {entry(c).title}" for c in item.candidates)]
        if item.distinguish:
            out += ["  How to tell them apart:", *_wrap(item.distinguish, width, "    ")]
    elif item.distinguish:
        out += ["", "How to confirm", *_wrap(item.distinguish, width)]
    out += ["", "How to fix"]
    for platform, commands in item.fix:
        out.append(f"  {PLATFORM_NAMES[platform]}:")
        out.extend(f"      {command}" for command in commands)
    out += ["", "Disruption", f"  {item.disruption.value}: {DISRUPTION_TEXT[item.disruption]}"]
    if item.caution:
        out += ["", "Caution", *_wrap(item.caution, width)]
    if item.correction:
        out += ["", "Correction (where the source document is dated)", *_wrap(item.correction, width)]
    if item.references:
        out += ["", "References", *(f"  - {ref}" for ref in item.references)]
    return "\n".join(out) + "\n"


def render_explain(catalog_id: str, width: int = 88) -> str | UnknownId:
    """Text for ``ipsec-doctor explain ID``, or an :class:`UnknownId` (its ``str`` is the message)."""
    found = lookup(catalog_id)
    if isinstance(found, UnknownId):
        return found
    return render_entry(found, width)
