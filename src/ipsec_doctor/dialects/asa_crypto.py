"""ASA/PIX ``crypto ...`` and PIX 6 ``isakmp ...`` commands.

IKE policies (``crypto isakmp policy`` one-liners or blocks before 8.4,
``crypto ikev1|ikev2 policy`` blocks after, PIX ``isakmp policy N attr``),
IKE enables, NAT-T, identity, transform sets, IKEv2 IPsec proposals, IPsec
profiles and crypto maps written as one line per attribute.  Defaults come
from the generation row (:mod:`defaults_asa`), never from ``if`` chains here.
"""

from __future__ import annotations

from ..model import (
    CryptoMapBinding,
    IkeEnable,
    IkePolicy,
    Ikev2Proposal,
    IpsecProfile,
    IpsecProposal,
    Peer,
    PreSharedKey,
    Source,
    TransformSet,
)
from ..secrets import secret_from_token
from .asa_context import Builder, MapEntryBuild
from .asa_objects import parse_address, v4_network
from .defaults_asa import ESP_ENCRYPTION, ESP_INTEGRITY, IKE_AUTHENTICATION, IKE_ENCRYPTION, IKE_HASH
from .tree import Node

# Sub-commands that carry nothing the diagnosis uses; accepted without a problem.
_QUIET_CRYPTO = frozenset({"ca", "pki", "key", "engine", "ssl", "checkpoint", "large-plus", "ikev1-large-plus"})
_QUIET_ISAKMP = frozenset({"disconnect-notify", "reload-wait", "ipsec-over-tcp", "fragmentation", "client",
                           "peer", "keepalive", "limit", "xauth", "invalid-message", "cts", "mode"})
_QUIET_IKEV2 = frozenset({"remote-access", "cookie-challenge", "limit", "fragmentation", "redirect", "notify",
                          "rsa-sig-hash", "nat-keepalive"})
_QUIET_IPSEC = frozenset({"df-bit", "fragmentation", "ikev2", "inner-routing-lookup"})
_QUIET_SET = frozenset({"ikev2", "tfc-packets", "inheritance", "validation-usage", "ikev1", "security-association"})


# --------------------------------------------------------------------------- dispatch


def handle_crypto(b: Builder, node: Node, words: list[str]) -> None:
    """Any top-level ``crypto ...`` line."""
    if len(words) < 2:
        b.unrecognised(node, "crypto")
        return
    sub = words[1].lower()
    handler = _CRYPTO.get(sub)
    if handler is not None:
        handler(b, node, words)
    elif sub not in _QUIET_CRYPTO:
        b.unrecognised(node, "crypto")


def handle_no_crypto(b: Builder, node: Node, words: list[str]) -> None:
    """``no crypto ...``: NAT-T off and aggressive mode switches matter; the rest is `show run all` noise."""
    rest = [w.lower() for w in words[1:]]
    if rest[:3] == ["crypto", "isakmp", "nat-traversal"]:
        b.ike["nat_traversal"] = False
        b.ike_sources["nat_traversal"] = b.src(node)


def _isakmp_family(b: Builder, node: Node, words: list[str], offset: int, version: int) -> None:
    """``[crypto] isakmp|ikev1|ikev2 <sub> ...`` with the sub-command at ``words[offset]``."""
    if len(words) <= offset:
        b.unrecognised(node, "isakmp")
        return
    sub = words[offset].lower()
    args = words[offset + 1 :]
    if sub == "policy" and args and args[0].isdecimal():
        _policy(b, node, version, int(args[0]), args[1:])
    elif sub == "enable" and args:
        b.ike_enables.append(IkeEnable(args[0], version, b.src(node)))
    elif sub == "nat-traversal":
        b.ike["nat_traversal"] = True
        if args and args[0].isdecimal():
            b.ike["nat_traversal_keepalive"] = int(args[0])
        b.ike_sources["nat_traversal"] = b.src(node)
    elif sub == "identity" and args:
        b.ike["identity"] = args[0].lower()
        b.ike_sources["identity"] = b.src(node)
    elif sub == "am-disable":
        b.ike["aggressive_mode_disabled"] = True
        b.ike_sources["aggressive_mode_disabled"] = b.src(node)
    elif sub == "key" and args:
        _pix_key(b, node, args)
    elif sub in _QUIET_ISAKMP or (version == 2 and sub in _QUIET_IKEV2):
        return
    else:
        b.unrecognised(node, "isakmp" if version == 1 else "ikev2")


def handle_pix_isakmp(b: Builder, node: Node, words: list[str]) -> None:
    """PIX 6 ``isakmp enable|policy|key|identity|nat-traversal ...``."""
    _isakmp_family(b, node, words, 1, 1)


def _crypto_isakmp(b: Builder, node: Node, words: list[str]) -> None:
    _isakmp_family(b, node, words, 2, 1)


def _crypto_ikev1(b: Builder, node: Node, words: list[str]) -> None:
    _isakmp_family(b, node, words, 2, 1)


def _crypto_ikev2(b: Builder, node: Node, words: list[str]) -> None:
    _isakmp_family(b, node, words, 2, 2)


# --------------------------------------------------------------------------- IKE policies


def _policy(b: Builder, node: Node, version: int, priority: int, inline: list[str]) -> None:
    fields = b.ike_policies.setdefault((version, priority), {"source": b.src(node), "attrs": {}})
    attrs: dict[str, tuple[object, Source]] = fields["attrs"]  # type: ignore[assignment]
    if inline:
        _policy_attr(b, node, version, inline, attrs)
    for child in node.children:
        _policy_attr(b, child, version, child.words, attrs)


def _policy_attr(b: Builder, node: Node, version: int, words: list[str],
                 attrs: dict[str, tuple[object, Source]]) -> None:
    if not words:
        return
    key = words[0].lower()
    vals = [w.lower() for w in words[1:]]
    src = b.src(node)
    if version == 2:
        if key in ("encryption", "integrity", "prf") and vals:
            attrs[key] = (tuple(vals), src)
        elif key == "group" and vals and all(v.isdecimal() for v in vals):
            attrs["group"] = (tuple(int(v) for v in vals), src)
        elif key == "lifetime" and vals:
            attrs["lifetime"] = (_lifetime(vals), src)
        else:
            b.unrecognised(node, "ikev2 policy")
        return
    if key == "encryption" and vals and vals[0] in IKE_ENCRYPTION:
        attrs["encryption"] = (IKE_ENCRYPTION[vals[0]], src)
    elif key == "hash" and vals and vals[0] in IKE_HASH:
        attrs["hash"] = (IKE_HASH[vals[0]], src)
    elif key == "authentication" and vals and vals[0] in IKE_AUTHENTICATION:
        attrs["authentication"] = (IKE_AUTHENTICATION[vals[0]], src)
    elif key == "group" and vals and vals[0].isdecimal():
        attrs["group"] = (int(vals[0]), src)
    elif key == "lifetime" and vals:
        life = _lifetime(vals)
        if life is None:
            b.unrecognised(node, "isakmp policy")
        else:
            attrs["lifetime"] = (life, src)
    else:
        b.unrecognised(node, "isakmp policy")


def _lifetime(vals: list[str]) -> int | None:
    if vals[0] == "none":
        return 0  # ASA `lifetime none`: no expiry
    if vals[0] == "seconds" and len(vals) > 1:
        vals = vals[1:]
    return int(vals[0]) if vals[0].isdecimal() else None


def finish_ike(b: Builder) -> tuple[tuple[IkePolicy, ...], tuple[Ikev2Proposal, ...]]:
    """Policies in priority order with the generation's defaults filled in (``defaulted``)."""
    v1: list[IkePolicy] = []
    v2: list[Ikev2Proposal] = []
    d = b.gen.ike
    for (version, prio), fields in sorted(b.ike_policies.items()):
        attrs: dict[str, tuple[object, Source]] = fields["attrs"]  # type: ignore[assignment]
        source: Source = fields["source"]  # type: ignore[assignment]
        if version == 2:
            v2.append(Ikev2Proposal(
                name=str(prio), priority=prio, source=source,
                encryption=attrs.get("encryption", ((), source))[0],  # type: ignore[arg-type]
                integrity=attrs.get("integrity", ((), source))[0],  # type: ignore[arg-type]
                prf=attrs.get("prf", ((), source))[0],  # type: ignore[arg-type]
                groups=attrs.get("group", ((), source))[0],  # type: ignore[arg-type]
                lifetime=attrs.get("lifetime", (None, source))[0],  # type: ignore[arg-type]
            ))
            continue
        defaults = {"encryption": d.encryption, "hash": d.hash, "authentication": d.authentication,
                    "group": d.group, "lifetime": d.lifetime}
        values = {k: attrs[k][0] if k in attrs else v for k, v in defaults.items()}
        v1.append(IkePolicy(
            priority=prio, defaulted=frozenset(k for k in defaults if k not in attrs), source=source,
            attr_sources={k: s for k, (_, s) in attrs.items()}, **values,  # type: ignore[arg-type]
        ))
    return tuple(v1), tuple(v2)


def _pix_key(b: Builder, node: Node, args: list[str]) -> None:
    """PIX ``isakmp key K address A [netmask M] [no-xauth] [no-config-mode]``."""
    low = [a.lower() for a in args]
    secret = secret_from_token(args[0])
    peer = None
    peer_name = None
    if "address" in low and low.index("address") + 1 < len(args):
        addr = args[low.index("address") + 1]
        mask = args[low.index("netmask") + 1] if "netmask" in low and low.index("netmask") + 1 < len(args) else "255.255.255.255"
        peer = v4_network(addr, mask)
    elif "hostname" in low and low.index("hostname") + 1 < len(args):
        peer_name = args[low.index("hostname") + 1]
    if peer is None and peer_name is None:
        b.problem(node, "isakmp key without a usable address or hostname ignored")
        return
    b.psks.append(PreSharedKey(secret, peer, peer_name, "no-xauth" in low, source=b.src(node)))


# --------------------------------------------------------------------------- IPsec


def _crypto_ipsec(b: Builder, node: Node, words: list[str]) -> None:
    rest = words[2:]
    low = [w.lower() for w in rest]
    if low[:1] == ["ikev1"] and low[1:2] == ["transform-set"]:
        _transform_set(b, node, rest[2:])
    elif low[:1] == ["transform-set"]:
        _transform_set(b, node, rest[1:])
    elif low[:2] == ["ikev2", "ipsec-proposal"] and len(rest) > 2:
        _ipsec_proposal(b, node, rest[2])
    elif low[:1] == ["profile"] and len(rest) > 1:
        _ipsec_profile(b, node, rest[1])
    elif low[:2] == ["security-association", "lifetime"] and len(low) >= 4 and low[3].isdecimal():
        if low[2] == "seconds":
            b.ipsec_lifetime_seconds = int(low[3])
        elif low[2] == "kilobytes":
            b.ipsec_lifetime_kilobytes = int(low[3])
        else:
            b.unrecognised(node, "crypto ipsec")
    elif low[:2] == ["security-association", "replay"]:
        if "window-size" in low and low[-1].isdecimal():
            b.replay_window = int(low[-1])
    elif low[:1] == ["security-association"] or (low and low[0] in _QUIET_IPSEC):
        return  # pmtu-aging, idle timers: no effect on negotiation
    else:
        b.unrecognised(node, "crypto ipsec")


def _transform_set(b: Builder, node: Node, args: list[str]) -> None:
    if len(args) < 2:
        b.unrecognised(node, "transform-set")
        return
    name = args[0]
    low = [a.lower() for a in args[1:]]
    if low[0] == "mode":
        existing = b.transform_sets.get(name)
        mode = "transport" if "transport" in low else "tunnel"
        if existing is None:
            b.transform_sets[name] = TransformSet(name, (), mode=mode, source=b.src(node))  # type: ignore[arg-type]
        else:
            b.transform_sets[name] = TransformSet(existing.name, existing.transforms, existing.esp_encryption,
                                                  existing.esp_key_bits, existing.esp_integrity, existing.ah,
                                                  existing.compression, mode, existing.source)  # type: ignore[arg-type]
        return
    enc: str | None = None
    bits: int | None = None
    integ: str | None = None
    ah: str | None = None
    transforms: list[str] = []
    i = 0
    while i < len(low):
        t = low[i]
        if t in ESP_ENCRYPTION:
            enc, bits = ESP_ENCRYPTION[t]
            if i + 1 < len(low) and low[i + 1] in ("128", "192", "256"):  # IOS-style `esp-aes 256`
                bits = int(low[i + 1])
                t = f"{t} {low[i + 1]}"
                i += 1
        elif t in ESP_INTEGRITY:
            integ = ESP_INTEGRITY[t]
        elif t.startswith("ah-"):
            ah = t
        else:
            b.problem(node, f"transform-set {name}: unknown transform {t}")
        transforms.append(t)
        i += 1
    prev = b.transform_sets.get(name)
    mode = prev.mode if prev is not None else "tunnel"
    b.transform_sets[name] = TransformSet(name, tuple(transforms), enc, bits, integ, ah, None, mode,
                                          b.src(node))


def _ipsec_proposal(b: Builder, node: Node, name: str) -> None:
    enc: tuple[str, ...] = ()
    integ: tuple[str, ...] = ()
    for child in node.children:
        cw = [w.lower() for w in child.words]
        if cw[:3] == ["protocol", "esp", "encryption"]:
            enc = tuple(cw[3:])
        elif cw[:3] == ["protocol", "esp", "integrity"]:
            integ = tuple(cw[3:])
        else:
            b.unrecognised(child, "ipsec-proposal")
    b.ipsec_proposals[name] = IpsecProposal(name, enc, integ, b.src(node))


def _ipsec_profile(b: Builder, node: Node, name: str) -> None:
    values: dict[str, object] = {}
    for child in node.children:
        cw = child.words
        low = [w.lower() for w in cw]
        if low[:3] == ["set", "ikev1", "transform-set"] or low[:2] == ["set", "transform-set"]:
            values["transform_sets"] = tuple(cw[3:] if low[1] == "ikev1" else cw[2:])
        elif low[:3] == ["set", "ikev2", "ipsec-proposal"]:
            values["ikev2_proposals"] = tuple(cw[3:])
        elif low[:2] == ["set", "pfs"]:
            values["pfs_group"] = _pfs_group(b, low[2:])
        elif low[:4] == ["set", "security-association", "lifetime", "seconds"] and len(low) > 4 and low[4].isdecimal():
            values["lifetime_seconds"] = int(low[4])
        elif low[:1] == ["responder-only"]:
            values["responder_only"] = True
        elif low[:2] == ["set", "security-association"] or low[:1] == ["set"] and len(low) > 1 and low[1] in _QUIET_SET:
            continue
        else:
            b.unrecognised(child, "crypto ipsec profile")
    b.ipsec_profiles[name] = IpsecProfile(name, source=b.src(node), **values)  # type: ignore[arg-type]


def _pfs_group(b: Builder, args: list[str]) -> int | None:
    """``set pfs`` alone → the generation's default group; ``set pfs groupN`` → N."""
    if not args:
        return b.gen.pfs_default_group
    token = args[0]
    digits = token.removeprefix("group")
    return int(digits) if digits.isdecimal() else None


# --------------------------------------------------------------------------- crypto maps


def _crypto_map(b: Builder, node: Node, words: list[str]) -> None:
    """``crypto map M N ...``, ``crypto map M interface IF``, ``crypto map M client ...``."""
    if len(words) < 4:
        b.unrecognised(node, "crypto map")
        return
    name = words[2]
    if words[3].lower() == "interface" and len(words) > 4:
        src = b.src(node)
        b.bindings.append(CryptoMapBinding(name, words[4], src))
        b.map_sources.setdefault(name, src)
        return
    if not (words[3].isdecimal() and words[3].isascii()):
        if words[3].lower() in ("client", "isakmp", "redundancy"):
            return  # PIX client configuration / authentication: remote-access details
        b.unrecognised(node, "crypto map")
        return
    _map_entry_line(b, node, name, int(words[3]), words[4:], dynamic=False)


def _crypto_dynamic_map(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) < 4 or not (words[3].isdecimal() and words[3].isascii()):
        b.unrecognised(node, "crypto dynamic-map")
        return
    _map_entry_line(b, node, words[2], int(words[3]), words[4:], dynamic=True)
    for child in node.children:
        _map_entry_line(b, child, words[2], int(words[3]), child.words, dynamic=True)


def _map_entry_line(b: Builder, node: Node, name: str, seq: int, rest: list[str], *, dynamic: bool) -> None:
    key = (dynamic, name, seq)
    src = b.src(node)
    entry = b.map_entries.get(key)
    if entry is None:
        entry = MapEntryBuild(name, seq, dynamic, src)
        b.map_entries[key] = entry
        if not dynamic and name not in b.map_sources:
            b.map_sources[name] = src
    if not rest:
        return
    low = [w.lower() for w in rest]
    v = entry.values
    if low[0] == "ipsec-isakmp":
        if len(low) >= 3 and low[1] == "dynamic":
            v["dynamic_map"] = rest[2]
            entry.attr_sources["dynamic"] = src
        return
    if low[0] == "ipsec-manual":
        v["manual"] = True
        return
    if low[:2] == ["match", "address"] and len(rest) > 2:
        v["match_acl"] = rest[2]
        entry.attr_sources["match"] = src
        return
    if low[0] != "set" or len(low) < 2:
        b.unrecognised(node, "crypto map")
        return
    what = low[1]
    args, raw = low[2:], rest[2:]
    if what == "peer" and raw:
        v["peers"] = tuple(_peer(b, node, t, src) for t in raw)
        entry.attr_sources["peer"] = src
    elif what == "transform-set" or (what == "ikev1" and args[:1] == ["transform-set"]):
        v["transform_sets"] = tuple(raw if what == "transform-set" else raw[1:])
        entry.attr_sources["transform-set"] = src
    elif what == "ikev2" and args[:1] == ["ipsec-proposal"]:
        v["ikev2_proposals"] = tuple(raw[1:])
        entry.attr_sources["ikev2-proposal"] = src
    elif what == "pfs":
        group = _pfs_group(b, args)
        if group is None:
            b.unrecognised(node, "crypto map")
            return
        v["pfs_group"] = group
        entry.attr_sources["pfs"] = src
    elif what == "security-association" and args[:1] == ["lifetime"] and len(args) >= 3:
        if args[1] == "seconds" and args[2].isdecimal():
            v["lifetime_seconds"] = int(args[2])
        elif args[1] == "kilobytes" and args[2].isdecimal():
            v["lifetime_kilobytes"] = int(args[2])
        elif args[1] == "kilobytes" and args[2] == "unlimited":
            v["lifetime_kilobytes"] = 0
        else:
            b.unrecognised(node, "crypto map")
            return
        entry.attr_sources["lifetime"] = src
    elif what == "reverse-route":
        v["reverse_route"] = True
        entry.attr_sources["reverse-route"] = src
    elif what == "nat-t-disable":
        v["nat_t_disable"] = True
        entry.attr_sources["nat-t-disable"] = src
    elif what == "phase1-mode" or (what == "ikev1" and args[:1] == ["phase1-mode"]):
        mode_args = args if what == "phase1-mode" else args[1:]
        v["phase1_mode"] = "aggressive" if mode_args[:1] == ["aggressive"] else "main"
        entry.attr_sources["phase1-mode"] = src
    elif what == "connection-type" and args:
        v["connection_type"] = args[0]
        entry.attr_sources["connection-type"] = src
    elif what == "trustpoint" and raw:
        v["trustpoint"] = raw[0]
    elif what in _QUIET_SET:
        return
    else:
        b.unrecognised(node, "crypto map")


def _peer(b: Builder, node: Node, token: str, src: Source) -> Peer:
    addr = parse_address(token)
    if addr is not None:
        return Peer(token, addr, src)
    named = b.names.get(token) or b.network_objects.get(token)
    if named is not None and len(named.networks) == 1 and named.networks[0].num_addresses == 1:
        return Peer(token, named.networks[0].network_address, src)
    b.problem(node, f"crypto map peer {token} is not an address or a defined name")
    return Peer(token, None, src)


_CRYPTO = {
    "isakmp": _crypto_isakmp,
    "ikev1": _crypto_ikev1,
    "ikev2": _crypto_ikev2,
    "ipsec": _crypto_ipsec,
    "map": _crypto_map,
    "dynamic-map": _crypto_dynamic_map,
}
