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
facing a policy-based end, reported as VTI-PAIR).

Everything is linear in the number of crypto entries and interfaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .model import CryptoMap, CryptoMapEntry, Device, Interface, IPAddress, Platform

__all__ = ["Tunnel", "TunnelEnd", "find_tunnels"]


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
    """

    id: str
    kind: Literal["l2l", "vti", "gre"]
    ends: tuple[TunnelEnd, ...]
    nat_between: bool = False
    one_sided: bool = False
    remote_device: str | None = None

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
        return out


# (device, bound interface, map, entry, local address)
_Static = tuple[Device, Interface, CryptoMap, CryptoMapEntry, IPAddress | None]


def _address(itf: Interface | None) -> IPAddress | None:
    primary = itf.primary_address if itf is not None else None
    return primary.ip if primary is not None else None


def _static_ends(device: Device) -> list[_Static]:
    """Static entries of the maps bound to interfaces, with the address they speak from."""
    out: list[_Static] = []
    for binding in device.bindings:
        cmap = device.crypto_maps.get(binding.map_name)
        itf = device.interface(binding.interface)
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


def _make(kind: Literal["l2l", "vti", "gre"], ends: Iterable[TunnelEnd], **flags: object) -> Tunnel:
    ordered = tuple(sorted(ends, key=lambda e: (e.device, e.key)))
    return Tunnel(" <-> ".join(e.key for e in ordered), kind, ordered, **flags)  # type: ignore[arg-type]


def _one_sided(kind: Literal["l2l", "vti", "gre"], end: TunnelEnd, remote_device: str | None) -> Tunnel:
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
    for t in _route_based(devices, by_address, peers_back, used):
        add(t)
    for s, owner in pending:
        device, _, cmap, entry, _ = s
        if any((device.name, cmap.name, entry.seq, p.address) in used for p in entry.peers if p.address):
            continue
        first = next((p.address for p in entry.peers if p.address is not None), None)
        add(_one_sided("l2l", _end(s, first), owner))
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
    """VTI and point-to-point GRE tunnels paired by (source, destination) ↔ (destination, source)."""
    ends: dict[tuple[IPAddress, IPAddress], list[tuple[TunnelEnd, str]]] = {}
    for d in devices:
        for itf in d.interfaces:
            settings = itf.tunnel
            if settings is None or settings.destination is None or "multipoint" in settings.mode:
                continue
            src = _tunnel_source(d, itf)
            if src is None:
                continue
            end = TunnelEnd(d.name, d.platform, itf.name, src, settings.destination,
                            profile=settings.protection_profile, version_tuple=d.version_tuple)
            ends.setdefault((src, settings.destination), []).append((end, settings.mode))
    out: list[Tunnel] = []
    for (src, dst), here in ends.items():
        there = ends.get((dst, src), [])
        for a, mode in here:
            kind: Literal["vti", "gre"] = "vti" if mode.startswith("ipsec") else "gre"
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

