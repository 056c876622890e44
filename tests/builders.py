"""Small builders for model objects, so tests read like configurations.

Tests of acl/pairing/negotiate build devices directly from the model (the
dialects are tested elsewhere); these helpers keep each test a few lines.
"""

from __future__ import annotations

from ipaddress import IPv4Address, ip_address, ip_interface, ip_network

from ipsec_doctor.model import (
    ANY4,
    AccessList,
    AclEntry,
    CryptoMap,
    CryptoMapBinding,
    CryptoMapEntry,
    Device,
    IkeEnable,
    IkePolicy,
    IkeSettings,
    Interface,
    Peer,
    Platform,
    PortRanges,
    PreSharedKey,
    Service,
    TransformSet,
    TunnelGroup,
    TunnelSettings,
    frozen_map,
)
from ipsec_doctor.secrets import Secret, secret_from_token


def net(text: str):  # type: ignore[no-untyped-def]
    return ANY4 if text == "any" else ip_network(text, strict=False)


def ace(
    action: str,
    src: str | list[str],
    dst: str | list[str],
    proto: str = "ip",
    *,
    dport: PortRanges | None = None,
    sport: PortRanges | None = None,
    inactive: bool = False,
    unresolved: tuple[str, ...] = (),
) -> AclEntry:
    srcs = [src] if isinstance(src, str) else src
    dsts = [dst] if isinstance(dst, str) else dst
    return AclEntry(
        action=action,  # type: ignore[arg-type]
        services=(Service(proto, sport, dport),),
        sources=tuple(net(s) for s in srcs),
        destinations=tuple(net(d) for d in dsts),
        inactive=inactive,
        unresolved=unresolved,
    )


def acl(name: str, *entries: AclEntry) -> AccessList:
    return AccessList(name, "extended", tuple(entries))


def permit(src: str, dst: str, proto: str = "ip", **kw) -> AclEntry:  # type: ignore[no-untyped-def]
    return ace("permit", src, dst, proto, **kw)


def deny(src: str, dst: str, proto: str = "ip", **kw) -> AclEntry:  # type: ignore[no-untyped-def]
    return ace("deny", src, dst, proto, **kw)


def policy(
    priority: int = 10,
    encryption: str = "aes-256",
    hash: str = "sha",
    authentication: str = "pre-share",
    group: int = 14,
    lifetime: int = 86400,
) -> IkePolicy:
    return IkePolicy(priority, encryption, hash, authentication, group, lifetime)


def tset(name: str = "TS", enc: str = "esp-aes", bits: int | None = 256, integ: str | None = "esp-sha-hmac",
         mode: str = "tunnel") -> TransformSet:
    tokens = tuple(t for t in (f"{enc} {bits}" if bits else enc, integ) if t)
    return TransformSet(name, tokens, enc, bits, integ, None, None, mode)  # type: ignore[arg-type]


def entry(
    map_name: str,
    seq: int,
    peers: list[str] | tuple[str, ...] = (),
    *,
    match_acl: str | None = "VPN",
    transform_sets: tuple[str, ...] = ("TS",),
    pfs: int | None = None,
    lifetime: int | None = None,
    is_dynamic: bool = False,
    dynamic_map: str | None = None,
    aggressive: bool = False,
) -> CryptoMapEntry:
    return CryptoMapEntry(
        map_name=map_name,
        seq=seq,
        is_dynamic=is_dynamic,
        dynamic_map=dynamic_map,
        match_acl=match_acl,
        peers=tuple(Peer(p, ip_address(p)) for p in peers),
        transform_sets=transform_sets,
        pfs_group=pfs,
        lifetime_seconds=lifetime,
        phase1_mode="aggressive" if aggressive else "main",
    )


def itf(name: str, address: str | None = None, nameif: str | None = None,
        tunnel: TunnelSettings | None = None) -> Interface:
    return Interface(name=name, nameif=nameif, addresses=(ip_interface(address),) if address else (), tunnel=tunnel)


def key(value: str) -> Secret:
    return secret_from_token(value)


def device(
    name: str,
    platform: Platform = Platform.IOS,
    *,
    interfaces: tuple[Interface, ...] = (),
    maps: dict[str, list[CryptoMapEntry]] | None = None,
    bindings: list[tuple[str, str]] = (),  # type: ignore[assignment]
    dynamic_maps: dict[str, list[CryptoMapEntry]] | None = None,
    acls: tuple[AccessList, ...] = (),
    policies: tuple[IkePolicy, ...] = (policy(),),
    transform_sets: tuple[TransformSet, ...] = (tset(),),
    psks: dict[str, Secret] | None = None,
    ike: IkeSettings | None = None,
    version: tuple[int, ...] = (),
) -> Device:
    """A device; IOS keys go to pre_shared_keys, ASA keys to tunnel-groups named after the peer."""
    psks = psks or {}
    pre_shared = ()
    groups = {}
    if platform is Platform.ASA:
        groups = {p: TunnelGroup(p, "ipsec-l2l", ikev1_psk=s) for p, s in psks.items()}
    else:
        pre_shared = tuple(PreSharedKey(s, ip_network(p)) for p, s in psks.items())
    if ike is None:
        if platform is Platform.IOS:
            ike = IkeSettings(enabled_everywhere=True)
        else:
            ike = IkeSettings(enabled_interfaces=tuple(IkeEnable(i.local_name) for i in interfaces))
    return Device(
        name=name,
        platform=platform,
        file=f"{name}.cfg",
        version_tuple=version,
        interfaces=interfaces,
        acls=frozen_map({a.name: a for a in acls}),
        ike=ike,
        ikev1_policies=policies,
        pre_shared_keys=pre_shared,
        transform_sets=frozen_map({t.name: t for t in transform_sets}),
        crypto_maps=frozen_map({m: CryptoMap(m, tuple(es)) for m, es in (maps or {}).items()}),
        dynamic_maps=frozen_map({m: tuple(es) for m, es in (dynamic_maps or {}).items()}),
        bindings=tuple(CryptoMapBinding(m, i) for m, i in bindings),
        tunnel_groups=frozen_map(groups),
    )


def addr(text: str) -> IPv4Address:
    return IPv4Address(text)
