"""Find the tunnels in a snapshot of devices.

Pairing works by index, never by comparing every device with every other:

1. every interface address → (device, interface);
2. every static crypto-map entry bound to an interface, keyed by
   (device, peer address) — "who on this device peers with that address";
3. the dynamic map reachable from each bound interface (hub-and-spoke).

For each static entry and each of its peers, the peer address leads to the
remote device and interface (index 1); the remote end is the entry of that
device that peers back to our address (index 2), else the dynamic map on the
remote interface (index 3).  A peer address that is on no device may still
be a device behind NAT: a device whose crypto interface has a private
(RFC 1918) address and that peers back to our address.  Route-based tunnels
(VTI, GRE) pair by tunnel source and destination, or with a crypto map
entry of the destination device that peers with the tunnel source (a VTI
facing a policy-based end, reported as VTI-PAIR).  A GRE tunnel without a
profile whose GRE packets a crypto map entry encrypts (crypto ACL ``permit
gre host SRC host DST``) is protected by that crypto-map tunnel
(``Tunnel.protected_by``).  DMVPN: a spoke's NHRP server (``ip nhrp nhs T
nbma N``, or ``ip nhrp map T N``) names the hub's tunnel source address N,
indexed over every multipoint tunnel.

Everything is linear in the number of crypto entries and interfaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from .model import AccessList, CryptoMap, CryptoMapEntry, Device, Interface, IPAddress, Platform, TunnelSettings

__all__ = ["Kind", "Tunnel", "TunnelEnd", "find_tunnels"]

Kind = Literal["l2l", "vti", "gre", "dmvpn"]


@dataclass(frozen=True, slots=True)
class TunnelEnd:
    """One end of a tunnel as the device itself names it."""

    device: str
    platform: Platform
    interface: str  # the device's own name: ASA nameif, IOS full name, or the tunnel interface
    local_address: IPAddress | None
    peer_address: IPAddress | None
    crypto_map: str | None = None  # static map name, or the dynamic map name for a dynamic end
    seq: int | None = None
    entry: CryptoMapEntry | None = None
    dynamic: bool = False
    profile: str | None = None  # VTI/GRE: `tunnel protection ipsec profile`
    version_tuple: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        """``HQ-ASA:outside:OUTSIDE_MAP:10`` (crypto map) or ``R1:Tunnel0`` (route based)."""
        if self.crypto_map is None:
            return f"{self.device}:{self.interface}"
        return f"{self.device}:{self.interface}:{self.crypto_map}:{self.seq}"

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "device": self.device,
            "interface": self.interface,
            "local_address": str(self.local_address) if self.local_address is not None else None,
            "peer_address": str(self.peer_address) if self.peer_address is not None else None,
            "crypto_map": self.crypto_map,
            "seq": self.seq,
        }
        if self.dynamic:
            out["dynamic"] = True
        if self.profile:
            out["profile"] = self.profile
        return out


@dataclass(frozen=True, slots=True)
class Tunnel:
    """A tunnel between two ends of the snapshot, or a one-sided one.

    ``nat_between``: the ends do not see each other's address (one end sits
    on a private address behind a NAT device).  ``one_sided``: the other end
    is not in the snapshot; ``remote_device`` then names the device that owns
    the peer address but has no configuration for us, when there is one.
    ``protected_by``: a GRE tunnel without IPsec profile whose GRE packets a
    crypto-map tunnel encrypts (its verdict is that tunnel's).
    """

    id: str
    kind: Kind
    ends: tuple[TunnelEnd, ...]
    nat_between: bool = False
    one_sided: bool = False
    remote_device: str | None = None
    protected_by: Tunnel | None = None

    def end(self, device: str) -> TunnelEnd | None:
        return next((e for e in self.ends if e.device == device), None)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id, "kind": self.kind, "ends": [e.as_dict() for e in self.ends]}
        if self.nat_between:
            out["nat_between"] = True
        if self.one_sided:
            out["one_sided"] = True
            if self.remote_device:
                out["remote_device"] = self.remote_device
        if self.protected_by is not None:
            out["protected_by"] = self.protected_by.id
        return out


# (device, bound interface, map, entry, local address)
_Static = tuple[Device, Interface, CryptoMap, CryptoMapEntry, IPAddress | None]


def _address(itf: Interface | None) -> IPAddress | None:
    primary = itf.primary_address if itf is not None else None
    return primary.ip if primary is not None else None


def _stand_in(device: Device, name: str) -> Interface:
    """An excerpt's interface that its snippet does not define: the name only, no address."""
    asa_like = device.platform in (Platform.ASA, Platform.PIX6)
    return Interface(name=name, nameif=name if asa_like else None)


def _static_ends(device: Device) -> list[_Static]:
    """Static entries of the maps bound to interfaces, with the address they speak from."""
    out: list[_Static] = []
    for binding in device.bindings:
        cmap = device.crypto_maps.get(binding.map_name)
        itf = device.interface(binding.interface)
        if itf is None and device.partial:
            # `show running-config crypto map` excerpts bind to interfaces they do not show.
            itf = _stand_in(device, binding.interface)
        if cmap is None or itf is None:
            continue
        # IOS `crypto map M local-address IF` makes IKE speak from another interface's address.
        local = _address(device.interface(cmap.local_address)) if cmap.local_address else None
        local = local or _address(itf)
        for e in cmap.entries:
            if e.dynamic_map is None and not e.is_dynamic:
                out.append((device, itf, cmap, e, local))
    return out


def _dynamic_entry(device: Device, itf: Interface) -> tuple[str, CryptoMapEntry] | None:
    """The first dynamic-map entry reachable from the maps bound to ``itf``."""
    for binding in device.bindings:
        if binding.interface not in (itf.local_name, itf.name):
            continue
        cmap = device.crypto_maps.get(binding.map_name)
        if cmap is None:
            continue
        for e in sorted(cmap.entries, key=lambda x: x.seq):
            dyn = device.dynamic_maps.get(e.dynamic_map) if e.dynamic_map else None
            if dyn:
                first = min(dyn, key=lambda x: x.seq)
                return e.dynamic_map, first  # type: ignore[return-value]
    return None


def _end(s: _Static, peer: IPAddress | None) -> TunnelEnd:
    device, itf, cmap, entry, local = s
    return TunnelEnd(device.name, device.platform, itf.local_name, local, peer, cmap.name, entry.seq, entry,
                     version_tuple=device.version_tuple)


def _private(address: IPAddress | None) -> bool:
    return address is not None and address.version == 4 and address.is_private and not address.is_loopback


def _make(kind: Kind, ends: Iterable[TunnelEnd], **flags: object) -> Tunnel:
    ordered = tuple(sorted(ends, key=lambda e: (e.device, e.key)))
    return Tunnel(" <-> ".join(e.key for e in ordered), kind, ordered, **flags)  # type: ignore[arg-type]


def _one_sided(kind: Kind, end: TunnelEnd, remote_device: str | None) -> Tunnel:
    peer = str(end.peer_address) if end.peer_address is not None else "?"
    return Tunnel(f"{end.key} <-> {peer}", kind, (end,), one_sided=True, remote_device=remote_device)


def find_tunnels(devices: Sequence[Device]) -> list[Tunnel]:
    """All tunnels of the snapshot, sorted by id.

    Static ↔ static, static ↔ dynamic (hub), pairs across NAT, one-sided
    entries (peer not in the snapshot) and VTI/GRE tunnel interfaces.
    """
    by_address: dict[IPAddress, list[tuple[Device, Interface]]] = {}
    for d in devices:
        for itf in d.interfaces:
            for a in itf.addresses:
                by_address.setdefault(a.ip, []).append((d, itf))

    statics: list[_Static] = [s for d in devices for s in _static_ends(d)]
    peers_back: dict[tuple[str, IPAddress], list[_Static]] = {}  # (device, peer) → its entries
    towards: dict[IPAddress, list[_Static]] = {}  # peer address → entries of any device aiming at it
    for s in statics:
        for p in s[3].peers:
            if p.address is not None:
                peers_back.setdefault((s[0].name, p.address), []).append(s)
                towards.setdefault(p.address, []).append(s)

    tunnels: dict[str, Tunnel] = {}
    used: set[tuple[str, str, int, IPAddress]] = set()  # (device, map, seq, peer) already in a tunnel
    pending: list[tuple[_Static, str | None]] = []  # entries without partner, with the device owning the peer

    def add(t: Tunnel) -> None:
        tunnels.setdefault(t.id, t)

    for s in statics:
        device, itf, cmap, entry, local = s
        paired = False
        remote_owner: str | None = None
        for p in entry.peers:
            if p.address is None:
                continue
            if (device.name, cmap.name, entry.seq, p.address) in used:
                paired = True
                continue
            remotes = [r for r in by_address.get(p.address, ()) if r[0].name != device.name]
            for rdev, ritf in remotes:
                back = peers_back.get((rdev.name, local)) if local is not None else None
                if back:
                    # Prefer the entry bound to the interface that owns the peer address.
                    rs = min(back, key=lambda b: (b[1].local_name != ritf.local_name, b[2].name, b[3].seq))
                    add(_make("l2l", (_end(s, p.address), _end(rs, local))))
                    used.add((rdev.name, rs[2].name, rs[3].seq, local))  # type: ignore[arg-type]
                    paired = True
                    continue
                dyn = _dynamic_entry(rdev, ritf)
                if dyn is not None:
                    dyn_name, dyn_entry = dyn
                    remote = TunnelEnd(rdev.name, rdev.platform, ritf.local_name, p.address, local, dyn_name,
                                       dyn_entry.seq, dyn_entry, dynamic=True, version_tuple=rdev.version_tuple)
                    nat = _private(local) and not _private(p.address)
                    add(_make("l2l", (_end(s, p.address), remote), nat_between=nat))
                    paired = True
                    continue
                remote_owner = remote_owner or rdev.name
            if remotes or local is None:
                continue
            # The peer address is on no device: look for a device behind NAT that peers back to us.
            for rs in towards.get(local, ()):
                if rs[0].name == device.name or not _private(rs[4]):
                    continue
                add(_make("l2l", (_end(s, p.address), _end(rs, local)), nat_between=True))
                used.add((rs[0].name, rs[2].name, rs[3].seq, local))
                paired = True
        if not paired:
            pending.append((s, remote_owner))

    # Route-based first: a tunnel interface may face a crypto map entry, which is then no longer one-sided.
    routed = _route_based(devices, by_address, peers_back, used)
    for s, owner in pending:
        device, _, cmap, entry, _ = s
        if any((device.name, cmap.name, entry.seq, p.address) in used for p in entry.peers if p.address):
            continue
        first = next((p.address for p in entry.peers if p.address is not None), None)
        add(_one_sided("l2l", _end(s, first), owner))
    for t in _with_carriers(routed, statics, peers_back, tunnels):
        add(t)
    for t in _dmvpn(devices, by_address):
        add(t)
    return [tunnels[k] for k in sorted(tunnels)]


def _tunnel_source(device: Device, itf: Interface) -> IPAddress | None:
    settings = itf.tunnel
    if settings is None:
        return None
    if settings.source_address is not None:
        return settings.source_address
    return _address(device.interface(settings.source_interface)) if settings.source_interface else None


def _route_based(
    devices: Sequence[Device], by_address: dict[IPAddress, list[tuple[Device, Interface]]],
    peers_back: dict[tuple[str, IPAddress], list[_Static]] | None = None,
    used: set[tuple[str, str, int, IPAddress]] | None = None,
) -> list[Tunnel]:
    """VTI and point-to-point GRE tunnels paired by (source, destination) ↔ (destination, source).

    A tunnel whose source or destination is not an address here (a template's
    ``tunnel destination 40.76.X.X``, a hostname, a source interface with no
    static address) cannot pair: it is one-sided, its peer ``?`` when unknown.
    """
    ends: dict[tuple[IPAddress, IPAddress], list[tuple[TunnelEnd, str]]] = {}
    out: list[Tunnel] = []
    for d in devices:
        for itf in d.interfaces:
            settings = itf.tunnel
            if settings is None or "multipoint" in settings.mode:
                continue  # multipoint GRE is DMVPN (_dmvpn)
            if settings.destination is None and not settings.destination_name:
                continue  # no destination at all: not a point-to-point tunnel yet
            src = _tunnel_source(d, itf)
            end = TunnelEnd(d.name, d.platform, itf.name, src, settings.destination,
                            profile=settings.protection_profile, version_tuple=d.version_tuple)
            if src is None or settings.destination is None:
                owner = next((r[0].name for r in by_address.get(settings.destination, ()) if r[0].name != d.name),
                             None) if settings.destination is not None else None
                out.append(_one_sided(_route_kind(settings.mode), end, owner))
                continue
            ends.setdefault((src, settings.destination), []).append((end, settings.mode))
    for (src, dst), here in ends.items():
        there = ends.get((dst, src), [])
        for a, mode in here:
            kind = _route_kind(mode)
            partners = [b for b, _ in there if b.device != a.device]
            if partners:
                out.extend(_make(kind, (a, b)) for b in partners)
                continue
            owner = next((r[0].name for r in by_address.get(dst, ()) if r[0].name != a.device), None)
            facing = (peers_back or {}).get((owner, src)) if owner is not None else None
            if facing:
                # The other end is a crypto map entry peering with our tunnel source (policy based).
                rs = min(facing, key=lambda b: (b[2].name, b[3].seq))
                out.append(_make(kind, (a, _end(rs, src))))
                if used is not None:
                    used.add((rs[0].name, rs[2].name, rs[3].seq, src))
                continue
            out.append(_one_sided(kind, a, owner))
    return out



def _route_kind(mode: str) -> Kind:
    return "vti" if mode.startswith("ipsec") else "gre"


# --------------------------------------------------------------------------- GRE over a crypto map


def _permits_gre(acl: AccessList | None, src: IPAddress, dst: IPAddress) -> bool:
    """First-match: does ``acl`` permit a GRE packet from ``src`` to ``dst``?"""
    if acl is None:
        return False
    for e in acl.active_entries:
        if not any(sv.any_protocol or sv.protocol in ("gre", "47") for sv in e.services):
            continue
        if any(src in n for n in e.sources) and any(dst in n for n in e.destinations):
            return e.action == "permit"
    return False


def _gre_entry(device_name: str, end: TunnelEnd, devices: dict[str, Device],
               peers_back: dict[tuple[str, IPAddress], list[_Static]],
               on_interface: dict[tuple[str, str], list[_Static]],
               interfaces: dict[tuple[str, str], Interface]) -> _Static | None:
    """The static entry of ``end``'s device whose crypto ACL encrypts the tunnel's GRE packets."""
    src, dst = end.local_address, end.peer_address
    device = devices.get(device_name)
    if src is None or dst is None or device is None:
        return None
    # Usually the entry peers with the tunnel destination; else look at the tunnel source interface's map.
    candidates = list(peers_back.get((device_name, dst), ()))
    itf = interfaces.get((device_name, end.interface))
    source_itf = itf.tunnel.source_interface if itf is not None and itf.tunnel is not None else None
    if source_itf:
        found = interfaces.get((device_name, source_itf))
        candidates += on_interface.get((device_name, found.local_name if found else source_itf), [])
    for s in sorted(candidates, key=lambda c: (c[2].name, c[3].seq)):
        entry = s[3]
        if entry.match_acl and _permits_gre(device.acls.get(entry.match_acl), src, dst):
            return s
    return None


def _with_carriers(routed: list[Tunnel], statics: list[_Static],
                   peers_back: dict[tuple[str, IPAddress], list[_Static]],
                   tunnels: dict[str, Tunnel]) -> list[Tunnel]:
    """Point each unprotected GRE tunnel at the crypto-map tunnel that encrypts its packets."""
    gre = {t.id for t in routed if t.kind == "gre" and not any(e.profile for e in t.ends)}
    if not gre:
        return routed
    devices = {s[0].name: s[0] for s in statics}
    interfaces = {(d.name, n): itf for d in devices.values() for itf in d.interfaces for n in (itf.name, itf.local_name)}
    on_interface: dict[tuple[str, str], list[_Static]] = {}
    for s in statics:
        on_interface.setdefault((s[0].name, s[1].local_name), []).append(s)
    by_end: dict[str, list[Tunnel]] = {}  # crypto end key → tunnels it belongs to
    for t in tunnels.values():
        for e in t.ends:
            if e.crypto_map is not None:
                by_end.setdefault(e.key, []).append(t)
    out: list[Tunnel] = []
    for t in routed:
        carrier = None
        if t.id in gre:
            others = {e.device for e in t.ends}
            for end in t.ends:
                static = _gre_entry(end.device, end, devices, peers_back, on_interface, interfaces)
                if static is None:
                    continue
                found = by_end.get(_end(static, None).key, [])
                # The crypto tunnel towards the GRE tunnel's other device, when there is one.
                carrier = next((c for c in found if {e.device for e in c.ends} == others), None) or \
                    next(iter(found), None)
                if carrier is not None:
                    break
        out.append(t if carrier is None else replace(t, protected_by=carrier))
    return out


# --------------------------------------------------------------------------- DMVPN


def _nhs_targets(settings: TunnelSettings) -> list[tuple[IPAddress | None, IPAddress | None]]:
    """(hub tunnel address, hub NBMA address) per NHRP server of a spoke tunnel."""
    maps = dict(settings.nhrp_maps)
    return [(ip, nbma if nbma is not None else maps.get(ip) if ip is not None else None)
            for ip, nbma in settings.nhrp_nhs]


def _hub_rank(itf: Interface, tunnel_ip: IPAddress | None, network_id: int | None) -> tuple[bool, bool, bool]:
    """Lower is better: the hub tunnel that owns the NHS address, else its subnet, else the same network-id."""
    exact = tunnel_ip is not None and any(a.ip == tunnel_ip for a in itf.addresses)
    inside = tunnel_ip is not None and any(tunnel_ip in a.network for a in itf.addresses)
    same_id = network_id is not None and itf.tunnel is not None and itf.tunnel.nhrp_network_id == network_id
    return (not exact, not inside, not same_id)


def _dmvpn(devices: Sequence[Device], by_address: dict[IPAddress, list[tuple[Device, Interface]]]) -> list[Tunnel]:
    """Hub ↔ spoke tunnels of DMVPN: each spoke NHS's NBMA address leads to the hub's multipoint tunnel.

    The hub end is ``dynamic``: a hub learns its spokes when they register and
    never initiates to them.  A spoke whose hub is not in the snapshot is a
    one-sided tunnel to the NBMA address.
    """
    hubs: dict[IPAddress, list[tuple[Device, Interface, IPAddress]]] = {}  # tunnel source → multipoint tunnels
    spokes: list[tuple[Device, Interface, IPAddress | None]] = []
    for d in devices:
        for itf in d.interfaces:
            settings = itf.tunnel
            if settings is None or "multipoint" not in settings.mode:
                continue
            src = _tunnel_source(d, itf)
            if src is not None:
                hubs.setdefault(src, []).append((d, itf, src))
            if settings.nhrp_nhs:
                spokes.append((d, itf, src))
    out: list[Tunnel] = []
    for d, itf, src in spokes:
        settings = itf.tunnel
        assert settings is not None
        for tunnel_ip, nbma in _nhs_targets(settings):
            end = TunnelEnd(d.name, d.platform, itf.name, src, nbma, profile=settings.protection_profile,
                            version_tuple=d.version_tuple)
            candidates = [h for h in hubs.get(nbma, ()) if h[0].name != d.name] if nbma is not None else []
            if not candidates:
                owner = next((r[0].name for r in by_address.get(nbma, ()) if r[0].name != d.name),
                             None) if nbma is not None else None
                out.append(_one_sided("dmvpn", end, owner))
                continue
            hd, hitf, hsrc = min(candidates, key=lambda h: (_hub_rank(h[1], tunnel_ip, settings.nhrp_network_id),
                                                            h[0].name, h[1].name))
            hub = TunnelEnd(hd.name, hd.platform, hitf.name, hsrc, src, dynamic=True,
                            profile=hitf.tunnel.protection_profile if hitf.tunnel else None,
                            version_tuple=hd.version_tuple)
            out.append(_make("dmvpn", (end, hub)))
    return out
