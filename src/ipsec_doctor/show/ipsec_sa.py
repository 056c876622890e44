"""``show crypto ipsec sa [peer X] [detail]`` (ASA and IOS).

One :class:`IpsecFlow` per proxy-identity pair.  A flow starts at a
``Crypto map tag:`` line (ASA prints one per flow), at ``protected vrf:`` or
at ``local ident`` when the current flow already has one (IOS prints the map
tag once per interface), or at an ASA ``access-list`` line that follows a
complete flow.  Lines are dispatched on their first word, so a 5,000-line
listing costs a few milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from ..model import Platform
from .common import Notes, Numbered, counter_key, norm_spi, to_int
from .records import Ident, IpsecFlow, IpsecSa, ShowRecord

_IDENT_RE = re.compile(r"\(\s*([^)]*?)\s*\)\s*$")
_COUNTER_RE = re.compile(r"^#+\s*(.*?)\s*:?\s*(\d+)\s*$")
_MAP_TAG_RE = re.compile(
    r"Crypto map tag\s*:\s*([^,]+?)\s*(?:,\s*seq num\s*:?\s*(\d+))?\s*(?:,\s*local addr\s*:?\s*(\S+))?\s*$", re.IGNORECASE
)
_PEER_RE = re.compile(r"current_peer\s*:?\s*(\S+)(?:\s+port\s+(\d+))?", re.IGNORECASE)
_ENDPT_RE = re.compile(r"local crypto endpt\.?\s*:\s*([^,]+?)\s*,\s*remote crypto endpt\.?\s*:\s*(\S+)", re.IGNORECASE)
_SAS_RE = re.compile(r"^(inbound|outbound)\s+(esp|ah|pcp)\s+sas\s*:", re.IGNORECASE)
_SPI_RE = re.compile(r"^spi\s*:\s*(0x[0-9A-Fa-f]+|[0-9A-Fa-f]+)\s*(?:\(\s*(\d+)\s*\))?", re.IGNORECASE)
_KV_COMMA_RE = re.compile(r"([A-Za-z_][\w \-]*?)\s*[:=]?\s+(\S+?)\s*(?:,|$)")
_LIFE_RE = re.compile(r"\((?:k|kb)?/?sec\)\s*:\s*\(?\s*(\d+)\s*(?:/\s*(\d+))?\s*\)?", re.IGNORECASE)
_MTU_RE = re.compile(r"(plaintext mtu|path mtu|media mtu|ip mtu idb|ip mtu|ipsec overhead)\s+(\S+?)(?:\(\d+\))?\s*(?:,|$)", re.IGNORECASE)
_PFS_RE = re.compile(r"PFS \(Y/N\)\s*:\s*(\w)\s*,\s*DH group\s*:\s*(\S+)", re.IGNORECASE)

# Lines with nothing the diagnosis needs.
_IGNORED_FIRST = frozenset(
    {
        "permit,", "deny,", "pmtu", "icmp", "anti", "ecn", "sa", "tfc", "dynamic", "bitmap:", "peer", "df",
        "outbound", "inbound", "#", "vrf", "crypto", "pfs", "ikev2", "ike", "tunnel",
    }
)
_HEX_WORD_RE = re.compile(r"^(?:0x[0-9A-Fa-f]+\s*)+$")


def _split_endpoint(text: str) -> tuple[str, int | None]:
    """``172.16.248.119/4500`` → (addr, 4500); IPv6 without port stays whole."""
    text = text.strip().rstrip(",")
    if "/" in text:
        addr, _sep, port = text.rpartition("/")
        if port.isdecimal():
            return addr, int(port)
    return text, None


def _ident(text: str) -> Ident | None:
    found = _IDENT_RE.search(text)
    if not found:
        return None
    parts = found.group(1).rsplit("/", 3)
    if len(parts) != 4:
        return None
    return Ident(parts[0], parts[1], to_int(parts[2]), to_int(parts[3]))


class _Builder:
    """Mutable state for one flow and its SAs, frozen at the end."""

    __slots__ = ("counters", "flow", "sa", "sa_dir", "sa_proto", "sas")

    def __init__(self, line: int, **initial: Any) -> None:
        self.flow: dict[str, Any] = {"line": line, **initial}
        self.counters: dict[str, int] = {}
        self.sas: list[IpsecSa] = []
        self.sa: dict[str, Any] | None = None
        self.sa_dir = "inbound"
        self.sa_proto = "esp"

    def close_sa(self) -> None:
        if self.sa is not None:
            self.sas.append(IpsecSa(**self.sa))
            self.sa = None

    def build(self) -> IpsecFlow:
        self.close_sa()
        return IpsecFlow(counters=MappingProxyType(self.counters), sas=tuple(self.sas), **self.flow)


def parse_ipsec_sa(lines: Numbered, notes: Notes, platform: Platform | None = None) -> list[ShowRecord]:
    """Parse every flow; a line no handler knows becomes a note."""
    flows: list[ShowRecord] = []
    interface: str | None = None
    inherited: dict[str, Any] = {}  # crypto map tag / local addr shared by an IOS interface's flows
    current: _Builder | None = None

    def finish() -> None:
        nonlocal current
        if current is not None:
            flows.append(current.build())
            current = None

    def start(line: int, **extra: Any) -> _Builder:
        finish()
        builder = _Builder(line, interface=interface, **inherited, **extra)
        return builder

    for number, raw in lines:
        text = raw.strip()
        if not text:
            continue
        low = text.lower()
        first = low.split(None, 1)[0]
        if first in ("interface:", "interface") and ":" in text[:11]:
            finish()
            interface = text.split(":", 1)[1].strip() or None
            inherited = {}
            continue
        if low.startswith("peer address:"):
            finish()
            inherited = {}
            continue
        if low.startswith("crypto map tag"):
            found = _MAP_TAG_RE.search(text)
            if found:
                inherited = {"crypto_map": found.group(1), "local_addr": found.group(3)}
                if found.group(2) is not None:
                    # ASA prints the tag (with its sequence) once per flow; IOS once per interface
                    current = start(number, seq=int(found.group(2)))
                else:
                    finish()
            else:
                notes.skip(number, raw)
            continue
        if low.startswith("protected vrf"):
            if current is None or "local_ident" in current.flow or "protected_vrf" in current.flow:
                current = start(number)
            current.flow["protected_vrf"] = text.split(":", 1)[1].strip()
            continue
        if first == "access-list":
            if current is None or "local_ident" in current.flow:
                current = start(number)
            current.flow["acl"] = text
            continue
        if low.startswith(("local ident", "local  ident")):
            if current is None or "local_ident" in current.flow:
                current = start(number)
            current.flow["local_ident"] = _ident(text)
            continue
        if current is None:
            if _HEX_WORD_RE.match(text) or low.startswith("there are no"):
                continue
            notes.skip(number, raw)
            continue
        handler = _HANDLERS.get(first)
        if handler is not None and handler(current, number, text, low):
            continue
        if text.startswith("#"):
            _counters(current, number, text, notes)
            continue
        if current.sa is not None and _sa_detail(current, text, low):
            continue
        if first in _IGNORED_FIRST or _HEX_WORD_RE.match(text):
            continue
        notes.skip(number, raw)
    finish()
    return flows


def _counters(builder: _Builder, number: int, text: str, notes: Notes) -> None:
    for piece in text.split(","):
        piece = piece.strip()
        if not piece:
            continue
        found = _COUNTER_RE.match(piece)
        if found:
            builder.counters[counter_key(found.group(1))] = int(found.group(2))
        else:
            notes.skip(number, piece, "counter not understood")


def _remote(builder: _Builder, number: int, text: str, low: str) -> bool:
    if low.startswith("remote ident"):
        builder.flow["remote_ident"] = _ident(text)
        return True
    return False


def _current(builder: _Builder, number: int, text: str, low: str) -> bool:
    if low.startswith("current_peer"):
        found = _PEER_RE.search(text)
        if found:
            builder.flow["current_peer"] = found.group(1)
            builder.flow["peer_port"] = to_int(found.group(2))
        return True
    if low.startswith("current outbound spi"):
        builder.flow["current_outbound_spi"] = norm_spi(text.split(":", 1)[1])
        return True
    if low.startswith("current inbound spi"):
        builder.flow["current_inbound_spi"] = norm_spi(text.split(":", 1)[1])
        return True
    return False


def _dynamic(builder: _Builder, number: int, text: str, low: str) -> bool:
    if low.startswith("dynamic allocated peer ip"):
        builder.flow["dynamic_peer"] = text.split(":", 1)[1].strip()
        return True
    return False


def _local(builder: _Builder, number: int, text: str, low: str) -> bool:
    if low.startswith("local crypto endpt"):
        found = _ENDPT_RE.search(text)
        if found:
            local, local_port = _split_endpoint(found.group(1))
            remote, remote_port = _split_endpoint(found.group(2))
            builder.flow.update(
                local_endpoint=local,
                local_endpoint_port=local_port,
                remote_endpoint=remote,
                remote_endpoint_port=remote_port,
            )
        return True
    return False


def _mtu(builder: _Builder, number: int, text: str, low: str) -> bool:
    if "mtu" not in low:
        return False
    names = {
        "plaintext mtu": "plaintext_mtu",
        "path mtu": "path_mtu",
        "media mtu": "media_mtu",
        "ip mtu": "ip_mtu",
        "ipsec overhead": "ipsec_overhead",
    }
    for label, value in _MTU_RE.findall(text):
        label = label.lower()
        if label == "ip mtu idb":
            builder.flow["ip_mtu_idb"] = value
        else:
            builder.flow[names[label]] = to_int(value)
    return True


def _pfs(builder: _Builder, number: int, text: str, low: str) -> bool:
    found = _PFS_RE.search(text)
    if not found:
        return False
    builder.flow["pfs"] = found.group(1).upper() == "Y"
    builder.flow["dh_group"] = found.group(2)
    return True


def _sas_header(builder: _Builder, number: int, text: str, low: str) -> bool:
    found = _SAS_RE.match(low)
    if not found:
        return False
    builder.close_sa()
    builder.sa_dir, builder.sa_proto = found.group(1), found.group(2)
    return True


def _spi(builder: _Builder, number: int, text: str, low: str) -> bool:
    found = _SPI_RE.match(text)
    if not found:
        return False
    builder.close_sa()
    builder.sa = {
        "line": number,
        "direction": builder.sa_dir,
        "protocol": builder.sa_proto,
        "spi": norm_spi(found.group(1)) or found.group(1),
        "spi_int": to_int(found.group(2)),
    }
    return True


def _sa_detail(builder: _Builder, text: str, low: str) -> bool:
    """Lines under ``spi:``; True when the line was one of them."""
    sa = builder.sa
    assert sa is not None
    if low.startswith("transform"):
        sa["transform"] = text.split(":", 1)[1].strip().rstrip(",").strip()
    elif low.startswith("in use settings"):
        sa["settings"] = text.split("=", 1)[1].strip().strip("{}").strip().rstrip(",").strip()
    elif low.startswith(("slot", "conn id", "conn_id")):
        for key, value in _KV_COMMA_RE.findall(text):
            key = key.strip().lower().replace(" ", "_")
            if key == "conn_id":
                sa["conn_id"] = to_int(value)
            elif key in ("crypto-map", "crypto_map"):
                sa["crypto_map"] = value
        flow_id = re.search(r"flow_id\s*:\s*([^,]+)", text)
        if flow_id:
            sa["flow_id"] = flow_id.group(1).strip()
        crypto_map = re.search(r"crypto[- ]map\s*:\s*(\S+)", text)
        if crypto_map:
            sa["crypto_map"] = crypto_map.group(1).rstrip(",")
    elif low.startswith("sa timing"):
        found = _LIFE_RE.search(text)
        if found:
            if found.group(2) is not None:
                sa["lifetime_kb"], sa["lifetime_sec"] = int(found.group(1)), int(found.group(2))
            else:
                sa["lifetime_sec"] = int(found.group(1))
    elif low.startswith("iv size"):
        sa["iv_size"] = to_int(text.split(":", 1)[1].split()[0])
    elif low.startswith("replay detection support"):
        sa["replay_detection"] = text.split(":", 1)[1].strip()[:1].upper() == "Y"
    elif low.startswith(("status", "sa state")):
        sa["status"] = text.split(":", 1)[1].strip()
    elif low.startswith(("anti replay", "0x", "ecn", "kilobyte", "sa timing", "pfs")):
        pass
    else:
        return False
    return True


_HANDLERS: dict[str, Callable[[_Builder, int, str, str], bool]] = {
    "remote": _remote,
    "current_peer": _current,
    "current_peer:": _current,
    "current": _current,
    "dynamic": _dynamic,
    "local": _local,
    "path": _mtu,
    "plaintext": _mtu,
    "pfs": _pfs,
    "inbound": _sas_header,
    "outbound": _sas_header,
    "spi:": _spi,
    "spi": _spi,
}
