"""Model look-ups shared by the remote-access checks (RA-*, P1-MAXLIFE).

ASA group-policy attributes are inherited: a tunnel-group's
``default-group-policy`` (or ``DfltGrpPolicy`` when it names none), then
``DfltGrpPolicy``, then the built-in value that ``show running-config all
group-policy DfltGrpPolicy`` prints.  :func:`effective` walks that chain and
says where the value came from, so a finding can cite the line — or the
tunnel-group line when nothing was configured.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Network, ip_network

from ..model import ANY4, Device, GroupPolicy, Interface, IPNetwork, Platform, Source, TunnelGroup, User

DFLT = "DfltGrpPolicy"
RA_TYPES = frozenset({"remote-access", "ipsec-ra"})
L2L_TYPES = frozenset({"ipsec-l2l"})
# Tunnel-groups that exist on every ASA even when `show run` prints no `type` line.
BUILTIN_GROUP_TYPES = {"DefaultRAGroup": "remote-access", "DefaultL2LGroup": "ipsec-l2l"}

# The DfltGrpPolicy values an ASA uses when no group-policy sets the attribute
# (ASA command reference for each attribute; `show running-config all`).
BUILTIN: dict[str, str] = {
    "split-tunnel-policy": "tunnelall",
    "split-tunnel-network-list": "none",
    "vpn-simultaneous-logins": "3",
    "vpn-idle-timeout": "30",
    "vpn-session-timeout": "none",
    "dns-server": "none",
    "default-domain": "none",
    "split-dns": "none",
    "address-pools": "none",
    "re-xauth": "disable",
}

# Group-policy attributes that only make sense for Easy VPN hardware clients
# (ASA 5505 / VPN 3002 as client): their presence marks a hardware-client group.
HW_CLIENT_ATTRIBUTES = ("nem", "secure-unit-authentication", "user-authentication", "ip-phone-bypass",
                        "leap-bypass")


@dataclass(frozen=True, slots=True)
class Effective:
    """One attribute's value as the ASA applies it, and where it was set."""

    attribute: str
    value: str
    policy: str | None  # the group-policy that set it; None = built-in default
    source: Source | None

    @property
    def defaulted(self) -> bool:
        return self.policy is None

    @property
    def is_none(self) -> bool:
        return self.value.strip().lower() in ("", "none")

    def origin(self) -> str:
        """Plain words for where the value came from."""
        if self.policy is None:
            return "not configured anywhere, so the built-in default applies"
        return f"set in group-policy {self.policy}"


def tg_type(tg: TunnelGroup) -> str | None:
    return tg.type or BUILTIN_GROUP_TYPES.get(tg.name)


def ra_tunnel_groups(device: Device) -> list[TunnelGroup]:
    """Remote-access tunnel-groups, in name order (ASA only)."""
    if device.platform is not Platform.ASA:
        return []
    return [tg for _, tg in sorted(device.tunnel_groups.items()) if tg_type(tg) in RA_TYPES]


def l2l_tunnel_groups(device: Device) -> list[TunnelGroup]:
    if device.platform is not Platform.ASA:
        return []
    return [tg for _, tg in sorted(device.tunnel_groups.items()) if tg_type(tg) in L2L_TYPES]


def policy_of(tg: TunnelGroup) -> str:
    """The group-policy a tunnel-group's sessions get (before per-user overrides)."""
    return tg.default_group_policy or DFLT


def policy_source(device: Device, tg: TunnelGroup) -> Source:
    """The line that binds the policy, else the tunnel-group's own line."""
    return tg.src("default-group-policy") if tg.default_group_policy else tg.source


def is_external(device: Device, policy: str) -> bool:
    """An external policy's attributes live on a RADIUS/LDAP server: nothing can be judged offline."""
    gp = device.group_policies.get(policy)
    return gp is not None and gp.kind == "external"


def effective(device: Device, policy: str, attribute: str) -> Effective:
    """``attribute`` as applied to sessions of ``policy``: the policy, then DfltGrpPolicy, then the default."""
    chain = [policy] if policy == DFLT else [policy, DFLT]
    for name in chain:
        gp: GroupPolicy | None = device.group_policies.get(name)
        if gp is None:
            continue
        attr = gp.get(attribute)
        if attr is not None:
            return Effective(attribute, attr.value, name, attr.source)
    return Effective(attribute, BUILTIN.get(attribute, "none"), None, None)


def groups_by_policy(device: Device, groups: Iterable[TunnelGroup]) -> dict[str, list[TunnelGroup]]:
    """Effective policy name → the tunnel-groups that use it (internal or missing policies only)."""
    out: dict[str, list[TunnelGroup]] = {}
    for tg in groups:
        name = policy_of(tg)
        if not is_external(device, name):
            out.setdefault(name, []).append(tg)
    return dict(sorted(out.items()))


def policy_line(device: Device, policy: str, groups: Iterable[TunnelGroup]) -> Source | None:
    """The best line to cite for a policy: its definition, else the first binding."""
    gp = device.group_policies.get(policy)
    if gp is not None and gp.source.line > 0:
        return gp.source
    for tg in groups:
        return policy_source(device, tg)
    return None


def names(groups: Iterable[TunnelGroup]) -> str:
    return ", ".join(tg.name for tg in groups)


def is_hw_client_policy(device: Device, policy: str, groups: Iterable[TunnelGroup]) -> bool:
    """True when the policy (or a group using it) is set up for Easy VPN hardware clients."""
    gp = device.group_policies.get(policy)
    if gp is not None and any(a in gp.attributes for a in HW_CLIENT_ATTRIBUTES):
        return True
    # Hardware clients authenticate without XAUTH; the source document disables it for them.
    return any(tg.ikev1_user_authentication == "none" for tg in groups)


# --------------------------------------------------------------------------- networks


def _private(net: IPNetwork) -> bool:
    return net.version == 4 and net.is_private and not net.is_loopback and not net.is_link_local


def inside_networks(device: Device) -> list[IPv4Network]:
    """The device's protected LAN networks, best guess, for fix commands.

    ASA/PIX: interfaces at security-level 100 (or named ``inside``).  IOS:
    ``ip nat inside`` interfaces, else private-address interfaces that carry
    no crypto map and are neither tunnels nor loopbacks.
    """
    picked: list[Interface]
    if device.platform is Platform.IOS:
        picked = [i for i in device.interfaces if i.nat_role == "inside"]
        if not picked:
            picked = [
                i for i in device.interfaces
                if i.crypto_map is None and i.tunnel is None and not i.name.lower().startswith(("loopback", "tunnel"))
                and i.primary_address is not None and _private(i.primary_address.network)
            ]
    else:
        picked = [i for i in device.interfaces if i.security_level == 100 or i.nameif == "inside"]
    out: list[IPv4Network] = []
    for itf in picked:
        addr = itf.primary_address
        if addr is not None and addr.version == 4:
            net = ip_network(addr.network, strict=False)
            if isinstance(net, IPv4Network) and net not in out:
                out.append(net)
    return out


def is_any(net: IPNetwork) -> bool:
    return net == ANY4 or net.prefixlen == 0


# --------------------------------------------------------------------------- pool references


def _pool_words(value: str) -> list[str]:
    return [w for w in value.split() if w.lower() not in ("none", "value") and not w.startswith("(")]


def referenced_pools(device: Device) -> set[str]:
    """Names of the address pools something hands out addresses from.

    ASA/PIX: a tunnel-group ``address-pool`` (any type) and the ``address-pools``
    attribute of any group-policy or username.  IOS: a client group's ``pool``;
    IOS pools can also be named by IKEv2 authorization policies and PPP
    ``peer default ip address pool`` lines that the model does not hold, so
    when no client group names a pool every IOS pool counts as used (a pool
    that is merely defined harms nothing, but an unseen reference must not
    hide a real fault).
    """
    if device.platform is Platform.IOS:
        named = {g.pool for g in device.client_groups.values() if g.pool}
        return named if named else set(device.pools)
    out: set[str] = set()
    for tg in device.tunnel_groups.values():
        out.update(_pool_words(" ".join(tg.address_pools)))
    holders: list[GroupPolicy | User] = [*device.group_policies.values(), *device.users.values()]
    for holder in holders:
        attr = holder.attributes.get("address-pools")
        if attr is not None:
            out.update(_pool_words(attr.value))
    return out
