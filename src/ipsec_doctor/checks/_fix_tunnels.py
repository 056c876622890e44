"""Fix commands of the tunnel checks, in each platform's syntax and version.

The generic forms (policy heads, transform-set heads, key commands) come
from :mod:`ipsec_doctor.fixes`; this module adds what only the tunnel checks
need: model values spelled the way each CLI wants them (IOS ``encr aes 256``
vs ASA ``encryption aes-256``), PFS and NAT-T lines, identity, crypto ACL
lines, and choosing a free policy priority.  Keys are always the
``<pre-shared-key>`` placeholder.
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network

from ..fixes import PSK, crypto_map_transform_keyword, ike_policy_lines, is_asa_84, psk_commands, transform_set_command
from ..model import AclEntry, Device, IkePolicy, Platform, PreSharedKey, Service, TransformSet
from ..pairing import TunnelEnd
from ._fix_maps import entry_lines

# --------------------------------------------------------------------------- ISAKMP policies


def ike_value(device: Device, attr: str, value: object) -> str:
    """A policy attribute value as ``device`` writes it."""
    if attr == "encryption":
        text = str(value)
        if device.platform is Platform.IOS and text.startswith("aes"):
            return "aes" if text == "aes" else "aes " + text.split("-", 1)[1]
        return text
    if attr == "lifetime":
        seconds = int(value)  # type: ignore[call-overload]
        if seconds == 0 and device.platform is Platform.ASA:
            return "none"
        return str(seconds)
    return str(value)


def policy_attrs(device: Device, policy: IkePolicy, only: tuple[str, ...] | None = None) -> dict[str, str]:
    """``policy``'s attributes (or ``only`` those) in ``device``'s spelling."""
    names = only or ("authentication", "encryption", "hash", "group", "lifetime")
    return {a: ike_value(device, a, getattr(policy, a)) for a in names}


def free_number(used: set[int], *fallbacks: int) -> int:
    """A policy number not in ``used``: 10 when none is, else 5 or 1 below the lowest, then ``fallbacks``
    (so the new policy is tried first), else the first free one from 10 above the highest."""
    if not used:
        return 10
    low = min(used)
    for candidate in (low - 5, low - 1, *fallbacks):
        if candidate >= 1 and candidate not in used:
            return candidate
    n = max(used) + 10
    while n in used:
        n += 1
    return n


def free_priority(device: Device) -> int:
    """A policy number below the existing ones when possible, so the new policy is tried first."""
    return free_number({p.priority for p in device.ikev1_policies})


def new_policy_lines(device: Device, like: IkePolicy) -> tuple[int, list[str]]:
    """Lines adding a policy to ``device`` equal to ``like`` (the peer's policy), and its number."""
    priority = free_priority(device)
    return priority, ike_policy_lines(device, priority, policy_attrs(device, like))


def set_policy_lines(device: Device, priority: int, attrs: dict[str, str]) -> list[str]:
    return ike_policy_lines(device, priority, attrs)


# --------------------------------------------------------------------------- transform sets and crypto map entries


def transform_words(device: Device, ts: TransformSet) -> str:
    """The transforms of ``ts`` written for ``device`` (IOS ``esp-aes 256``, ASA ``esp-aes-256``)."""
    words: list[str] = []
    if ts.ah:
        words.append(ts.ah)
    enc = ts.esp_encryption
    if enc:
        bits = ts.esp_key_bits
        if device.platform is Platform.IOS:
            words.append(f"{enc} {bits}" if bits and enc in ("esp-aes", "esp-gcm", "esp-gmac") and bits != 128
                         else enc)
        elif enc == "esp-aes":
            words.append("esp-aes" if not bits or bits == 128 else f"esp-aes-{bits}")
        elif enc in ("esp-gcm", "esp-gmac"):
            words.append(enc if not bits or bits == 128 else f"{enc}-{bits}")
        else:
            words.append(enc)
    if ts.esp_integrity:
        words.append(ts.esp_integrity)
    elif enc and device.platform is not Platform.IOS and enc not in ("esp-gcm", "esp-gmac"):
        words.append("esp-none")  # ASA/PIX write the absent hash explicitly
    return " ".join(words)


def transform_set_lines(device: Device, name: str, ts: TransformSet) -> list[str]:
    """Define transform set ``name`` on ``device`` with ``ts``'s transforms and mode."""
    lines = [transform_set_command(device, name, transform_words(device, ts))]
    if ts.mode == "transport":
        if device.platform is Platform.IOS:
            lines.append(" mode transport")
        else:
            keyword = "crypto ipsec ikev1 transform-set" if is_asa_84(device) else "crypto ipsec transform-set"
            lines.append(f"{keyword} {name} mode transport")
    return lines


def unused_name(device: Device, wanted: str) -> str:
    """``wanted`` if the device has no transform set of that name, else ``wanted-2``, ``wanted-3``…"""
    if wanted not in device.transform_sets:
        return wanted
    n = 2
    while f"{wanted}-{n}" in device.transform_sets:
        n += 1
    return f"{wanted}-{n}"


def entry_set_lines(device: Device, end: TunnelEnd, words: list[str]) -> list[str]:
    """``set …`` lines under the end's crypto map (or dynamic map) entry."""
    assert end.crypto_map is not None and end.seq is not None
    return entry_lines(device, end.crypto_map, end.seq, words, dynamic=end.dynamic)


def entry_unset_lines(device: Device, end: TunnelEnd, words: list[str]) -> list[str]:
    """Remove ``set …`` lines from the end's entry (``no set pfs`` / ``no crypto map M 10 set pfs``)."""
    assert end.crypto_map is not None and end.seq is not None
    if device.platform is Platform.IOS:
        return entry_lines(device, end.crypto_map, end.seq, [f"no {w}" for w in words], dynamic=end.dynamic)
    keyword = "crypto dynamic-map" if end.dynamic else "crypto map"
    return [f"no {keyword} {end.crypto_map} {end.seq} {w}" for w in words]


def use_transform_sets(device: Device, end: TunnelEnd, names: list[str]) -> list[str]:
    """Make the entry propose ``names`` (``set transform-set`` replaces the whole list)."""
    return entry_set_lines(device, end, [f"{crypto_map_transform_keyword(device)} " + " ".join(names)])


def pfs_words(group: int) -> str:
    return f"set pfs group{group}"


# --------------------------------------------------------------------------- keys, identity, NAT-T, enable


def key_lines(device: Device, peer: str, key: PreSharedKey | None) -> list[str]:
    """Re-enter the key for ``peer``: a keyring entry, a subnet key, or the plain per-address form."""
    if device.platform is Platform.IOS and key is not None and key.keyring:
        where = _ios_key_target(key, peer)
        return [f"crypto keyring {key.keyring}", f" pre-shared-key {where} key {PSK}"]
    if device.platform is Platform.IOS and key is not None and key.peer is not None and key.peer.prefixlen < 32:
        target = f"{key.peer.network_address} {key.peer.netmask}"
        return [f"no crypto isakmp key {PSK} address {target}", f"crypto isakmp key {PSK} address {target}"]
    if device.platform is Platform.PIX6 and key is not None and key.peer is not None:
        return psk_commands(device, str(key.peer.network_address), netmask=str(key.peer.netmask))
    return psk_commands(device, peer, no_xauth=key.no_xauth if key is not None else False)


def _ios_key_target(key: PreSharedKey, peer: str) -> str:
    if key.peer is not None and key.peer.prefixlen < key.peer.max_prefixlen:
        return f"address {key.peer.network_address} {key.peer.netmask}"
    return f"address {peer}"


def identity_line(device: Device, method: str = "address") -> str:
    if device.platform is Platform.PIX6:
        return f"isakmp identity {method}"
    return f"crypto isakmp identity {method}"


def natt_lines(device: Device, end: TunnelEnd) -> list[str]:
    """Turn NAT-Traversal back on for ``end`` (global setting and, on ASA, the entry's opt-out)."""
    lines: list[str] = []
    entry = end.entry
    if not device.ike.nat_traversal:
        if device.platform is Platform.IOS:
            lines.append("crypto ipsec nat-transparency udp-encapsulation")
        elif device.platform is Platform.PIX6:
            lines.append("isakmp nat-traversal 20")
        else:
            lines.append("crypto isakmp nat-traversal 20")
    if entry is not None and entry.nat_t_disable:
        lines += entry_unset_lines(device, end, ["set nat-t-disable"])
    return lines


# --------------------------------------------------------------------------- crypto ACL lines


def _address(device: Device, net: IPv4Network | IPv6Network) -> str:
    if net.prefixlen == 0:
        return "any" if net.version == 4 or device.platform is Platform.IOS else "any6"
    if net.prefixlen == net.max_prefixlen:
        return f"host {net.network_address}"
    if device.platform is Platform.IOS:
        return f"{net.network_address} {net.hostmask}"
    if net.version == 6:
        return str(net)
    return f"{net.network_address} {net.netmask}"


def _ports(ranges: tuple[tuple[int, int], ...] | None) -> list[str]:
    """One ACL port clause per range (`eq 443`, `range 1000 2000`); [""] for no restriction."""
    if not ranges:
        return [""]
    out = []
    for lo, hi in ranges:
        if lo == hi:
            out.append(f" eq {lo}")
        elif lo == 0:
            out.append(f" lt {hi + 1}")
        elif hi == 65535:
            out.append(f" gt {lo - 1}")
        else:
            out.append(f" range {lo} {hi}")
    return out


def ace_texts(device: Device, action: str, service: Service, sources: tuple[IPv4Network | IPv6Network, ...],
              destinations: tuple[IPv4Network | IPv6Network, ...]) -> list[str]:
    """ACE bodies (``permit ip A W B W``) for every source × destination × port range."""
    proto = "ip" if service.any_protocol else service.protocol
    out: list[str] = []
    for s in sources:
        for sp in _ports(service.src_ports):
            for d in destinations:
                for dp in _ports(service.dst_ports):
                    out.append(f"{action} {proto} {_address(device, s)}{sp} {_address(device, d)}{dp}")
    return out


def mirrored_aces(device: Device, entries: tuple[AclEntry, ...]) -> list[str]:
    """The peer's ACEs with source and destination (and their ports) swapped, in ``device``'s syntax."""
    out: list[str] = []
    for e in entries:
        if e.inactive:
            continue
        for svc in e.services:
            swapped = Service(svc.protocol, svc.dst_ports, svc.src_ports)
            out.extend(ace_texts(device, e.action, swapped, e.destinations, e.sources))
    return out


def own_aces(device: Device, entry: AclEntry) -> list[str]:
    out: list[str] = []
    for svc in entry.services:
        out.extend(ace_texts(device, entry.action, svc, entry.sources, entry.destinations))
    return out


def acl_edit_lines(device: Device, acl_name: str, remove: list[AclEntry], add: list[str]) -> list[str]:
    """Remove ``remove`` (by their own text) and append ``add`` to ``acl_name``, in ``device``'s syntax.

    IOS edits inside ``ip access-list extended`` (also for numbered lists:
    ``no access-list 101 …`` at the top level would delete the whole list).
    """
    if device.platform is Platform.IOS:
        lines = [f"ip access-list extended {acl_name}"]
        for e in remove:
            lines.append(" no " + (str(e.sequence) if e.sequence is not None else _ios_body(e)))
        lines += [f" {a}" for a in add]
        return lines
    extended = "" if device.platform is Platform.PIX6 else " extended"
    lines = []
    for e in remove:
        text = e.source.text.strip()
        if text.startswith("access-list "):
            lines.append(f"no {text}")
        else:
            lines += [f"no access-list {acl_name}{extended} {body}" for body in own_aces(device, e)]
    lines += [f"access-list {acl_name}{extended} {a}" for a in add]
    return lines


def _ios_body(e: AclEntry) -> str:
    """The ACE as written after the list name (numbered list) or as a named-list line."""
    text = e.source.text.strip()
    words = text.split()
    if words[:1] == ["access-list"] and len(words) > 2:
        return " ".join(words[2:])
    if words and words[0].isdecimal():
        return " ".join(words[1:])
    return text
