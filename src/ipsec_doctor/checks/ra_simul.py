"""RA-SIMUL — the simultaneous-login limit blocks logins, or allows only a few per account.

What it does
    ASA only.  For every group-policy used by remote-access tunnel-groups,
    resolves ``vpn-simultaneous-logins`` (the policy, then DfltGrpPolicy,
    then the built-in 3):

    * 0 → error: nobody using the policy can log in (also for a
      ``username X attributes`` that sets 0);
    * 1 or 2 set explicitly → warning: the next login with the same account
      is refused;
    * left at the default 3 → info: the 4th simultaneous login with one
      account fails, which surprises sites whose users share an account.

Why it breaks
    A session over the limit is rejected at authentication: the VPN Client
    shows ``Reason 413: User Authentication failed``, the head end logs
    ``Authentication rejected: Reason = Simultaneous logins exceeded for
    user`` or ``tunnel rejected; the maximum tunnel count has been reached``.

Example
    No ``vpn-simultaneous-logins`` anywhere (ASDM "Inherit" ticked): three
    users of one shared account connect, the fourth fails.

Fix
    ``group-policy P attributes`` / ``vpn-simultaneous-logins 20`` (0 would
    disable logins).  Disruption: none.  A second login from another PC with
    the same account replacing the first session is default behaviour and
    not this problem.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Platform, TunnelGroup
from . import Context, check
from ._common import devices_on, found
from ._fix_ra import group_policy_lines
from ._maps import make_finding
from ._partial import excerpt_downgrade
from ._ra import DFLT, effective, groups_by_policy, names, policy_line, ra_tunnel_groups

CATALOG_ID = "RA-SIMUL"
TARGET = 20  # the source document's example value
CAUTION = ("A value of 0 disables logins. A second login with the same account from another PC replacing the "
           "first session is the default behaviour, unrelated to this limit.")


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """Per remote-access group-policy: 0 (error), explicit 1–2 (warning), default 3 (info)."""
    for device in devices_on(ctx, Platform.ASA):
        yield from found(_policy(device, policy, groups)
                         for policy, groups in groups_by_policy(device, ra_tunnel_groups(device)).items())
        yield from _users(device)


def _policy(device: Device, policy: str, groups: list[TunnelGroup]) -> Finding | None:
    eff = effective(device, policy, "vpn-simultaneous-logins")
    if not eff.value.isdecimal():
        return None
    value = int(eff.value)
    fix = Fix(device.name, tuple(group_policy_lines(policy, [f"vpn-simultaneous-logins {TARGET}"])), Disruption.NONE,
              note="choose the number of parallel sessions one account may hold")
    where = f"Group-policy {policy} (tunnel-group {names(groups)})"
    sources = [s for s in (eff.source, policy_line(device, policy, groups)) if s]
    if value == 0:
        return make_finding(
            CATALOG_ID, Severity.ERROR, device,
            f"Group-policy {policy} on {device.name} allows no logins (vpn-simultaneous-logins 0)",
            f"{where} gets vpn-simultaneous-logins 0 ({eff.origin()}). Zero disables login: every user of these "
            "groups is rejected at authentication (`Reason 413: User Authentication failed` on the client).",
            sources, [fix], caution=CAUTION, key=policy,
        )
    if eff.defaulted:
        return make_finding(
            CATALOG_ID, Severity.INFO, device,
            f"Group-policy {policy} on {device.name} allows 3 simultaneous logins per account (default)",
            f"{where} sets no vpn-simultaneous-logins{'' if policy == DFLT else ', nor does DfltGrpPolicy'}, "
            "so the default of 3 applies: a "
            "4th concurrent login with the same account fails with `Reason 413: User Authentication failed` "
            "and `Simultaneous logins exceeded for user`. Raise it if users share an account.",
            sources, [fix], caution=CAUTION, key=policy,
        )
    if value < 3:
        return make_finding(
            CATALOG_ID, Severity.WARNING, device,
            f"Group-policy {policy} on {device.name} allows only {value} simultaneous login(s) per account",
            f"{where} gets vpn-simultaneous-logins {value} ({eff.origin()}): login number {value + 1} with the "
            "same account is rejected (`Simultaneous logins exceeded for user`).",
            sources, [fix], caution=CAUTION, key=policy,
        )
    return None


def _users(device: Device) -> Iterable[Finding]:
    for name, user in sorted(device.users.items()):
        attr = user.attributes.get("vpn-simultaneous-logins")
        if attr is None or attr.value.strip() != "0":
            continue
        yield make_finding(
            CATALOG_ID, Severity.ERROR, device,
            f"User {name} on {device.name} cannot log in (vpn-simultaneous-logins 0)",
            f"`username {name} attributes` sets vpn-simultaneous-logins 0, which disables VPN login for {name} "
            "whatever the group-policy allows.",
            [attr.source],
            [Fix(device.name, (f"username {name} attributes", f" vpn-simultaneous-logins {TARGET}"), Disruption.NONE,
                 note="or `no vpn-simultaneous-logins` to inherit the group-policy value")],
            caution=CAUTION, key=f"user {name}",
        )
