"""Crypto map and tunnel-group fix commands in each platform's syntax.

IOS enters a crypto map entry as a block (``crypto map M 10 ipsec-isakmp``
then indented ``set``/``match`` lines); ASA and PIX 6 use one line per
attribute (``crypto map M 10 set peer P``).  ASA 8.4 and later name the
IKEv1 transform set ``set ikev1 transform-set``.  Everything here uses the
snapshot's own names; values the configuration cannot tell are written as
``<placeholders>``.
"""

from __future__ import annotations

from ..fixes import PSK, crypto_map_transform_keyword, is_asa_84
from ..model import CryptoMapEntry, Device, Platform


def _set_words(device: Device, entry: CryptoMapEntry, *, include_match: bool = True) -> list[str]:
    """The ``set``/``match`` clauses that recreate ``entry`` (without the map name and sequence)."""
    words: list[str] = []
    if include_match and entry.match_acl:
        words.append(f"match address {entry.match_acl}")
    if entry.peers:
        words.append("set peer " + " ".join(p.raw for p in entry.peers))
    if entry.transform_sets:
        words.append(f"{crypto_map_transform_keyword(device)} " + " ".join(entry.transform_sets))
    if entry.ikev2_proposals:
        words.append("set ikev2 ipsec-proposal " + " ".join(entry.ikev2_proposals))
    if entry.pfs_group is not None:
        words.append(f"set pfs group{entry.pfs_group}")
    if entry.lifetime_seconds is not None:
        words.append(f"set security-association lifetime seconds {entry.lifetime_seconds}")
    if entry.lifetime_kilobytes is not None:
        words.append(f"set security-association lifetime kilobytes {entry.lifetime_kilobytes}")
    if entry.isakmp_profile and device.platform is Platform.IOS:
        words.append(f"set isakmp-profile {entry.isakmp_profile}")
    if entry.reverse_route:
        words.append("reverse-route" if device.platform is Platform.IOS else "set reverse-route")
    return words


def entry_lines(
    device: Device, map_name: str, seq: int, words: list[str], *, dynamic: bool = False, new: bool = False
) -> list[str]:
    """Lines that enter ``words`` under ``map_name seq`` (a static or a dynamic map).

    ``new``: the entry does not exist yet (PIX 6 then needs its opening line).
    """
    keyword = "crypto dynamic-map" if dynamic else "crypto map"
    if device.platform is Platform.IOS:
        head = f"{keyword} {map_name} {seq}" if dynamic else f"{keyword} {map_name} {seq} ipsec-isakmp"
        return [head] + [f" {w}" for w in words]
    # PIX 6 opens an entry with `ipsec-isakmp`; ASA show run never prints that line.
    opening = new and device.platform is Platform.PIX6 and not dynamic
    lines = [f"{keyword} {map_name} {seq} ipsec-isakmp"] if opening else []
    return lines + [f"{keyword} {map_name} {seq} {w}" for w in words]


def recreate_entry(device: Device, map_name: str, seq: int, entry: CryptoMapEntry, *, dynamic: bool = False) -> list[str]:
    """Enter a copy of ``entry`` as ``map_name seq``."""
    return entry_lines(device, map_name, seq, _set_words(device, entry), dynamic=dynamic, new=True)


def remove_entry(device: Device, entry: CryptoMapEntry) -> list[str]:
    """Remove a static entry: one ``no`` on IOS, one ``no`` per attribute line on ASA/PIX."""
    if device.platform is Platform.IOS:
        return [f"no crypto map {entry.map_name} {entry.seq}"]
    return [f"no crypto map {entry.map_name} {entry.seq} {w}" for w in _set_words(device, entry)]


def set_transform_words(device: Device, names: list[str]) -> str:
    return f"{crypto_map_transform_keyword(device)} " + " ".join(names)


def dynamic_reference(map_name: str, seq: int, dynamic_map: str) -> str:
    """The entry that points a static map at a dynamic map (same text on every platform)."""
    return f"crypto map {map_name} {seq} ipsec-isakmp dynamic {dynamic_map}"


def bind_lines(device: Device, map_name: str, interface: str) -> list[str]:
    if device.platform is Platform.IOS:
        return [f"interface {interface}", f" crypto map {map_name}"]
    return [f"crypto map {map_name} interface {interface}"]


def unbind_lines(device: Device, map_name: str, interface: str) -> list[str]:
    if device.platform is Platform.IOS:
        return [f"interface {interface}", f" no crypto map {map_name}"]
    return [f"no crypto map {map_name} interface {interface}"]


def l2l_tunnel_group_lines(device: Device, peer: str) -> list[str]:
    """A site-to-site tunnel-group named after the peer, with its key as a placeholder."""
    keyword = "ikev1 pre-shared-key" if is_asa_84(device) else "pre-shared-key"
    return [
        f"tunnel-group {peer} type ipsec-l2l",
        f"tunnel-group {peer} ipsec-attributes",
        f" {keyword} {PSK}",
    ]


def free_seq(used: set[int], start: int, limit: int = 65535) -> int | None:
    """The first sequence number ≥ ``start`` and ≤ ``limit`` that is not in ``used``."""
    n = max(start, 1)
    while n <= limit:
        if n not in used:
            return n
        n += 1
    return None
