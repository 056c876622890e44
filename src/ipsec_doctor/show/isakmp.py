"""``show crypto isakmp sa [detail]`` / ``show crypto ikev1 sa [detail]`` (ASA and IOS).

Layouts read:

* ASA 9.x (and 8.4+) blocks: ``1   IKE Peer: 203.0.113.10`` then
  ``Type : L2L  Role : initiator`` / ``Rekey : no  State : MM_WAIT_MSG2``
  (``detail`` adds ``Encrypt``/``Hash``/``Auth``/``Lifetime``).
* ASA 7.x/8.x table: ``IKE Peer Type Dir Rky State [Encrypt Hash Auth Lifetime]``
  with one row per peer (``1 209.165.200.225 User Resp No AM_ACTIVE ...``).
* IOS ``dst src state conn-id [slot] [status]`` rows, under optional
  ``IPv4 Crypto ISAKMP SA`` / ``IPv6 Crypto ISAKMP SA`` headers; IPv6 SAs may be
  printed as ``dst:``/``src:``/``state:`` lines.
* IOS ``detail``: ``C-id Local Remote I-VRF Status Encr Hash Auth DH Lifetime Cap.``.

On ASA 9.x the same command also lists IKEv2 SAs: that part is handed to
:mod:`.ikev2`.
"""

from __future__ import annotations

import re

from ..model import Platform
from .common import Notes, Numbered, is_blank_or_rule, to_int
from .records import IsakmpSa, ShowRecord

_ASA_BLOCK_RE = re.compile(r"^\s*(\d+)\s+IKE Peer:\s*(\S+)\s*$")
_KV_RE = re.compile(r"([A-Za-z][A-Za-z\- ]*?)\s*:\s*(\S+)")
_ASA_TABLE_HEAD_RE = re.compile(r"^\s*IKE Peer\s+Type\s+Dir\s+Rky\s+State", re.IGNORECASE)
_ASA_TABLE_ROW_RE = re.compile(
    r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(Init\w*|Resp\w*)\s+(Yes|No)\s+([A-Za-z_0-9]+)"
    r"(?:\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+))?\s*$",
    re.IGNORECASE,
)
_IOS_HEAD_RE = re.compile(r"^\s*dst\s+src\s+state\s+conn-id", re.IGNORECASE)
_IOS_DETAIL_HEAD_RE = re.compile(r"^\s*C-id\s+Local\s+Remote", re.IGNORECASE)
_IOS_ROW_RE = re.compile(
    r"^\s*([0-9A-Fa-f:.]*[.:][0-9A-Fa-f:.]*|\S+\.\S+)\s+(\S+)\s+([A-Z][A-Z0-9_]+)\s+(-?\d+)"
    r"(?:\s+(\d+))?(?:\s+(\S+))?\s*$"
)
_IOS_DETAIL_ROW_RE = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(.*)$")
_FAMILY_RE = re.compile(r"^\s*IPv(4|6)\s+Crypto\s+ISAKMP\s+SA", re.IGNORECASE)
_V6_FIELD_RE = re.compile(r"^\s*(dst|src|state)\s*:\s*(\S+)(.*)$", re.IGNORECASE)
_IKEV2_START_RE = re.compile(r"^\s*IKEv2 SAs\s*:|^\s*Session-id\s*:|^\s*Tunnel-id\s+Local\s+Remote", re.IGNORECASE)

# Lines that carry nothing the diagnosis needs (totals, legends, "there are none").
_IGNORE_RE = re.compile(
    r"^\s*(?:Active SA\s*:|Rekey SA\s*:|Total IKE SA\s*:|IKEv1 SAs\s*:|There are no|"
    r"Codes\s*:|[CDKNTXR]\s+-\s|psk\s+-|renc\s+-|rsig\s+-|Engine-id|Lifetime Remaining|"
    r"IKE Peer\s*$|Crypto ISAKMP SA|% No|ISAKMP SA|Connection-id:|Phase1 id|"
    r"IPv[46] Crypto ISAKMP SA)",
    re.IGNORECASE,
)
_STATUS_WORDS = frozenset({"ACTIVE", "STDBY", "DELETED", "(DELETED)", "INACTIVE"})


def _rekey(text: str | None) -> bool | None:
    if text is None:
        return None
    low = text.lower()
    return True if low in ("yes", "y") else False if low in ("no", "n") else None


def _role(text: str | None) -> str | None:
    if text is None:
        return None
    low = text.lower()
    if low.startswith("init"):
        return "initiator"
    if low.startswith("resp"):
        return "responder"
    return text


def parse_isakmp_sa(lines: Numbered, notes: Notes, platform: Platform | None = None) -> list[ShowRecord]:
    """Parse IKEv1 SA output of any layout above; unknown lines become notes."""
    records: list[ShowRecord] = []
    block: dict[str, str] | None = None  # current ASA 9.x block fields
    block_start = 0
    ipv6 = False
    mode: str | None = None  # "ios" | "ios-detail" | "asa-table"
    v6_pending: dict[str, str] = {}
    v6_line = 0

    def close_block() -> None:
        nonlocal block
        if block is not None:
            records.append(_asa_block_record(block_start, block))
            block = None

    for index, (number, text) in enumerate(lines):
        if _IKEV2_START_RE.match(text):
            close_block()
            from .ikev2 import parse_ikev2_sa  # the IKEv2 part of ASA's combined listing

            records.extend(parse_ikev2_sa(lines[index:], notes, platform))
            return records
        if is_blank_or_rule(text):
            continue
        found = _ASA_BLOCK_RE.match(text)
        if found:
            close_block()
            block_start = number
            block = {"index": found.group(1), "peer": found.group(2)}
            continue
        if block is not None and ":" in text and not _IOS_ROW_RE.match(text):
            pairs = _KV_RE.findall(text)
            if pairs:
                for key, value in pairs:
                    block[key.strip().lower()] = value
                continue
        family = _FAMILY_RE.match(text)
        if family:
            close_block()
            ipv6 = family.group(1) == "6"
            continue
        if _ASA_TABLE_HEAD_RE.match(text):
            close_block()
            mode = "asa-table"
            continue
        if _IOS_DETAIL_HEAD_RE.match(text):
            mode = "ios-detail"
            continue
        if _IOS_HEAD_RE.match(text):
            mode = "ios"
            continue
        if _IGNORE_RE.match(text):
            continue
        row = _ASA_TABLE_ROW_RE.match(text)
        if row and (mode == "asa-table" or mode is None):
            close_block()
            records.append(
                IsakmpSa(
                    line=number,
                    peer=row.group(2),
                    state=row.group(6),
                    layout="asa-table",
                    index=int(row.group(1)),
                    sa_type=row.group(3),
                    role=_role(row.group(4)),
                    rekey=_rekey(row.group(5)),
                    encryption=row.group(7),
                    hash=row.group(8),
                    authentication=row.group(9),
                    lifetime=row.group(10),
                )
            )
            continue
        v6 = _V6_FIELD_RE.match(text)
        if v6:
            key = v6.group(1).lower()
            if key == "dst":
                v6_pending, v6_line = {}, number
            v6_pending[key] = v6.group(2)
            if key == "state":
                rest = {k.strip().lower(): v for k, v in _KV_RE.findall(v6.group(3))}
                records.append(
                    IsakmpSa(
                        line=v6_line or number,
                        peer=v6_pending.get("dst", ""),
                        local=v6_pending.get("src"),
                        state=v6.group(2),
                        layout="ios",
                        conn_id=to_int(rest.get("conn-id")),
                        status=rest.get("status"),
                        ipv6=True,
                    )
                )
                v6_pending = {}
            continue
        if mode == "ios-detail":
            record = _ios_detail_row(number, text, ipv6)
            if record is not None:
                records.append(record)
                continue
        row = _IOS_ROW_RE.match(text)
        if row:
            close_block()
            slot, status = row.group(5), row.group(6)
            if status is not None and status.isdecimal() and slot is None:
                slot, status = status, None
            records.append(
                IsakmpSa(
                    line=number,
                    peer=row.group(1),
                    local=row.group(2),
                    state=row.group(3),
                    layout="ios",
                    conn_id=int(row.group(4)),
                    slot=to_int(slot),
                    status=status,
                    ipv6=ipv6 or row.group(1).count(":") > 1,
                )
            )
            continue
        notes.skip(number, text)
    close_block()
    return records


def _asa_block_record(line: int, block: dict[str, str]) -> IsakmpSa:
    return IsakmpSa(
        line=line,
        peer=block.get("peer", ""),
        state=block.get("state", ""),
        layout="asa-block",
        index=to_int(block.get("index")),
        sa_type=block.get("type"),
        role=_role(block.get("role")),
        rekey=_rekey(block.get("rekey")),
        encryption=block.get("encrypt"),
        hash=block.get("hash"),
        authentication=block.get("auth"),
        lifetime=block.get("lifetime"),
    )


def _ios_detail_row(number: int, text: str, ipv6: bool) -> IsakmpSa | None:
    found = _IOS_DETAIL_ROW_RE.match(text)
    if not found:
        return None
    rest = found.group(4).split()
    ivrf: str | None = None
    if rest and rest[0].upper() not in _STATUS_WORDS:
        ivrf = rest.pop(0)
    if not rest:
        return None
    status = rest.pop(0)
    encr = rest.pop(0) if rest else None
    hash_ = rest.pop(0) if rest else None
    auth = rest.pop(0) if rest else None
    dh = to_int(rest.pop(0)) if rest else None
    lifetime = rest.pop(0) if rest else None
    caps = rest.pop(0) if rest else None
    return IsakmpSa(
        line=number,
        peer=found.group(3),
        local=found.group(2),
        state=status,
        layout="ios-detail",
        conn_id=int(found.group(1)),
        status=status,
        ivrf=ivrf,
        encryption=encr,
        hash=hash_,
        authentication=auth,
        dh_group=dh,
        lifetime=lifetime,
        capabilities=caps,
        ipv6=ipv6 or found.group(3).count(":") > 1,
    )
