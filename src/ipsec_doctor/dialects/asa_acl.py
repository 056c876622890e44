"""ASA/PIX ``access-list`` lines → :class:`~ipsec_doctor.model.AclEntry`.

One reader for every generation: ``extended`` is optional (PIX and early ASA
omit it), ``line N`` is skipped, protocols may be ``object-group`` /
``object`` references, and address operands go through
:func:`asa_objects.read_address` so names and groups resolve the same way
everywhere.
"""

from __future__ import annotations

from ..model import ANY4, AclEntry, IPNetwork, PortRanges, Service
from .asa_context import AclBuild, Builder
from .asa_objects import read_address, resolve_group
from .common import PORT_OPERATORS, normalise_protocol, port_ranges
from .tree import Node

_KINDS = frozenset({"extended", "standard", "webtype", "ethertype"})
_PORTED = frozenset({"tcp", "udp", "tcp-udp", "sctp"})


def handle_access_list(b: Builder, node: Node, words: list[str]) -> None:
    """``access-list NAME [line N] [extended|standard|webtype|ethertype|remark] ...``."""
    if len(words) < 3:
        b.unrecognised(node, "access-list")
        return
    name = words[1]
    i = 2
    if words[i].lower() == "line" and i + 1 < len(words):
        i += 2
    if i >= len(words):
        b.unrecognised(node, "access-list")
        return
    kw = words[i].lower()
    if kw == "remark":
        _acl(b, name, "extended", node)
        return
    if kw in ("compiled", "rename", "alert-interval", "deny-flow-max"):
        return  # PIX/ASA housekeeping forms with no entries
    kind = "extended"
    if kw in _KINDS:
        kind = kw
        i += 1
    acl = _acl(b, name, kind, node)
    if kind in ("webtype", "ethertype"):
        return  # recorded with its kind; entries are not IP flows
    if i >= len(words) or words[i].lower() not in ("permit", "deny"):
        b.unrecognised(node, "access-list")
        return
    action = words[i].lower()
    i += 1
    entry = (_standard if kind == "standard" else _extended)(b, node, words, i, action)
    if entry is None:
        b.unrecognised(node, "access-list")
        return
    missing = [n for n in entry.unresolved if n not in b.masked_names]
    if missing:
        b.problem(node, f"access-list {name}: unresolved name(s) {', '.join(missing)}")
    acl.entries.append(entry)


def _acl(b: Builder, name: str, kind: str, node: Node) -> AclBuild:
    acl = b.acls.get(name)
    if acl is None:
        acl = AclBuild(name, kind, b.src(node))
        b.acls[name] = acl
    elif kind != "extended" and acl.kind == "extended" and not acl.entries:
        acl.kind = kind  # a remark came first
    return acl


def _standard(b: Builder, node: Node, words: list[str], i: int, action: str) -> AclEntry | None:
    op = read_address(b, words, i)
    if op is None:
        return None
    unresolved = (op.unresolved,) if op.unresolved else ()
    return AclEntry(action, (Service("ip"),), op.networks, (ANY4,), "inactive" in words[i:],  # type: ignore[arg-type]
                    None, unresolved, b.src(node))


def _extended(b: Builder, node: Node, words: list[str], i: int, action: str) -> AclEntry | None:
    if i >= len(words):
        return None
    unresolved: list[str] = []
    fixed: list[Service] | None = None  # services fully given by a service object/group
    protos: list[str] = []
    tok = words[i].lower()
    if tok in ("object-group", "object") and i + 1 < len(words):
        ref = words[i + 1]
        i += 2
        if tok == "object-group":
            grp = resolve_group(b, ref)
            if grp is None:
                unresolved.append(ref)
                fixed = []
            elif grp.kind == "protocol":
                protos = list(grp.protocols)
            else:
                fixed = list(grp.services)
        else:
            obj = b.service_objects.get(ref)
            if obj is None:
                unresolved.append(ref)
                fixed = []
            else:
                fixed = list(obj.services)
    else:
        protos = [normalise_protocol(words[i])]
        i += 1
    ported = fixed is None and any(p in _PORTED for p in protos)

    src = read_address(b, words, i)
    if src is None:
        return None
    i += src.used
    src_ports: PortRanges | None = None
    if ported:
        src_ports, used = _ports(b, words, i, unresolved)
        i += used
    dst = read_address(b, words, i)
    if dst is None:
        return None
    i += dst.used
    dst_ports: PortRanges | None = None
    if ported:
        dst_ports, used = _ports(b, words, i, unresolved)
        i += used
    for op in (src, dst):
        if op.unresolved:
            unresolved.append(op.unresolved)
    if fixed is not None:
        services = tuple(fixed)
    else:
        expanded: list[str] = []
        for p in protos:
            expanded.extend(("tcp", "udp") if p == "tcp-udp" else (p,))
        services = tuple(Service(p, src_ports if p in _PORTED else None, dst_ports if p in _PORTED else None)
                         for p in dict.fromkeys(expanded))
    inactive = "inactive" in (w.lower() for w in words[i:])
    sources: tuple[IPNetwork, ...] = src.networks
    return AclEntry(action, services, sources, dst.networks, inactive, None,  # type: ignore[arg-type]
                    tuple(unresolved), b.src(node))


def _ports(b: Builder, words: list[str], i: int, unresolved: list[str]) -> tuple[PortRanges | None, int]:
    """A port operator (``eq 80``, ``range 1 2``) or a service ``object-group`` at ``words[i]``."""
    if i >= len(words):
        return None, 0
    tok = words[i].lower()
    if tok in PORT_OPERATORS:
        nargs = 2 if tok == "range" else 1
        ranges = port_ranges(tok, words[i + 1 : i + 1 + nargs])
        if ranges is None:
            unresolved.append(" ".join(words[i : i + 1 + nargs]))
        return ranges, 1 + nargs
    if tok == "object-group" and i + 1 < len(words):
        grp = resolve_group(b, words[i + 1])
        if grp is not None and grp.kind == "service":
            return grp.ports or None, 2
        if grp is None and words[i + 1] not in b.raw_groups:
            # could still be an address group that does not exist; let the address reader decide
            return None, 0
    return None, 0
