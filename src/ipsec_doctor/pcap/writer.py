"""Writing captures: libpcap / pcapng files and byte-exact IKE, UDP, IP and Ethernet framing.

Used by the tests (and handy for fuzz corpora): every layout follows the
RFCs — RFC 791/8200 for IP, RFC 768 for UDP, RFC 3948 for UDP 4500,
RFC 2408 section 3 for the ISAKMP header and payloads, RFC 2407 for the
IPsec DOI attributes, RFC 3947 for NAT-D and RFC 7296 section 3 for IKEv2.
"""

from __future__ import annotations

import hashlib
import ipaddress
import struct
from collections.abc import Iterable, Sequence

# --------------------------------------------------------------------------- files


def pcap_file(frames: Iterable[tuple[float, bytes]], linktype: int = 1, nanoseconds: bool = False) -> bytes:
    """A little-endian libpcap file of ``(time, frame bytes)``."""
    magic = 0xA1B23C4D if nanoseconds else 0xA1B2C3D4
    out = bytearray(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 65535, linktype))
    scale = 1_000_000_000 if nanoseconds else 1_000_000
    for time, data in frames:
        sec = int(time)
        out += struct.pack("<IIII", sec, round((time - sec) * scale), len(data), len(data))
        out += data
    return bytes(out)


def pcapng_file(frames: Iterable[tuple[float, bytes]], linktype: int = 1) -> bytes:
    """A little-endian pcapng file: section header, one interface (microseconds), enhanced packet blocks."""
    def block(kind: int, body: bytes) -> bytes:
        body += b"\x00" * (-len(body) % 4)
        length = len(body) + 12
        return struct.pack("<II", kind, length) + body + struct.pack("<I", length)

    out = bytearray(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
    tsresol = struct.pack("<HHB3x", 9, 1, 6) + struct.pack("<HH", 0, 0)
    out += block(1, struct.pack("<HHI", linktype, 0, 65535) + tsresol)
    for time, data in frames:
        ticks = round(time * 1_000_000)
        out += block(6, struct.pack("<IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(data), len(data)) + data)
    return bytes(out)


# --------------------------------------------------------------------------- link, IP, UDP

def ethernet(ip_packet: bytes) -> bytes:
    ethertype = 0x86DD if ip_packet[:1] and ip_packet[0] >> 4 == 6 else 0x0800
    return bytes.fromhex("020000000002") + bytes.fromhex("020000000001") + ethertype.to_bytes(2, "big") + ip_packet


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f">{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(src: str, dst: str, proto: int, payload: bytes, ident: int = 1, frag: int = 0) -> bytes:
    """An IPv4 header (no options, TTL 64, correct checksum) and payload; ``frag`` = flags|offset word."""
    header = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0,
                         ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed)
    header = header[:10] + _checksum(header).to_bytes(2, "big") + header[12:]
    return header + payload


def ipv6(src: str, dst: str, proto: int, payload: bytes) -> bytes:
    return struct.pack(">IHBB16s16s", 0x60000000, len(payload), proto, 64, ipaddress.IPv6Address(src).packed,
                       ipaddress.IPv6Address(dst).packed) + payload


def udp(sport: int, dport: int, payload: bytes) -> bytes:
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload  # checksum 0: optional in IPv4


def ike_datagram(src: str, dst: str, message: bytes, sport: int = 500, dport: int = 500) -> bytes:
    """IKE over UDP in IPv4 (or IPv6 when the addresses are); port 4500 gets the non-ESP marker."""
    body = (b"\x00\x00\x00\x00" + message) if 4500 in (sport, dport) else message
    segment = udp(sport, dport, body)
    if ":" in src:
        return ipv6(src, dst, 17, segment)
    return ipv4(src, dst, 17, segment)


def esp_datagram(src: str, dst: str, spi: int, seq: int, size: int = 100, encapsulated: bool = False) -> bytes:
    """An ESP packet (SPI, sequence, opaque ciphertext), in IP or in UDP 4500."""
    esp = struct.pack(">II", spi, seq) + bytes((seq + i) & 0xFF for i in range(max(size - 8, 8)))
    if encapsulated:
        return ipv4(src, dst, 17, udp(4500, 4500, esp))
    return ipv4(src, dst, 50, esp)


def fragments(packet: bytes, mtu: int = 1500) -> list[bytes]:
    """Split an IPv4 packet (no options) into fragments that fit ``mtu``."""
    header, payload = packet[:20], packet[20:]
    src, dst, proto, ident = packet[12:16], packet[16:20], packet[9], int.from_bytes(packet[4:6], "big")
    step = (mtu - 20) // 8 * 8
    out = []
    for start in range(0, len(payload), step):
        part = payload[start:start + step]
        more = 0x2000 if start + step < len(payload) else 0
        out.append(ipv4(str(ipaddress.IPv4Address(src)), str(ipaddress.IPv4Address(dst)), proto, part, ident,
                        more | (start // 8)))
    del header
    return out


# --------------------------------------------------------------------------- ISAKMP / IKEv2

def header(ispi: bytes, rspi: bytes, first: int, version: int, exchange: int, flags: int, msgid: int,
           body: bytes) -> bytes:
    return struct.pack(">8s8sBBBBII", ispi, rspi, first, version, exchange, flags, msgid, 28 + len(body)) + body


def chain(payloads: Sequence[tuple[int, bytes]], critical: bool = False) -> tuple[int, bytes]:
    """Generic payload headers linking ``(type, body)`` in order; returns (first type, bytes)."""
    out = bytearray()
    for index, (_kind, body) in enumerate(payloads):
        nxt = payloads[index + 1][0] if index + 1 < len(payloads) else 0
        out += struct.pack(">BBH", nxt, 0x80 if critical else 0, 4 + len(body)) + body
    return (payloads[0][0] if payloads else 0), bytes(out)


def message(ispi: bytes, rspi: bytes, version: int, exchange: int, flags: int, msgid: int,
            payloads: Sequence[tuple[int, bytes]]) -> bytes:
    first, body = chain(payloads)
    return header(ispi, rspi, first, 0x10 if version == 1 else 0x20, exchange, flags, msgid, body)


def attr_tv(kind: int, value: int) -> bytes:
    return struct.pack(">HH", 0x8000 | kind, value)


def attr_tlv(kind: int, value: bytes) -> bytes:
    return struct.pack(">HH", kind, len(value)) + value


def v1_sa(proposals: Sequence[tuple[int, bytes, Sequence[tuple[int, bytes]]]]) -> bytes:
    """IKEv1 SA body (IPsec DOI, SIT_IDENTITY_ONLY): proposals of ``(protocol, spi, [(transform id, attrs)])``."""
    out = bytearray(struct.pack(">II", 1, 1))
    for pindex, (proto, spi, transforms) in enumerate(proposals):
        tbytes = bytearray()
        for tindex, (tid, attrs) in enumerate(transforms):
            nxt = 3 if tindex + 1 < len(transforms) else 0
            tbody = struct.pack(">BBH", tindex + 1, tid, 0) + attrs
            tbytes += struct.pack(">BBH", nxt, 0, 4 + len(tbody)) + tbody
        pbody = struct.pack(">BBBB", pindex + 1, proto, len(spi), len(transforms)) + spi + bytes(tbytes)
        nxt = 2 if pindex + 1 < len(proposals) else 0
        out += struct.pack(">BBH", nxt, 0, 4 + len(pbody)) + pbody
    return bytes(out)


def p1_transform(encryption: int, hash_: int, auth: int, group: int, key_length: int = 0,
                 lifetime: int = 86400) -> tuple[int, bytes]:
    attrs = attr_tv(1, encryption) + attr_tv(2, hash_) + attr_tv(3, auth) + attr_tv(4, group)
    attrs += attr_tv(11, 1) + attr_tlv(12, lifetime.to_bytes(4, "big"))
    if key_length:
        attrs += attr_tv(14, key_length)
    return 1, attrs  # KEY_IKE


def p2_transform(esp_id: int, auth: int, key_length: int = 0, pfs_group: int = 0, mode: int = 1,
                 lifetime: int = 3600) -> tuple[int, bytes]:
    attrs = attr_tv(1, 1) + attr_tlv(2, lifetime.to_bytes(4, "big")) + attr_tv(4, mode) + attr_tv(5, auth)
    if pfs_group:
        attrs += attr_tv(3, pfs_group)
    if key_length:
        attrs += attr_tv(6, key_length)
    return esp_id, attrs


def v1_notify(ntype: int, protocol: int = 1, spi: bytes = b"", data: bytes = b"") -> bytes:
    return struct.pack(">IBBH", 1, protocol, len(spi), ntype) + spi + data


def v2_sa(proposals: Sequence[tuple[int, bytes, Sequence[tuple[int, int, int]]]]) -> bytes:
    """IKEv2 SA body: proposals of ``(protocol, spi, [(type, id, key length or 0)])``."""
    out = bytearray()
    for pindex, (proto, spi, transforms) in enumerate(proposals):
        tbytes = bytearray()
        for tindex, (ttype, tid, keylen) in enumerate(transforms):
            attrs = attr_tv(14, keylen) if keylen else b""
            last = 3 if tindex + 1 < len(transforms) else 0
            tbytes += struct.pack(">BBHBBH", last, 0, 8 + len(attrs), ttype, 0, tid) + attrs
        pbody = struct.pack(">BBBB", pindex + 1, proto, len(spi), len(transforms)) + spi + bytes(tbytes)
        last = 2 if pindex + 1 < len(proposals) else 0
        out += struct.pack(">BBH", last, 0, 4 + len(pbody)) + pbody
    return bytes(out)


def v2_notify(ntype: int, protocol: int = 0, spi: bytes = b"", data: bytes = b"") -> bytes:
    return struct.pack(">BBH", protocol, len(spi), ntype) + spi + data


def v2_ke(group: int, size: int = 256) -> bytes:
    return struct.pack(">HH", group, 0) + bytes(range(256)) * (size // 256) + bytes(size % 256)


def message_sk(ispi: bytes, rspi: bytes, exchange: int, flags: int, msgid: int, first_inner: int,
               size: int = 80) -> bytes:
    """An IKEv2 message that is one SK payload whose generic header names the first inner payload."""
    body = bytes((i * 7) & 0xFF for i in range(size))
    payload = struct.pack(">BBH", first_inner, 0, 4 + len(body)) + body
    return header(ispi, rspi, 46, 0x20, exchange, flags, msgid, payload)


def natd(algo: str, ispi: bytes, rspi: bytes, address: str, port: int) -> bytes:
    """RFC 3947 NAT-D (and RFC 7296 NAT_DETECTION_*) hash: HASH(CKY-I | CKY-R | IP | port)."""
    return hashlib.new(algo, ispi + rspi + ipaddress.ip_address(address).packed + port.to_bytes(2, "big")).digest()
