"""MTU-MSS — TCP MSS not clamped for the IPsec overhead.

What it does
    IOS: every interface carrying a crypto map, every IPsec-protected
    tunnel interface (VTI, or GRE with ``tunnel protection``), and every GRE
    tunnel whose GRE packets a crypto map encrypts (GRE over a crypto map:
    the crypto ACL permits ``gre host SRC host DST``; the tunnel, not the
    physical interface, is then the place to clamp), whose TCP
    sessions are not clamped — no ``ip tcp adjust-mss`` on it (for crypto
    map routers a clamp on any other LAN interface counts too) or a value
    larger than fits the tunnel (and larger than Cisco's usual 1360) →
    warning.  Shut-down interfaces are skipped.  ASA/PIX:
    ``sysopt connection tcpmss`` raised above its default 1380 or set to 0
    (no clamping) on a device with VPN configuration → warning.

Why it breaks
    ESP tunnel mode adds up to ~73 bytes (outer IP 20, ESP header 8, IV 16,
    padding up to 15, trailer 2, ICV 12 for AES-CBC/SHA-1), NAT-T 8 more and
    GRE 24 more.  A host that negotiates MSS 1460 on a 1500-byte path sends
    packets that no longer fit once encrypted: they are fragmented or, with
    DF set and ICMP filtered, dropped.  Pings work, applications stall.

Example
    ``interface GigabitEthernet0/1`` / ``crypto map VPN`` with no
    ``ip tcp adjust-mss``.

Fix
    IOS: ``ip tcp adjust-mss`` with a value that fits: 1500 − 81 (ESP with
    NAT-T, worst case) − 40 (IP + TCP headers) = 1379, rounded down and
    capped at 1360 — the value Cisco recommends for tunnels; 1350 with GRE;
    less on PPPoE.  The source document's example sets 1300 on the outside
    interface, which leaves extra margin.  ASA: ``sysopt connection tcpmss
    1380`` (the default).  Disruption: none; only new TCP sessions are
    affected.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import AccessList, Device, Interface, IPAddress, Platform
from . import Context, check
from ._maps import bindings_by_interface, make_finding
from ._partial import excerpt_downgrade

CATALOG_ID = "MTU-MSS"
ESP_OVERHEAD = 81  # worst case ESP tunnel mode AES-CBC + SHA-1 incl. NAT-T UDP header
GRE_OVERHEAD = 24  # GRE header 4 + inner IP header 20
TCP_IP = 40  # IP + TCP headers without options
CAP = 1360  # Cisco's usual tunnel value; a little margin below the computed maximum
ASA_DEFAULT = 1380


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """IOS interfaces without a fitting MSS clamp; ASA tcpmss raised or disabled."""
    for device in ctx.devices:
        if device.platform is Platform.IOS:
            yield from _ios(device)
        else:
            finding = _asa(device)
            if finding is not None:
                yield finding


def _path_mtu(device: Device, itf: Interface | None) -> int:
    if itf is None:
        return 1500
    if itf.mtu:
        return itf.mtu
    return 1492 if itf.pppoe or itf.name.lower().startswith("dialer") else 1500


def _max_mss(device: Device, itf: Interface) -> tuple[int, str]:
    """The largest MSS that fits, and a one-line explanation of the arithmetic."""
    if itf.tunnel is not None:
        under = device.interface(itf.tunnel.source_interface) if itf.tunnel.source_interface else None
        mtu = _path_mtu(device, under)
        gre = itf.tunnel.mode.startswith("gre")
        overhead = ESP_OVERHEAD + (GRE_OVERHEAD if gre else 0)
        how = f"{mtu} − {ESP_OVERHEAD} (ESP with NAT-T)" + (f" − {GRE_OVERHEAD} (GRE)" if gre else "")
    else:
        mtu = _path_mtu(device, itf)
        overhead = ESP_OVERHEAD
        how = f"{mtu} − {ESP_OVERHEAD} (ESP with NAT-T)"
    best = mtu - overhead - TCP_IP
    return best, f"{how} − {TCP_IP} (IP + TCP) = {best}"


def _recommended(best: int) -> int:
    return min(CAP, best - best % 10)


def _permits_gre(acl: AccessList, src: IPAddress, dst: IPAddress) -> bool:
    """True when a permit line of ``acl`` covers GRE from ``src`` to ``dst`` (earlier denies are ignored)."""
    for e in acl.entries:
        if e.action != "permit" or e.inactive:
            continue
        if not any(sv.any_protocol or sv.protocol in ("gre", "47") for sv in e.services):
            continue
        if any(src in n for n in e.sources) and any(dst in n for n in e.destinations):
            return True
    return False


def _only_gre(acls: list[AccessList]) -> bool:
    permits = [e for a in acls for e in a.entries if e.action == "permit" and not e.inactive]
    return bool(permits) and all(sv.protocol in ("gre", "47") for e in permits for sv in e.services)


def _gre_riders(device: Device, itf: Interface, map_name: str) -> tuple[list[Interface], bool]:
    """GRE tunnel interfaces carried by ``itf`` whose GRE packets its crypto map encrypts (GRE over a
    crypto map), and whether that map protects nothing but GRE."""
    cmap = device.crypto_maps.get(map_name)
    acls = [a for e in (cmap.entries if cmap else ()) if e.match_acl and (a := device.acls.get(e.match_acl))]
    own = {a.ip for a in itf.addresses}
    riders: list[Interface] = []
    for t_itf in device.interfaces:
        t = t_itf.tunnel
        if t is None or t.protection_profile or not t.mode.startswith("gre") or t.destination is None:
            continue
        by_name = t.source_interface is not None and device.interface(t.source_interface) is itf
        if not (by_name or t.source_address in own):
            continue
        src = t.source_address or (itf.primary_address.ip if itf.primary_address else None)
        if src is not None and any(_permits_gre(a, src, t.destination) for a in acls):
            riders.append(t_itf)
    return riders, _only_gre(acls)


def _ios(device: Device) -> Iterable[Finding]:
    targets: list[tuple[Interface, str]] = []
    for name, bound in sorted(bindings_by_interface(device).items()):
        itf = device.interface(name)
        if itf is not None and itf.tunnel is None:
            map_name = bound[0].map_name
            riders, only_gre = _gre_riders(device, itf, map_name)
            # GRE over a crypto map: user traffic enters the GRE tunnel, so the clamp belongs there and must
            # allow for GRE as well as ESP; the physical interface only matters for non-GRE crypto traffic.
            for rider in riders:
                why = f"GRE tunnel (its GRE packets are encrypted by crypto map {map_name} on {itf.name})"
                targets.append((rider, why))
            if not (riders and only_gre):
                targets.append((itf, f"crypto map {map_name}"))
    for itf in device.interfaces:
        t = itf.tunnel
        if t is not None and (t.protection_profile or t.mode.startswith("ipsec")):
            kind = "VTI" if t.mode.startswith("ipsec") else "GRE over IPsec"
            targets.append((itf, f"{kind} tunnel (ipsec profile {t.protection_profile or '?'})"))
    lan_clamps = [i for i in device.interfaces if i.tunnel is None and i.tcp_adjust_mss is not None]
    for itf, why in targets:
        if itf.shutdown:
            continue
        best, arithmetic = _max_mss(device, itf)
        # Cisco's usual tunnel value (1360, with `ip mtu 1400` on GRE tunnels) is accepted even where the
        # worst-case arithmetic is a few bytes lower: IOS lowers a protected tunnel's IP MTU itself.
        limit = max(best, CAP)
        value = itf.tcp_adjust_mss
        if value is None and itf.tunnel is None:
            # a clamp on another (LAN) interface also rewrites the SYNs that will cross the crypto map
            others = [i.tcp_adjust_mss for i in lan_clamps if i.tcp_adjust_mss is not None]
            if others:
                value = min(others)
        if value is not None and value <= limit:
            continue
        rec = _recommended(best)
        state = "has no `ip tcp adjust-mss`" if value is None else f"clamps MSS to {value}, more than fits"
        yield make_finding(
            CATALOG_ID, Severity.WARNING, device,
            f"Interface {itf.name} on {device.name} does not clamp TCP MSS for IPsec",
            f"Interface {itf.name} carries a {why} and {state}. The largest MSS that fits the tunnel is "
            f"{arithmetic}; hosts that negotiate 1460 send packets too large once encrypted, so pings work "
            f"but applications stall. Clamp to {rec} (Cisco's usual tunnel value is 1360; the source "
            "document's example uses 1300 on the outside interface for extra margin).",
            [itf.source],
            [Fix(device.name, (f"interface {itf.name}", f" ip tcp adjust-mss {rec}"), Disruption.NONE)],
            key=itf.name,
        )


def _asa(device: Device) -> Finding | None:
    setting = device.setting("sysopt connection tcpmss")
    if setting is None or setting.defaulted or not setting.value or not setting.value.isdecimal():
        return None
    if not (device.bindings or device.tunnel_groups):
        return None
    value = int(setting.value)
    if 0 < value <= ASA_DEFAULT:
        return None
    state = ("0, which turns MSS clamping off" if value == 0
             else f"{value}, above the default {ASA_DEFAULT}")
    return make_finding(
        CATALOG_ID, Severity.WARNING, device,
        f"TCP MSS clamping on {device.name} is too large for IPsec ({value})",
        f"`sysopt connection tcpmss` is set to {state}. TCP sessions through the VPN then negotiate segments "
        f"that do not fit a 1500-byte path once ESP (and NAT-T) overhead is added: 1500 − {ESP_OVERHEAD} − "
        f"{TCP_IP} = {1500 - ESP_OVERHEAD - TCP_IP}. Oversized packets are fragmented or dropped; pings work, "
        "applications stall.",
        [setting.source],
        [Fix(device.name, (f"sysopt connection tcpmss {ASA_DEFAULT}",), Disruption.NONE,
             note="1380 is the default; lower it (e.g. 1350) if large transfers still stall")],
        key="tcpmss",
    )
