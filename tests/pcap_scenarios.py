"""IKE exchanges as IP datagrams, built byte-exact with ipsec_doctor.pcap.writer (RFC 2408/2409/3947/7296).

Each function returns a list of IP datagrams in capture order; ``write``
frames them (Ethernet) into a pcap or pcapng file.
"""

from __future__ import annotations

from pathlib import Path

from ipsec_doctor.pcap import writer as w

A, B = "192.0.2.1", "198.51.100.2"  # initiator, responder
ICKY = bytes.fromhex("1122334455667788")
RCKY = bytes.fromhex("99aabbccddeeff00")
ZERO = bytes(8)

VID_DPD = bytes.fromhex("afcad71368a1f1c96b8696fc77570100")
VID_NATT = bytes.fromhex("4a131c81070358455c5728f20e95452f")
VID_NATT_D02 = bytes.fromhex("90cb80913ebb696e086381b5ec427b1f")
VID_UNITY = bytes.fromhex("12f5f28c457168a9702d9fe274cc0100")
VID_XAUTH = bytes.fromhex("09002689dfd6b712")
VID_FRAG = bytes.fromhex("4048b7d56ebce88525e7de7f00d6c2d380000000")

# IKEv1 payload numbers
SA, KE, ID, HASH, NONCE, N, VID, NATD = 1, 4, 5, 8, 10, 11, 13, 20


def write(path: Path, grams: list[bytes], ng: bool = False) -> Path:
    frames = [(1_700_000_000.0 + i * 0.25, w.ethernet(g)) for i, g in enumerate(grams)]
    path.write_bytes(w.pcapng_file(frames) if ng else w.pcap_file(frames))
    return path


def offer_aes256_sha_g14() -> bytes:
    return w.v1_sa([(1, b"", [w.p1_transform(7, 2, 1, 14, 256)])])


def offer_two() -> bytes:
    return w.v1_sa([(1, b"", [w.p1_transform(7, 4, 1, 14, 256), w.p1_transform(5, 1, 1, 2)])])


def mm1(sa: bytes | None = None) -> bytes:
    return w.message(ICKY, ZERO, 1, 2, 0, 0, [(SA, sa or offer_aes256_sha_g14()), (VID, VID_DPD), (VID, VID_NATT),
                                             (VID, VID_NATT_D02), (VID, VID_FRAG)])


def mm2() -> bytes:
    return w.message(ICKY, RCKY, 1, 2, 0, 0, [(SA, offer_aes256_sha_g14()), (VID, VID_DPD), (VID, VID_NATT),
                                             (VID, VID_UNITY), (VID, VID_XAUTH)])


def mm34(src: str, sport: int, dst: str, dport: int, fake_src: str | None = None, algo: str = "sha1") -> bytes:
    """MM3/MM4: KE, nonce, NAT-D of the receiver then of the sender (``fake_src``: the address before a NAT)."""
    natd_dst = w.natd(algo, ICKY, RCKY, dst, dport)
    natd_src = w.natd(algo, ICKY, RCKY, fake_src or src, sport)
    return w.message(ICKY, RCKY, 1, 2, 0, 0, [(KE, bytes(range(256))), (NONCE, bytes(range(32))),
                                             (NATD, natd_dst), (NATD, natd_src)])


def encrypted(exchange: int, msgid: int, first: int, seed: int, size: int = 76) -> bytes:
    body = bytes((seed * 31 + i * 17) & 0xFF for i in range(size))
    return w.header(ICKY, RCKY, first, 0x10, exchange, 0x01, msgid, body)


def main_mode(natted_src: str | None = None, port: int = 500) -> list[bytes]:
    return [
        w.ike_datagram(A, B, mm1()),
        w.ike_datagram(B, A, mm2()),
        w.ike_datagram(A, B, mm34(A, 500, B, 500, natted_src)),
        w.ike_datagram(B, A, mm34(B, 500, A, 500)),
        w.ike_datagram(A, B, encrypted(2, 0, ID, 5), port, port),
        w.ike_datagram(B, A, encrypted(2, 0, ID, 6), port, port),
    ]


def quick_mode(port: int = 500) -> list[bytes]:
    msgid = 0x1A2B3C4D
    return [
        w.ike_datagram(A, B, encrypted(32, msgid, HASH, 7, 156), port, port),
        w.ike_datagram(B, A, encrypted(32, msgid, HASH, 8, 156), port, port),
        w.ike_datagram(A, B, encrypted(32, msgid, HASH, 9, 44), port, port),
    ]


def esp_both(count: int = 4, encapsulated: bool = False) -> list[bytes]:
    out = []
    for seq in range(1, count + 1):
        out.append(w.esp_datagram(A, B, 0xC0FFEE01, seq, encapsulated=encapsulated))
        out.append(w.esp_datagram(B, A, 0xBEEF0002, seq, encapsulated=encapsulated))
    return out


def v1_info_notify(src: str, dst: str, ntype: int, protocol: int = 1, spi: bytes = b"", rspi: bytes = ZERO,
                   msgid: int = 0x0BADF00D) -> bytes:
    """A cleartext INFORMATIONAL with one notify (what a responder sends before phase 1 keys exist)."""
    if protocol == 1 and not spi:
        spi = ICKY + rspi
    return w.ike_datagram(src, dst, w.message(ICKY, rspi, 1, 5, 0, msgid, [(N, w.v1_notify(ntype, protocol, spi))]))


# --------------------------------------------------------------------------- IKEv2

SPI_I = bytes.fromhex("a1a2a3a4a5a6a7a8")
SPI_R = bytes.fromhex("b1b2b3b4b5b6b7b8")
V2_SA, V2_KE, V2_NONCE, V2_N, V2_IDI, V2_IDR, V2_AUTH = 33, 34, 40, 41, 35, 36, 39


def v2_offer() -> bytes:
    return w.v2_sa([(1, b"", [(1, 12, 256), (3, 12, 0), (2, 5, 0), (4, 14, 0)])])


def v2_init_req(group: int = 14, src: str = A, dst: str = B) -> bytes:
    nat_src = w.natd("sha1", SPI_I, ZERO, src, 500)
    nat_dst = w.natd("sha1", SPI_I, ZERO, dst, 500)
    return w.message(SPI_I, ZERO, 2, 34, 0x08, 0, [
        (V2_SA, v2_offer()), (V2_KE, w.v2_ke(group)), (V2_NONCE, bytes(range(32))),
        (V2_N, w.v2_notify(16388, data=nat_src)), (V2_N, w.v2_notify(16389, data=nat_dst)),
        (V2_N, w.v2_notify(16430))])


def v2_init_resp(src: str = B, dst: str = A) -> bytes:
    nat_src = w.natd("sha1", SPI_I, SPI_R, src, 500)
    nat_dst = w.natd("sha1", SPI_I, SPI_R, dst, 500)
    return w.message(SPI_I, SPI_R, 2, 34, 0x20, 0, [
        (V2_SA, v2_offer()), (V2_KE, w.v2_ke(14)), (V2_NONCE, bytes(range(32, 64))),
        (V2_N, w.v2_notify(16388, data=nat_src)), (V2_N, w.v2_notify(16389, data=nat_dst))])


def v2_notify_only(ntype: int, exchange: int = 34, data: bytes = b"") -> bytes:
    return w.message(SPI_I, ZERO, 2, exchange, 0x20, 0, [(V2_N, w.v2_notify(ntype, data=data))])


def v2_auth(first_response_inner: int = V2_IDR, port: int = 4500) -> list[bytes]:
    return [
        w.ike_datagram(A, B, w.message_sk(SPI_I, SPI_R, 35, 0x08, 1, V2_IDI, 240), port, port),
        w.ike_datagram(B, A, w.message_sk(SPI_I, SPI_R, 35, 0x20, 1, first_response_inner,
                                          200 if first_response_inner == V2_IDR else 48), port, port),
    ]
