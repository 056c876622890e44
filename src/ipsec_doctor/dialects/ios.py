"""Cisco IOS / IOS-XE configuration → :class:`~ipsec_doctor.model.Device`.

``parse_ios(section)`` walks the command tree once, dispatching each
top-level command on its first words to a small parser (crypto in
:mod:`ios_ike` / :mod:`ios_ipsec`, interfaces and routing in
:mod:`ios_interfaces`, ACLs in :mod:`acl_ios`).  IOS defaults hidden by
``show running-config`` come from :mod:`defaults_ios`.

Lines inside VPN blocks that are not understood become ``ParseProblem``
values; unrelated configuration is skipped quietly.  Nothing here raises on
user input: an unexpected failure inside one block is reported as a problem
for that block and parsing goes on.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from pathlib import PurePath

from ..inputs import ConfigSection
from ..model import Device, IkeSettings, Keepalive, Platform, Setting, Source, frozen_map
from .acl_ios import finish_acls, parse_named_acl, parse_numbered_acl, parse_object_group
from .defaults_ios import (
    IOS_IPSEC_LIFETIME_KILOBYTES,
    IOS_IPSEC_LIFETIME_SECONDS,
    IOS_ISAKMP_ENABLED_DEFAULT,
    IOS_ISAKMP_IDENTITY_DEFAULT,
    IOS_NAT_TRAVERSAL_DEFAULT,
)
from .ios_context import IosContext, int_or_none
from .ios_ike import (
    finish_ike,
    parse_client_group,
    parse_ikev2,
    parse_isakmp_global,
    parse_isakmp_key,
    parse_isakmp_policy,
    parse_isakmp_profile,
    parse_keyring,
)
from .ios_interfaces import (
    finish_interfaces,
    finish_routing,
    parse_aaa_group,
    parse_interface,
    parse_ip_nat,
    parse_ip_route,
    parse_legacy_aaa_host,
    parse_local_pool,
    parse_named_aaa_server,
    parse_route_map,
)
from .ios_ipsec import finish_ipsec, parse_crypto_map, parse_dynamic_map, parse_ipsec_profile, parse_transform_set
from .tree import Node, build_tree

_VERSION_RE = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")
# `int g0/0` in scripts: the tree only knows the full keyword as a block opener.
_INT_ABBREV_RE = re.compile(r"^(\s*)int(?:e|er|erf|erfa|erfac)?\s+(?=\S)", re.IGNORECASE)
# Global commands that can never be sub-commands: when one follows a column-0 `!`
# indented, the file lost its left margin (documentation pastes) and is re-aligned.
_GLOBAL_ONLY_RE = re.compile(
    r"^(?:crypto\s+(?:isakmp\s+(?:policy|profile|client\s+configuration\s+group|key|nat|keepalive|identity)"
    r"|keyring|map\s+\S+\s+\d+|dynamic-map|ipsec\s+(?:transform-set|profile|security-association)|ikev2\s)"
    r"|access-list\s|ip\s+access-list\s|ip\s+route\s|ip\s+nat\s+inside\s+source|ip\s+local\s+pool"
    r"|route-map\s|router\s|hostname\s)",
    re.IGNORECASE,
)
_QUIET_CRYPTO = frozenset({"pki", "ca", "key", "ssl", "logging", "engine", "vpn", "call", "gdoi", "wui", "mib", "ctcp"})


def parse_ios(section: ConfigSection) -> Device:
    """Parse one IOS device section into a :class:`Device` (never raises on bad input).

    >>> from ipsec_doctor.inputs import ConfigSection
    >>> from ipsec_doctor.model import Platform
    >>> dev = parse_ios(ConfigSection("r1.cfg", [(1, "hostname R1"), (2, "crypto isakmp policy 10"),
    ...                                          (3, " encr aes 256")], Platform.IOS))
    >>> dev.name, dev.ikev1_policies[0].encryption, sorted(dev.ikev1_policies[0].defaulted)
    ('R1', 'aes-256', ['authentication', 'group', 'hash', 'lifetime'])
    """
    # _gc.collector_paused(), spelled out: a generator context manager costs more than a small spoke's tree
    collecting = gc.isenabled()
    gc.disable()
    try:
        ctx = IosContext(section.file, raw=dict(section.lines))
        dispatch = _DISPATCH.get
        for node in build_tree(_realign(section.lines)):
            words = node.words  # only the first word decides the handler
            handler = dispatch(words[0].lower()) if words else None
            if handler is None:
                continue
            try:
                handler(ctx, node)
            except Exception as exc:  # noqa: BLE001 - a parser bug must not lose the whole device
                ctx.problem(node, f"internal error while reading this block ({type(exc).__name__}), block skipped")
        return _device(ctx, section)
    finally:
        if collecting:
            gc.enable()


def _realign(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Expand ``int X`` to ``interface X`` and undo a lost left margin (see module regexes)."""
    out: list[tuple[int, str]] = []
    after_bang = False
    dedent = 0
    for number, raw in lines:
        if not dedent and not after_bang and raw[:1] != "!" and "int" not in raw[:12].lower():
            out.append((number, raw))  # the common case: nothing to re-align
            continue
        text = raw.expandtabs(8)
        stripped = text.lstrip(" ")
        indent = len(text) - len(stripped)
        if not stripped.strip():
            out.append((number, raw))
            continue
        if stripped.startswith("!"):
            if indent == 0:
                after_bang = True
            out.append((number, raw))
            continue
        if dedent:
            if indent == 0:
                dedent = 0
            else:
                text = text[min(dedent, indent):]
        elif after_bang and indent and _GLOBAL_ONLY_RE.match(stripped):
            dedent = indent
            text = stripped
        after_bang = False
        # _INT_ABBREV_RE.sub(r"\1interface ", text, count=1) without re's template expansion
        abbrev = _INT_ABBREV_RE.match(text)
        if abbrev is not None:
            text = abbrev.group(1) + "interface " + text[abbrev.end():]
        out.append((number, text))
    return out


# --------------------------------------------------------------------------- top-level handlers


def _hostname(ctx: IosContext, node: Node) -> None:
    if len(node.words) > 1:
        ctx.device["name"] = node.words[1].strip('"')
        ctx.device["hostname_source"] = ctx.src(node)


def _version(ctx: IosContext, node: Node) -> None:
    if len(node.words) > 1:
        ctx.device["version"] = node.words[1]
        match = _VERSION_RE.match(node.words[1])
        if match:
            ctx.device["version_tuple"] = tuple(int(g) for g in match.groups() if g is not None)


def _ip(ctx: IosContext, node: Node) -> None:
    low = [w.lower() for w in node.words]
    if len(low) < 2:
        return
    second = low[1]
    if second == "domain" and len(low) > 3 and low[2] == "name":
        ctx.device["domain"] = node.words[3]
    elif second == "domain-name" and len(low) > 2:
        ctx.device["domain"] = node.words[2]
    elif second == "access-list":
        parse_named_acl(ctx, node)
    elif second == "route":
        parse_ip_route(ctx, node)
    elif second == "nat":
        parse_ip_nat(ctx, node)
    elif second == "local" and low[2:3] == ["pool"]:
        parse_local_pool(ctx, node)


def _router(ctx: IosContext, node: Node) -> None:
    if len(node.words) > 1 and node.words[1].lower() in ("ospf", "eigrp", "bgp", "rip", "isis", "ospfv3", "odr"):
        ctx.dynamic_routing.append(ctx.src(node))


def _crypto(ctx: IosContext, node: Node) -> None:
    low = [w.lower() for w in node.words]
    if len(low) < 2:
        ctx.unrecognised(node, "crypto")
        return
    second = low[1]
    if second == "isakmp":
        third = low[2] if len(low) > 2 else ""
        if third == "policy":
            parse_isakmp_policy(ctx, node)
        elif third == "key":
            parse_isakmp_key(ctx, node)
        elif third == "profile":
            parse_isakmp_profile(ctx, node)
        elif low[2:5] == ["client", "configuration", "group"]:
            parse_client_group(ctx, node)
        elif not parse_isakmp_global(ctx, node, negated=False):
            ctx.unrecognised(node, "crypto isakmp")
    elif second == "keyring":
        parse_keyring(ctx, node)
    elif second == "ikev2":
        parse_ikev2(ctx, node)
    elif second == "ipsec":
        _crypto_ipsec(ctx, node, low)
    elif second == "map":
        parse_crypto_map(ctx, node)
    elif second == "dynamic-map":
        parse_dynamic_map(ctx, node)
    elif second in _QUIET_CRYPTO:
        return  # PKI, RSA keys, SSL VPN...: not part of the IPsec model
    else:
        ctx.unrecognised(node, "crypto")


def _crypto_ipsec(ctx: IosContext, node: Node, low: list[str]) -> None:
    third = low[2] if len(low) > 2 else ""
    if third == "transform-set":
        parse_transform_set(ctx, node)
    elif third == "profile":
        parse_ipsec_profile(ctx, node)
    elif third == "security-association":
        _sa_global(ctx, node, low[3:])
    elif third == "nat-transparency":
        if low[3:4] == ["udp-encapsulation"]:
            ctx.ike["nat_traversal"] = True
            ctx.ike["nat_traversal_defaulted"] = False
            ctx.ike_sources["nat-traversal"] = ctx.src(node)
    elif third == "df-bit" and len(low) > 3:
        ctx.settings["ipsec-df-bit"] = Setting("ipsec-df-bit", True, low[3], source=ctx.src(node))
    elif third == "client" and low[3:4] == ["ezvpn"]:
        ctx.problem(node, "Easy VPN client (crypto ipsec client ezvpn) is not modelled, ignored")
    elif third in ("optional", "fragmentation", "ipv4-ipv6", "ipsec-ipsec"):
        return
    else:
        ctx.unrecognised(node, "crypto ipsec")


def _sa_global(ctx: IosContext, node: Node, rest: list[str]) -> None:
    if rest[:1] == ["lifetime"] and len(rest) > 2 and rest[1] in ("seconds", "kilobytes"):
        value = int_or_none(rest[2])
        if value is not None:
            ctx.device[f"ipsec_lifetime_{rest[1]}"] = value
            ctx.settings[f"ipsec-lifetime-{rest[1]}"] = Setting(
                f"ipsec-lifetime-{rest[1]}", True, str(value), source=ctx.src(node)
            )
            return
    elif rest[:1] == ["idle-time"] and len(rest) > 1:
        ctx.device["ipsec_idle_time"] = int_or_none(rest[1])
        # kept as a setting too, so a finding can cite the line
        ctx.settings["ipsec-idle-time"] = Setting("ipsec-idle-time", True, rest[1], source=ctx.src(node))
        return
    elif rest[:2] == ["replay", "window-size"] and len(rest) > 2:
        ctx.device["replay_window"] = int_or_none(rest[2])
        return
    elif rest[:2] == ["replay", "disable"]:
        ctx.device["replay_window"] = 0
        return
    elif rest[:1] in (["dummy"], ["multi-sn"]):
        return
    ctx.unrecognised(node, "crypto ipsec security-association")


def _no(ctx: IosContext, node: Node) -> None:
    low = [w.lower() for w in node.words]
    if low[1:2] != ["crypto"]:
        return
    if low[2:3] == ["isakmp"]:
        if not parse_isakmp_global(ctx, node, negated=True):
            ctx.unrecognised(node, "no crypto isakmp")
    elif low[2:5] == ["ipsec", "nat-transparency", "udp-encapsulation"]:
        ctx.ike["nat_traversal"] = False
        ctx.ike["nat_traversal_defaulted"] = False
        ctx.ike_sources["nat-traversal"] = ctx.src(node)
    elif low[2:3] in (["pki"], ["ca"], ["key"]):
        return
    else:
        ctx.unrecognised(node, "no crypto")


def _aaa(ctx: IosContext, node: Node) -> None:
    parse_aaa_group(ctx, node)


def _named_server(ctx: IosContext, node: Node) -> None:
    if len(node.words) > 2 and node.words[1].lower() == "server":
        parse_named_aaa_server(ctx, node)


_DISPATCH: dict[str, Callable[[IosContext, Node], None]] = {
    "hostname": _hostname,
    "version": _version,
    "ip": _ip,
    "interface": parse_interface,
    "access-list": parse_numbered_acl,
    "object-group": parse_object_group,
    "crypto": _crypto,
    "no": _no,
    "route-map": parse_route_map,
    "router": _router,
    "radius-server": parse_legacy_aaa_host,
    "tacacs-server": parse_legacy_aaa_host,
    "radius": _named_server,
    "tacacs": _named_server,
    "aaa": _aaa,
}


# --------------------------------------------------------------------------- assembly


def _ike_settings(ctx: IosContext) -> IkeSettings:
    ike = ctx.ike
    keepalive = ike.get("keepalive")
    if keepalive is None:
        keepalive = Keepalive(False, defaulted=True)  # IOS sends no DPD unless configured
    source = ctx.ike_sources.get("nat-traversal") or ctx.ike_sources.get("enable") or Source(ctx.file, 0, "")
    return IkeSettings(
        enabled_everywhere=ike.get("enabled_everywhere", IOS_ISAKMP_ENABLED_DEFAULT),
        nat_traversal=ike.get("nat_traversal", IOS_NAT_TRAVERSAL_DEFAULT),
        nat_traversal_keepalive=ike.get("nat_traversal_keepalive"),
        nat_traversal_defaulted=ike.get("nat_traversal_defaulted", True),
        identity=ike.get("identity", IOS_ISAKMP_IDENTITY_DEFAULT),
        identity_defaulted=ike.get("identity_defaulted", True),
        keepalive=keepalive,
        aggressive_mode_disabled=ike.get("aggressive_mode_disabled", False),
        invalid_spi_recovery=ike.get("invalid_spi_recovery", False),
        source=source,
        attr_sources=frozen_map(ctx.ike_sources),
    )


def _device(ctx: IosContext, section: ConfigSection) -> Device:
    acls, groups = finish_acls(ctx)
    name = ctx.device.get("name") or section.name_hint or PurePath(section.file).stem or section.file
    return Device(
        name=name,
        platform=Platform.IOS,
        file=section.file,
        version=ctx.device.get("version"),
        version_tuple=ctx.device.get("version_tuple", ()),
        hostname_source=ctx.device.get("hostname_source"),
        domain=ctx.device.get("domain"),
        acls=frozen_map(acls),
        object_groups=frozen_map(groups),
        ike=_ike_settings(ctx),
        ipsec_lifetime_seconds=ctx.device.get("ipsec_lifetime_seconds", IOS_IPSEC_LIFETIME_SECONDS),
        ipsec_lifetime_kilobytes=ctx.device.get("ipsec_lifetime_kilobytes", IOS_IPSEC_LIFETIME_KILOBYTES),
        ipsec_idle_time=ctx.device.get("ipsec_idle_time"),
        replay_window=ctx.device.get("replay_window"),
        settings=frozen_map(ctx.settings),
        problems=tuple(sorted(ctx.problems, key=lambda p: p.line)),
        # an excerpt (`show running-config | section crypto`): no header and no interface section
        partial=not ctx.interfaces and "version" not in ctx.device and "name" not in ctx.device,
        **finish_interfaces(ctx),
        **finish_ike(ctx),
        **finish_ipsec(ctx),
        **finish_routing(ctx),
    )
