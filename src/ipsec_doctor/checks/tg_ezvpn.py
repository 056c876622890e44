"""TG-EZVPN — an ASA Easy VPN server group may make hardware clients fail XAUTH.

What it does
    On ASA it looks for an IPsec remote-access tunnel-group (type
    ``remote-access`` or ``ipsec-ra`` with an IKEv1 group key) whose
    effective group-policy (own policy, else DfltGrpPolicy, attribute by
    attribute) has ``nem enable``, while the tunnel-group keeps the default
    XAUTH (no ``isakmp ikev1-user-authentication none``) and the policy
    enables neither ``secure-unit-authentication`` nor
    ``user-authentication``.  Such a finding is advice (info).

    Why this signal: which tunnel-group a hardware client uses is known only
    from the client's own configuration, so it cannot be decided from the
    server alone.  Network extension mode (``nem enable``) is only
    meaningful for Easy VPN *hardware* clients (ASA 5505, PIX 501/506E, IOS
    ``crypto ipsec client ezvpn`` routers), so a group that permits it is
    very likely used by them.  ``secure-unit-authentication`` and
    ``user-authentication`` are deliberate interactive-authentication
    choices and suppress the advice.  A hardware client that stores its
    XAUTH credentials (``vpnclient username ... password ...``) still
    connects, which is why the severity is info rather than warning.

Why it breaks
    With the ASA as Easy VPN server, the group requires XAUTH by default; a
    hardware client without stored credentials cannot answer the prompt and
    never connects (the source document's "Easy VPN client cannot connect
    because of XAUTH").

Example
    ``tunnel-group BRANCH-EZ type remote-access`` with ``default-group-policy
    GP-EZ`` and ``group-policy GP-EZ attributes`` / `` nem enable``.

Fix
    ``tunnel-group BRANCH-EZ ipsec-attributes`` / `` isakmp
    ikev1-user-authentication none``.  Disruption: none (applies to new
    negotiations).  Caution: the group key becomes the only credential.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Attribute, Device, Platform, TunnelGroup
from . import Context, check
from ._common import devices_on, found
from ._maps import make_finding
from ._partial import excerpt_downgrade

CATALOG_ID = "TG-EZVPN"
DEFAULT_POLICY = "DfltGrpPolicy"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """Info per Easy VPN (NEM-enabled) group that still requires XAUTH from hardware clients."""
    for device in devices_on(ctx, Platform.ASA):
        yield from found(_finding(device, tg) for _, tg in sorted(device.tunnel_groups.items()))


def policy_attribute(device: Device, policy: str | None, name: str) -> Attribute | None:
    """An attribute through the group-policy chain (the group's own policy, then DfltGrpPolicy)."""
    for gp_name in ([policy] if policy and policy != DEFAULT_POLICY else []) + [DEFAULT_POLICY]:
        gp = device.group_policies.get(gp_name)
        if gp is not None and gp.get(name) is not None:
            return gp.get(name)
    return None


def _enabled(attr: Attribute | None) -> bool:
    return attr is not None and attr.value.split()[:1] == ["enable"]


def _finding(device: Device, tg: TunnelGroup) -> Finding | None:
    if (tg.type or "").lower() not in ("remote-access", "ipsec-ra") or tg.ikev1_psk is None:
        return None
    if (tg.ikev1_user_authentication or "").lower() == "none":
        return None
    nem = policy_attribute(device, tg.default_group_policy, "nem")
    if not _enabled(nem):
        return None
    for deliberate in ("secure-unit-authentication", "user-authentication"):
        if _enabled(policy_attribute(device, tg.default_group_policy, deliberate)):
            return None
    assert nem is not None
    detail = (
        f"Tunnel-group {tg.name} on {device.name} is an Easy VPN group (its group-policy permits network extension "
        "mode, used only by hardware clients) and still requires XAUTH, the default. A hardware client that does "
        "not store XAUTH credentials cannot answer the prompt and never connects."
    )
    commands = (f"tunnel-group {tg.name} ipsec-attributes", " isakmp ikev1-user-authentication none")
    return make_finding(
        CATALOG_ID, Severity.INFO, device,
        f"Easy VPN hardware clients of {tg.name} on {device.name} must pass XAUTH",
        detail, [tg.source, tg.src("default-group-policy"), nem.source],
        [Fix(device.name, commands, Disruption.NONE,
             note="only if the group's clients are hardware clients without stored credentials")],
        caution="With XAUTH off, the group's pre-shared key is the only credential of its clients.",
        key=tg.name,
    )
