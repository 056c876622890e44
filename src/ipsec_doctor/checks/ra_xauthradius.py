"""RA-XAUTHRADIUS — XAUTH against an AAA server group that is missing or has a short timeout.

What it does
    ASA only.  For every remote-access tunnel-group with
    ``authentication-server-group G`` (not ``LOCAL``/``NONE``) that still
    performs XAUTH (no ``isakmp ikev1-user-authentication none``):

    * G has no ``aaa-server G host ...`` → error (the group is not defined,
      or has no server);
    * a RADIUS host of G with ``timeout`` below 10 seconds → warning;
    * a RADIUS host of G with no ``timeout`` (the default applies) → info,
      with the document's troubleshooting steps.

Why it breaks
    The VPN Client waits for the XAUTH answer; when the RADIUS server (or a
    token/OTP back end behind it) is slower than the timeout, the ASA gives
    up and the user "cannot authenticate".

Example
    ``aaa-server RAD (inside) host 10.2.3.4`` / ``timeout 3``.

Fix
    ``aaa-server G (if) host H`` / ``timeout 10``.  To tell the AAA side from
    the VPN side, authenticate against the local database for a test
    (``authentication-server-group LOCAL``) and run ``debug radius``.
    Disruption: none.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import AaaServer, Device, Platform, TunnelGroup
from . import Context, check
from ._common import devices_on
from ._fix_ra import tunnel_group_lines
from ._maps import make_finding
from ._partial import excerpt_downgrade
from ._ra import ra_tunnel_groups

CATALOG_ID = "RA-XAUTHRADIUS"
MIN_TIMEOUT = 10  # the source document's value; also the ASA's default host timeout
BUILTIN_GROUPS = frozenset({"local", "none"})


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """Missing server groups (error), short RADIUS timeouts (warning), default timeouts (info)."""
    for device in devices_on(ctx, Platform.ASA):
        seen: set[tuple[str, str]] = set()
        for tg in ra_tunnel_groups(device):
            group = tg.authentication_server_group
            if not group or group.lower() in BUILTIN_GROUPS or tg.ikev1_user_authentication == "none":
                continue
            hosts = [s for s in device.aaa_servers if s.group == group and s.host]
            if not hosts:
                yield _undefined(device, tg, group)
                continue
            for host in hosts:
                if (host.protocol or "").lower() != "radius" or (group, str(host.host)) in seen:
                    continue
                seen.add((group, str(host.host)))
                finding = _timeout(device, tg, host)
                if finding is not None:
                    yield finding


def _host_lines(host: AaaServer, timeout: int) -> tuple[str, ...]:
    itf = f" ({host.interface})" if host.interface else ""
    return (f"aaa-server {host.group}{itf} host {host.host}", f" timeout {timeout}")


def _test_fix(device: Device, tg: TunnelGroup, host: AaaServer) -> Fix:
    return Fix(device.name, (
        f"test aaa-server authentication {host.group} host {host.host} username <user> password <password>",
        *tunnel_group_lines(tg.name, "general-attributes", ["authentication-server-group LOCAL"]),
        "debug radius",
    ), Disruption.NONE, note="diagnosis: if LOCAL works, the RADIUS server or its reachability is at fault; "
                             "restore the server group afterwards")


def _undefined(device: Device, tg: TunnelGroup, group: str) -> Finding:
    return make_finding(
        CATALOG_ID, Severity.ERROR, device,
        f"Tunnel-group {tg.name} on {device.name} authenticates against undefined AAA group {group}",
        f"Tunnel-group {tg.name} sends XAUTH to authentication-server-group {group}, but {device.name} has no "
        f"`aaa-server {group} host ...`: there is no server to ask, so every user fails to authenticate.",
        [tg.src("authentication-server-group")],
        [Fix(device.name, (f"aaa-server {group} protocol radius", f"aaa-server {group} (inside) host <radius-server>",
                           " key <radius-key>", f" timeout {MIN_TIMEOUT}"), Disruption.NONE,
             note="or point the tunnel-group at an existing server group")],
        key=f"{tg.name} {group}",
    )


def _timeout(device: Device, tg: TunnelGroup, host: AaaServer) -> Finding | None:
    if host.timeout is not None and host.timeout >= MIN_TIMEOUT:
        return None
    if host.timeout is None:
        return make_finding(
            CATALOG_ID, Severity.INFO, device,
            f"RADIUS server {host.host} of group {host.group} on {device.name} uses the default timeout",
            f"Tunnel-group {tg.name} authenticates VPN Client users (XAUTH) against RADIUS group {host.group}; "
            f"host {host.host} sets no timeout, so the default of {MIN_TIMEOUT} seconds applies. If users cannot "
            "authenticate, check the server's reachability and answer time (a slow token or directory back end "
            "needs a longer timeout) and test against the local database first.",
            [host.source, tg.src("authentication-server-group")],
            [_test_fix(device, tg, host)],
            key=f"{host.group} {host.host}",
        )
    return make_finding(
        CATALOG_ID, Severity.WARNING, device,
        f"RADIUS server {host.host} of group {host.group} on {device.name} times out after {host.timeout} s",
        f"Tunnel-group {tg.name} authenticates VPN Client users (XAUTH) against RADIUS group {host.group}, and "
        f"host {host.host} is given only {host.timeout} seconds to answer. A RADIUS server that answers more "
        "slowly makes XAUTH fail and the client cannot authenticate.",
        [host.source, tg.src("authentication-server-group")],
        [Fix(device.name, _host_lines(host, MIN_TIMEOUT), Disruption.NONE), _test_fix(device, tg, host)],
        key=f"{host.group} {host.host}",
    )
