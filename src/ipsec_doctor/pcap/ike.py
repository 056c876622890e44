"""Decoding ISAKMP (IKEv1, RFC 2408/2409) and IKEv2 (RFC 7296) messages up to the encryption boundary.

The 28-byte header and the generic payload chain are the same in both
versions; what differs is the payload numbering and the SA payload layout.
An encrypted message yields its header and, for IKEv2, the type of the first
payload inside the SK payload (readable in clear, and a good hint that an
IKE_AUTH response carries an error notify).  A damaged message is decoded as
far as it goes and carries a ``problem``; nothing here raises.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import names

HEADER = struct.Struct(">8s8sBBBBII")
MAX_PAYLOADS = 64  # a payload chain longer than this is damaged (or hostile)


@dataclass(frozen=True, slots=True)
class Transform:
    """One transform of a proposal: its name and attributes, already named."""

    number: int
    name: str  # "ike" (IKEv1 phase 1), "esp-aes", "encr" (IKEv2 type) ...
    attrs: tuple[tuple[str, str], ...] = ()

    def text(self) -> str:
        """``aes-256/sha/pre-share/group 14`` style summary."""
        values = dict(self.attrs)
        if self.name == "ike":
            parts = [values.get("encryption", "?")]
            if "key-length" in values:
                parts[0] += f"-{values['key-length']}"
            parts += [values.get("hash", "?"), values.get("auth", "?"), values.get("group", "?")]
            if "lifetime" in values:
                parts.append(f"{values['lifetime']}{'s' if values.get('life-type', 'seconds') == 'seconds' else 'kB'}")
            return "/".join(parts)
        out = self.name + (f"-{values['key-length']}" if "key-length" in values else "")
        extra = [values[k] for k in ("auth", "mode") if k in values]
        if "pfs-group" in values:
            extra.append(f"pfs {values['pfs-group']}")
        return " ".join([out, *extra])


@dataclass(frozen=True, slots=True)
class Proposal:
    number: int
    protocol: str  # ISAKMP | ESP | AH | IKE (IKEv2 IKE SA)
    spi: str
    transforms: tuple[Transform, ...]

    def text(self) -> str:
        if self.transforms and all(t.name in names.V2_TRANSFORM_TYPES.values() for t in self.transforms):
            by_type: dict[str, list[str]] = {}
            for t in self.transforms:
                value = dict(t.attrs).get("id", "?")
                if "key-length" in dict(t.attrs):
                    value += f"-{dict(t.attrs)['key-length']}"
                by_type.setdefault(t.name, []).append(value)
            return f"{self.protocol}:" + "/".join("|".join(v) for v in by_type.values())
        return f"{self.protocol}: " + ", ".join(t.text() for t in self.transforms)


@dataclass(frozen=True, slots=True)
class Notify:
    type: int
    name: str
    protocol: str
    spi: str = ""
    data: bytes = b""

    @property
    def error(self) -> bool:
        return 0 < self.type < 16384


@dataclass(slots=True)
class IkeMessage:
    """One decoded ISAKMP/IKEv2 message."""

    version: int  # 1 or 2
    ispi: bytes
    rspi: bytes
    exchange: int
    exchange_name: str
    flags: int
    msgid: int
    length: int
    payloads: list[str] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    vendor_ids: list[str] = field(default_factory=list)
    notifies: list[Notify] = field(default_factory=list)
    natd: list[bytes] = field(default_factory=list)  # IKEv1 NAT-D hashes in order (first: the receiver)
    nat_src: list[bytes] = field(default_factory=list)  # IKEv2 NAT_DETECTION_SOURCE_IP data
    nat_dst: list[bytes] = field(default_factory=list)  # IKEv2 NAT_DETECTION_DESTINATION_IP data
    ke_group: int | None = None
    ids: list[str] = field(default_factory=list)
    first_inner: str | None = None  # IKEv2 SK/SKF: the first payload inside the encryption
    fragment: tuple[int, int] | None = None  # (number, total) for IKEv2 SKF / IKEv1 Cisco fragments
    deletes: list[str] = field(default_factory=list)
    problem: str | None = None

    @property
    def encrypted(self) -> bool:
        if self.version == 1:
            return bool(self.flags & 0x01)
        return self.first_inner is not None

    @property
    def response(self) -> bool | None:
        """IKEv2 R flag; None for IKEv1 (direction decides there)."""
        return bool(self.flags & 0x20) if self.version == 2 else None

    @property
    def initiator_flag(self) -> bool | None:
        return bool(self.flags & 0x08) if self.version == 2 else None


def decode(data: bytes) -> IkeMessage | None:
    """The message in ``data`` (UDP payload, non-ESP marker already removed); None when it is not ISAKMP."""
    if len(data) < HEADER.size:
        return None
    ispi, rspi, first, version, exchange, flags, msgid, length = HEADER.unpack_from(data, 0)
    major = version >> 4
    if major not in (1, 2):
        return None
    table = names.EXCHANGES_V2 if major == 2 else names.EXCHANGES_V1
    msg = IkeMessage(major, ispi, rspi, exchange, table.get(exchange, f"exchange-{exchange}"), flags, msgid, length)
    end = min(length, len(data)) if length >= HEADER.size else len(data)
    if length > len(data):
        msg.problem = f"message truncated ({len(data)} of {length} bytes)"
    if major == 1 and flags & 0x01:
        msg.payloads.append("encrypted")
        return msg  # everything after the header is ciphertext
    try:
        _walk(msg, data, HEADER.size, end, first)
    except (struct.error, IndexError, ValueError) as exc:  # a damaged chain: keep what was read
        msg.problem = msg.problem or f"payload chain damaged ({type(exc).__name__})"
    return msg


def _walk(msg: IkeMessage, data: bytes, pos: int, end: int, kind: int) -> None:
    v2 = msg.version == 2
    ptable = names.PAYLOADS_V2 if v2 else names.PAYLOADS_V1
    for _ in range(MAX_PAYLOADS):
        if kind == 0:
            return
        if pos + 4 > end:
            msg.problem = msg.problem or "payload header beyond the message end"
            return
        nxt = data[pos]
        plen = int.from_bytes(data[pos + 2:pos + 4], "big")
        if plen < 4 or pos + plen > end:
            msg.problem = msg.problem or f"payload length {plen} does not fit the message"
            return
        body = data[pos + 4:pos + plen]
        name = ptable.get(kind, f"payload-{kind}")
        msg.payloads.append(name)
        _payload(msg, kind, body, nxt)
        if v2 and kind in (46, 53):
            return  # SK / SKF: the rest is ciphertext
        pos += plen
        kind = nxt
    msg.problem = msg.problem or "payload chain too long"


def _payload(msg: IkeMessage, kind: int, body: bytes, nxt: int) -> None:
    v2 = msg.version == 2
    if kind == (33 if v2 else 1):
        msg.proposals.extend(_sa_v2(body) if v2 else _sa_v1(body))
    elif kind == (43 if v2 else 13):
        msg.vendor_ids.append(names.vendor_name(body))
    elif kind == (41 if v2 else 11):
        note = _notify(body, v2)
        if note is not None:
            msg.notifies.append(note)
            if v2 and note.type == names.NAT_DETECTION_SOURCE_IP:
                msg.nat_src.append(note.data)
            elif v2 and note.type == names.NAT_DETECTION_DESTINATION_IP:
                msg.nat_dst.append(note.data)
    elif not v2 and kind in (20, 130):
        msg.natd.append(body)
    elif kind == (34 if v2 else 4):
        if v2 and len(body) >= 2:
            msg.ke_group = int.from_bytes(body[0:2], "big")
    elif kind in ((35, 36) if v2 else (5,)):
        msg.ids.append(_identity(body))
    elif kind == (42 if v2 else 12):
        msg.deletes.append(_delete(body, v2))
    elif v2 and kind in (46, 53):
        msg.first_inner = names.PAYLOADS_V2.get(nxt, f"payload-{nxt}") if nxt else "none"
        if kind == 53 and len(body) >= 4:
            msg.fragment = (int.from_bytes(body[0:2], "big"), int.from_bytes(body[2:4], "big"))
    elif not v2 and kind == 132 and len(body) >= 4:
        # Cisco IKE fragmentation payload: fragment id (2), number (1), flags (1; 1 = last)
        msg.fragment = (body[2], body[2] if body[3] & 1 else 0)


def _attributes(body: bytes) -> list[tuple[int, int | bytes]]:
    """SA attributes: TV (AF bit set, 2-byte value) or TLV."""
    out: list[tuple[int, int | bytes]] = []
    pos = 0
    while pos + 4 <= len(body) and len(out) < 64:
        word, value = struct.unpack_from(">HH", body, pos)
        if word & 0x8000:
            out.append((word & 0x7FFF, value))
            pos += 4
        else:
            raw = body[pos + 4:pos + 4 + value]
            out.append((word, int.from_bytes(raw, "big") if len(raw) <= 8 else raw))
            pos += 4 + value
    return out


def _named_attrs(attrs: list[tuple[int, int | bytes]], types: dict[int, str],
                 values: dict[int, dict[int, str]], group_type: int) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for kind, value in attrs:
        name = types.get(kind, f"attr-{kind}")
        if isinstance(value, bytes):
            text = value.hex()
        elif kind == group_type:
            text = f"group {value}"
        else:
            text = values.get(kind, {}).get(value, str(value))
        out.append((name, text))
    return tuple(out)


def _proposal_chain(body: bytes, pos: int) -> Iterator[tuple[int, int, str, list[tuple[int, int, bytes]]]]:
    """Walk the proposal substructures shared by IKEv1 and IKEv2 SA payloads (RFC 2408 §3.5, RFC 7296 §3.3).

    Yields (proposal number, protocol id, SPI hex, transforms) where each
    transform is (byte 4, byte 5/6 id field as raw pair, attribute bytes);
    bounds are checked at every step, so a truncated payload ends the walk.
    """
    for _ in range(MAX_PAYLOADS):
        if pos + 8 > len(body):
            return
        more, plen = body[pos], int.from_bytes(body[pos + 2:pos + 4], "big")
        if plen < 8 or pos + plen > len(body):
            return
        number, proto, spi_size, count = body[pos + 4:pos + 8]
        spi = body[pos + 8:pos + 8 + spi_size].hex()
        transforms: list[tuple[int, int, bytes]] = []
        tpos, tend = pos + 8 + spi_size, pos + plen
        for _t in range(min(count, MAX_PAYLOADS)):
            if tpos + 8 > tend:
                break
            tlen = int.from_bytes(body[tpos + 2:tpos + 4], "big")
            if tlen < 8 or tpos + tlen > tend:
                break
            transforms.append((body[tpos + 4], int.from_bytes(body[tpos + 5:tpos + 8], "big"), body[tpos + 8:tpos + tlen]))
            tpos += tlen
        yield number, proto, spi, transforms
        pos += plen
        if more == 0:
            return


def _sa_v1(body: bytes) -> list[Proposal]:
    """IKEv1 SA payload: DOI, situation, then proposal payloads each holding transform payloads."""
    out: list[Proposal] = []
    # DOI (4) + situation (4, IPSEC_DOI SIT_IDENTITY_ONLY) precede the proposals
    for number, proto, spi, raw in _proposal_chain(body, 8):
        transforms: list[Transform] = []
        for tnum, ids, attr_bytes in raw:
            tid = ids >> 16  # IKEv1: transform id is byte 5, then two reserved bytes
            attrs = _attributes(attr_bytes)
            if proto == 1:
                transforms.append(Transform(tnum, "ike" if tid == 1 else f"key-{tid}",
                                            _named_attrs(attrs, names.P1_ATTRS, names.P1_VALUES, 4)))
            else:
                table = names.AH_TRANSFORMS if proto == 2 else names.ESP_TRANSFORMS
                transforms.append(Transform(tnum, table.get(tid, f"transform-{tid}"),
                                            _named_attrs(attrs, names.P2_ATTRS, names.P2_VALUES, 3)))
        out.append(Proposal(number, names.PROTOCOLS.get(proto, str(proto)), spi, tuple(transforms)))
    return out


def _sa_v2(body: bytes) -> list[Proposal]:
    """IKEv2 SA payload: proposal substructures, each with typed transforms."""
    out: list[Proposal] = []
    for number, proto, spi, raw in _proposal_chain(body, 0):
        transforms: list[Transform] = []
        for ttype, ids, attr_bytes in raw:
            tid = ids & 0xFFFF  # IKEv2: one reserved byte, then a two-byte transform id
            if ttype == 4:
                label = names.group_name(tid)
            else:
                label = names.V2_TRANSFORMS.get(ttype, {}).get(tid, str(tid))
            attrs: list[tuple[str, str]] = [("id", label)]
            for akind, avalue in _attributes(attr_bytes):
                if akind == 14 and isinstance(avalue, int):
                    attrs.append(("key-length", str(avalue)))
            transforms.append(Transform(len(transforms) + 1, names.V2_TRANSFORM_TYPES.get(ttype, f"type-{ttype}"),
                                        tuple(attrs)))
        proto_name = "IKE" if proto == 1 else names.PROTOCOLS.get(proto, str(proto))
        out.append(Proposal(number, proto_name, spi, tuple(transforms)))
    return out


def _notify(body: bytes, v2: bool) -> Notify | None:
    base = 0 if v2 else 4  # IKEv1 notify starts with the DOI
    if len(body) < base + 4:
        return None
    proto, spi_size = body[base], body[base + 1]
    ntype = int.from_bytes(body[base + 2:base + 4], "big")
    spi = body[base + 4:base + 4 + spi_size]
    data = body[base + 4 + spi_size:]
    return Notify(ntype, names.notify_name(2 if v2 else 1, ntype), names.PROTOCOLS.get(proto, str(proto)),
                  spi.hex(), data)


def _identity(body: bytes) -> str:
    """``ipv4 10.0.0.1`` / ``fqdn vpn.example`` / ``type-N``; shown as evidence, never a secret."""
    if len(body) < 4:
        return "?"
    kind, value = body[0], body[4:]
    if kind == 1 and len(value) >= 4:
        return "ipv4 " + ".".join(str(b) for b in value[:4])
    if kind in (2, 3):
        return ("fqdn " if kind == 2 else "user-fqdn ") + value[:255].decode("ascii", "replace")
    if kind == 4 and len(value) >= 8:
        return "ipv4-subnet " + ".".join(str(b) for b in value[:4]) + "/" + ".".join(str(b) for b in value[4:8])
    if kind == 5 and len(value) >= 16:
        import ipaddress

        return "ipv6 " + str(ipaddress.IPv6Address(value[:16]))
    if kind == 7 and len(value) >= 8:
        return "ipv4-range " + ".".join(str(b) for b in value[:4]) + "-" + ".".join(str(b) for b in value[4:8])
    return f"type-{kind}"


def _delete(body: bytes, v2: bool) -> str:
    base = 0 if v2 else 4
    if len(body) < base + 4:
        return "?"
    proto, spi_size = body[base], body[base + 1]
    count = int.from_bytes(body[base + 2:base + 4], "big")
    spis = [body[base + 4 + i * spi_size:base + 4 + (i + 1) * spi_size].hex() for i in range(min(count, 16))]
    return f"{names.PROTOCOLS.get(proto, str(proto))} {' '.join(s for s in spis if s)}".strip()
