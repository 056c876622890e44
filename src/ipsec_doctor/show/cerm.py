"""IOS ``show platform cerm-information`` (Crypto Export Restrictions Manager, ISR G2).

Reads the ``CERM functionality: ENABLED`` line, the resource table
(``Tx Bandwidth(in kbps) 85000 85000``, ``Number of tunnels 225 223``) and any
statistics line ending in a number (drop counters) as label → value.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from ..model import Platform
from .common import Notes, Numbered, is_blank_or_rule
from .records import CermInfo, CermResource, ShowRecord

_ENABLED_RE = re.compile(r"CERM functionality\s*:\s*(\w+)", re.IGNORECASE)
_RESOURCE_RE = re.compile(
    r"^\s*((?:Tx|Rx)\s+Bandwidth\s*\(in\s+kbps\)|Number of tunnels|Number of TLS sessions)\s+(\d+)\s+(\d+)\s*$",
    re.IGNORECASE,
)
_STAT_RE = re.compile(r"^\s*#?([A-Za-z][^:]*?)\s*:\s*(\d+)\b")
_CLIENT_RE = re.compile(r"^\s*(VOIP-TLS|IP-Sec|SSL-VPN|\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")
_IGNORE_RE = re.compile(
    r"^\s*(?:Crypto Export Restrictions|Resource\s+Maximum|Resource reservation|Client\s+Tx|"
    r"Statistics information|Statistics|Cumulative|Interval|---|Output truncated)",
    re.IGNORECASE,
)


def parse_cerm(lines: Numbered, notes: Notes, platform: Platform | None = None) -> list[ShowRecord]:
    """One :class:`CermInfo` record (none when nothing was recognised)."""
    enabled: bool | None = None
    resources: list[CermResource] = []
    counters: dict[str, int] = {}
    where: dict[str, int] = {}
    start = 0
    for number, text in lines:
        if is_blank_or_rule(text):
            continue
        found = _ENABLED_RE.search(text)
        if found:
            enabled = found.group(1).upper() == "ENABLED"
            start = start or number
            continue
        found = _RESOURCE_RE.match(text)
        if found:
            name = " ".join(found.group(1).split())
            resources.append(CermResource(number, name, int(found.group(2)), int(found.group(3))))
            start = start or number
            continue
        found = _STAT_RE.match(text)
        if found:
            label = " ".join(found.group(1).split())
            counters[label] = int(found.group(2))
            where[label] = number
            continue
        if _CLIENT_RE.match(text) or _IGNORE_RE.match(text):
            continue  # per-client reservations: not needed for the diagnosis
        notes.skip(number, text)
    if enabled is None and not resources:
        return []
    return [
        CermInfo(
            start or lines[0][0],
            enabled,
            tuple(resources),
            MappingProxyType(counters),
            MappingProxyType(where),
        )
    ]
