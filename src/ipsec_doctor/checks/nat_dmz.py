"""NAT-DMZ — remote-access clients reach the inside network but not the DMZ.

What it does
    On an ASA/PIX remote-access head end (an address pool that a
    tunnel-group, group-policy or username names, and a bound crypto map),
    evaluates the NAT rules (:mod:`ipsec_doctor.natsim`) for the inside
    network → pool and for each DMZ network → pool, toward the crypto
    interface.  A DMZ is an interface whose security level is strictly
    between 0 and 100, or whose nameif contains "dmz".  When the inside
    traffic is exempt but a DMZ's is translated (or dropped for want of a
    translation on PIX 6 / ASA with ``nat-control``), it warns.

Why it breaks
    The exemption is usually written once, for the inside network, when the
    VPN is set up.  Replies from DMZ servers to the clients' pool addresses
    then hit the general NAT rule of the DMZ and are translated, so the
    client never recognises them: inside works, DMZ does not.  The split
    tunnel list must name the DMZ network too.

Example
    ``nat (inside,outside) source static obj-inside obj-inside destination
    static obj-vpnpool obj-vpnpool`` exists; ``object network obj-dmz`` /
    ``nat (dmz,outside) dynamic interface`` translates the DMZ's replies.

Fix
    ASA ≥ 8.3: ``nat (dmz,outside) 1 source static obj-dmz obj-dmz destination
    static obj-vpnpool obj-vpnpool`` (the document writes the same identity
    rule); ASA < 8.3 / PIX: ``access-list dmz_nat0_outbound permit ip DMZ
    POOL`` with ``nat (dmz) 0 access-list dmz_nat0_outbound``.  Add the DMZ
    network to the split-tunnel ACL if split tunnelling is used.  Clear the
    stale translations afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..fixes import is_asa_83
from ..model import Device, Interface, Platform
from ..natsim import effective_pieces, evaluate
from . import Context, check
from ._fix_natfw import (
    crypto_interfaces,
    evidence,
    is_dmz,
    is_inside,
    legacy_exemption,
    nat_caution,
    pool_span,
    twice_nat_identity,
)
from ._partial import excerpt_downgrade
from ._ra import referenced_pools

ID = "NAT-DMZ"


def _exempt(device: Device, itf: Interface, pool_net, outside: str) -> tuple[bool, list]:  # type: ignore[no-untyped-def]
    bad_all = []
    for addr in itf.addresses:
        outcome = evaluate(device, addr.network, pool_net, itf.local_name, outside)
        _, bad = effective_pieces(device, outcome)
        bad_all.extend(bad)
    return not bad_all, bad_all


@check(ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per (DMZ interface, pool) whose traffic is translated while inside's is exempt."""
    for device in ctx.devices:
        if device.platform is Platform.IOS or not device.pools:
            continue
        crypto_ifs = sorted(crypto_interfaces(device))
        if not crypto_ifs:
            continue
        outside = crypto_ifs[0]
        insides = [i for i in device.interfaces if is_inside(i) and i.local_name not in crypto_ifs and i.addresses]
        dmzs = [i for i in device.interfaces
                if is_dmz(i) and not is_inside(i) and i.local_name not in crypto_ifs and i.addresses and not i.shutdown]
        used = referenced_pools(device)
        for pool in device.pools.values():
            if pool.name not in used:
                continue  # no client is ever given an address from an unreferenced pool
            pool_net = pool_span(pool)
            if not insides or not any(_exempt(device, i, pool_net, outside)[0] for i in insides):
                continue
            for dmz in dmzs:
                ok, bad = _exempt(device, dmz, pool_net, outside)
                if ok:
                    continue
                dmz_net = dmz.addresses[0].network
                if is_asa_83(device):
                    cmds = twice_nat_identity(device, dmz.local_name, outside, dmz_net, pool_net,
                                              local_hint=dmz.local_name, remote_hint=pool.name, flags="")
                else:
                    cmds = legacy_exemption(device, dmz.local_name, [(dmz_net, pool_net)],
                                            f"{dmz.local_name}_nat0_outbound")
                rules = ", ".join(dict.fromkeys(
                    f"`{p.source.text.strip()}` (line {p.source.line})" if p.source is not None
                    else "no NAT rule (untranslated traffic is dropped on this platform)" for p in bad))
                yield Finding(
                    id=ID, severity=Severity.WARNING,
                    title=f"VPN pool {pool.name} on {device.name} has no NAT exemption from DMZ {dmz.local_name}",
                    devices=(device.name,),
                    detail=(f"Traffic from the inside network to pool {pool.name} ({pool_net}) is exempt from NAT, "
                            f"but traffic from {dmz.local_name} ({dmz_net}) to the pool is handled by {rules}: "
                            f"remote-access clients reach the inside but not the DMZ. Add the DMZ network to the "
                            f"split-tunnel list too when split tunnelling is used."),
                    evidence=evidence(pool.source, dmz.source, *(p.source for p in bad)),
                    fix=(Fix(device.name, tuple(cmds), Disruption.NONE),),
                    caution=nat_caution(device), key=f"{dmz.local_name} {pool.name}",
                )
