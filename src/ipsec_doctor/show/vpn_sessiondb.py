"""ASA ``show vpn-sessiondb [summary]`` and ``show vpn-sessiondb [detail] l2l | ra-ikev1-ipsec | anyconnect``.

The session listings are two-column ``Label : value`` text; the labels are
kept verbatim (``Rekey Left(T)``, ``IP Addr``) so nothing is lost when Cisco
adds a field.  A label is recognised at the start of a line or after two or
more spaces; protocol names that appear *inside* values (``IKEv1: (1)AES128
IPsec: (2)AES256``) are not labels.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any

from ..model import Platform
from .common import Notes, Numbered, is_blank_or_rule, to_int
from .records import ShowRecord, VpnSession, VpnSubBlock, VpnSummary, VpnSummaryRow

_LABEL_RE = re.compile(r"(?:^|(?<=\s\s))([A-Za-z][A-Za-z0-9 /.\-]*?(?:\([A-Z]\))?)\s*:(?=\s|$)")
_PROTOCOL_WORD_RE = re.compile(
    r"^(?:IKE(?:v\d)?|IPsec\w*|IPSec\w*|SSL-Tunnel|DTLS-Tunnel|AnyConnect-Parent|Clientless|L2TP\w*|"
    r"Clientless-Tunnel|SSL|DTLS)$"
)
_BLOCK_RE = re.compile(r"^\s*([A-Za-z][\w\-]*):\s*$")
_COUNTS_RE = re.compile(r"(\S+\s+(?:Sessions|Tunnels))\s*:\s*(\d+)", re.IGNORECASE)
_SESSION_TYPE_RE = re.compile(r"^\s*Session Type\s*:\s*(.*?)\s*$", re.IGNORECASE)
_ROW_RE = re.compile(
    r"^(\s*)(\S.*?)\s*:\s+(\d+)\s*:\s*(\d+)(?:\s*:\s*(\d+))?(?:\s*:\s*(\d+))?\s*$"
)
_TOTAL_RE = re.compile(r"^\s*Total Active and Inactive\s*:\s*(\d+)(?:\s+Total Cumulative\s*:\s*(\d+))?", re.IGNORECASE)
_CAPACITY_RE = re.compile(r"^\s*Device Total VPN Capacity\s*:\s*(\d+)", re.IGNORECASE)
_LOAD_RE = re.compile(r"^\s*Device Load\s*:\s*(\d+)\s*%", re.IGNORECASE)
_TABLE_RE = re.compile(r"^\s*(VPN Session Summary|Active Session Summary|Sessions\s*:|Tunnels Summary)", re.IGNORECASE)
_IGNORE_RE = re.compile(
    r"^\s*(?:INFO:|Active\s*:\s*Cumulative|There are presently|Total Active Sessions|Total Cumulative|"
    r"Total Inactive|Inactive Sessions|Filter Name)",
    re.IGNORECASE,
)
_SESSION_START = frozenset({"Connection", "Username"})


def split_pairs(text: str) -> list[tuple[str, str]]:
    """``Index : 1   IP Addr : 172.16.0.1`` → [("Index", "1"), ("IP Addr", "172.16.0.1")]."""
    marks: list[tuple[int, int, str]] = []
    for found in _LABEL_RE.finditer(text):
        label = found.group(1).strip()
        if marks and _PROTOCOL_WORD_RE.match(label):
            continue  # a protocol name inside the value, not a label
        marks.append((found.start(1), found.end(), label))
    pairs: list[tuple[str, str]] = []
    for index, (_start, end, label) in enumerate(marks):
        stop = marks[index + 1][0] if index + 1 < len(marks) else len(text)
        pairs.append((label, text[end:stop].strip()))
    return pairs


def parse_vpn_sessiondb(lines: Numbered, notes: Notes, platform: Platform | None = None) -> list[ShowRecord]:
    """Parse summary tables and session listings (both may appear in one paste)."""
    records: list[ShowRecord] = []
    summary: dict[str, Any] | None = None
    rows: list[VpnSummaryRow] = []
    table = "sessions"
    session_type: str | None = None
    session: dict[str, Any] | None = None
    blocks: list[VpnSubBlock] = []
    block: dict[str, Any] | None = None

    def close_block() -> None:
        nonlocal block
        if block is not None:
            blocks.append(VpnSubBlock(block["line"], block["kind"], MappingProxyType(block["fields"])))
            block = None

    def close_session() -> None:
        nonlocal session
        close_block()
        if session is not None:
            records.append(
                VpnSession(
                    line=session["line"],
                    session_type=session["type"],
                    fields=MappingProxyType(session["fields"]),
                    counts=MappingProxyType(session["counts"]),
                    blocks=tuple(blocks),
                )
            )
            session = None
        blocks.clear()

    for number, text in lines:
        if is_blank_or_rule(text):
            continue
        found = _TABLE_RE.match(text)
        if found:
            close_session()
            if summary is None:
                summary = {"line": number}
            table = "tunnels" if "tunnel" in found.group(1).lower() else "sessions"
            continue
        found = _SESSION_TYPE_RE.match(text)
        if found:
            close_session()
            value = found.group(1)
            session_type = value.removesuffix(" Detailed")
            continue
        if summary is not None and session is None and _summary_line(text, number, summary, rows, table):
            continue
        found = _BLOCK_RE.match(text)
        if found and session is not None:
            close_block()
            block = {"line": number, "kind": found.group(1), "fields": {}}
            continue
        counts = _COUNTS_RE.findall(text)
        if counts and session is not None and text.split(":", 1)[0].strip().endswith(("Sessions", "Tunnels")):
            close_block()
            for key, value in counts:
                session["counts"][" ".join(key.split())] = int(value)
            continue
        pairs = split_pairs(text.strip())
        if pairs:
            if pairs[0][0] in _SESSION_START:
                close_session()
                session = {"line": number, "type": session_type, "fields": {}, "counts": {}}
            if session is None:
                if not _IGNORE_RE.match(text):
                    notes.skip(number, text)
                continue
            target = block["fields"] if block is not None else session["fields"]
            for label, value in pairs:
                target.setdefault(" ".join(label.split()), value)
            continue
        if not _IGNORE_RE.match(text):
            notes.skip(number, text)
    close_session()
    if summary is not None:
        records.insert(0, VpnSummary(rows=tuple(rows), **summary))
    return records


def _summary_line(text: str, number: int, summary: dict[str, Any], rows: list[VpnSummaryRow], table: str) -> bool:
    found = _TOTAL_RE.match(text)
    if found:
        summary["total_active_inactive"] = int(found.group(1))
        summary["total_cumulative"] = to_int(found.group(2))
        return True
    found = _CAPACITY_RE.match(text)
    if found:
        summary["capacity"] = int(found.group(1))
        return True
    found = _LOAD_RE.match(text)
    if found:
        summary["load_percent"] = int(found.group(1))
        return True
    found = _ROW_RE.match(text)
    if found:
        indent, name = found.group(1), found.group(2).strip()
        numbers = [to_int(found.group(i)) for i in range(3, 7)]
        if name.lower() == "totals":
            summary["totals_active"], summary["totals_cumulative"] = numbers[0], numbers[1]
            return True
        rows.append(
            VpnSummaryRow(
                line=number,
                table=table,
                name=name,
                active=numbers[0] or 0,
                cumulative=numbers[1],
                peak=numbers[2],
                inactive=numbers[3],
                depth=len(indent.expandtabs()) // 2,
            )
        )
        return True
    return bool(_IGNORE_RE.match(text))
