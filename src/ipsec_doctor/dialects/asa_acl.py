"""ASA/PIX ``access-list`` lines → :class:`~ipsec_doctor.model.AclEntry`.

One reader for every generation: ``extended`` is optional (PIX and early ASA
omit it), ``line N`` is skipped, protocols may be ``object-group`` /
``object`` references, and address operands go through
:func:`asa_objects.read_address` so names and groups resolve the same way
everywhere.
"""

from __future__ import annotations

from functools import lru_cache

from ..model import ANY4, AclEntry, PortRanges, Service
from .asa_context import AclBuild, Builder
from .asa_objects import MISSING_OPERAND as _MISSING
from .asa_objects import read_address, resolve_group
from .common import PORT_OPERATORS, PROTOCOL_NAMES, port_ranges
from .tree import Node

_KINDS = frozenset({"extended", "standard", "webtype", "ethertype"})
_HOUSEKEEPING = frozenset({"compiled", "rename", "alert-interval", "deny-flow-max"})
_PORTED = frozenset({"tcp", "udp", "tcp-udp", "sctp"})


def handle_access_list(b: Builder, node: Node, words: list[str]) -> None:
    """``access-list NAME [line N] [extended|standard|webtype|ethertype|remark] ...``."""
    n = len(words)
    if n < 3:
        b.unrecognised(node, "access-list")
        return
    name = words[1]
    i = 2
    if n > 3 and words[2].lower() == "line":
        i = 4
        if n <= 4:
            b.unrecognised(node, "access-list")
            return
    kw = words[i].lower()
    if kw == "remark":
        _acl(b, name, "extended", node)
        return
    if kw in _HOUSEKEEPING:
        return  # PIX/ASA housekeeping forms with no entries
    kind = "extended"
    if kw in _KINDS:
        kind = kw
        i += 1
    acl = b.acls.get(name)
    if acl is None or kind != "extended":
        acl = _acl(b, name, kind, node)
    if kind == "webtype" or kind == "ethertype":
        return  # recorded with its kind; entries are not IP flows
    action = words[i].lower() if i < n else ""
    if action != "permit" and action != "deny":
        b.unrecognised(node, "access-list")
        return
    entry = (_standard if kind == "standard" else _extended)(b, node, words, i + 1, action)
    if entry is None:
        b.unrecognised(node, "access-list")
        return
    if entry.unresolved:
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
    n = len(words)
    if i >= n:
        return None
    unresolved: list[str] = []
    fixed: tuple[Service, ...] | None = None  # services fully given by a service object/group
    tok = words[i].lower()
    if (tok == "object-group" or tok == "object") and i + 1 < n:
        ref = words[i + 1]
        i += 2
        protos: tuple[str, ...] = ()
        if tok == "object-group":
            grp = resolve_group(b, ref)
            if grp is None:
                unresolved.append(ref)
                fixed = ()
            elif grp.kind == "protocol":
                protos = grp.protocols
            else:
                fixed = grp.services
        else:
            obj = b.service_objects.get(ref)
            if obj is None:
                unresolved.append(ref)
                fixed = ()
            else:
                fixed = obj.services
        ported = fixed is None and any(p in _PORTED for p in protos)
    else:
        protos = (PROTOCOL_NAMES.get(tok, tok),)  # common.normalise_protocol
        ported = protos[0] in _PORTED
        i += 1

    # read_address, with its memo looked up here first: this runs twice per ACE
    operands = b.operands
    if i >= n:
        return None
    src = operands.get((words[i], words[i + 1]) if i + 1 < n else (words[i], None), _MISSING)
    if src is _MISSING:
        src = read_address(b, words, i)
    if src is None:
        return None
    i += src.used
    src_ports: PortRanges | None = None
    if ported:
        src_ports, used = _ports(b, words, i, unresolved)
        i += used
    if i >= n:
        return None
    dst = operands.get((words[i], words[i + 1]) if i + 1 < n else (words[i], None), _MISSING)
    if dst is _MISSING:
        dst = read_address(b, words, i)
    if dst is None:
        return None
    i += dst.used
    dst_ports: PortRanges | None = None
    if ported:
        dst_ports, used = _ports(b, words, i, unresolved)
        i += used
    if src.unresolved:
        unresolved.append(src.unresolved)
    if dst.unresolved:
        unresolved.append(dst.unresolved)
    services = fixed if fixed is not None else _services(protos, src_ports, dst_ports)
    inactive = i < n and any(w.lower() == "inactive" for w in words[i:])
    return AclEntry(action, services, src.networks, dst.networks, inactive, None,  # type: ignore[arg-type]
                    tuple(unresolved), b.src(node))


@lru_cache(maxsize=4096)
def _services(protos: tuple[str, ...], src_ports: PortRanges | None,
              dst_ports: PortRanges | None) -> tuple[Service, ...]:
    """The entry's services (``tcp-udp`` split in two, duplicates dropped); few distinct, so shared."""
    expanded: list[str] = []
    for p in protos:
        expanded.extend(("tcp", "udp") if p == "tcp-udp" else (p,))
    return tuple(Service(p, src_ports if p in _PORTED else None, dst_ports if p in _PORTED else None)
                 for p in dict.fromkeys(expanded))


@lru_cache(maxsize=4096)
def _operator_ranges(op: str, first: str, second: str | None) -> PortRanges | None:
    return port_ranges(op, [first] if second is None else [first, second])


def _ports(b: Builder, words: list[str], i: int, unresolved: list[str]) -> tuple[PortRanges | None, int]:
    """A port operator (``eq 80``, ``range 1 2``) or a service ``object-group`` at ``words[i]``."""
    n = len(words)
    if i >= n:
        return None, 0
    tok = words[i].lower()
    if tok in PORT_OPERATORS:
        if tok == "range":
            args = words[i + 1 : i + 3]
            ranges = _operator_ranges(tok, args[0], args[1]) if len(args) == 2 else port_ranges(tok, args)
            nargs = 2
        else:
            ranges = _operator_ranges(tok, words[i + 1], None) if i + 1 < n else port_ranges(tok, [])
            nargs = 1
        if ranges is None:
            unresolved.append(" ".join(words[i : i + 1 + nargs]))
        return ranges, 1 + nargs
    if tok == "object-group" and i + 1 < n:
        grp = resolve_group(b, words[i + 1])
        if grp is not None and grp.kind == "service":
            return grp.ports or None, 2
        if grp is None and words[i + 1] not in b.raw_groups:
            # could still be an address group that does not exist; let the address reader decide
            return None, 0
    return None, 0
