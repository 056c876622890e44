"""From IP datagrams to IKE sessions (timelines) and ESP flows.

A session is one IKE SA attempt: the initiator's SPI (cookie) between one
pair of addresses, with every message in capture order, labelled the way an
engineer names them (MM1..MM6, AM1..AM3, QM1..QM3, IKE_SA_INIT request ...),
and retransmissions (the same bytes sent again in the same direction) marked.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass, field

from . import names
from .capture import Datagram
from .ike import IkeMessage, Proposal, decode

IKE_PORTS = (500, 4500)
LARGE_IKE = 1400  # an IKE datagram above this risks fragmentation on a 1500-byte path with overhead


@dataclass(slots=True)
class Message:
    frame: int
    time: float
    src: str
    sport: int
    dst: str
    dport: int
    ip_length: int
    fragmented: bool
    frames: tuple[int, ...]
    ike: IkeMessage
    from_initiator: bool = True
    label: str = ""
    retransmit_of: int | None = None

    @property
    def message_id(self) -> str:
        return f"IKEv{self.ike.version} {self.label}"

    @property
    def large(self) -> bool:
        return self.fragmented or self.ip_length > LARGE_IKE or self.ike.fragment is not None

    def describe(self) -> str:
        """One line for evidence: who sent what, and what was visible in clear."""
        parts = [f"{self.src}:{self.sport} -> {self.dst}:{self.dport} {self.message_id}"]
        if self.ike.encrypted:
            parts.append("(encrypted" + (f", first payload {self.ike.first_inner}" if self.ike.first_inner
                                          and self.ike.version == 2 else "") + ")")
        if self.ike.proposals:
            parts.append("SA[" + "; ".join(p.text() for p in self.ike.proposals[:4]) + "]")
        errors = [n.name for n in self.ike.notifies if n.type not in (names.NAT_DETECTION_SOURCE_IP,
                                                                       names.NAT_DETECTION_DESTINATION_IP)]
        if errors:
            parts.append("N(" + ", ".join(errors) + ")")
        if self.retransmit_of is not None:
            parts.append(f"retransmission of frame {self.retransmit_of}")
        if self.fragmented:
            parts.append(f"IP-fragmented, {self.ip_length} bytes")
        elif self.ip_length > LARGE_IKE:
            parts.append(f"{self.ip_length} bytes")
        return " ".join(parts)


@dataclass(slots=True)
class NatCheck:
    """What the NAT-D payloads say about one message (RFC 3947 / RFC 7296 2.23)."""

    frame: int
    sender: str
    sender_translated: bool  # the source address/port in the packet is not one the sender hashed
    receiver_translated: bool  # the destination in the packet is not the one the sender hashed
    algorithm: str


@dataclass(slots=True)
class Session:
    version: int
    ispi: str
    initiator: str
    responder: str
    rspi: str = ""
    messages: list[Message] = field(default_factory=list)
    nat: list[NatCheck] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.initiator} -> {self.responder} IKEv{self.version} SPI {self.ispi}"

    def originals(self) -> list[Message]:
        return [m for m in self.messages if m.retransmit_of is None]

    def from_side(self, initiator: bool) -> list[Message]:
        return [m for m in self.messages if m.from_initiator == initiator]

    @property
    def offered(self) -> list[Proposal]:
        for m in self.messages:
            if m.from_initiator and m.ike.proposals and m.label in ("MM1", "AM1", "IKE_SA_INIT request"):
                return m.ike.proposals
        return []

    @property
    def chosen(self) -> Proposal | None:
        for m in self.messages:
            if not m.from_initiator and m.ike.proposals and m.label in ("MM2", "AM2", "IKE_SA_INIT response"):
                return m.ike.proposals[0]
        return None

    def labels(self) -> set[str]:
        return {m.label for m in self.messages}

    @property
    def uses_4500(self) -> bool:
        return any(4500 in (m.sport, m.dport) for m in self.messages)

    @property
    def natt_vendor_both(self) -> bool:
        sides = {m.from_initiator for m in self.messages if any(names.is_natt_vendor(v) for v in m.ike.vendor_ids)}
        return sides == {True, False}


@dataclass(slots=True)
class EspFlow:
    src: str
    dst: str
    spi: str
    encapsulated: bool  # ESP in UDP 4500 (RFC 3948)
    packets: int = 0
    bytes: int = 0
    first_frame: int = 0
    last_frame: int = 0
    fragmented_frames: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"src": self.src, "dst": self.dst, "spi": self.spi, "udp_encapsulated": self.encapsulated,
                "packets": self.packets, "bytes": self.bytes, "first_frame": self.first_frame,
                "last_frame": self.last_frame}


@dataclass(slots=True)
class Collector:
    """Accumulates sessions and ESP flows datagram by datagram."""

    sessions: dict[tuple[object, ...], Session] = field(default_factory=dict)
    esp: dict[tuple[str, str, str, bool], EspFlow] = field(default_factory=dict)
    keepalives: int = 0
    other_udp: int = 0
    _seen: dict[tuple[object, ...], int] = field(default_factory=dict)

    def add(self, gram: Datagram) -> None:
        if gram.proto == 50:
            self._esp(gram, gram.payload, False)
            return
        if gram.proto != 17 or len(gram.payload) < 8:
            return
        udp = gram.payload
        sport, dport = int.from_bytes(udp[0:2], "big"), int.from_bytes(udp[2:4], "big")
        ulen = int.from_bytes(udp[4:6], "big")
        body = udp[8:ulen] if 8 <= ulen <= len(udp) else udp[8:]
        if sport not in IKE_PORTS and dport not in IKE_PORTS:
            self.other_udp += 1
            return
        if 4500 in (sport, dport):
            if body == b"\xff":
                self.keepalives += 1  # NAT-T keepalive (RFC 3948 2.3)
                return
            if len(body) >= 4 and body[:4] != b"\x00\x00\x00\x00":
                self._esp(gram, body, True)
                return
            body = body[4:]  # the non-ESP marker precedes IKE on 4500
        msg = decode(body)
        if msg is None:
            return
        self._ike(gram, sport, dport, msg, body)

    def _esp(self, gram: Datagram, body: bytes, encapsulated: bool) -> None:
        if len(body) < 8:
            return
        spi = body[0:4].hex()
        key = (gram.src, gram.dst, spi, encapsulated)
        flow = self.esp.get(key)
        if flow is None:
            flow = self.esp[key] = EspFlow(gram.src, gram.dst, spi, encapsulated, first_frame=gram.frame)
        flow.packets += 1
        flow.bytes += gram.ip_length
        flow.last_frame = gram.frame
        if gram.fragmented and len(flow.fragmented_frames) < 16:
            flow.fragmented_frames.append(gram.frame)

    def _ike(self, gram: Datagram, sport: int, dport: int, msg: IkeMessage, body: bytes) -> None:
        pair = tuple(sorted((gram.src, gram.dst)))
        key = (msg.version, msg.ispi, pair)
        session = self.sessions.get(key)
        if session is None:
            if msg.version == 2 and msg.initiator_flag is False:
                initiator, responder = gram.dst, gram.src  # the capture starts with a response
            elif msg.version == 1 and msg.rspi != bytes(8) and msg.exchange == 2 and not msg.flags & 1:
                initiator, responder = gram.src, gram.dst  # mid-exchange start: assume the sender initiated
            else:
                initiator, responder = gram.src, gram.dst
            session = self.sessions[key] = Session(msg.version, msg.ispi.hex(), initiator, responder)
        if msg.rspi != bytes(8):
            session.rspi = msg.rspi.hex()
        if msg.version == 2 and msg.initiator_flag is not None:
            from_init = msg.initiator_flag
        else:
            from_init = gram.src == session.initiator
        item = Message(gram.frame, gram.time, gram.src, sport, gram.dst, dport, gram.ip_length, gram.fragmented,
                       gram.frames, msg, from_init)
        seen_key = (key, from_init, body[:max(msg.length, 28)])
        first = self._seen.get(seen_key)
        if first is not None:
            item.retransmit_of = first
        else:
            self._seen[seen_key] = gram.frame
        item.label = _label(session, item)
        session.messages.append(item)
        self._natd(session, item)

    def _natd(self, session: Session, item: Message) -> None:
        msg = item.ike
        if item.retransmit_of is not None:
            return
        if msg.version == 1 and msg.natd:
            algo = _v1_hash(session)
            if algo is None:
                return
            dst = _natd_hash(algo, msg.ispi + msg.rspi, item.dst, item.dport)
            src = _natd_hash(algo, msg.ispi + msg.rspi, item.src, item.sport)
            session.nat.append(NatCheck(item.frame, item.src, src not in msg.natd[1:], msg.natd[0] != dst, algo))
        elif msg.version == 2 and (msg.nat_src or msg.nat_dst):
            spis = msg.ispi + msg.rspi
            src = _natd_hash("sha1", spis, item.src, item.sport)
            dst = _natd_hash("sha1", spis, item.dst, item.dport)
            session.nat.append(NatCheck(item.frame, item.src, bool(msg.nat_src) and src not in msg.nat_src,
                                        bool(msg.nat_dst) and dst not in msg.nat_dst, "sha1"))


def _v1_hash(session: Session) -> str | None:
    """The hashlib name of the phase 1 hash: from the chosen transform, else a single offered one."""
    chosen = session.chosen
    transforms = chosen.transforms if chosen else tuple(t for p in session.offered for t in p.transforms)
    hashes = {dict(t.attrs).get("hash") for t in transforms}
    if len(hashes) != 1:
        return None
    return names.V1_HASHLIB.get(hashes.pop() or "")


def _natd_hash(algo: str, spis: bytes, address: str, port: int) -> bytes:
    try:
        packed = ipaddress.ip_address(address).packed
    except ValueError:
        return b""
    return hashlib.new(algo, spis + packed + port.to_bytes(2, "big")).digest()


_V1_SEQ = {2: "MM", 4: "AM", 32: "QM"}


def _label(session: Session, item: Message) -> str:
    msg = item.ike
    if msg.version == 2:
        role = "response" if msg.response else "request"
        label = f"{msg.exchange_name} {role}"
        if msg.fragment is not None:
            label += f" fragment {msg.fragment[0]}/{msg.fragment[1]}"
        return label
    prefix = _V1_SEQ.get(msg.exchange)
    if prefix is None:
        if msg.exchange == 5:
            return "INFO"
        if msg.exchange == 6:
            return "MODECFG"
        return msg.exchange_name.upper()
    if item.retransmit_of is not None:
        for m in session.messages:
            if m.frame == item.retransmit_of:
                return m.label
    same = [m for m in session.messages
            if m.ike.exchange == msg.exchange and m.retransmit_of is None and (prefix != "QM" or m.ike.msgid == msg.msgid)]
    if msg.fragment is not None and same and same[-1].ike.fragment is not None and same[-1].from_initiator == \
            item.from_initiator:
        return same[-1].label  # the next Cisco fragment of the same message
    return f"{prefix}{len(same) + 1}"
