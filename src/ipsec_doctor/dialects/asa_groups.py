"""ASA tunnel-groups, group-policies, users, address pools and AAA servers.

Tunnel-group lines are spread over several blocks (``type``,
``general-attributes``, ``ipsec-attributes``); they are merged by name here
and frozen by :func:`finish_tunnel_groups`, which also makes the DPD
(keepalive) default of the generation explicit.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, ip_address

from ..model import AaaServer, AddressPool, Attribute, GroupPolicy, Keepalive, Source, TunnelGroup, User
from ..redact import redact_line
from ..secrets import secret_from_token
from .asa_context import Builder
from .common import mask_to_prefix
from .tree import Node

_IF_TOKEN = re.compile(r"^\([^()]+\)$")

_QUIET_GENERAL = frozenset({
    "accounting-server-group", "authorization-server-group", "authorization-required", "dhcp-server",
    "strip-realm", "strip-group", "password-management", "override-account-disable", "nat-assigned-to-public-ip",
    "secondary-authentication-server-group", "username-from-certificate", "secondary-username-from-certificate",
    "authorization-dn-attributes", "ipv6-address-pool", "scep-enrollment", "no", "authentication-attr-from-server",
    "authenticated-session-username", "address-pools",
})
_QUIET_IPSEC = frozenset({
    "chain", "radius-sdi-xauth", "authorization-required", "trust-point", "client-update", "isakmp",
    "ikev1", "ikev2", "no", "authentication", "peer-id-validate", "ike-retry-timeout", "ike-retry-count",
    "radius-with-expiry",
})


def handle_tunnel_group(b: Builder, node: Node, words: list[str]) -> None:
    """``tunnel-group NAME type T`` and the ``NAME *-attributes`` blocks."""
    if len(words) < 3:
        b.unrecognised(node, "tunnel-group")
        return
    name, kind = words[1], words[2].lower()
    src = b.src(node)
    tg = b.tunnel_groups.get(name)
    if tg is None:
        tg = b.tunnel_groups[name] = {"name": name, "source": src, "attr_sources": {}}
    sources: dict[str, Source] = tg["attr_sources"]  # type: ignore[assignment]
    if kind == "type" and len(words) > 3:
        tg["type"] = words[3].lower()
        tg["source"] = src
        sources["type"] = src
    elif kind == "general-attributes":
        for child in node.children:
            _general(b, child, tg, sources)
    elif kind == "ipsec-attributes":
        for child in node.children:
            _ipsec(b, child, tg, sources)
    elif kind.endswith("-attributes"):
        return  # webvpn-, ppp-, ipsec-ra-attributes: not part of the IPsec negotiation
    else:
        b.unrecognised(node, "tunnel-group")


def _strip_if(args: list[str]) -> list[str]:
    return args[1:] if args and args[0][:1] == "(" and _IF_TOKEN.match(args[0]) else args


def _general(b: Builder, node: Node, tg: dict[str, object], sources: dict[str, Source]) -> None:
    words = node.text.split()
    key = words[0].lower()
    args = _strip_if(words[1:])
    if key == "address-pool" and args:
        tg["address_pools"] = tuple(args)
    elif key == "default-group-policy" and args:
        tg["default_group_policy"] = args[0]
    elif key == "authentication-server-group" and args:
        tg["authentication_server_group"] = args[0]
    elif key in _QUIET_GENERAL:
        return
    else:
        b.unrecognised(node, "tunnel-group general-attributes")
        return
    sources[key] = b.src(node)


def _key_token(args: list[str]) -> tuple[str, str | None] | None:
    """The key token after ``pre-shared-key`` and its encoding (``8`` = ASA master-passphrase encryption)."""
    if args and args[0].lower() == "hex":
        args = args[1:]
    if len(args) >= 2 and args[0] in ("0", "8"):
        return args[1], args[0]
    if args:
        return args[0], None
    return None


def _ipsec(b: Builder, node: Node, tg: dict[str, object], sources: dict[str, Source]) -> None:
    words = node.text.split()
    low = [w.lower() for w in words]
    src = b.src(node)
    if low[0] == "pre-shared-key" or low[:2] == ["ikev1", "pre-shared-key"]:
        tok = _key_token(words[1:] if low[0] == "pre-shared-key" else words[2:])
        if tok is not None:
            tg["ikev1_psk"] = secret_from_token(*tok)
            sources["ikev1-psk"] = src
            return
    elif low[:3] in (["ikev2", "local-authentication", "pre-shared-key"],
                     ["ikev2", "remote-authentication", "pre-shared-key"]):
        tok = _key_token(words[3:])
        if tok is None:
            return  # `show running-config all` prints the keyword with no key
        if tok is not None:
            which = "ikev2_local_psk" if low[1].startswith("local") else "ikev2_remote_psk"
            tg[which] = secret_from_token(*tok)
            sources[which.replace("_", "-")] = src
            return
    elif low[:2] == ["isakmp", "keepalive"]:
        ka = _keepalive(low[2:], src)
        if ka is not None:
            tg["keepalive"] = ka
            sources["keepalive"] = src
            return
    elif low[:2] == ["isakmp", "ikev1-user-authentication"] and len(low) > 2:
        tg["ikev1_user_authentication"] = low[-1]
        sources["ikev1-user-authentication"] = src
        return
    elif low[0] == "peer-id-validate" and len(low) > 1:
        tg["peer_id_validate"] = low[1]
        sources["peer-id-validate"] = src
        return
    elif (low[:2] == ["ikev1", "trust-point"] or low[0] == "trust-point") and len(low) > 1:
        tg["trustpoint"] = words[-1]
        sources["trustpoint"] = src
        return
    elif low[0] in _QUIET_IPSEC:
        return
    b.unrecognised(node, "tunnel-group ipsec-attributes")


def _keepalive(args: list[str], src: Source) -> Keepalive | None:
    if args[:1] == ["disable"]:
        return Keepalive(False, source=src)
    if args[:1] == ["threshold"] and len(args) >= 2:
        if args[1] == "infinite":
            return Keepalive(True, None, None, source=src)  # respond only, never initiate
        if args[1].isdecimal():
            retry = int(args[3]) if len(args) >= 4 and args[2] == "retry" and args[3].isdecimal() else None
            return Keepalive(True, int(args[1]), retry, source=src)
    return None


def finish_tunnel_groups(b: Builder) -> dict[str, TunnelGroup]:
    result: dict[str, TunnelGroup] = {}
    for name, fields in b.tunnel_groups.items():
        values = dict(fields)
        if "keepalive" not in values:
            kind = values.get("type")
            default = b.gen.l2l_keepalive if kind == "ipsec-l2l" else (
                b.gen.ra_keepalive if kind in ("remote-access", "ipsec-ra") else None)
            if default is not None:
                values["keepalive"] = Keepalive(True, default[0], default[1], defaulted=True,
                                                source=values["source"])  # type: ignore[arg-type]
        result[name] = TunnelGroup(**values)  # type: ignore[arg-type]
    return result


# --------------------------------------------------------------------------- group-policy and users


def _attributes(b: Builder, node: Node) -> dict[str, Attribute]:
    attrs: dict[str, Attribute] = {}
    for child in node.children:
        # the value is read from the redacted text, so a secret-bearing attribute never keeps its secret
        words = redact_line(child.text).split()
        key = words[0].lower()
        if key in ("webvpn", "anyconnect") and child.children:
            continue  # clientless / AnyConnect sub-blocks: not IPsec
        rest = words[1:]
        if rest[:1] == ["value"]:
            rest = rest[1:]
        if key in attrs and rest:
            key = f"{key} {rest[0]}"
        attrs[key] = Attribute(key, " ".join(rest), b.src(child))
    return attrs


def handle_group_policy(b: Builder, node: Node, words: list[str]) -> None:
    """``group-policy NAME internal|external ...`` and ``group-policy NAME attributes`` blocks."""
    if len(words) < 3:
        b.unrecognised(node, "group-policy")
        return
    name, what = words[1], words[2].lower()
    prev = b.group_policies.get(name)
    if what in ("internal", "external"):
        attrs = dict(prev.attributes) if prev else {}
        b.group_policies[name] = GroupPolicy(name, what, attrs, b.src(node))  # type: ignore[arg-type]
    elif what == "attributes":
        attrs = dict(prev.attributes) if prev else {}
        attrs.update(_attributes(b, node))
        b.group_policies[name] = GroupPolicy(name, prev.kind if prev else "internal", attrs,
                                             prev.source if prev else b.src(node))
    else:
        b.unrecognised(node, "group-policy")


def handle_username(b: Builder, node: Node, words: list[str]) -> None:
    """``username NAME password X [encrypted|pbkdf2] [privilege N]`` / ``username NAME attributes``."""
    if len(words) < 2:
        return
    name = words[1]
    prev = b.users.get(name)
    attrs = dict(prev.attributes) if prev else {}
    low = [w.lower() for w in words]
    if len(words) > 2 and low[2] == "attributes":
        attrs.update(_attributes(b, node))
    elif "privilege" in low and low.index("privilege") + 1 < len(low):
        attrs["privilege"] = Attribute("privilege", low[low.index("privilege") + 1], b.src(node))
    b.users[name] = User(name, attrs, prev.source if prev else b.src(node))


def handle_ip_local_pool(b: Builder, node: Node, words: list[str]) -> None:
    """``ip local pool NAME A[-B] [mask M]``."""
    if len(words) < 5:
        b.unrecognised(node, "ip local pool")
        return
    name, spec = words[3], words[4]
    first_s, _, last_s = spec.partition("-")
    try:
        first = ip_address(first_s)
        last = ip_address(last_s) if last_s else first
    except ValueError:
        b.unrecognised(node, "ip local pool")
        return
    if first.version != last.version or int(last) < int(first):
        # the ASA refuses such a range: no such pool exists on the device
        b.problem(node, f"ip local pool {name}: {last_s} does not follow {first_s}, pool ignored")
        return
    mask = None
    low = [w.lower() for w in words]
    if "mask" in low and low.index("mask") + 1 < len(words):
        written = words[low.index("mask") + 1]
        if mask_to_prefix(written) is None:
            # the ASA refuses such a pool; the checks would otherwise build networks from it
            b.problem(node, f"ip local pool {name}: mask {written} is not a contiguous netmask, mask ignored")
        else:
            mask = IPv4Address(written)
    b.pools[name] = AddressPool(name, first, last, mask, b.src(node))


def handle_aaa_server(b: Builder, node: Node, words: list[str]) -> None:
    """``aaa-server G protocol P`` and ``aaa-server G [(if)] host H`` (+ ``timeout N`` block)."""
    if len(words) < 3:
        return
    group = words[1]
    args = words[2:]
    interface = None
    if _IF_TOKEN.match(args[0]):
        interface = args[0][1:-1]
        args = args[1:]
    if args and args[0].lower() == "protocol" and len(args) > 1:
        b.aaa_protocols[group] = args[1].lower()
        return
    if args and args[0].lower() == "host" and len(args) > 1:
        timeout = None
        for child in node.children:
            cw = child.words
            if cw[0].lower() == "timeout" and len(cw) > 1 and cw[1].isdecimal():
                timeout = int(cw[1])
        b.aaa_servers.append(AaaServer(group, b.aaa_protocols.get(group), args[1], interface, timeout, b.src(node)))
