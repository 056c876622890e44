"""FW-PRESERVE — TCP flows through a LAN-to-LAN tunnel die when the tunnel renegotiates.

What it does
    Advice, never an error: an ASA with LAN-to-LAN crypto map entries and
    without ``sysopt connection preserve-vpn-flows`` (off by default) is told
    about the option.

Why it breaks
    When a LAN-to-LAN tunnel drops and comes back, the ASA's connection
    table entries of the tunnelled TCP flows go stale; long downloads and
    sessions stall until they time out.  With persistent IPsec tunnelled
    flows (ASA 8.0(4) and later) the state survives the re-establishment.

Example
    ``crypto map VPN 10 set peer 198.51.100.2`` and no ``sysopt connection
    preserve-vpn-flows`` in ``show running-config all sysopt``.

Fix
    ``sysopt connection preserve-vpn-flows``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Platform
from ..natsim import bound_entries
from . import Context, check
from ._common import devices_on
from ._fix_natfw import evidence
from ._partial import skip_excerpts

ID = "FW-PRESERVE"
SETTING = "sysopt connection preserve-vpn-flows"


@check(ID)
@skip_excerpts  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One info per ASA with LAN-to-LAN tunnels and no persistent tunnelled flows."""
    for device in devices_on(ctx, Platform.ASA):
        setting = device.setting(SETTING)
        if setting is not None and setting.enabled:
            continue
        l2l = [e for _, e in bound_entries(device) if not e.is_dynamic and e.peers]
        if not l2l:
            continue
        note = None
        if device.version_tuple and not device.version_at_least(8, 0, 4):
            note = "needs ASA 8.0(4) or later"
        peers = ", ".join(dict.fromkeys(p.raw for e in l2l for p in e.peers))
        yield Finding(
            id=ID, severity=Severity.INFO,
            title=f"{device.name}: TCP flows do not survive a LAN-to-LAN tunnel re-establishment",
            devices=(device.name,),
            detail=(f"{device.name} has LAN-to-LAN tunnels (peers {peers}) and `{SETTING}` is off (the default). "
                    f"After a tunnel outage the ASA's connection entries go stale and long TCP sessions stall; "
                    f"the option keeps them."),
            evidence=evidence(*(e.src("peer") for e in l2l)),
            fix=(Fix(device.name, (SETTING,), Disruption.NONE, note=note),), key="preserve",
        )
