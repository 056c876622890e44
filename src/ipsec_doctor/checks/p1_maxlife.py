"""P1-MAXLIFE — remote-access clients are ended when the IKE SA's configured lifetime runs out.

What it does
    On a remote-access head end — an ASA with remote-access tunnel-groups, a
    PIX 6 with a dynamic crypto map and an address pool, an IOS router with
    Easy VPN client groups — lists the IKEv1 policies with a finite lifetime
    (ASA/PIX) or a lifetime below the IOS maximum of 86,400 s, as one info
    finding per device.  On the ASA the detail also names the group-policies
    that require re-authentication at rekey (``re-xauth enable``).

Why it breaks
    When the IKE SA reaches its lifetime the client must rekey, and with
    re-XAUTH its user must type the password again; a client that cannot
    ends the session itself: ``Secure VPN Connection terminated locally by
    the Client. Reason 426: Maximum Configured Lifetime Exceeded``.

Example
    ``crypto isakmp policy 10`` / ``lifetime 14400`` on an ASA that serves VPN
    Client users: they are disconnected every four hours.

Fix
    ASA/PIX: an unlimited lifetime (ASA ``lifetime none``, PIX 6 ``isakmp
    policy N lifetime 0``), or ``re-xauth disable`` in the group-policy.
    IOS has no unlimited lifetime: ``lifetime 86400``.  Disruption: none (new
    SAs take the value).  Caution: an unlimited lifetime weakens security.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..fixes import ike_policy_lines
from ..model import Device, IkePolicy, Platform
from . import Context, check
from ._common import found
from ._fix_ra import group_policy_lines
from ._maps import make_finding
from ._ra import effective, groups_by_policy, ra_tunnel_groups

CATALOG_ID = "P1-MAXLIFE"
IOS_MAX = 86400  # IOS `lifetime` accepts 60–86400 s and has no unlimited value
CAUTION = ("An unlimited IKE lifetime means the phase 1 keys are never renewed, which weakens security; prefer "
           "turning off re-XAUTH where that is the cause.")


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One info per remote-access head end with IKE policies that expire."""
    yield from found(_device(device) for device in ctx.devices)


def _is_ra_head_end(device: Device) -> bool:
    if device.platform is Platform.ASA:
        return bool(ra_tunnel_groups(device))
    if device.platform is Platform.PIX6:
        return bool(device.dynamic_maps) and bool(device.pools)
    return bool(device.client_groups)


def _device(device: Device) -> Finding | None:
    if not _is_ra_head_end(device):
        return None
    ios = device.platform is Platform.IOS
    limited = [p for p in device.ikev1_policies if (p.lifetime < IOS_MAX if ios else p.lifetime != 0)]
    if not limited:
        return None
    value = str(IOS_MAX) if ios else ("0" if device.platform is Platform.PIX6 else "none")
    commands: list[str] = []
    for p in limited:
        commands += ike_policy_lines(device, p.priority, {"lifetime": value})
    fixes = [Fix(device.name, tuple(commands), Disruption.NONE)]
    listed = ", ".join(f"policy {p.priority} ({_life(p)})" for p in limited)
    rexauth = _rexauth_policies(device)
    who = "Easy VPN client groups " + ", ".join(sorted(device.client_groups)) if ios else "remote-access clients"
    detail = (
        f"{device.name} serves {who}, and its IKE policies expire: {listed}. When the IKE SA of a client "
        "reaches that lifetime the client must rekey (and re-authenticate if re-XAUTH is on); a client that "
        "does not ends the session with `Reason 426: Maximum Configured Lifetime Exceeded`."
    )
    if ios:
        detail += f" IOS has no unlimited lifetime; {IOS_MAX} s is the longest."
    if rexauth:
        detail += f" Group-policy {', '.join(rexauth)} requires re-XAUTH at every rekey."
        for name in rexauth:
            fixes.append(Fix(device.name, tuple(group_policy_lines(name, ["re-xauth disable"])), Disruption.NONE,
                             note="alternative: keep the lifetime, stop asking for the password at rekey"))
    sources = [p.attr_sources.get("lifetime", p.source) for p in limited]
    return make_finding(
        CATALOG_ID, Severity.INFO, device,
        f"Remote-access sessions on {device.name} end when the IKE lifetime expires",
        detail, sources, fixes, caution=CAUTION, key="lifetime",
    )


def _life(policy: IkePolicy) -> str:
    suffix = ", default" if "lifetime" in policy.defaulted else ""
    return f"lifetime {policy.lifetime} s{suffix}"


def _rexauth_policies(device: Device) -> list[str]:
    if device.platform is not Platform.ASA:
        return []
    return [name for name in groups_by_policy(device, ra_tunnel_groups(device))
            if effective(device, name, "re-xauth").value.strip().lower() == "enable"]
