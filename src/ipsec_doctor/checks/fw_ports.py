"""FW-PORTS — IKE (UDP 500/4500) or ESP from the peer is blocked by the device's own ACL.

What it does
    Checks the ACL that filters traffic *to the device* on the interface that
    carries the crypto map, for each peer of that map (any source for dynamic
    maps):

    * IOS: ``ip access-group X in`` on the crypto interface filters packets
      addressed to the router itself, IKE and ESP included.
    * ASA: interface ACLs (``access-group X in interface outside``) filter
      only traffic *through* the box; IKE and ESP terminated on the ASA are
      not subject to them.  Only a ``control-plane`` ACL
      (``access-group X in interface outside control-plane``) filters them,
      so only that is checked — checking the interface ACL would be a false
      positive.  PIX 6 interface ACLs do not filter to-the-box traffic either.

    Required: UDP 500 always.  With NAT-T disabled, ESP.  With NAT-T enabled,
    UDP 4500 when a NAT is known to sit between the peers (pairing), else ESP
    or UDP 4500 (either may carry the traffic, depending on the path).

Why it breaks
    The peer's IKE packets never reach the IKE process: phase 1 stays at
    MM_WAIT_MSG2 / no SA at all, or phase 1 comes up and ESP is dropped (no
    decapsulated packets).

Example
    IOS ``interface GigabitEthernet0/0`` / ``ip access-group OUTSIDE-IN in``
    with ``ip access-list extended OUTSIDE-IN`` permitting only
    ``tcp any any established``.

Fix
    Permit the peer's IKE and ESP at the top of that ACL: ``permit udp host
    PEER host LOCAL eq isakmp``, ``permit esp host PEER host LOCAL``, ``permit
    udp host PEER host LOCAL eq non500-isakmp``.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import ip_network

from ..acl import flows_of_entry, permitted_flows
from ..findings import Disruption, Finding, Fix, Severity
from ..model import AclEntry, Device, InterfaceAcl, IPAddress, IPNetwork, Platform, Service
from ..natsim import bound_entries
from . import Context, check
from ._common import devices_on
from ._fix_natfw import asa_acl_line, asa_net, evidence, ios_acl_insert, kb_caution, net_wildcard
from ._partial import excerpt_downgrade

ID = "FW-PORTS"

_UDP500 = Service("udp", None, ((500, 500),))
_UDP4500 = Service("udp", None, ((4500, 4500),))
_ESP = Service("esp")
_NAMES = {_UDP500: "UDP 500 (isakmp)", _UDP4500: "UDP 4500 (non500-isakmp)", _ESP: "ESP"}


def _filter_acl(device: Device, interface: str) -> InterfaceAcl | None:
    for binding in device.interface_acls:
        if binding.direction != "in" or binding.interface.lower() != interface.lower():
            continue
        if device.platform is Platform.IOS or binding.control_plane:
            return binding
    if device.platform is Platform.IOS:
        itf = device.interface(interface)
        for binding in device.interface_acls:
            if binding.direction == "in" and itf is not None and device.interface(binding.interface) is itf:
                return binding
    return None


def _nat_between_index(ctx: Context) -> dict[tuple[object, object], bool | None]:
    """(device name, peer address) → ``nat_between`` of the first tunnel with that end.

    Built once per run so that each (device, peer) is a lookup, not a scan of every tunnel.
    """
    index: dict[tuple[object, object], bool | None] = {}
    for tunnel in ctx.tunnels:
        for end in getattr(tunnel, "ends", ()):
            key = (getattr(end, "device", None), getattr(end, "peer_address", None))
            if key not in index:
                index[key] = getattr(tunnel, "nat_between", None)
    return index


def _permits(flows, service: Service, src: IPNetwork, dst: IPNetwork) -> bool:  # type: ignore[no-untyped-def]
    probe = flows_of_entry(AclEntry("permit", (service,), (src,), (dst,)))
    return probe.issubset(flows)


def _fix_lines(device: Device, missing: list[Service], src: IPNetwork, dst: IPNetwork) -> list[str]:
    words = {_UDP500: "udp {s} {d} eq isakmp", _UDP4500: "udp {s} {d} eq 4500", _ESP: "esp {s} {d}"}
    if device.platform is Platform.IOS:
        words[_UDP4500] = "udp {s} {d} eq non500-isakmp"
        return [f"permit {words[m].format(s=net_wildcard(src), d=net_wildcard(dst))}" for m in missing]
    return [f"permit {words[m].format(s=asa_net(src), d=asa_net(dst))}" for m in missing]


@check(ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One error per (device, interface, peer) whose IKE/ESP is not permitted by the filtering ACL."""
    nat_between = _nat_between_index(ctx)
    for device in devices_on(ctx, Platform.IOS, Platform.ASA):
        done: set[tuple[str, str]] = set()
        for interface, entry in bound_entries(device):
            binding = _filter_acl(device, interface)
            if binding is None or binding.acl not in device.acls:
                continue
            itf = device.interface(interface)
            local = itf.primary_address.ip if itf is not None and itf.primary_address is not None else None
            dst = ip_network(f"{local}/32") if local is not None else ip_network("0.0.0.0/0")
            peers: list[IPAddress | None] = [p.address for p in entry.peers if p.address is not None] or [None]
            for peer in peers:
                key = (interface, str(peer))
                if key in done:
                    continue
                done.add(key)
                src = ip_network(f"{peer}/{peer.max_prefixlen}") if peer is not None else ip_network("0.0.0.0/0")
                acl = device.acls[binding.acl]
                flows = permitted_flows(acl)
                missing = [] if _permits(flows, _UDP500, src, dst) else [_UDP500]
                natt = device.ike.nat_traversal and not entry.nat_t_disable
                nat = nat_between.get((device.name, peer))
                esp_ok = _permits(flows, _ESP, src, dst)
                natt_ok = _permits(flows, _UDP4500, src, dst)
                if not natt:
                    missing += [] if esp_ok else [_ESP]
                elif nat:
                    missing += [] if natt_ok else [_UDP4500]
                elif not (esp_ok or natt_ok):
                    missing += [_ESP, _UDP4500]
                if not missing:
                    continue
                lines = _fix_lines(device, missing, src, dst)
                if device.platform is Platform.IOS:
                    cmds = ios_acl_insert(acl, acl.name, lines)
                else:
                    cmds = [asa_acl_line(device, acl.name, line, line=n + 1) for n, line in enumerate(lines)]
                who = f"peer {peer}" if peer is not None else "any peer (dynamic map)"
                how = "its inbound ACL" if device.platform is Platform.IOS else "its control-plane ACL"
                yield Finding(
                    id=ID, severity=Severity.ERROR,
                    title=f"{device.name} blocks {', '.join(_NAMES[m] for m in missing)} from {who} on {interface}",
                    devices=(device.name,),
                    detail=(f"ACL {acl.name}, applied as {how} on {interface} where crypto map {entry.map_name} "
                            f"terminates, filters traffic addressed to the device itself and does not permit "
                            f"{', '.join(_NAMES[m] for m in missing)} from {who} to {dst.network_address if local else 'the interface'}."
                            f" IKE/ESP from the peer never reaches the VPN."),
                    evidence=evidence(binding.source, entry.src("peer"), acl.source),
                    fix=(Fix(device.name, tuple(cmds), Disruption.NONE),), caution=kb_caution(ID),
                    key=f"{interface} {peer}",
                )
