"""ASA/PIX interface ACL bindings and management access lines.

``access-group ACL in|out interface IF [control-plane]`` binds an ACL to an
interface (``control-plane`` ACLs filter traffic to the box itself);
``ssh|telnet|http NET MASK IF`` and ``icmp permit|deny NET MASK [type] IF``
say who may manage the device on which interface.  Other forms of these
commands (``ssh timeout 5``, ``http server enable``, ``icmp unreachable
rate-limit …``, PIX 6 ``access-group ACL in interface IF``) are accepted or
ignored without a problem: they do not concern the VPN.
"""

from __future__ import annotations

from ..model import ANY4, InterfaceAcl, IPNetwork, ManagementPermit
from .asa_context import Builder
from .asa_objects import masked_network
from .tree import Node


def handle_access_group(b: Builder, node: Node, words: list[str]) -> None:
    """``access-group ACL in|out interface IF [per-user-override] [control-plane]``."""
    low = [w.lower() for w in words]
    if len(words) < 5 or low[2] not in ("in", "out") or low[3] != "interface":
        if not (len(low) > 2 and low[2] == "global"):  # `access-group ACL global`: not interface-bound
            b.unrecognised(node, "access-group")
        return
    b.interface_acls.append(InterfaceAcl(words[1], words[4], low[2], "control-plane" in low[5:],  # type: ignore[arg-type]
                                         b.src(node)))


def handle_management_line(b: Builder, node: Node, words: list[str]) -> None:
    """``ssh|telnet|http NET MASK IF`` and ``icmp permit|deny NET MASK [type] IF``."""
    low = [w.lower() for w in words]
    service = low[0]
    action = "permit"
    args = words[1:]
    if service == "icmp":
        if len(low) < 2 or low[1] not in ("permit", "deny"):
            return
        action = low[1]
        args = words[2:]
    if len(args) < 2:
        return
    if args[0].lower() == "any":
        network: IPNetwork | None = ANY4
        interface = args[-1]
    elif len(args) >= 3:
        network = masked_network(b, args[0], args[1])
        interface = args[-1]
    else:
        return
    if network is None:
        return
    b.management_permits.append(ManagementPermit(service, network, interface, action, b.src(node)))  # type: ignore[arg-type]
