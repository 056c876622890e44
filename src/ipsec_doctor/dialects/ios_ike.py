"""IOS IKE: ISAKMP policies, keys, keyrings, ISAKMP/IKEv2 profiles, IKEv2 proposals/policies.

Each ``parse_*`` function takes the block's :class:`Node` and fills the
builders of :class:`IosContext`; :func:`finish_ike` makes the model values,
applying the IOS defaults of :mod:`defaults_ios`.
"""

from __future__ import annotations

from typing import Any

from ..model import (
    ClientGroup,
    IkePolicy,
    Ikev2Policy,
    Ikev2Proposal,
    IPAddress,
    IsakmpProfile,
    Keepalive,
    Keyring,
    PreSharedKey,
    frozen_map,
)
from ..secrets import secret_from_token
from .defaults_ios import IOS_ISAKMP_POLICY_DEFAULTS
from .ios_context import IosContext, int_or_none, parse_ip, peer_network
from .tree import Node

_KEY_TYPES = frozenset({"0", "6", "7"})
_AES_BITS = {"128": "aes", "192": "aes-192", "256": "aes-256"}


def _secret_args(words: list[str]) -> tuple[str | None, str | None, list[str]]:
    """``[0|6|7] K rest...`` → (type, value, rest)."""
    if len(words) >= 2 and words[0] in _KEY_TYPES:
        return words[0], words[1], words[2:]
    if words:
        return None, words[0], words[1:]
    return None, None, []


# --------------------------------------------------------------------------- ISAKMP policy


def parse_isakmp_policy(ctx: IosContext, node: Node) -> None:
    """``crypto isakmp policy N`` (re-entered policies merge, later lines win)."""
    priority = int_or_none(node.words[3] if len(node.words) > 3 else None)
    if priority is None:
        ctx.unrecognised(node, "crypto isakmp policy")
        return
    policy = ctx.ike_policies.setdefault(priority, {"values": {}, "sources": {}, "source": ctx.src(node)})
    for child in node.children:
        words = child.words
        head = words[0].lower()
        value: str | int | None = None
        attr = head
        if head in ("encr", "encryption") and len(words) > 1:
            attr = "encryption"
            cipher = words[1].lower()
            if cipher == "aes":
                value = _AES_BITS.get(words[2], None) if len(words) > 2 else "aes"
            elif cipher in ("des", "3des"):
                value = cipher
        elif head == "hash" and len(words) > 1 or head == "authentication" and len(words) > 1:
            value = words[1].lower()
        elif head == "group" and len(words) > 1 or head == "lifetime" and len(words) > 1:
            value = int_or_none(words[1])
        elif head == "description":
            continue
        if value is None:
            ctx.unrecognised(child, "crypto isakmp policy")
            continue
        policy["values"][attr] = value
        policy["sources"][attr] = ctx.src(child)


def _finish_policies(ctx: IosContext) -> tuple[IkePolicy, ...]:
    out: list[IkePolicy] = []
    for priority in sorted(ctx.ike_policies):
        raw = ctx.ike_policies[priority]
        values: dict[str, Any] = dict(IOS_ISAKMP_POLICY_DEFAULTS)
        values.update(raw["values"])
        defaulted = frozenset(k for k in IOS_ISAKMP_POLICY_DEFAULTS if k not in raw["values"])
        out.append(
            IkePolicy(
                priority,
                str(values["encryption"]),
                str(values["hash"]),
                str(values["authentication"]),
                int(values["group"]),
                int(values["lifetime"]),
                defaulted=defaulted,
                source=raw["source"],
                attr_sources=frozen_map(raw["sources"]),
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------- keys and keyrings


def parse_isakmp_key(ctx: IosContext, node: Node) -> None:
    """``crypto isakmp key [0|6|7] K address A [M] [no-xauth]`` / ``... hostname H``."""
    encoding, value, rest = _secret_args(node.words[3:])
    _add_key(ctx, node, encoding, value, rest, keyring=None)


def _add_key(
    ctx: IosContext, node: Node, encoding: str | None, value: str | None, rest: list[str], keyring: str | None
) -> None:
    if value is None or len(rest) < 2:
        ctx.unrecognised(node, "pre-shared key")
        return
    secret = secret_from_token(value, encoding)
    kind = rest[0].lower()
    no_xauth = any(w.lower() == "no-xauth" for w in rest)
    if kind == "hostname":
        ctx.psks.append(
            PreSharedKey(secret, peer_name=rest[1], no_xauth=no_xauth, keyring=keyring, source=ctx.src(node))
        )
        return
    if kind != "address":
        ctx.unrecognised(node, "pre-shared key")
        return
    args = [w for w in rest[1:] if w.lower() not in ("no-xauth",)]
    if args and args[0].lower() == "ipv6":
        args = args[1:]
    mask = args[1] if len(args) > 1 and parse_ip(args[1]) is not None else None
    network = peer_network(args[0], mask) if args else None
    if network is None:
        ctx.problem(node, f"pre-shared key peer {args[0] if args else ''!r} is not an IP address or network")
        ctx.psks.append(
            PreSharedKey(secret, peer_name=args[0] if args else None, no_xauth=no_xauth, keyring=keyring,
                         source=ctx.src(node))
        )
        return
    ctx.psks.append(PreSharedKey(secret, peer=network, no_xauth=no_xauth, keyring=keyring, source=ctx.src(node)))


def parse_keyring(ctx: IosContext, node: Node) -> None:
    """``crypto keyring NAME [vrf V]`` with ``pre-shared-key`` and ``local-address``."""
    words = node.words
    if len(words) < 3:
        ctx.unrecognised(node, "crypto keyring")
        return
    name = words[2]
    vrf = words[4] if len(words) > 4 and words[3].lower() == "vrf" else None
    raw = ctx.keyrings.setdefault((1, name), {"local_address": None, "vrf": vrf, "source": ctx.src(node)})
    for child in node.children:
        cw = child.words
        head = cw[0].lower()
        if head == "pre-shared-key" and len(cw) > 3:
            # pre-shared-key address A [M] key [0|6|7] K  /  pre-shared-key hostname H key K
            lowered = [w.lower() for w in cw]
            if "key" not in lowered[2:]:
                ctx.unrecognised(child, "crypto keyring")
                continue
            at = lowered.index("key", 2)
            encoding, value, _ = _secret_args(cw[at + 1 :])
            _add_key(ctx, child, encoding, value, cw[1:at], keyring=name)
        elif head == "local-address" and len(cw) > 1:
            raw["local_address"] = cw[1]
        elif head in ("description", "rsa-pubkey"):
            continue
        else:
            ctx.unrecognised(child, "crypto keyring")


# --------------------------------------------------------------------------- ISAKMP profile


def _profile(ctx: IosContext, version: int, name: str, node: Node) -> dict[str, Any]:
    return ctx.isakmp_profiles.setdefault(
        (version, name),
        {"keyrings": [], "match_identities": [], "match_addresses": [], "auth_local": [], "auth_remote": [],
         "source": ctx.src(node)},
    )


def _match_identity(
    ctx: IosContext, child: Node, prof: dict[str, Any], cw: list[str], low: list[str], at: int, what: str
) -> None:
    """``match identity [remote] ...`` of a profile: the identity starts at word ``at``; an address also
    becomes a match network (IKEv1 ``match identity address``, IKEv2 ``match identity remote address``)."""
    prof["match_identities"].append(" ".join(cw[at:]))
    if low[at] == "address" and len(cw) > at + 1:
        mask = cw[at + 2] if len(cw) > at + 2 and parse_ip(cw[at + 2]) is not None else None
        net = peer_network(cw[at + 1], mask)
        if net is None:
            ctx.problem(child, f"{what} address {cw[at + 1]!r} is not an IP address")
        else:
            prof["match_addresses"].append(net)


def parse_isakmp_profile(ctx: IosContext, node: Node) -> None:
    """``crypto isakmp profile NAME`` (IKEv1)."""
    if len(node.words) < 4:
        ctx.unrecognised(node, "crypto isakmp profile")
        return
    prof = _profile(ctx, 1, node.words[3], node)
    for child in node.children:
        cw = child.words
        low = [w.lower() for w in cw]
        head = low[0]
        if head == "keyring" and len(cw) > 1:
            prof["keyrings"].append(cw[1])
        elif low[:2] == ["match", "identity"] and len(cw) > 2:
            _match_identity(ctx, child, prof, cw, low, 2, "match identity")
        elif head == "self-identity" and len(cw) > 1:
            prof["self_identity"] = " ".join(cw[1:])
        elif head == "local-address" and len(cw) > 1:
            prof["local_address"] = cw[1]
        elif low[:3] == ["client", "authentication", "list"] and len(cw) > 3:
            prof["client_authentication_list"] = cw[3]
        elif low[:3] == ["isakmp", "authorization", "list"] and len(cw) > 3:
            prof["isakmp_authorization_list"] = cw[3]
        elif low[:3] == ["client", "configuration", "address"] and len(cw) > 3:
            prof["client_configuration_address"] = low[3]
        elif head == "virtual-template" and len(cw) > 1:
            prof["virtual_template"] = int_or_none(cw[1])
        elif head == "keepalive" and len(cw) > 1:
            prof["keepalive"] = int_or_none(cw[1])
        elif head in ("description", "vrf", "ca", "initiate", "qos-group", "accounting", "client", "default"):
            continue  # understood; not needed by the diagnosis
        else:
            ctx.unrecognised(child, "crypto isakmp profile")


# --------------------------------------------------------------------------- client configuration group


def parse_client_group(ctx: IosContext, node: Node) -> None:
    """``crypto isakmp client configuration group G`` (Easy VPN server)."""
    if len(node.words) < 6:
        ctx.unrecognised(node, "crypto isakmp client configuration group")
        return
    name = node.words[5]
    raw = ctx.client_groups.setdefault(name, {"dns": [], "split_dns": [], "sources": {}, "source": ctx.src(node)})
    for child in node.children:
        cw = child.words
        head = cw[0].lower()
        if head == "key" and len(cw) > 1:
            encoding, value, _ = _secret_args(cw[1:])
            raw["key"] = secret_from_token(value or "", encoding)
        elif head in ("pool", "acl", "domain") and len(cw) > 1:
            raw[head] = cw[1]
        elif head == "dns" and len(cw) > 1:
            raw["dns"].extend(cw[1:])
        elif head == "split-dns" and len(cw) > 1:
            raw["split_dns"].append(cw[1])
        elif head == "max-logins" and len(cw) > 1:
            raw["max_logins"] = int_or_none(cw[1])
        elif head == "netmask" and len(cw) > 1 and (mask := parse_ip(cw[1])) is not None and mask.version == 4:
            raw["netmask"] = mask
        elif head in ("wins", "include-local-lan", "save-password", "max-users", "netmask", "firewall",
                      "backup-gateway", "pfs", "banner", "dhcp", "crypto", "access-restrict", "group-lock",
                      "configuration", "browser-proxy", "split-control", "auto-update", "description"):
            continue
        else:
            ctx.unrecognised(child, "crypto isakmp client configuration group")
            continue
        raw["sources"][head] = ctx.src(child)


# --------------------------------------------------------------------------- IKEv2


def parse_ikev2(ctx: IosContext, node: Node) -> None:
    """``crypto ikev2 proposal|policy|keyring|profile NAME`` (parsed, not negotiated here)."""
    words = node.words
    if len(words) < 4:
        _ikev2_global(ctx, node)
        return
    kind, name = words[2].lower(), words[3]
    if kind == "proposal":
        _ikev2_proposal(ctx, node, name)
    elif kind == "policy":
        _ikev2_policy(ctx, node, name)
    elif kind == "keyring":
        _ikev2_keyring(ctx, node, name)
    elif kind == "profile":
        _ikev2_profile(ctx, node, name)
    else:
        _ikev2_global(ctx, node)


def _ikev2_global(ctx: IosContext, node: Node) -> None:
    low = [w.lower() for w in node.words]
    if low[2:3] in (["dpd"], ["nat"], ["cookie-challenge"], ["window"], ["limit"], ["diagnose"],
                    ["http-url"], ["fragmentation"], ["redirect"], ["certificate-cache"], ["authorization"],
                    ["name-mangler"], ["cluster"]):
        return
    ctx.unrecognised(node, "crypto ikev2")


def _ikev2_proposal(ctx: IosContext, node: Node, name: str) -> None:
    raw = ctx.ikev2_proposals.setdefault(
        name, {"encryption": [], "integrity": [], "prf": [], "groups": [], "source": ctx.src(node)}
    )
    for child in node.children:
        cw = child.words
        head = cw[0].lower()
        if head in ("encryption", "integrity", "prf") and len(cw) > 1:
            raw[head] = [w.lower() for w in cw[1:]]
        elif head == "group" and len(cw) > 1 and all(w.isdecimal() for w in cw[1:]):
            raw["groups"] = [int(w) for w in cw[1:]]
        else:
            ctx.unrecognised(child, "crypto ikev2 proposal")


def _ikev2_policy(ctx: IosContext, node: Node, name: str) -> None:
    raw = ctx.ikev2_policies.setdefault(name, {"proposals": [], "local": [], "fvrf": None, "source": ctx.src(node)})
    for child in node.children:
        cw = child.words
        low = [w.lower() for w in cw]
        if low[0] == "proposal" and len(cw) > 1:
            raw["proposals"].append(cw[1])
        elif low[:3] == ["match", "address", "local"] and len(cw) > 3:
            addr: IPAddress | None = parse_ip(cw[3])
            if addr is None:
                ctx.problem(child, f"match address local {cw[3]!r} is not an IPv4 address")
            else:
                raw["local"].append(addr)
        elif low[:2] == ["match", "fvrf"] and len(cw) > 2:
            raw["fvrf"] = cw[2]
        elif low[0] == "description":
            continue
        else:
            ctx.unrecognised(child, "crypto ikev2 policy")


def _ikev2_keyring(ctx: IosContext, node: Node, name: str) -> None:
    ctx.keyrings.setdefault((2, name), {"local_address": None, "vrf": None, "source": ctx.src(node)})
    for peer in node.children:
        pw = peer.words
        if pw[0].lower() != "peer":
            ctx.unrecognised(peer, "crypto ikev2 keyring")
            continue
        network = None
        hostname = None
        keys: list[tuple[Node, str, str | None, str | None]] = []
        for child in peer.children:
            cw = child.words
            low = [w.lower() for w in cw]
            if low[0] == "address" and len(cw) > 1:
                args = cw[2:] if low[1] == "ipv6" else cw[1:]
                mask = args[1] if len(args) > 1 and parse_ip(args[1]) is not None else None
                network = peer_network(args[0], mask) if args else None
                if network is None:
                    ctx.problem(child, f"keyring peer address {args[0] if args else ''!r} is not an IP address")
            elif low[0] == "hostname" and len(cw) > 1:
                hostname = cw[1]
            elif low[0] == "pre-shared-key" and len(cw) > 1:
                direction = "both"
                rest = cw[1:]
                if rest[0].lower() in ("local", "remote"):
                    direction = rest[0].lower()
                    rest = rest[1:]
                encoding, value, _ = _secret_args(rest)
                keys.append((child, direction, encoding, value))
            elif low[0] in ("description", "identity"):
                continue
            else:
                ctx.unrecognised(child, "crypto ikev2 keyring peer")
        for child, direction, encoding, value in keys:
            if value is None:
                ctx.unrecognised(child, "crypto ikev2 keyring peer")
                continue
            ctx.psks.append(
                PreSharedKey(
                    secret_from_token(value, encoding), peer=network, peer_name=hostname, keyring=name,
                    ike_version=2, direction=direction, source=ctx.src(child),  # type: ignore[arg-type]
                    keyring_peer=pw[1] if len(pw) > 1 else None,
                )
            )


def _ikev2_profile(ctx: IosContext, node: Node, name: str) -> None:
    prof = _profile(ctx, 2, name, node)
    for child in node.children:
        cw = child.words
        low = [w.lower() for w in cw]
        if low[:3] == ["match", "identity", "remote"] and len(cw) > 3:
            _match_identity(ctx, child, prof, cw, low, 3, "match identity remote")
        elif low[:2] == ["match", "address"] or low[:2] == ["match", "fvrf"] or low[:3] == ["match", "certificate"]:
            continue
        elif low[:2] == ["identity", "local"] and len(cw) > 2:
            prof["self_identity"] = " ".join(cw[2:])
        elif low[0] == "authentication" and len(cw) > 2 and low[1] in ("local", "remote"):
            prof["auth_" + low[1]].append(low[2])
        elif low[:2] == ["keyring", "local"] and len(cw) > 2:
            prof["keyrings"].append(cw[2])
        elif low[0] == "keyring":
            prof["keyrings"].append(" ".join(cw[1:]))
        elif low[0] == "dpd" and len(cw) > 1:
            prof["keepalive"] = int_or_none(cw[1])
        elif low[0] == "virtual-template" and len(cw) > 1:
            prof["virtual_template"] = int_or_none(cw[1])
        elif low[0] in ("description", "lifetime", "aaa", "pki", "ivrf", "nat", "config-exchange", "dynamic",
                        "shutdown", "redirect", "initial-contact"):
            continue
        else:
            ctx.unrecognised(child, "crypto ikev2 profile")


# --------------------------------------------------------------------------- globals and finishing


def parse_isakmp_global(ctx: IosContext, node: Node, negated: bool) -> bool:
    """Device-wide ``crypto isakmp ...`` lines; False when the line is not one of them."""
    words = node.words[1:] if negated else node.words
    low = [w.lower() for w in words]
    rest = low[2:]
    src = ctx.src(node)
    if rest == ["enable"] or rest[:1] == ["enable"]:
        ctx.ike["enabled_everywhere"] = not negated
        ctx.ike_sources["enable"] = src
    elif rest[:2] == ["nat", "keepalive"] and len(rest) > 2:
        ctx.ike["nat_traversal_keepalive"] = None if negated else int_or_none(rest[2])
        ctx.ike_sources["nat-keepalive"] = src
    elif rest[:1] == ["identity"] and len(rest) > 1:
        ctx.ike["identity"] = rest[1]
        ctx.ike["identity_defaulted"] = False
        ctx.ike_sources["identity"] = src
    elif rest[:1] == ["keepalive"]:
        if negated or len(rest) < 2:
            ctx.ike["keepalive"] = Keepalive(False, source=src)
        else:
            retry = int_or_none(rest[2]) if len(rest) > 2 else None
            ctx.ike["keepalive"] = Keepalive(
                True, int_or_none(rest[1]), retry, periodic="periodic" in rest, source=src
            )
        ctx.ike_sources["keepalive"] = src
    elif rest[:2] == ["aggressive-mode", "disable"]:
        ctx.ike["aggressive_mode_disabled"] = not negated
        ctx.ike_sources["aggressive-mode"] = src
    elif rest[:1] == ["invalid-spi-recovery"]:
        ctx.ike["invalid_spi_recovery"] = not negated
        ctx.ike_sources["invalid-spi-recovery"] = src
    else:
        return False
    return True


def finish_ike(ctx: IosContext) -> dict[str, Any]:
    """The IKE parts of the :class:`Device` keyword arguments."""
    profiles = tuple(
        IsakmpProfile(
            name,
            ike_version=version,
            keyrings=tuple(raw["keyrings"]),
            match_identities=tuple(raw["match_identities"]),
            match_addresses=tuple(raw["match_addresses"]),
            self_identity=raw.get("self_identity"),
            local_address=raw.get("local_address"),
            auth_local=tuple(raw["auth_local"]),
            auth_remote=tuple(raw["auth_remote"]),
            client_authentication_list=raw.get("client_authentication_list"),
            isakmp_authorization_list=raw.get("isakmp_authorization_list"),
            client_configuration_address=raw.get("client_configuration_address"),
            virtual_template=raw.get("virtual_template"),
            keepalive=raw.get("keepalive"),
            source=raw["source"],
        )
        for (version, name), raw in ctx.isakmp_profiles.items()
    )
    keyrings = tuple(
        Keyring(name, ike_version=version, local_address=raw["local_address"], vrf=raw["vrf"], source=raw["source"])
        for (version, name), raw in ctx.keyrings.items()
    )
    proposals = tuple(
        Ikev2Proposal(
            name, tuple(raw["encryption"]), tuple(raw["integrity"]), tuple(raw["prf"]), tuple(raw["groups"]),
            source=raw["source"],
        )
        for name, raw in ctx.ikev2_proposals.items()
    )
    policies = tuple(
        Ikev2Policy(name, tuple(raw["proposals"]), tuple(raw["local"]), raw["fvrf"], source=raw["source"])
        for name, raw in ctx.ikev2_policies.items()
    )
    groups = {
        name: ClientGroup(
            name,
            key=raw.get("key"),
            pool=raw.get("pool"),
            acl=raw.get("acl"),
            dns=tuple(raw["dns"]),
            domain=raw.get("domain"),
            split_dns=tuple(raw["split_dns"]),
            max_logins=raw.get("max_logins"),
            netmask=raw.get("netmask"),
            source=raw["source"],
            attr_sources=frozen_map(raw["sources"]),
        )
        for name, raw in ctx.client_groups.items()
    }
    return {
        "ikev1_policies": _finish_policies(ctx),
        "pre_shared_keys": tuple(ctx.psks),
        "keyrings": keyrings,
        "isakmp_profiles": profiles,
        "ikev2_proposals": proposals,
        "ikev2_policies": policies,
        "client_groups": frozen_map(groups),
    }

