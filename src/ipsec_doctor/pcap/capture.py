"""Reading libpcap and pcapng files into frames, and frames into IP datagrams.

Pure Python (``struct``), no dependency: the formats are small.  Nothing here
raises on a damaged file: a truncated record ends the walk with a problem,
an undecodable frame is skipped.  Frame numbers count every record from 1,
as Wireshark shows them, so evidence can be found again in the capture.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_READ = 512 * 1024 * 1024  # a capture above this is read by its first 512 MiB
MAX_FRAGMENT_SETS = 4096  # IP reassembly buffers kept at once (a flood of lone fragments must not grow memory)

LINKTYPES = {0: "null", 1: "ethernet", 12: "raw", 14: "raw", 101: "raw", 108: "loop", 113: "linux-sll",
             228: "ipv4", 229: "ipv6", 276: "linux-sll2"}


@dataclass(frozen=True, slots=True)
class Frame:
    number: int
    time: float
    linktype: int
    data: bytes
    wire_length: int


@dataclass(slots=True)
class Capture:
    """The frames of one file, and what could not be read."""

    format: str = ""  # pcap | pcapng | "" (not a capture)
    frames: list[Frame] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (frame number or 0, message)


@dataclass(frozen=True, slots=True)
class Datagram:
    """One IP datagram (reassembled when it came in fragments)."""

    frame: int
    time: float
    src: str
    dst: str
    proto: int
    payload: bytes
    ip_length: int  # total IP length on the wire (of the whole datagram when reassembled)
    fragmented: bool = False
    frames: tuple[int, ...] = ()  # every frame of a reassembled datagram


# --------------------------------------------------------------------------- files


def read_capture(data: bytes) -> Capture:
    """Frames of a libpcap or pcapng image; problems instead of exceptions."""
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return _read_pcapng(data)
    return _read_pcap(data)


_PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6), b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9), b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}


def _read_pcap(data: bytes) -> Capture:
    cap = Capture()
    magic = _PCAP_MAGICS.get(data[:4])
    if magic is None:
        cap.problems.append((0, "not a pcap or pcapng file"))
        return cap
    cap.format = "pcap"
    order, unit = magic
    if len(data) < 24:
        cap.problems.append((0, "pcap file header truncated"))
        return cap
    linktype = struct.unpack_from(order + "I", data, 20)[0] & 0x0FFFFFFF  # upper bits: FCS flags
    rec = struct.Struct(order + "IIII")
    offset, number = 24, 0
    while offset < len(data):
        if offset + 16 > len(data):
            cap.problems.append((number + 1, "record header truncated: capture ends mid-record"))
            break
        sec, frac, caplen, wirelen = rec.unpack_from(data, offset)
        offset += 16
        number += 1
        if caplen > 0x4000000:
            cap.problems.append((number, f"record length {caplen} is not plausible: rest of file skipped"))
            break
        body = data[offset:offset + caplen]
        offset += caplen
        if len(body) < caplen:
            cap.problems.append((number, "record truncated: capture ends mid-packet"))
        cap.frames.append(Frame(number, sec + frac * unit, linktype, body, wirelen))
    return cap


def _read_pcapng(data: bytes) -> Capture:
    cap = Capture(format="pcapng")
    order = "<"
    interfaces: list[tuple[int, float]] = []  # (linktype, seconds per tick)
    offset, number = 0, 0
    while offset + 12 <= len(data):
        btype_raw = data[offset:offset + 4]
        if btype_raw == b"\x0a\x0d\x0d\x0a":  # section header: its own byte order, a fresh interface list
            bom = data[offset + 8:offset + 12]
            if bom == b"\x4d\x3c\x2b\x1a":
                order = "<"
            elif bom == b"\x1a\x2b\x3c\x4d":
                order = ">"
            else:
                cap.problems.append((number, "pcapng section header with an unknown byte order"))
                break
            interfaces = []
        btype, blen = struct.unpack_from(order + "II", data, offset)
        if blen < 12 or blen % 4 or offset + blen > len(data):
            cap.problems.append((number + 1, "pcapng block truncated or damaged: rest of file skipped"))
            break
        body = data[offset + 8:offset + blen - 4]
        offset += blen
        if btype == 1 and len(body) >= 8:  # interface description
            linktype = struct.unpack_from(order + "H", body, 0)[0]
            interfaces.append((linktype, _tsresol(body[8:], order)))
        elif btype in (6, 2) and len(body) >= 20:  # enhanced / obsolete packet block
            number += 1
            if btype == 6:
                iface, high, low, caplen, wirelen = struct.unpack_from(order + "IIIII", body, 0)
            else:
                iface, _drops, high, low, caplen, wirelen = struct.unpack_from(order + "HHIIII", body, 0)
            packet = body[20:20 + caplen]
            linktype, unit = interfaces[iface] if iface < len(interfaces) else (-1, 1e-6)
            if linktype < 0:
                cap.problems.append((number, "packet names an interface the file does not describe"))
            cap.frames.append(Frame(number, ((high << 32) | low) * unit, linktype, packet, wirelen))
        elif btype == 3 and len(body) >= 4:  # simple packet block: interface 0, no timestamp
            number += 1
            wirelen = struct.unpack_from(order + "I", body, 0)[0]
            linktype = interfaces[0][0] if interfaces else -1
            cap.frames.append(Frame(number, 0.0, linktype, body[4:4 + wirelen], wirelen))
    if 0 < len(data) - offset < 12:
        cap.problems.append((number + 1, "pcapng block truncated: capture ends mid-block"))
    return cap


def _tsresol(options: bytes, order: str) -> float:
    """Seconds per timestamp tick from an interface's if_tsresol option (default microseconds)."""
    pos = 0
    while pos + 4 <= len(options):
        code, length = struct.unpack_from(order + "HH", options, pos)
        if code == 0:
            break
        if code == 9 and length >= 1 and pos + 5 <= len(options):
            value = options[pos + 4]
            exponent = value & 0x7F
            if exponent > 60:
                return 1e-6
            return 2.0 ** -exponent if value & 0x80 else 10.0 ** -exponent
        pos += 4 + ((length + 3) & ~3)
    return 1e-6


# --------------------------------------------------------------------------- link and IP layers


def ip_of(frame: Frame) -> bytes | None:
    """The IP packet inside a frame, by link type; None when it carries something else."""
    data, link = frame.data, frame.linktype
    if link == 1:
        if len(data) < 14:
            return None
        ethertype = int.from_bytes(data[12:14], "big")
        pos = 14
        while ethertype in (0x8100, 0x88A8, 0x9100) and pos + 4 <= len(data):  # VLAN / QinQ tags
            ethertype = int.from_bytes(data[pos + 2:pos + 4], "big")
            pos += 4
        return data[pos:] if ethertype in (0x0800, 0x86DD) else None
    if link == 113:
        if len(data) < 16 or int.from_bytes(data[14:16], "big") not in (0x0800, 0x86DD):
            return None
        return data[16:]
    if link == 276:
        if len(data) < 20 or int.from_bytes(data[0:2], "big") not in (0x0800, 0x86DD):
            return None
        return data[20:]
    if link in (0, 108):
        return data[4:] if len(data) > 4 else None
    if link in (12, 14, 101, 228, 229):
        return data
    return None


@dataclass(slots=True)
class _Pieces:
    """The fragments of one datagram seen so far."""

    parts: dict[int, bytes] = field(default_factory=dict)
    frames: list[int] = field(default_factory=list)
    total: int | None = None


class Reassembler:
    """IPv4/IPv6 datagrams from frames, joining fragments (IKE with certificates often fragments)."""

    def __init__(self) -> None:
        self._pending: dict[tuple[int, str, str, int, int], _Pieces] = {}

    def feed(self, frame: Frame) -> Datagram | None:
        packet = ip_of(frame)
        if not packet:
            return None
        version = packet[0] >> 4
        if version == 4:
            return self._v4(frame, packet)
        if version == 6:
            return self._v6(frame, packet)
        return None

    def _v4(self, frame: Frame, packet: bytes) -> Datagram | None:
        if len(packet) < 20:
            return None
        ihl = (packet[0] & 0x0F) * 4
        total = int.from_bytes(packet[2:4], "big")
        if ihl < 20 or len(packet) < ihl:
            return None
        if total < ihl:  # TSO captures write 0 here: trust the captured length
            total = len(packet)
        ident = int.from_bytes(packet[4:6], "big")
        frag = int.from_bytes(packet[6:8], "big")
        more, offset = bool(frag & 0x2000), (frag & 0x1FFF) * 8
        proto = packet[9]
        src = str(ipaddress.IPv4Address(packet[12:16]))
        dst = str(ipaddress.IPv4Address(packet[16:20]))
        payload = packet[ihl:total]
        if not more and offset == 0:
            return Datagram(frame.number, frame.time, src, dst, proto, payload, total, False, (frame.number,))
        return self._fragment(frame, (4, src, dst, ident, proto), offset, more, payload, ihl)

    def _v6(self, frame: Frame, packet: bytes) -> Datagram | None:
        if len(packet) < 40:
            return None
        plen = int.from_bytes(packet[4:6], "big")
        nxt = packet[6]
        src = str(ipaddress.IPv6Address(packet[8:24]))
        dst = str(ipaddress.IPv6Address(packet[24:40]))
        pos, end = 40, 40 + plen if plen else len(packet)
        frag_info: tuple[int, bool, int] | None = None
        for _ in range(8):  # extension headers: hop-by-hop, routing, destination options, fragment
            if nxt in (0, 43, 60) and pos + 2 <= len(packet):
                nxt, pos = packet[pos], pos + (packet[pos + 1] + 1) * 8
            elif nxt == 44 and pos + 8 <= len(packet):
                word = int.from_bytes(packet[pos + 2:pos + 4], "big")
                frag_info = ((word & 0xFFF8), bool(word & 1), int.from_bytes(packet[pos + 4:pos + 8], "big"))
                nxt, pos = packet[pos], pos + 8
            else:
                break
        payload = packet[pos:end]
        if frag_info is None:
            return Datagram(frame.number, frame.time, src, dst, nxt, payload, 40 + len(packet[40:end]), False,
                            (frame.number,))
        offset, more, ident = frag_info
        return self._fragment(frame, (6, src, dst, ident, nxt), offset, more, payload, 40)

    def _fragment(self, frame: Frame, key: tuple[int, str, str, int, int], offset: int, more: bool,
                  payload: bytes, header: int) -> Datagram | None:
        pieces = self._pending.get(key)
        if pieces is None:
            if len(self._pending) >= MAX_FRAGMENT_SETS:
                self._pending.pop(next(iter(self._pending)))
            pieces = self._pending[key] = _Pieces()
        pieces.parts.setdefault(offset, payload)
        pieces.frames.append(frame.number)
        if not more:
            pieces.total = offset + len(payload)
        total = pieces.total
        if total is None or total > 65535:
            return None
        buf, pos = bytearray(), 0
        for start in sorted(pieces.parts):
            if start > pos:
                return None  # a hole: wait for more
            part = pieces.parts[start]
            buf += part[pos - start:]
            pos = max(pos, start + len(part))
        if pos < total:
            return None
        del self._pending[key]
        _version, src, dst, _ident, proto = key
        return Datagram(frame.number, frame.time, src, dst, proto, bytes(buf[:total]), header + total, True,
                        tuple(pieces.frames))

    def fragment_frames(self) -> list[int]:
        """Frames of fragments never completed (for the MTU evidence)."""
        return sorted(number for pieces in self._pending.values() for number in pieces.frames)


def datagrams(capture: Capture, reassembler: Reassembler | None = None) -> Iterator[Datagram]:
    """Every IP datagram of a capture, fragments joined."""
    joiner = reassembler or Reassembler()
    for frame in capture.frames:
        try:
            gram = joiner.feed(frame)
        except (ValueError, IndexError, struct.error):  # a damaged frame is skipped, never fatal
            continue
        if gram is not None:
            yield gram
