"""TG-IOSXAUTH — IOS asks a site-to-site peer for XAUTH because remote access shares its crypto map.

What it does
    On IOS (and PIX 6, which has the same model), for each crypto map that
    carries remote-access client configuration — ``crypto map M client
    authentication list L``, ``crypto map M isakmp authorization list L`` or
    ``crypto map M client configuration address initiate|respond`` — it
    checks every static entry's peer: when the global pre-shared key that
    covers the peer (``crypto isakmp key K address P``, the longest match)
    lacks ``no-xauth`` and the entry is not separated by an ISAKMP profile,
    the peer is reported.  Keys inside keyrings are used through ISAKMP
    profiles and are not considered.  ASA is immune: tunnel-groups keep
    site-to-site and remote-access settings apart.

Why it breaks
    The router prompts every peer of the map for XAUTH user name and
    password.  A gateway cannot answer, so phase 1 hangs: ``show crypto
    isakmp sa`` shows ``CONF_XAUTH`` for the L2L peer.

Example
    ``crypto map VPN client authentication list RA-AUTH`` with ``crypto
    isakmp key <key> address 203.0.113.20`` and ``crypto map VPN 10 set peer
    203.0.113.20``.

Fix
    Re-enter the key with ``no-xauth``: ``crypto isakmp key <pre-shared-key>
    address 203.0.113.20 no-xauth`` (PIX 6: ``isakmp key <pre-shared-key>
    address 203.0.113.20 netmask 255.255.255.255 no-xauth
    no-config-mode``).  Disruption: renegotiates-tunnel — the peer's next IKE
    negotiation uses the new key entry.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..fixes import PSK
from ..model import CryptoMap, Device, IPAddress, Platform, PreSharedKey, Source
from . import Context, check
from ._maps import is_static_l2l, make_finding, peer_addresses, sorted_entries

CATALOG_ID = "TG-IOSXAUTH"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One error per L2L peer of a remote-access crypto map whose key lacks no-xauth."""
    for device in ctx.devices:
        if device.platform not in (Platform.IOS, Platform.PIX6):
            continue
        for cmap in device.crypto_maps.values():
            ra = _ra_lines(cmap)
            if not ra:
                continue
            for entry in sorted_entries(cmap):
                if not is_static_l2l(entry) or entry.isakmp_profile:
                    continue
                for peer in peer_addresses(entry):
                    key = key_for(device, peer)
                    if key is not None and not key.no_xauth:
                        yield _finding(device, cmap, entry.seq, peer, key, ra, entry.src("peer"))


def _ra_lines(cmap: CryptoMap) -> list[str]:
    out = []
    if cmap.client_authentication_list:
        out.append(f"client authentication list {cmap.client_authentication_list}")
    if cmap.isakmp_authorization_list:
        out.append(f"isakmp authorization list {cmap.isakmp_authorization_list}")
    if cmap.client_configuration_address:
        out.append(f"client configuration address {cmap.client_configuration_address}")
    return out


def key_for(device: Device, peer: IPAddress) -> PreSharedKey | None:
    """The global IKEv1 pre-shared key the device uses for ``peer`` (most specific address match)."""
    keys = [
        k for k in device.pre_shared_keys
        if k.keyring is None and k.ike_version == 1 and k.peer is not None
        and k.peer.version == peer.version and peer in k.peer
    ]
    return max(keys, key=lambda k: k.peer.prefixlen, default=None)  # type: ignore[union-attr]


def _key_commands(device: Device, key: PreSharedKey) -> tuple[str, ...]:
    net = key.peer
    assert net is not None
    if device.platform is Platform.PIX6:
        where = f"address {net.network_address} netmask {net.netmask}"
        return (f"isakmp key {PSK} {where} no-xauth no-config-mode",)
    where = f"address {net.network_address}" + ("" if net.prefixlen == net.max_prefixlen else f" {net.netmask}")
    return (f"crypto isakmp key {PSK} {where} no-xauth",)


def _finding(device: Device, cmap: CryptoMap, seq: int, peer: IPAddress, key: PreSharedKey,
             ra: list[str], peer_source: Source) -> Finding:
    detail = (
        f"Crypto map {cmap.name} on {device.name} serves remote-access clients ({'; '.join(ra)}) and also the "
        f"site-to-site peer {peer} (entry {seq}). The key for {peer} ({key.source.text.strip() or 'pre-shared key'}) "
        "has no `no-xauth`, so the router asks that gateway for an XAUTH user name and password it cannot give; "
        "phase 1 hangs in CONF_XAUTH."
    )
    return make_finding(
        CATALOG_ID, Severity.ERROR, device,
        f"L2L peer {peer} of crypto map {cmap.name} on {device.name} is asked for XAUTH",
        detail, [key.source, peer_source, cmap.source],
        [Fix(device.name, _key_commands(device, key), Disruption.RENEGOTIATES_TUNNEL,
             note="re-enter the same key value; it replaces the existing key entry")],
        caution="The new key entry takes effect at the peer's next IKE negotiation.",
        key=f"{cmap.name} {peer}",
    )
