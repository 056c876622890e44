"""Extracting the variable parts of a message by their role.

Cisco's wording for the same role varies by message (``IP = 192.0.2.1``,
``from 192.0.2.1 (user= x)``, ``Remote:192.0.2.1:500``, ``srcaddr=``); the
fusion step needs one name per role, so each pattern below states the role it
fills.  A pattern runs only when its cheap keyword is in the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ADDR = r"(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})"
_HEX = r"0x[0-9A-Fa-f]+"

Extractor = Callable[[re.Match[str], dict[str, str]], None]


def _set(*roles: str) -> Extractor:
    """An extractor that stores the groups, in order, under ``roles`` (None groups skipped)."""

    def store(match: re.Match[str], out: dict[str, str]) -> None:
        for role, value in zip(roles, match.groups()):
            if value is not None and role and role not in out:
                out[role] = value.strip().strip("<>").strip()

    return store


# (keyword that must be present, pattern, extractor); order matters: the first value for a role wins.
_RULES: tuple[tuple[str, re.Pattern[str], Extractor], ...] = tuple(
    (keyword, re.compile(pattern), extractor)
    for keyword, pattern, extractor in (
        ("Group =", r"\bGroup = ([^,]+?)\s*(?:,|$)", _set("group")),
        ("Username =", r"\bUsername = ([^,]+?)\s*(?:,|$)", _set("user")),
        ("IP =", rf"\bIP = ({_ADDR})", _set("peer")),
        ("user", r"\((?:user|username)\s*=\s*([^)]+?)\s*\)", _set("user")),
        ("SPI", rf"\bSPI\s*=?\s*({_HEX})\b", _set("spi")),
        ("spi", rf"\bspi\s*=\s*({_HEX})\b", _set("spi")),
        ("sequence number", rf"sequence number\s*=\s*({_HEX}|\d+)\b", _set("seq")),
        (" from ", rf"\bfrom ({_ADDR})(?:\s*\((?:user|username)\s*=[^)]*\))? to ({_ADDR})", _set("src", "dst")),
        ("src ", rf"\bsrc (?:([\w.-]+):)?({_ADDR})(?:/(\d+))?(?:\([^)]*\))? dst (?:([\w.-]+):)?({_ADDR})(?:/(\d+))?",
         _set("src_interface", "src", "src_port", "dst_interface", "dst", "dst_port")),
        (" between ", rf"\bbetween ({_ADDR}) and ({_ADDR})", _set("src", "dst")),
        ("Src:", rf"\bSrc:\s*({_ADDR}),\s*Dst:\s*({_ADDR})", _set("src", "dst")),
        ("Intf", r"\bIntf (\S+?),", _set("interface")),
        ("interface", r"\b(?:on|input) interface\s*=?\s*([\w./-]+)", _set("interface")),
        ("session ", rf"\bsession ({_ADDR}):(\d+) to ({_ADDR}):(\d+)", _set("src", "src_port", "dst", "dst_port")),
        ("srcaddr", rf"\bsrcaddr=({_ADDR})", _set("src")),
        ("destaddr", rf"\bdestaddr=({_ADDR})", _set("dst")),
        ("Addr", rf"\bSRC Addr:\s*({_ADDR})(?:,?\s*Port:\s*(\d+))?.*?\bD(?:ST|st) Addr:\s*({_ADDR})(?:,?\s*Port:\s*(\d+))?",
         _set("src", "src_port", "dst", "dst_port")),
        ("Remote:", rf"\bLocal:\s*\[?({_ADDR}|[\w.-]+)\]?:(\d+)\s+Remote:\s*\[?({_ADDR}|[\w.-]+)\]?:(\d+)",
         _set("local", "local_port", "peer", "peer_port")),
        ("Username:", r"\bUsername:\s*(\S+)", _set("user")),
        ("Group ", r"\bGroup <?\s*([^\s<>]+)\s*>? User <?\s*([^\s<>]+)\s*>? IP <?\s*([^\s<>]+?)\s*>?(?:\s|,|$)",
         _set("group", "user", "peer")),
        ("Group:", r"\bGroup:\s*(\S+)", _set("group")),
        ("IKE message from", rf"IKE message from ({_ADDR})", _set("peer")),
        ("packet from", rf"\bpacket from ({_ADDR}) dport", _set("peer")),
        ("peer at", rf"\bpeer at ({_ADDR})", _set("peer")),
        ("destination", rf"\bdestination ({_ADDR})", _set("dst")),
        ("Reason ", r"\bReason (4\d\d)\b", _set("reason")),
        ("Reason:", r"\bReason: ?(.+?)\s*$", _set("reason")),
        ("Reason =", r"\bReason = ([^,:]+?)\s*(?:[,:]|$)", _set("reason")),
        ("reason =", r"\breason = ([^:]+?)\s*(?::|$)", _set("reason")),
        ("Notify", r"Notify message:\s*([^(]*?)\s*\((\d+)\)", _set("notify", "notify_code")),
        ("Map Tag", r"\bMap Tag\s*=\s*([^\s.,]+)", _set("map")),
        ("Map Sequence Number", r"\bMap Sequence Number\s*=\s*(\d+)", _set("map_seq")),
        ("pool", rf"\(({_ADDR})\) from pool", _set("address")),
        ("local-host", rf"\blocal-host ([\w.-]+):({_ADDR})", _set("interface", "address")),
        ("user ", r"\buser = ([^\s:,]+)", _set("user")),
        ("User ", r"\bfor user (\S+)", _set("user")),
    )
)
_IPV4 = re.compile(rf"^{_ADDR}$")


def extract(text: str) -> dict[str, str]:
    """The role → value fields of a message text (empty dict when none apply).

    >>> extract("Group = 198.51.100.7, IP = 198.51.100.7, QM FSM error (P2 struct &0x1, mess id 0x2)!")
    {'group': '198.51.100.7', 'peer': '198.51.100.7'}
    """
    out: dict[str, str] = {}
    for keyword, pattern, extractor in _RULES:
        if keyword in text:
            match = pattern.search(text)
            if match:
                extractor(match, out)
    if "peer" not in out:
        # the remote end of a packet message is where the ESP/IKE came from
        if "src" in out and ("ESP packet" in text or "srcaddr=" in text):
            out["peer"] = out["src"]
        elif "user" in out and " SA " in text and _IPV4.match(out["user"]):
            out["peer"] = out["user"]  # 602303/602304: an L2L SA's user is the peer address
        elif "group" in out and _IPV4.match(out["group"]):
            out["peer"] = out["group"]
    return out
