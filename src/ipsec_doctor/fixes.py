"""Fix commands in each device's own syntax and software version.

The command *forms* that changed between releases live in the tables below
(ASA 8.4 added the ``ikev1`` keyword; ASA 8.3 replaced ``nat 0`` with twice
NAT; PIX 6 has no ``crypto`` prefix on ISAKMP commands).  Checks call these
builders with the snapshot's own names, addresses, map names and sequence
numbers; secrets are always the placeholder :data:`PSK`.
"""

from __future__ import annotations

from .model import Device, Platform

PSK = "<pre-shared-key>"


def is_asa_84(device: Device) -> bool:
    """ASA 8.4 and later spell IKEv1 commands with the ``ikev1`` keyword."""
    return device.platform is Platform.ASA and device.version_at_least(8, 4)


def is_asa_83(device: Device) -> bool:
    """ASA 8.3 and later use object / twice NAT instead of ``nat 0`` and ``static``."""
    return device.platform is Platform.ASA and device.version_at_least(8, 3)


def ike_policy_command(device: Device, priority: int) -> str:
    """The command that opens (or prefixes) an IKEv1 policy."""
    if device.platform is Platform.IOS:
        return f"crypto isakmp policy {priority}"
    if device.platform is Platform.PIX6:
        return f"isakmp policy {priority}"
    return f"crypto ikev1 policy {priority}" if is_asa_84(device) else f"crypto isakmp policy {priority}"


def ike_policy_lines(device: Device, priority: int, attrs: dict[str, str]) -> list[str]:
    """Set IKEv1 policy attributes (keys: encryption, hash, authentication, group, lifetime).

    IOS and ASA ≥ 8.4 use a block; ASA < 8.4 and PIX 6 accept one-liners.
    """
    head = ike_policy_command(device, priority)
    words = {"encryption": "encryption" if device.platform is not Platform.IOS else "encr"}
    ordered = [k for k in ("authentication", "encryption", "hash", "group", "lifetime") if k in attrs]
    if device.platform is Platform.IOS or is_asa_84(device):
        return [head] + [f" {words.get(k, k)} {attrs[k]}" for k in ordered]
    return [f"{head} {words.get(k, k)} {attrs[k]}" for k in ordered]


def ike_enable_command(device: Device, interface: str) -> str:
    if device.platform is Platform.IOS:
        return "crypto isakmp enable"
    if device.platform is Platform.PIX6:
        return f"isakmp enable {interface}"
    return f"crypto ikev1 enable {interface}" if is_asa_84(device) else f"crypto isakmp enable {interface}"


def transform_set_command(device: Device, name: str, transforms: str) -> str:
    if device.platform is Platform.ASA and is_asa_84(device):
        return f"crypto ipsec ikev1 transform-set {name} {transforms}"
    return f"crypto ipsec transform-set {name} {transforms}"


def crypto_map_set(device: Device, map_name: str, seq: int, what: str) -> list[str]:
    """``set ...`` inside a crypto map entry: a block on IOS, a one-liner on ASA/PIX."""
    if device.platform is Platform.IOS:
        return [f"crypto map {map_name} {seq} ipsec-isakmp", f" {what}"]
    return [f"crypto map {map_name} {seq} {what}"]


def crypto_map_transform_keyword(device: Device) -> str:
    return "set ikev1 transform-set" if is_asa_84(device) else "set transform-set"


def psk_commands(device: Device, peer: str, *, netmask: str = "255.255.255.255", no_xauth: bool = False) -> list[str]:
    """Re-enter the pre-shared key for ``peer`` (value as a placeholder)."""
    if device.platform is Platform.IOS:
        suffix = " no-xauth" if no_xauth else ""
        return [f"no crypto isakmp key {PSK} address {peer}", f"crypto isakmp key {PSK} address {peer}{suffix}"]
    if device.platform is Platform.PIX6:
        return [
            f"no isakmp key {PSK} address {peer} netmask {netmask}",
            f"isakmp key {PSK} address {peer} netmask {netmask}",
        ]
    keyword = "ikev1 pre-shared-key" if is_asa_84(device) else "pre-shared-key"
    return [f"tunnel-group {peer} ipsec-attributes", f" {keyword} {PSK}"]


def nat_exemption_commands(device: Device, local_net: str, remote_net: str, inside: str, outside: str) -> list[str]:
    """An identity NAT (exemption) for local → remote traffic, in the device's NAT generation.

    ``local_net``/``remote_net`` are ``A.B.C.D/len`` strings.
    """
    from ipaddress import ip_network

    lnet, rnet = ip_network(local_net, strict=False), ip_network(remote_net, strict=False)
    lname = f"NET-{str(lnet.network_address).replace('.', '_')}-{lnet.prefixlen}"
    rname = f"NET-{str(rnet.network_address).replace('.', '_')}-{rnet.prefixlen}"
    if device.platform is Platform.IOS:
        return [
            "! add above the permit lines of the ACL used by `ip nat inside source`:",
            f" deny ip {lnet.network_address} {lnet.hostmask} {rnet.network_address} {rnet.hostmask}",
        ]
    if is_asa_83(device):
        return [
            f"object network {lname}",
            f" subnet {lnet.network_address} {lnet.netmask}",
            f"object network {rname}",
            f" subnet {rnet.network_address} {rnet.netmask}",
            f"nat ({inside},{outside}) 1 source static {lname} {lname} destination static {rname} {rname}"
            " no-proxy-arp route-lookup",
        ]
    extended = "" if device.platform is Platform.PIX6 else " extended"  # PIX 6 has no `extended` keyword
    return [
        f"access-list NONAT{extended} permit ip {lnet.network_address} {lnet.netmask} "
        f"{rnet.network_address} {rnet.netmask}",
        f"nat ({inside}) 0 access-list NONAT",
    ]
