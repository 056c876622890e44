"""IOS ``show crypto session [detail]``: one record per ``Interface:`` block."""

from __future__ import annotations

import re
from typing import Any

from ..model import Platform
from .common import Notes, Numbered, to_int
from .records import CryptoSession, SessionFlow, SessionIkeSa, ShowRecord

_PEER_RE = re.compile(r"^Peer:\s*(\S+)(?:\s+port\s+(\d+))?(.*)$", re.IGNORECASE)
_VRF_RE = re.compile(r"(fvrf|ivrf)\s*:\s*(\S+)", re.IGNORECASE)
_IKE_RE = re.compile(
    r"^(IKE|IKEv1|IKEv2)\s+SA\s*:\s*local\s+(\S+?)(?:/(\d+))?\s+remote\s+(\S+?)(?:/(\d+))?\s+(\S+)", re.IGNORECASE
)
_CAPS_RE = re.compile(r"Capabilities\s*:\s*(\S*)\s+connid\s*:\s*(\d+)\s+lifetime\s*:\s*(\S+)", re.IGNORECASE)
_FLOW_RE = re.compile(r"^IPSEC FLOW\s*:\s*(permit|deny)\s+(\S+)\s+(.*)$", re.IGNORECASE)
_ACTIVE_RE = re.compile(r"Active SAs\s*:\s*(\d+)(?:\s*,\s*origin\s*:\s*(.+?))?\s*$", re.IGNORECASE)
_TRAFFIC_RE = re.compile(
    r"^(Inbound|Outbound)\s*:\s*#pkts\s+\S+\s+(\d+)\s+drop\s+(\d+)\s+life\s+\(KB/Sec\)\s+(\S+)", re.IGNORECASE
)
_IGNORE_RE = re.compile(
    r"^(?:Crypto session current status|Code\s*:|[A-Z]\s+-\s|Session ID|Phase1_id|Desc\s*:|"
    r"Uptime|Profile|Session status|Interface|IKE SA|Capabilities|Active SAs|Inbound|Outbound|"
    r"Session Id|Peer|IPSEC FLOW|Group|Assigned address|Username)",
    re.IGNORECASE,
)


def _address(tokens: list[str]) -> tuple[str, str | None, list[str]]:
    """Read ``host A`` | ``A/M`` | ``any`` | ``A M`` from the front of ``tokens``."""
    if not tokens:
        return "", None, tokens
    head = tokens[0]
    if head.lower() == "host" and len(tokens) > 1:
        return tokens[1], None, tokens[2:]
    if head.lower() == "any":
        return "any", None, tokens[1:]
    if "/" in head:
        addr, _sep, mask = head.partition("/")
        return addr, mask, tokens[1:]
    if len(tokens) > 1 and tokens[1].count(".") == 3 and tokens[1].startswith("255"):
        return head, tokens[1], tokens[2:]
    return head, None, tokens[1:]


def parse_crypto_session(lines: Numbered, notes: Notes, platform: Platform | None = None) -> list[ShowRecord]:
    """Parse ``Interface:`` blocks with their peer, IKE SAs and IPsec flows."""
    records: list[ShowRecord] = []
    session: dict[str, Any] | None = None
    ikes: list[SessionIkeSa] = []
    flows: list[dict[str, Any]] = []
    session_id: int | None = None

    def finish() -> None:
        nonlocal session
        if session is not None:
            records.append(
                CryptoSession(ike_sas=tuple(ikes), flows=tuple(SessionFlow(**f) for f in flows), **session)
            )
        session = None
        ikes.clear()
        flows.clear()

    for number, raw in lines:
        text = raw.strip()
        if not text:
            continue
        low = text.lower()
        if low.startswith("interface:"):
            finish()
            session = {"line": number, "interface": text.split(":", 1)[1].strip()}
            session_id = None
            continue
        if session is None:
            if not _IGNORE_RE.match(text):
                notes.skip(number, raw)
            continue
        if low.startswith("session status:"):
            session["status"] = text.split(":", 1)[1].strip()
            continue
        if low.startswith(("uptime:", "profile:", "phase1_id:", "desc:")):
            key, value = text.split(":", 1)
            field_name = {"uptime": "uptime", "profile": "profile", "phase1_id": "phase1_id", "desc": "description"}
            session[field_name[key.strip().lower()]] = value.strip()
            continue
        found = _PEER_RE.match(text)
        if found:
            session["peer"] = found.group(1)
            session["peer_port"] = to_int(found.group(2))
            for key, value in _VRF_RE.findall(found.group(3)):
                session[key.lower()] = value
            continue
        if low.startswith("session id"):
            session_id = to_int(text.split(":", 1)[1])
            continue
        found = _IKE_RE.match(text)
        if found:
            ikes.append(
                SessionIkeSa(
                    line=number,
                    version=found.group(1),
                    local=found.group(2),
                    local_port=to_int(found.group(3)),
                    remote=found.group(4),
                    remote_port=to_int(found.group(5)),
                    status=found.group(6),
                    session_id=session_id,
                )
            )
            continue
        found = _CAPS_RE.search(text)
        if found and ikes:
            last = ikes[-1]
            ikes[-1] = SessionIkeSa(
                line=last.line,
                version=last.version,
                local=last.local,
                remote=last.remote,
                status=last.status,
                local_port=last.local_port,
                remote_port=last.remote_port,
                session_id=last.session_id,
                capabilities=found.group(1) or None,
                conn_id=int(found.group(2)),
                lifetime=found.group(3),
            )
            continue
        found = _FLOW_RE.match(text)
        if found:
            tokens = found.group(3).split()
            src, src_mask, tokens = _address(tokens)
            dst, dst_mask, tokens = _address(tokens)
            flows.append(
                {
                    "line": number,
                    "action": found.group(1).lower(),
                    "protocol": found.group(2),
                    "src": src,
                    "src_mask": src_mask,
                    "dst": dst,
                    "dst_mask": dst_mask,
                }
            )
            continue
        found = _ACTIVE_RE.search(text)
        if found and flows:
            flows[-1]["active_sas"] = int(found.group(1))
            flows[-1]["origin"] = found.group(2)
            continue
        found = _TRAFFIC_RE.match(text)
        if found and flows:
            if found.group(1).lower() == "inbound":
                flows[-1].update(decrypted=int(found.group(2)), decrypt_drops=int(found.group(3)),
                                 inbound_life=found.group(4))
            else:
                flows[-1].update(encrypted=int(found.group(2)), encrypt_drops=int(found.group(3)),
                                 outbound_life=found.group(4))
            continue
        if not _IGNORE_RE.match(text):
            notes.skip(number, raw)
    finish()
    return records
