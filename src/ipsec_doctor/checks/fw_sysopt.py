"""FW-SYSOPT — decrypted VPN traffic is subject to the outside ACL and not permitted there.

What it does
    ASA 7.1+: ``sysopt connection permit-vpn`` (on by default) lets decrypted
    traffic bypass the interface ACLs.  PIX 6 and ASA 7.0: ``sysopt connection
    permit-ipsec`` does the same (off by default on PIX 6).  When the bypass
    is off, the inbound ACL of the crypto interface (``access-group X in
    interface outside``) must permit every remote → local protected flow.
    Missing ACL or uncovered flows → error; everything permitted → info (it
    works, but every tunnel change now needs an ACL change).  IOS is not
    checked: it has no such switch.

Why it breaks
    Without the bypass, decrypted packets are checked like any packet
    arriving on the outside interface.  No permit, no traffic: the tunnel is
    up, the counters show decapsulated packets, and nothing reaches the
    inside hosts.

Example
    ``no sysopt connection permit-vpn`` with ``access-group OUTSIDE_IN in
    interface outside`` permitting only ``tcp any host 203.0.113.10 eq www``.

Fix
    ``sysopt connection permit-vpn`` (PIX 6 / ASA 7.0: ``sysopt connection
    permit-ipsec``); or permit the decrypted flows (remote → local) in the
    outside ACL.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..acl import FlowSet, describe, mirror, permitted_flows
from ..findings import Disruption, Finding, Fix, Severity
from ..model import Device, InterfaceAcl, Platform, Setting
from ..natsim import CryptoFlow, box_networks, crypto_flows, flow_set
from . import Context, check
from ._common import devices_on
from ._fix_natfw import asa_acl_line, asa_net, evidence, kb_caution
from ._partial import excerpt_downgrade

ID = "FW-SYSOPT"

_NAMES = ("sysopt connection permit-vpn", "sysopt connection permit-ipsec")


def bypass_setting(device: Device) -> Setting | None:
    """The device's VPN bypass setting (whichever name its generation uses)."""
    for name in _NAMES:
        setting = device.setting(name)
        if setting is not None:
            return setting
    return None


def inbound_acl(device: Device, interface: str) -> InterfaceAcl | None:
    for binding in device.interface_acls:
        if binding.direction == "in" and not binding.control_plane and binding.interface.lower() == interface.lower():
            return binding
    return None


def _setting_command(device: Device, setting: Setting | None) -> str:
    if setting is not None:
        return setting.name
    return "sysopt connection permit-ipsec" if device.platform is Platform.PIX6 else "sysopt connection permit-vpn"


def _by_interface(flows: list[CryptoFlow]) -> dict[str, list[CryptoFlow]]:
    out: dict[str, list[CryptoFlow]] = {}
    for f in flows:
        out.setdefault(f.interface, []).append(f)
    return out


@check(ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """One finding per crypto interface of an ASA/PIX whose VPN ACL bypass is off."""
    for device in devices_on(ctx, Platform.ASA, Platform.PIX6):
        setting = bypass_setting(device)
        if setting is None or setting.enabled:
            continue
        for interface, flows in _by_interface(crypto_flows(device)).items():
            yield from _one(device, setting, interface, flows)


def _one(device: Device, setting: Setting, interface: str, flows: list[CryptoFlow]) -> Iterable[Finding]:
    decrypted = FlowSet()
    for f in flows:
        decrypted = decrypted.union(mirror(flow_set([f.local], [f.remote])))
    binding = inbound_acl(device, interface)
    acl = device.acls.get(binding.acl) if binding is not None else None
    missing = decrypted if acl is None else decrypted.difference(permitted_flows(acl))
    off = "is off by default on this version" if setting.defaulted else "is disabled"
    sources = [setting.source if not setting.defaulted else None, binding.source if binding else None]
    sources += [f.acl_entry.source for f in flows]
    if missing.is_empty():
        yield Finding(
            id=ID, severity=Severity.INFO,
            title=f"{device.name}: decrypted VPN traffic is filtered by ACL {binding.acl if binding else '?'}",
            devices=(device.name,),
            detail=(f"`{setting.name}` {off}, so traffic leaving the tunnels on {interface} is checked against the "
                    f"inbound ACL; it currently permits every protected flow. Each new tunnel network must be "
                    f"added there too."),
            evidence=evidence(*sources), key=interface,
        )
        return
    listed = describe(missing)
    fixes = [Fix(device.name, (_setting_command(device, setting),), Disruption.NONE)]
    acl_name = binding.acl if binding is not None else f"{interface}_access_in"
    lines = [asa_acl_line(device, acl_name, f"permit ip {asa_net(s)} {asa_net(d)}") for s, d in box_networks(missing)]
    if binding is None:
        lines.append(f"access-group {acl_name} in interface {interface}")
    fixes.append(Fix(device.name, tuple(lines), Disruption.NONE, note="alternative: permit the decrypted traffic"))
    why = (f"no inbound ACL is applied to {interface}, and traffic from the lowest security level is denied"
           if binding is None else f"the inbound ACL {binding.acl} of {interface} does not permit it")
    yield Finding(
        id=ID, severity=Severity.ERROR,
        title=f"Decrypted VPN traffic on {device.name} is dropped by the {interface} ACL",
        devices=(device.name,),
        detail=(f"`{setting.name}` {off}: decrypted packets are checked like any packet arriving on {interface}, "
                f"and {why}. Not permitted: {', '.join(listed)}."),
        evidence=evidence(*sources), fix=tuple(fixes), caution=kb_caution(ID), key=interface,
        extra={"missing": listed},
    )
