"""ASA ``show management-access``: ``management-access inside`` or nothing."""

from __future__ import annotations

import re

from ..model import Platform
from .common import Notes, Numbered, is_blank_or_rule
from .records import ManagementAccess, ShowRecord

_MGMT_RE = re.compile(r"^\s*management-access\s+(\S+)\s*$", re.IGNORECASE)
_NONE_RE = re.compile(r"not configured|no management-access|management-access\s+is\s+not", re.IGNORECASE)


def parse_management_access(lines: Numbered, notes: Notes, platform: Platform | None = None) -> list[ShowRecord]:
    """One record: the interface, or ``interface=None`` when the output says none is set."""
    for number, text in lines:
        if is_blank_or_rule(text):
            continue
        found = _MGMT_RE.match(text)
        if found:
            return [ManagementAccess(number, found.group(1))]
        if _NONE_RE.search(text):
            return [ManagementAccess(number, None)]
        notes.skip(number, text)
    # The ASA prints nothing at all when management-access is not configured.
    return [ManagementAccess(lines[0][0] if lines else 0, None)]
