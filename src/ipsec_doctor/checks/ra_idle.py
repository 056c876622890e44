"""RA-IDLE — sessions ended by the idle timer or the session timeout.

What it does
    ASA: for every group-policy used by remote-access or site-to-site
    tunnel-groups, resolves ``vpn-idle-timeout`` (default 30 minutes) and
    ``vpn-session-timeout`` (default none) through the policy, DfltGrpPolicy
    and the built-in values; when either is finite, an info finding that
    says which tunnel-groups are affected and where the value comes from.
    IOS: ``crypto ipsec security-association idle-time`` below 300 seconds →
    warning (SAs of any quiet tunnel are deleted after a few minutes).

Why it breaks
    The tunnel is torn down by design: a remote-access client idle for 30
    minutes is disconnected (``PEER_DELETE-IKE_DELETE_UNSPECIFIED``), a
    site-to-site tunnel to a third-party peer drops when traffic pauses, and
    every session ends at the session timeout.  With tunnel-all the idle
    timer practically never fires, because the client's own background
    traffic keeps the session busy.

Example
    No ``vpn-idle-timeout`` anywhere: clients quiet for 30 minutes drop.

Fix
    ASA: ``group-policy P attributes`` / ``vpn-idle-timeout none`` /
    ``vpn-session-timeout none`` (or a longer value).  IOS: ``no crypto ipsec
    security-association idle-time``.  Disruption: none.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, Platform, TunnelGroup
from . import Context, check
from ._fix_ra import group_policy_lines
from ._maps import make_finding
from ._partial import excerpt_downgrade
from ._ra import effective, groups_by_policy, l2l_tunnel_groups, names, policy_line, ra_tunnel_groups, tg_type

CATALOG_ID = "RA-IDLE"
IOS_LOW = 300  # seconds: below five minutes ordinary pauses in traffic already delete the SAs
CAUTION = ("Timers are a security control: `none` keeps abandoned sessions up indefinitely. With tunnel-all the "
           "idle timer rarely fires anyway, because client background traffic keeps the session busy.")


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """ASA idle/session timers (info) and a low IOS SA idle-time (warning)."""
    for device in ctx.devices:
        if device.platform is Platform.ASA:
            groups = ra_tunnel_groups(device) + l2l_tunnel_groups(device)
            for policy, users in groups_by_policy(device, groups).items():
                finding = _asa(device, policy, users)
                if finding is not None:
                    yield finding
        elif device.platform is Platform.IOS:
            finding = _ios(device)
            if finding is not None:
                yield finding


def _minutes(value: str) -> str:
    return "none" if value.strip().lower() == "none" else f"{value} minutes"


def _asa(device: Device, policy: str, groups: list[TunnelGroup]) -> Finding | None:
    idle = effective(device, policy, "vpn-idle-timeout")
    session = effective(device, policy, "vpn-session-timeout")
    if idle.is_none and session.is_none:
        return None
    split = effective(device, policy, "split-tunnel-policy")
    l2l = [g.name for g in groups if tg_type(g) == "ipsec-l2l"]
    parts = []
    lines = []
    if not idle.is_none:
        parts.append(f"vpn-idle-timeout {_minutes(idle.value.split()[0])} ({idle.origin()})")
        lines.append("vpn-idle-timeout none")
    if not session.is_none:
        parts.append(f"vpn-session-timeout {_minutes(session.value.split()[0])} ({session.origin()})")
        lines.append("vpn-session-timeout none")
    detail = (
        f"Sessions of tunnel-group {names(groups)} use group-policy {policy}, with " + " and ".join(parts) + ". "
        "Sessions are ended when the idle timer or the session timeout runs out; remote-access clients see "
        "`PEER_DELETE-IKE_DELETE_UNSPECIFIED`."
    )
    if l2l:
        detail += (f" Site-to-site tunnel(s) {', '.join(l2l)} are affected too and drop whenever traffic pauses "
                   "for that long, which third-party peers may not re-establish promptly.")
    if split.value == "tunnelall" and not idle.is_none and len(l2l) < len(groups):
        detail += " With tunnel-all the clients' background traffic usually keeps the idle timer from firing."
    cited = [e.source for e in (idle, session) if not e.is_none and e.source is not None]
    sources = cited + [s for s in (policy_line(device, policy, groups),) if s]
    return make_finding(
        CATALOG_ID, Severity.INFO, device,
        f"Group-policy {policy} on {device.name} ends idle or long sessions",
        detail, sources,
        [Fix(device.name, tuple(group_policy_lines(policy, lines)), Disruption.NONE,
             note="or a longer value in minutes" + (" (DfltGrpPolicy: every group inherits it)"
                                                    if policy == "DfltGrpPolicy" else ""))],
        caution=CAUTION, key=policy,
    )


def _ios(device: Device) -> Finding | None:
    idle = device.ipsec_idle_time
    if idle is None or idle >= IOS_LOW:
        return None
    setting = device.setting("ipsec-idle-time")
    source = setting.source if setting is not None else device.hostname_source
    return make_finding(
        CATALOG_ID, Severity.WARNING, device,
        f"IPsec SA idle-time on {device.name} is only {idle} seconds",
        f"`crypto ipsec security-association idle-time {idle}` deletes the IPsec SAs of any peer that sends no "
        f"traffic for {idle} seconds. Tunnels with ordinary pauses go down and must renegotiate (and may stay "
        "down until traffic is sent from the initiating side). The idle timer is off by default.",
        [source] if source is not None else [],
        [Fix(device.name, ("no crypto ipsec security-association idle-time",), Disruption.NONE,
             note="or a value of at least 3600 seconds")],
        key="idle-time",
    )
