"""PLAT-LOWMEM — ``logging queue 0`` on an ASA that runs VPN.

What it does
    ASA/PIX with VPN configuration (a crypto map bound to an interface, IKE
    enabled on an interface, or tunnel-groups) and ``logging queue 0``.  The
    running configuration does not name the hardware model, so the
    interface names are used as a hint: ``Ethernet0/N`` ports or ``Vlan``
    interfaces are what the small ASA 5505 and 5510 (and the PIX 5xx) have —
    warning; otherwise the model is unknown — info.

Why it breaks
    ``logging queue 0`` does not mean "no queue": it means the largest
    queue, 8192 messages.  On low-memory models that allocation starves
    other subsystems, and enabling ISAKMP prints ``WARNING, system is running
    low on memory. Performance may start to degrade. VPN functionality may
    not work at all.``; HTTPS management and other SSL users suffer too.

Example
    ``logging queue 0`` on an ASA 5505 with ``crypto isakmp enable outside``.

Fix
    ``logging queue 512``: 512 messages is the ASA's default queue size,
    enough to absorb bursts while the logging destinations catch up, and it
    was sized for the smallest models.  Disruption: none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Platform
from . import Context, check
from ._common import found
from ._maps import make_finding

CATALOG_ID = "PLAT-LOWMEM"
QUEUE = 512  # the ASA default queue size
_SMALL_PORTS = re.compile(r"^(?:Ethernet\d+(?:/\d+)?|Vlan\d+)$", re.IGNORECASE)


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """Warning (small model) or info (model unknown) for `logging queue 0` with VPN."""
    yield from found(_device(device) for device in ctx.devices)


def likely_small_model(device: Device) -> bool:
    """True when the interface names are those of an ASA 5505/5510 or PIX 5xx (FastEthernet-class ports)."""
    physical = [i.name for i in device.interfaces if "." not in i.name]
    return bool(physical) and any(_SMALL_PORTS.match(n) for n in physical) and not any(
        n.lower().startswith(("gigabitethernet", "tengigabitethernet")) for n in physical
    )


def _has_vpn(device: Device) -> bool:
    return bool(device.bindings or device.ike.enabled_interfaces or device.tunnel_groups)


def _device(device: Device) -> Finding | None:
    if device.platform is Platform.IOS or device.logging_queue != 0 or device.logging_queue_source is None:
        return None
    if not _has_vpn(device):
        return None
    small = likely_small_model(device)
    if small:
        model = ("its Ethernet0/N or Vlan interfaces are those of a small model (ASA 5505/5510 class), where "
                 "this allocation is known to starve the crypto subsystem")
    else:
        model = ("the hardware model cannot be told from the configuration; on small models (ASA 5505/5510) "
                 "this allocation is known to starve the crypto subsystem")
    return make_finding(
        CATALOG_ID, Severity.WARNING if small else Severity.INFO, device,
        f"`logging queue 0` on {device.name} reserves the maximum log queue",
        f"{device.name} runs VPN and has `logging queue 0`, which sets the queue to its maximum of 8192 "
        f"messages, not to zero. {model[0].upper()}{model[1:]}: enabling ISAKMP can then print `WARNING, system "
        "is running low on memory. Performance may start to degrade. VPN functionality may not work at all.`",
        [device.logging_queue_source],
        [Fix(device.name, (f"logging queue {QUEUE}",), Disruption.NONE,
             note="512 is the default queue size")],
        key="logging-queue",
    )
