"""FW-MGMT — the ASA's inside interface cannot be reached through the tunnel.

What it does
    On ASA/PIX: when the address of the inside interface lies inside the
    local networks of the device's own crypto ACLs (so the remote side will
    ping, SSH to or browse that address through the tunnel) and
    ``management-access`` does not name that interface, it reports:

    * a warning when ``ssh``/``http``/``telnet``/``icmp`` lines on that
      interface admit a remote protected network — management through the
      tunnel is clearly intended and does not work;
    * otherwise info advice (pings to the inside address through the tunnel
      go unanswered, and tunnels cannot be started from that interface).

    A DMZ interface is treated the same way when such management lines name
    it.

Why it breaks
    Traffic arriving through a tunnel on the outside interface and addressed
    to another interface of the ASA is dropped unless ``management-access``
    names that interface (only one interface can be named).  Engineers read
    "ping to 10.1.1.1 fails" as "VPN down" while the tunnel works.

Example
    ``interface Ethernet0/1`` / ``nameif inside`` / ``ip address 10.1.1.1
    255.255.255.0``, crypto ACL ``permit ip 10.1.1.0 255.255.255.0
    10.2.2.0 255.255.255.0``, ``ssh 10.2.2.0 255.255.255.0 inside`` and no
    ``management-access inside``.

Fix
    ``management-access inside`` (or ``management-access DMZ``).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Interface, Platform
from ..natsim import CryptoFlow, crypto_flows
from . import Context, check
from ._common import devices_on
from ._fix_natfw import evidence, is_inside
from ._partial import excerpt_downgrade

ID = "FW-MGMT"


def _managed_flows(flows: list[CryptoFlow], itf: Interface) -> list[CryptoFlow]:
    out = []
    for f in flows:
        for addr in itf.addresses:
            if addr.ip.version == f.local.version and addr.ip in f.local:
                out.append(f)
                break
    return out


@check(ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One finding per interface of an ASA that the tunnel's remote side would manage."""
    for device in devices_on(ctx, Platform.ASA, Platform.PIX6):
        flows = crypto_flows(device)
        if not flows:
            continue
        crypto_ifs = {f.interface for f in flows}
        for itf in device.interfaces:
            if itf.local_name in crypto_ifs or not itf.addresses or itf.shutdown:
                continue
            if (device.management_access or "").lower() == itf.local_name.lower():
                continue
            related = _managed_flows(flows, itf)
            if not related:
                continue
            yield from _one(device, itf, related)


def _one(device: Device, itf: Interface, related: list[CryptoFlow]) -> Iterable[Finding]:
    remotes = list(dict.fromkeys(f.remote for f in related))
    permits = [m for m in device.management_permits
               if m.action == "permit" and m.interface.lower() == itf.local_name.lower()
               and any(m.network.version == r.version and m.network.overlaps(r) for r in remotes)]  # type: ignore[arg-type]
    if not permits and not is_inside(itf):
        return
    name = itf.local_name
    other = ""
    if device.management_access:
        other = (f" `management-access {device.management_access}` names another interface, and only one can "
                 f"be named.")
    address = itf.addresses[0].ip
    fix = (Fix(device.name, (f"management-access {name}",), Disruption.NONE),)
    sources = [itf.source, related[0].acl_entry.source, device.management_access_source]
    if permits:
        services = ", ".join(dict.fromkeys(m.service for m in permits))
        yield Finding(
            id=ID, severity=Severity.WARNING,
            title=f"{services} to {device.name} {name} ({address}) through the tunnel cannot work",
            devices=(device.name,),
            detail=(f"{services} is allowed from the remote protected network(s) "
                    f"{', '.join(str(r) for r in remotes)} on {name}, but that traffic arrives through the tunnel "
                    f"on another interface and the ASA answers on {name} only with `management-access {name}`."
                    f"{other}"),
            evidence=evidence(*sources, *(m.source for m in permits)), fix=fix, key=name,
        )
        return
    yield Finding(
        id=ID, severity=Severity.INFO,
        title=f"{device.name} {name} address {address} does not answer through the tunnel",
        devices=(device.name,),
        detail=(f"The crypto ACL covers {address}, the address of {name}, for the remote network(s) "
                f"{', '.join(str(r) for r in remotes)}; pings or management sessions to it through the tunnel "
                f"(and tunnels started from {name}) need `management-access {name}`.{other}"),
        evidence=evidence(*sources), fix=fix, key=name,
    )
