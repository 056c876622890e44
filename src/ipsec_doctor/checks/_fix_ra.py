"""Fix command builders for the remote-access, keepalive, MSS and platform checks.

The forms here did not change between ASA 7.x and 9.x (group-policy and
tunnel-group blocks, ``ip local pool``, ``aaa-server``), except where noted;
IKE policy syntax comes from :mod:`ipsec_doctor.fixes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network

from ..model import AddressPool, Device, IPAddress, Platform


def group_policy_lines(policy: str, lines: Iterable[str]) -> list[str]:
    """``group-policy P attributes`` followed by indented sub-commands."""
    return [f"group-policy {policy} attributes"] + [f" {line}" for line in lines]


def tunnel_group_lines(tunnel_group: str, block: str, lines: Iterable[str]) -> list[str]:
    """``tunnel-group T general-attributes|ipsec-attributes`` with sub-commands."""
    return [f"tunnel-group {tunnel_group} {block}"] + [f" {line}" for line in lines]


def asa_standard_acl(name: str, networks: Iterable[IPv4Network]) -> list[str]:
    nets = list(networks)
    if not nets:
        return [f"access-list {name} standard permit <inside-network> <mask>"]
    return [f"access-list {name} standard permit {n.network_address} {n.netmask}" for n in nets]


def ios_split_acl(name: str, networks: Iterable[IPv4Network]) -> list[str]:
    """A named extended ACL whose sources are the inside networks (destination any)."""
    nets = list(networks)
    body = [f" permit ip {n.network_address} {n.hostmask} any" for n in nets] or [
        " permit ip <inside-network> <wildcard> any"
    ]
    return [f"ip access-list extended {name}"] + body


def pool_lines(device: Device, pool: AddressPool, first: IPAddress, last: IPAddress,
               mask: IPv4Address | None, name: str | None = None, *, replace: bool = True) -> list[str]:
    """Re-define a pool (``no`` of the old range first, as the source document does)."""
    new = name or pool.name
    out: list[str] = []
    if device.platform is Platform.IOS:
        if replace:
            out.append(f"no ip local pool {pool.name} {pool.first} {pool.last}")
        out.append(f"ip local pool {new} {first} {last}")
        return out
    if replace:
        old_mask = f" mask {pool.mask}" if pool.mask is not None else ""
        out.append(f"no ip local pool {pool.name} {pool.first}-{pool.last}{old_mask}")
    suffix = f" mask {mask}" if mask is not None else ""
    out.append(f"ip local pool {new} {first}-{last}{suffix}")
    return out


def keepalive_asa(tunnel_group: str) -> list[str]:
    return tunnel_group_lines(tunnel_group, "ipsec-attributes", ["isakmp keepalive threshold 15 retry 10"])


def keepalive_ios() -> list[str]:
    return ["crypto isakmp keepalive 15"]
