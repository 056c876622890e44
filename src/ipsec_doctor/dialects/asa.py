"""ASA (7.x–9.x) and PIX 6 running-configurations → :class:`~ipsec_doctor.model.Device`.

Two passes over the command tree: the first collects what other commands
refer to by name (hostname, version, interfaces, ``name``, objects and
object-groups), the second reads everything else with a dispatch on the
first word.  Command families live in ``asa_objects``, ``asa_acl``,
``asa_nat``, ``asa_crypto`` and ``asa_groups``; version defaults in
``defaults_asa``.  A line of a VPN-relevant family that is not understood
becomes a :class:`~ipsec_doctor.model.ParseProblem`; other lines are skipped.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from ipaddress import IPv4Interface, ip_address, ip_interface
from pathlib import PurePath

from ..inputs import ConfigSection
from ..model import (
    NO_SOURCE,
    AccessList,
    CryptoMap,
    Device,
    IkeSettings,
    IPInterface,
    ParseProblem,
    Platform,
    Setting,
    StaticRoute,
    TunnelSettings,
    frozen_map,
)
from ..redact import redact_line
from .asa_access import handle_access_group, handle_management_line
from .asa_acl import handle_access_list
from .asa_context import Builder
from .asa_crypto import finish_ike, handle_crypto, handle_no_crypto, handle_pix_isakmp
from .asa_groups import (
    finish_tunnel_groups,
    handle_aaa_server,
    handle_group_policy,
    handle_ip_local_pool,
    handle_tunnel_group,
    handle_username,
)
from .asa_nat import finish_nat, handle_global, handle_nat, handle_object_nat, handle_static
from .asa_objects import (
    handle_name,
    handle_object,
    handle_object_group,
    masked_network,
    name_or_host,
    resolve_group,
)
from .common import canonical_interface
from .defaults_asa import generation_for
from .tree import Node, build_tree

_VERSION_RE = re.compile(r"^(?:ASA|PIX|FWSM)\s+Version\s+(\S+)", re.IGNORECASE)
_TWICE_NAT_RE = re.compile(r"^nat\s+\([^)]*,[^)]*\)\s+(?:\d+\s+)?(?:after-auto\s+)?source\s", re.IGNORECASE)
_PIX_SECURITY_RE = re.compile(r"^security(\d+)$", re.IGNORECASE)

Handler = Callable[[Builder, Node, list[str]], None]


def parse_version(text: str) -> tuple[str | None, tuple[int, ...]]:
    """``ASA Version 9.8(4)12`` → ("9.8(4)12", (9, 8, 4, 12)).

    >>> parse_version("PIX Version 6.3(5)")
    ('6.3(5)', (6, 3, 5))
    """
    m = _VERSION_RE.match(text)
    if not m:
        return None, ()
    raw = m.group(1)
    return raw, tuple(int(n) for n in re.findall(r"\d+", raw))


def parse_asa(section: ConfigSection) -> Device:
    """Parse one ASA or PIX configuration section.  Never raises on user input."""
    # The parse allocates several objects per line and creates no reference cycles; the cyclic
    # collector would only re-scan the growing tree and model (a quarter of the time on 20k lines).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_asa(section)
    finally:
        if collecting:
            gc.enable()


def _parse_asa(section: ConfigSection) -> Device:
    version: str | None = None
    vtuple: tuple[int, ...] = ()
    for _n, text in section.lines:
        version, vtuple = parse_version(text.strip())
        if version:
            break
    platform = section.platform
    if platform is Platform.PIX6 and vtuple and vtuple >= (7,):
        platform = Platform.ASA  # PIX 7/8 run the ASA software and its syntax
    gen = generation_for(platform, vtuple)
    b = Builder(section.file, gen)
    roots = build_tree(section.lines, asa_banners=True)
    if platform is Platform.PIX6:
        # PIX 6 has no sub-command blocks; the tree's block heuristics would only mis-nest lines
        roots = [Node(n.text, n.line) for r in roots for n in r.walk()]
    # split each command once; both passes dispatch on the lower-cased first word
    commands = []
    for node in roots:
        words = node.text.split()
        commands.append((node, words, words[0].lower()))
    first = _FIRST_PASS.get
    for node, words, head in commands:
        handler = first(head)
        if handler is not None:
            handler(b, node, words)
    second = _DISPATCH.get
    for node, words, head in commands:
        handler = second(head)
        if handler is not None:
            handler(b, node, words)
    return _freeze(b, section, platform, version, vtuple)


# --------------------------------------------------------------------------- first pass


def _hostname(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) > 1:
        b.hostname, b.hostname_source = words[1], b.src(node)


def _domain_name(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) > 1:
        b.domain = words[1]


def _first_interface(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) > 1:
        _interface(b, node, words)


def _first_nameif(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) >= 3:
        _pix_nameif(b, node, words)


def _first_ip(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) >= 4 and words[1].lower() == "address":
        _pix_ip_address(b, node, words)


def _interface(b: Builder, node: Node, words: list[str]) -> None:
    name = canonical_interface(words[1])
    fields = b.interface_fields(name, node)
    if len(words) > 2:  # PIX 6 `interface ethernet0 auto|100full [shutdown]`
        fields["shutdown"] = words[-1].lower() == "shutdown"
    for child in node.children:
        _interface_child(b, fields, child)


def _interface_child(b: Builder, fields: dict[str, object], child: Node) -> None:
    cw = child.words
    low = [w.lower() for w in cw]
    if low[0] == "nameif" and len(cw) > 1:
        fields["nameif"] = cw[1]
    elif low[0] == "security-level" and len(cw) > 1 and cw[1].isdecimal():
        fields["security_level"] = int(cw[1])
    elif low[0] == "shutdown":
        fields["shutdown"] = True
    elif low[0] == "description":
        fields["description"] = child.text.split(None, 1)[1] if len(cw) > 1 else ""
    elif low[:2] == ["ip", "address"] and len(cw) > 2:
        if low[2] == "dhcp":
            fields["dhcp"] = True
        elif low[2] == "pppoe":
            fields["pppoe"] = True
        elif len(cw) > 3 and (addr := _interface_address(b, cw[2], cw[3])) is not None:
            _addresses(fields).insert(0, addr)
        else:
            b.problem(child, f"interface address not understood (sanitised?): {redact_line(child.text)}")
    elif low[:2] == ["ipv6", "address"] and len(cw) > 2 and "/" in cw[2]:
        try:
            _addresses(fields).append(ip_interface(cw[2]))
        except ValueError:
            pass
    elif low[0] == "tunnel" and len(cw) > 2:
        _tunnel(fields, low, cw, b.src(child))
    elif low[0] == "mtu" and len(cw) > 1 and cw[-1].isdecimal():
        fields["mtu"] = int(cw[-1])


def _addresses(fields: dict[str, object]) -> list[IPInterface]:
    addrs = fields.setdefault("addresses", [])
    assert isinstance(addrs, list)
    return addrs


def _interface_address(b: Builder, addr: str, mask: str) -> IPv4Interface | None:
    """``A M`` where A may be a ``name`` (``ip address ASA_INSIDE 255.255.255.0``)."""
    host = name_or_host(b, addr)
    net = masked_network(b, addr, mask)
    if host is None or net is None:
        return None
    return IPv4Interface((int(host.network_address), net.prefixlen))


def _tunnel(fields: dict[str, object], low: list[str], cw: list[str], src: object) -> None:
    cur = fields.get("tunnel")
    t: dict[str, object] = dict(cur) if isinstance(cur, dict) else {"source": src}
    if low[1] == "source" and low[2] == "interface" and len(cw) > 3:
        t["source_interface"] = cw[3]
    elif low[1] == "source":
        try:
            t["source_address"] = ip_address(cw[2])
        except ValueError:
            t["source_interface"] = cw[2]
    elif low[1] == "destination":
        try:
            t["destination"] = ip_address(cw[2])
        except ValueError:
            t["destination_name"] = cw[2]
    elif low[1] == "mode":
        t["mode"] = " ".join(low[2:])
    elif low[1:4] == ["protection", "ipsec", "profile"] and len(cw) > 4:
        t["protection_profile"] = cw[4]
    fields["tunnel"] = t


def _pix_nameif(b: Builder, node: Node, words: list[str]) -> None:
    """PIX 6 ``nameif ethernet0 outside security0``."""
    fields = b.interface_fields(canonical_interface(words[1]), node)
    fields["nameif"] = words[2]
    if len(words) > 3 and (m := _PIX_SECURITY_RE.match(words[3])):
        fields["security_level"] = int(m.group(1))


def _pix_ip_address(b: Builder, node: Node, words: list[str]) -> None:
    """PIX 6 ``ip address outside A M`` / ``ip address outside dhcp [setroute]``."""
    fields = b.interface_by_nameif(words[2])
    if fields is None:
        return
    if words[3].lower() == "dhcp":
        fields["dhcp"] = True
    elif words[3].lower() == "pppoe":
        fields["pppoe"] = True
    elif len(words) > 4 and (addr := _interface_address(b, words[3], words[4])) is not None:
        fields["addresses"] = [addr]
    else:
        b.problem(node, f"interface address not understood (sanitised?): {redact_line(node.text)}")


# --------------------------------------------------------------------------- second pass


def _second_object(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) > 2 and words[1].lower() == "network":
        for child in node.children:
            if _TWICE_NAT_RE.match(child.text):
                handle_nat(b, child, child.words)  # a twice NAT line the tree nested under the object
            elif child.text.split(None, 1)[0].lower() == "nat":
                handle_object_nat(b, words[2], child)


def _nested_top_level(b: Builder, node: Node, words: list[str]) -> None:
    """``interface``/``object-group``: top-level lines nested by the tree's unindented-script rules."""
    for child in node.children:
        if _TWICE_NAT_RE.match(child.text):
            handle_nat(b, child, child.words)
        else:
            cw = child.words
            if cw[0].lower() == "mtu" and len(cw) == 3:
                _mtu(b, child, cw)


def _no(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) < 2:
        return
    second = words[1].lower()
    if second == "crypto":
        handle_no_crypto(b, node, words)
    elif second == "sysopt":
        _sysopt(b, node, words[1:], enabled=False)
    elif second == "isakmp" and len(words) > 2 and words[2].lower() == "nat-traversal":
        b.ike["nat_traversal"] = False
        b.ike_sources["nat_traversal"] = b.src(node)


_SYSOPT_ALIASES = {"sysopt connection permit-ipsec": "sysopt connection permit-vpn"}


def _sysopt(b: Builder, node: Node, words: list[str], *, enabled: bool = True) -> None:
    low = [w.lower() for w in words]
    value = None
    if len(low) > 4 and low[2:4] == ["tcpmss", "minimum"] and low[-1].isdecimal():
        name, value = "sysopt connection tcpmss minimum", low[-1]  # not the maximum MSS: keep apart
    elif len(low) > 3 and low[2] == "tcpmss" and low[-1].isdecimal():
        name, value = "sysopt connection tcpmss", low[-1]
    else:
        name = " ".join(low[:3])
    if b.gen.key != "pix6" and b.gen.key != "asa70":
        name = _SYSOPT_ALIASES.get(name, name)
    b.settings[name] = Setting(name, enabled, value, False, b.src(node))


def _mtu(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) >= 3 and words[2].isdecimal():
        b.mtu[words[1]] = int(words[2])


def _route(b: Builder, node: Node, words: list[str]) -> None:
    """``route IF PREFIX MASK NEXTHOP [distance] [track N] [tunneled]``."""
    if len(words) < 5:
        b.unrecognised(node, "route")
        return
    prefix = masked_network(b, words[2], words[3])
    hop_net = name_or_host(b, words[4])
    if prefix is None or hop_net is None:
        b.unrecognised(node, "route")
        if prefix is None:
            return
        # The egress interface is explicit even when the gateway is a placeholder: keep it.
    distance = 1
    tunneled = False
    if len(words) > 5:
        if words[5].isdecimal() and words[5].isascii():
            distance = int(words[5])
        tunneled = any(w.lower() == "tunneled" for w in words[5:])
    hop = hop_net.network_address if hop_net is not None else None
    b.routes.append(StaticRoute(prefix, hop, words[1], distance, None, tunneled, b.src(node)))


def _router(b: Builder, node: Node, words: list[str]) -> None:
    b.dynamic_routing.append(b.src(node))


def _management_access(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) > 1:
        b.management_access, b.management_access_source = words[1], b.src(node)


def _same_security(b: Builder, node: Node, words: list[str]) -> None:
    low = [w.lower() for w in words]
    if "intra-interface" in low:
        b.same_security_intra = True
    if "inter-interface" in low:
        b.same_security_inter = True


def _threat_detection(b: Builder, node: Node, words: list[str]) -> None:
    b.threat_detection.append(b.src(node))


def _logging(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) > 2 and words[1].lower() == "queue" and words[2].isdecimal():
        b.logging_queue, b.logging_queue_source = int(words[2]), b.src(node)


def _vpn_sessiondb(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) > 2:
        name = " ".join(w.lower() for w in words[:2])
        b.settings[name] = Setting(name, True, words[2], False, b.src(node))


def _ip(b: Builder, node: Node, words: list[str]) -> None:
    if len(words) > 2 and words[1].lower() == "local" and words[2].lower() == "pool":
        handle_ip_local_pool(b, node, words)


_DISPATCH: dict[str, Handler] = {
    "access-list": handle_access_list,
    "access-group": handle_access_group,
    "ssh": handle_management_line,
    "telnet": handle_management_line,
    "http": handle_management_line,
    "icmp": handle_management_line,
    "crypto": handle_crypto,
    "isakmp": handle_pix_isakmp,
    "no": _no,
    "tunnel-group": handle_tunnel_group,
    "group-policy": handle_group_policy,
    "username": handle_username,
    "ip": _ip,
    "nat": handle_nat,
    "global": handle_global,
    "static": handle_static,
    "route": _route,
    "router": _router,
    "aaa-server": handle_aaa_server,
    "sysopt": lambda b, n, w: _sysopt(b, n, w),
    "management-access": _management_access,
    "same-security-traffic": _same_security,
    "threat-detection": _threat_detection,
    "logging": _logging,
    "vpn-sessiondb": _vpn_sessiondb,
    "mtu": _mtu,
    "object": _second_object,
    "interface": _nested_top_level,
    "object-group": _nested_top_level,
}

_FIRST_PASS: dict[str, Handler] = {
    "hostname": _hostname,
    "domain-name": _domain_name,
    "name": handle_name,
    "interface": _first_interface,
    "nameif": _first_nameif,
    "ip": _first_ip,
    "object": handle_object,
    "object-group": handle_object_group,
}


# --------------------------------------------------------------------------- freezing


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) else default


def _freeze(b: Builder, section: ConfigSection, platform: Platform, version: str | None,
            vtuple: tuple[int, ...]) -> Device:
    for binding in b.bindings:
        fields = b.interface_by_nameif(binding.interface)
        if fields is not None:
            fields["crypto_map"] = binding.map_name
        elif b.interfaces:  # a snippet without interfaces cannot be checked
            b.problems.append(ParseProblem(b.file, binding.source.line,
                                           f"crypto map {binding.map_name} bound to unknown interface "
                                           f"{binding.interface}"))
    for fields in b.interfaces.values():
        t = fields.get("tunnel")
        if isinstance(t, dict):
            fields["tunnel"] = TunnelSettings(**t)  # type: ignore[arg-type]

    ikev1, ikev2 = finish_ike(b)
    gen = b.gen
    natt = b.ike.get("nat_traversal")
    ident = b.ike.get("identity")
    ike = IkeSettings(
        enabled_everywhere=False,
        enabled_interfaces=tuple(b.ike_enables),
        nat_traversal=gen.nat_traversal if natt is None else bool(natt),
        nat_traversal_keepalive=_int(b.ike.get("nat_traversal_keepalive"), gen.nat_traversal_keepalive),
        nat_traversal_defaulted=natt is None,
        identity=gen.identity if ident is None else str(ident),
        identity_defaulted=ident is None,
        aggressive_mode_disabled=bool(b.ike.get("aggressive_mode_disabled", False)),
        source=b.ike_sources.get("nat_traversal")
        or (b.ike_enables[0].source if b.ike_enables else NO_SOURCE),
        attr_sources=dict(b.ike_sources),
    )

    static_maps: dict[str, list] = {}
    dynamic_maps: dict[str, list] = {}
    for (is_dyn, name, _seq), entry in sorted(b.map_entries.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        (dynamic_maps if is_dyn else static_maps).setdefault(name, []).append(entry.freeze())
    crypto_maps = {name: CryptoMap(name, tuple(entries), source=b.map_sources.get(name, entries[0].source))
                   for name, entries in static_maps.items()}
    for name, src in b.map_sources.items():
        crypto_maps.setdefault(name, CryptoMap(name, (), source=src))

    settings = {name: Setting(name, enabled, value, True) for name, enabled, value in gen.sysopt_defaults}
    settings.update(b.settings)

    acls = {name: AccessList(name, a.kind, tuple(a.entries), a.source)  # type: ignore[arg-type]
            for name, a in b.acls.items()}
    return Device(
        name=b.hostname or section.name_hint or PurePath(section.file).stem or section.file,
        platform=platform,
        file=section.file,
        version=version,
        version_tuple=vtuple,
        hostname_source=b.hostname_source,
        domain=b.domain,
        interfaces=b.frozen_interfaces(),
        names=frozen_map(b.names),
        network_objects=frozen_map(b.network_objects),
        service_objects=frozen_map(b.service_objects),
        object_groups=frozen_map({n: g for n in b.raw_groups if (g := resolve_group(b, n)) is not None}),
        acls=frozen_map(acls),
        ike=ike,
        ikev1_policies=ikev1,
        ikev2_proposals=ikev2,
        pre_shared_keys=tuple(b.psks),
        transform_sets=frozen_map(b.transform_sets),
        ipsec_proposals=frozen_map(b.ipsec_proposals),
        ipsec_profiles=frozen_map(b.ipsec_profiles),
        crypto_maps=frozen_map(crypto_maps),
        dynamic_maps=frozen_map({k: tuple(v) for k, v in dynamic_maps.items()}),
        bindings=tuple(b.bindings),
        ipsec_lifetime_seconds=b.ipsec_lifetime_seconds or gen.ipsec_lifetime_seconds,
        ipsec_lifetime_kilobytes=b.ipsec_lifetime_kilobytes or gen.ipsec_lifetime_kilobytes,
        replay_window=b.replay_window,
        tunnel_groups=frozen_map(finish_tunnel_groups(b)),
        group_policies=frozen_map(b.group_policies),
        users=frozen_map(b.users),
        aaa_servers=tuple(b.aaa_servers),
        nat_rules=finish_nat(b),
        routes=tuple(b.routes),
        dynamic_routing=tuple(b.dynamic_routing),
        pools=frozen_map(b.pools),
        settings=frozen_map(settings),
        management_access=b.management_access,
        management_access_source=b.management_access_source,
        same_security_intra=b.same_security_intra,
        same_security_inter=b.same_security_inter,
        threat_detection=tuple(b.threat_detection),
        logging_queue=b.logging_queue,
        logging_queue_source=b.logging_queue_source,
        interface_acls=tuple(b.interface_acls),
        management_permits=tuple(b.management_permits),
        problems=tuple(b.problems),
        partial=version is None and not b.interfaces,  # `show running-config <section>` excerpt
    )
