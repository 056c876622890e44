"""ASA ``show running-config [all] sysopt``: ``[no] sysopt <option> [value]`` lines.

A tiny parser of its own rather than the ASA dialect: the dialect wants a
whole configuration, and this output is a handful of lines whose defaults
(``show run all``) are exactly what the diagnosis needs.
"""

from __future__ import annotations

import re

from ..model import Platform
from .common import Notes, Numbered, is_blank_or_rule
from .records import ShowRecord, SysoptSetting

_SYSOPT_RE = re.compile(r"^\s*(no\s+)?sysopt\s+(\S+)(?:\s+(\S+))?(?:\s+(.*?))?\s*$", re.IGNORECASE)
# Options whose second word is part of the option name (`sysopt connection permit-vpn`).
_TWO_WORD = frozenset({"connection", "radius"})


def parse_sysopt(lines: Numbered, notes: Notes, platform: Platform | None = None) -> list[ShowRecord]:
    """One :class:`SysoptSetting` per ``sysopt`` line."""
    records: list[ShowRecord] = []
    for number, text in lines:
        if is_blank_or_rule(text) or text.lstrip().startswith((":", "!")):
            continue
        found = _SYSOPT_RE.match(text)
        if not found:
            notes.skip(number, text)
            continue
        negated, first, second, rest = found.groups()
        if first.lower() in _TWO_WORD and second:
            option, value = f"{first} {second}", rest or None
        else:
            option = first
            value = " ".join(part for part in (second, rest) if part) or None
        records.append(SysoptSetting(number, option.lower(), negated is None, value))
    return records
