"""ASA ``show asp drop``: every ``Description (name)   N`` counter, by section.

The counter list changes with every ASA release, so nothing is hard-coded:
any line of that shape is a counter (the ASA cuts long names, leaving the
parenthesis open — still read).
"""

from __future__ import annotations

import re
from types import MappingProxyType

from ..model import Platform
from .common import Notes, Numbered, is_blank_or_rule
from .records import AspCounter, AspDrop, ShowRecord

_COUNTER_RE = re.compile(r"^\s*(.*\S)\s*\(([\w\-]+)\)?\s+(\d+)\s*$")
_SECTION_RE = re.compile(r"^\s*(Frame|Flow)\s+drop\s*:\s*$", re.IGNORECASE)
_CLEARING_RE = re.compile(r"^\s*Last clearing\s*:\s*(.*?)\s*$", re.IGNORECASE)


def parse_asp_drop(lines: Numbered, notes: Notes, platform: Platform | None = None) -> list[ShowRecord]:
    """One :class:`AspDrop` record holding all counters (none when the output is empty)."""
    counters: list[AspCounter] = []
    clearing: dict[str, str] = {}
    section = "frame"
    start = 0
    for number, text in lines:
        if is_blank_or_rule(text):
            continue
        found = _SECTION_RE.match(text)
        if found:
            section = found.group(1).lower()
            start = start or number
            continue
        found = _CLEARING_RE.match(text)
        if found:
            clearing[section] = found.group(1)
            continue
        found = _COUNTER_RE.match(text)
        if found:
            start = start or number
            counters.append(AspCounter(number, section, found.group(2), found.group(1), int(found.group(3))))
            continue
        notes.skip(number, text)
    if not counters and not clearing:
        return []
    return [AspDrop(start or (lines[0][0] if lines else 0), tuple(counters), MappingProxyType(clearing))]
