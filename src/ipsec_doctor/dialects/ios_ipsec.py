"""IOS IPsec: transform sets, IPsec profiles, crypto maps and dynamic maps, SA globals."""

from __future__ import annotations

from typing import Any, Literal

from ..model import CryptoMap, CryptoMapEntry, IpsecProfile, Peer, TransformSet, frozen_map
from .defaults_ios import IOS_PFS_DEFAULT_GROUP, IOS_TRANSFORM_DEFAULT_KEY_BITS
from .ios_context import IosContext, int_or_none, parse_ip
from .tree import Node

_ESP_CIPHERS = frozenset({"esp-des", "esp-3des", "esp-aes", "esp-gcm", "esp-gmac", "esp-null", "esp-seal"})
_ESP_AUTH = frozenset(
    {"esp-md5-hmac", "esp-sha-hmac", "esp-sha256-hmac", "esp-sha384-hmac", "esp-sha512-hmac", "esp-none"}
)
_AH = frozenset({"ah-md5-hmac", "ah-sha-hmac", "ah-sha256-hmac", "ah-sha384-hmac", "ah-sha512-hmac"})
_COMP = frozenset({"comp-lzs"})


# --------------------------------------------------------------------------- transform sets


def parse_transform_set(ctx: IosContext, node: Node) -> None:
    """``crypto ipsec transform-set NAME t1 [t2 [t3]]`` with an optional ``mode`` child.

    ``esp-aes 256`` becomes (``esp-aes``, 256); a bare ``esp-aes`` is AES-128 on IOS.
    """
    words = node.words
    if len(words) < 5:
        ctx.unrecognised(node, "crypto ipsec transform-set")
        return
    name = words[3]
    fields: dict[str, Any] = {}
    transforms: list[str] = []
    tokens = [w.lower() for w in words[4:]]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _ESP_CIPHERS:
            bits = None
            if i + 1 < len(tokens) and tokens[i + 1].isdecimal():
                bits = int(tokens[i + 1])
                transforms.append(f"{token} {tokens[i + 1]}")
                i += 1
            else:
                transforms.append(token)
            fields["esp_encryption"] = token
            fields["esp_key_bits"] = bits if bits is not None else IOS_TRANSFORM_DEFAULT_KEY_BITS.get(token)
        elif token in _ESP_AUTH:
            fields["esp_integrity"] = token
            transforms.append(token)
        elif token in _AH:
            fields["ah"] = token
            transforms.append(token)
        elif token in _COMP:
            fields["compression"] = token
            transforms.append(token)
        else:
            ctx.problem(node, f"transform-set {name}: unrecognised transform {token!r}, ignored")
        i += 1
    mode: Literal["tunnel", "transport"] = "tunnel"
    previous = ctx.transform_sets.get(name)
    if previous is not None:
        mode = previous.mode
    for child in node.children:
        cw = [w.lower() for w in child.words]
        if cw[0] == "mode" and len(cw) > 1 and cw[1] in ("tunnel", "transport"):
            mode = "tunnel" if cw[1] == "tunnel" else "transport"
        else:
            ctx.unrecognised(child, "crypto ipsec transform-set")
    ctx.transform_sets[name] = TransformSet(name, tuple(transforms), mode=mode, source=ctx.src(node), **fields)


# --------------------------------------------------------------------------- IPsec profiles


def _pfs_group(ctx: IosContext, node: Node, words: list[str]) -> int | None:
    """``set pfs [groupN]`` → N, group 1 when no group is given (IOS default)."""
    if len(words) < 3:
        return IOS_PFS_DEFAULT_GROUP
    token = words[2].lower()
    if token.startswith("group") and token[5:].isdecimal():
        return int(token[5:])
    ctx.problem(node, f"unrecognised PFS group {words[2]!r}, ignored")
    return None


def parse_ipsec_profile(ctx: IosContext, node: Node) -> None:
    """``crypto ipsec profile NAME`` (used by ``tunnel protection``)."""
    if len(node.words) < 4:
        ctx.unrecognised(node, "crypto ipsec profile")
        return
    name = node.words[3]
    raw = ctx.ipsec_profiles.setdefault(name, {"transform_sets": (), "source": ctx.src(node)})
    for child in node.children:
        cw = child.words
        low = [w.lower() for w in cw]
        if low[:2] == ["set", "transform-set"] and len(cw) > 2:
            raw["transform_sets"] = tuple(cw[2:])
        elif low[:2] == ["set", "pfs"]:
            raw["pfs_group"] = _pfs_group(ctx, child, cw)
        elif low[:3] == ["set", "security-association", "lifetime"] and len(cw) > 4:
            if low[3] == "seconds":
                raw["lifetime_seconds"] = int_or_none(cw[4])
        elif low[:3] == ["set", "security-association", "lifetime"] and low[3:4] == ["days"]:
            continue
        elif low[:2] == ["set", "ikev2-profile"] and len(cw) > 2:
            raw["ikev2_profile"] = cw[2]
        elif low[:2] == ["set", "isakmp-profile"] and len(cw) > 2:
            raw["isakmp_profile"] = cw[2]
        elif low[0] == "responder-only":
            raw["responder_only"] = True
        elif low[0] == "description" or low[:2] == ["set", "security-association"]:
            continue
        else:
            ctx.unrecognised(child, "crypto ipsec profile")


# --------------------------------------------------------------------------- crypto maps


def _new_entry(ctx: IosContext, node: Node, map_name: str, seq: int, **extra: Any) -> dict[str, Any]:
    return {"map_name": map_name, "seq": seq, "peers": [], "sources": {}, "source": ctx.src(node), **extra}


def parse_crypto_map(ctx: IosContext, node: Node) -> None:
    """``crypto map NAME SEQ ipsec-isakmp|ipsec-manual [dynamic D]`` or a map-level setting."""
    words = node.words
    low = [w.lower() for w in words]
    if len(words) < 4:
        ctx.unrecognised(node, "crypto map")
        return
    name = words[2]
    cmap = ctx.crypto_maps.get(name)
    if cmap is None:  # (not setdefault: that would build a Source for every entry of the map)
        cmap = {"entries": {}, "source": ctx.src(node)}
        ctx.crypto_maps[name] = cmap
    if words[3].isdecimal():
        seq = int(words[3])
        kind = low[4] if len(low) > 4 else "ipsec-isakmp"
        entry = cmap["entries"].get(seq)
        if entry is None:
            entry = _new_entry(ctx, node, name, seq)
            cmap["entries"][seq] = entry
        if kind == "ipsec-manual":
            entry["manual"] = True
        elif kind == "gdoi":
            ctx.problem(node, f"crypto map {name} {seq}: GDOI (GETVPN) entries are not modelled")
        elif kind != "ipsec-isakmp":
            ctx.unrecognised(node, "crypto map")
        if "dynamic" in low and low.index("dynamic") + 1 < len(words):
            entry["dynamic_map"] = words[low.index("dynamic") + 1]
        if "profile" in low and low.index("profile") + 1 < len(words):
            entry["isakmp_profile"] = words[low.index("profile") + 1]
        _entry_children(ctx, node, entry, "crypto map")
        return
    rest = low[3:]
    if rest[:3] == ["client", "authentication", "list"] and len(words) > 6:
        cmap["client_authentication_list"] = words[6]
    elif rest[:3] == ["isakmp", "authorization", "list"] and len(words) > 6:
        cmap["isakmp_authorization_list"] = words[6]
    elif rest[:3] == ["client", "configuration", "address"] and len(words) > 6:
        cmap["client_configuration_address"] = low[6]
    elif rest[0] == "local-address" and len(words) > 4:
        cmap["local_address"] = words[4]
    elif rest[0] in ("redundancy", "isakmp-profile", "gdoi"):
        return
    else:
        ctx.unrecognised(node, "crypto map")


def parse_dynamic_map(ctx: IosContext, node: Node) -> None:
    """``crypto dynamic-map NAME SEQ`` → entries of :attr:`Device.dynamic_maps`."""
    words = node.words
    if len(words) < 4 or not words[3].isdecimal():
        ctx.unrecognised(node, "crypto dynamic-map")
        return
    name, seq = words[2], int(words[3])
    entries = ctx.dynamic_maps.setdefault(name, {})
    entry = entries.get(seq)
    if entry is None:
        entry = _new_entry(ctx, node, name, seq, is_dynamic=True)
        entries[seq] = entry
    _entry_children(ctx, node, entry, "crypto dynamic-map")


def _entry_children(ctx: IosContext, node: Node, entry: dict[str, Any], block: str) -> None:
    # Dispatched on the first two words (a head end has thousands of these entries);
    # the Source is built only for the lines that keep one.
    sources = entry["sources"]
    for child in node.children:
        cw = child.words
        low = [w.lower() for w in cw]
        head = low[0]
        second = low[1] if len(low) > 1 else None
        count = len(cw)
        if head == "set":
            if second == "peer" and count > 2:
                src = ctx.src(child)
                peer = Peer(cw[2], parse_ip(cw[2]), src)
                if "default" in low[3:]:
                    entry["peers"].insert(0, peer)  # the default peer is tried first
                else:
                    entry["peers"].append(peer)
                sources.setdefault("peer", src)
            elif second == "transform-set" and count > 2:
                entry["transform_sets"] = tuple(cw[2:])
                sources["transform-set"] = ctx.src(child)
            elif second == "pfs":
                entry["pfs_group"] = _pfs_group(ctx, child, cw)
                sources["pfs"] = ctx.src(child)
            elif second == "security-association" and count > 4 and low[2] == "lifetime":
                if low[3] == "seconds":
                    entry["lifetime_seconds"] = int_or_none(cw[4])
                elif low[3] == "kilobytes":
                    entry["lifetime_kilobytes"] = int_or_none(cw[4])
                else:
                    ctx.unrecognised(child, block)
                    continue
                sources["lifetime"] = ctx.src(child)
            elif second == "isakmp-profile" and count > 2:
                entry["isakmp_profile"] = cw[2]
                sources["isakmp-profile"] = ctx.src(child)
            elif second == "ikev2-profile" and count > 2:
                entry["ikev2_profile"] = cw[2]
                sources["ikev2-profile"] = ctx.src(child)
            elif second == "ikev2-ipsec-proposal" and count > 2:
                entry["ikev2_proposals"] = tuple(cw[2:])
            elif second in ("nat", "security-association", "session-key"):
                continue  # `set nat demux`, idle-time, replay, level per-host: not needed by the checks
            else:
                ctx.unrecognised(child, block)
        elif head == "match" and second == "address" and count > 2:
            entry["match_acl"] = cw[2]
            sources["match"] = ctx.src(child)
        elif head == "reverse-route":
            entry["reverse_route"] = True
            sources["reverse-route"] = ctx.src(child)
        elif head in ("description", "qos"):
            continue
        else:
            ctx.unrecognised(child, block)


def _entry(raw: dict[str, Any]) -> CryptoMapEntry:
    return CryptoMapEntry(
        raw["map_name"],
        raw["seq"],
        is_dynamic=raw.get("is_dynamic", False),
        dynamic_map=raw.get("dynamic_map"),
        manual=raw.get("manual", False),
        match_acl=raw.get("match_acl"),
        peers=tuple(raw["peers"]),
        transform_sets=raw.get("transform_sets", ()),
        ikev2_proposals=raw.get("ikev2_proposals", ()),
        pfs_group=raw.get("pfs_group"),
        lifetime_seconds=raw.get("lifetime_seconds"),
        lifetime_kilobytes=raw.get("lifetime_kilobytes"),
        reverse_route=raw.get("reverse_route", False),
        isakmp_profile=raw.get("isakmp_profile"),
        ikev2_profile=raw.get("ikev2_profile"),
        source=raw["source"],
        attr_sources=frozen_map(raw["sources"]),
    )


def finish_ipsec(ctx: IosContext) -> dict[str, Any]:
    """The IPsec parts of the :class:`Device` keyword arguments."""
    maps = {
        name: CryptoMap(
            name,
            tuple(_entry(raw["entries"][seq]) for seq in sorted(raw["entries"])),
            client_authentication_list=raw.get("client_authentication_list"),
            isakmp_authorization_list=raw.get("isakmp_authorization_list"),
            client_configuration_address=raw.get("client_configuration_address"),
            local_address=raw.get("local_address"),
            source=raw["source"],
        )
        for name, raw in ctx.crypto_maps.items()
    }
    dynamic = {name: tuple(_entry(entries[seq]) for seq in sorted(entries)) for name, entries in ctx.dynamic_maps.items()}
    profiles = {
        name: IpsecProfile(
            name,
            transform_sets=raw["transform_sets"],
            pfs_group=raw.get("pfs_group"),
            lifetime_seconds=raw.get("lifetime_seconds"),
            ikev2_profile=raw.get("ikev2_profile"),
            isakmp_profile=raw.get("isakmp_profile"),
            responder_only=raw.get("responder_only", False),
            source=raw["source"],
        )
        for name, raw in ctx.ipsec_profiles.items()
    }
    return {
        "transform_sets": frozen_map(ctx.transform_sets),
        "ipsec_profiles": frozen_map(profiles),
        "crypto_maps": frozen_map(maps),
        "dynamic_maps": frozen_map(dynamic),
    }
