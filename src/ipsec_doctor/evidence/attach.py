"""Which device and which tunnel a show observation or a log line speaks about.

Device, in order of trust: the prompt the output was captured under
(``TextSection.device_hint``), the host name in a syslog header, the file
name stem (``hq-asa.log`` → ``HQ-ASA``).  Tunnel: the peer address named by
the line matched against the tunnel ends — for output read on device D that
names peer P, the tunnel whose end on D has peer P; without a device, the
one tunnel that has P as an end address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..model import Device

_SEPARATORS = re.compile(r"[^a-z0-9]+")


def _norm(name: str) -> str:
    """Names compared without case and punctuation: ``hq_asa`` = ``HQ-ASA`` = ``hq.asa``."""
    return _SEPARATORS.sub("", name.lower())


class Attacher:
    """Resolves devices and tunnels for evidence; built once per analysis."""

    def __init__(self, devices: Sequence[Device], tunnels: Sequence[Any]) -> None:
        self.devices = {d.name: d for d in devices}
        self.tunnels = {t.id: t for t in tunnels}
        self._by_name: dict[str, str] = {}
        for device in devices:
            self._by_name.setdefault(_norm(device.name), device.name)
            # a device renamed "NAME@stem" on a hostname collision still answers to its stem
            if "@" in device.name:
                self._by_name.setdefault(_norm(device.name.split("@", 1)[1]), device.name)
        self._by_address: dict[str, set[str]] = {}
        for device in devices:
            for interface in device.interfaces:
                for address in getattr(interface, "addresses", ()) or ():
                    ip = getattr(address, "ip", address)
                    self._by_address.setdefault(str(ip), set()).add(device.name)
        self._end_peer: dict[tuple[str, str], list[str]] = {}  # (device, peer) → tunnel ids
        self._any_end: dict[str, list[str]] = {}  # address → tunnel ids
        for tunnel in tunnels:
            for end in tunnel.ends:
                if end.peer_address is not None:
                    self._end_peer.setdefault((end.device, str(end.peer_address)), []).append(tunnel.id)
                for address in (end.peer_address, end.local_address):
                    if address is not None:
                        ids = self._any_end.setdefault(str(address), [])
                        if tunnel.id not in ids:
                            ids.append(tunnel.id)
        self._cache: dict[tuple[str | None, str | None, str], str | None] = {}

    def device(self, hint: str | None, host: str | None, file: str) -> str | None:
        """The device name for a prompt hint, a syslog host and a file name (first that resolves)."""
        key = (hint, host, file)
        if key not in self._cache:
            self._cache[key] = self._resolve(hint, host, file)
        return self._cache[key]

    def _resolve(self, hint: str | None, host: str | None, file: str) -> str | None:
        for name in (hint, host):
            if name:
                found = self._by_name.get(_norm(name))
                if found:
                    return found
        if host:  # syslog from a collector often names the device by its address
            owners = self._by_address.get(host.strip(), set())
            if len(owners) == 1:
                return next(iter(owners))
        stem = Path(file).stem
        for candidate in (stem, *re.split(r"[._ ]", stem)):
            found = self._by_name.get(_norm(candidate)) if candidate else None
            if found:
                return found
        return None

    def tunnel(self, device: str | None, peer: str | None, local: str | None = None) -> str | None:
        """The tunnel id for evidence read on ``device`` naming ``peer`` (and maybe ``local``)."""
        if not peer:
            return None
        peer = peer.strip()
        if device is not None:
            ids = self._end_peer.get((device, peer), [])
            if len(ids) == 1:
                return ids[0]
            if len(ids) > 1 and local:
                narrowed = [i for i in ids if any(str(e.local_address) == local for e in self.tunnels[i].ends)]
                if len(narrowed) == 1:
                    return narrowed[0]
            if ids:
                return None  # several tunnels towards one peer: the line does not say which
        ids = self._any_end.get(peer, [])
        if device is not None:
            ids = [i for i in ids if device in {e.device for e in self.tunnels[i].ends}]
        return ids[0] if len(ids) == 1 else None

    def address_owner(self, address: str | None) -> str | None:
        """The one device that owns ``address`` (an interface address or a tunnel end's local address)."""
        if not address:
            return None
        owners = set(self._by_address.get(address, set()))
        for tunnel in self.tunnels.values():
            owners.update(e.device for e in tunnel.ends if str(e.local_address) == address)
        return next(iter(owners)) if len(owners) == 1 else None

    def pair_tunnel(self, a: str | None, b: str | None) -> str | None:
        """The tunnel between two packet addresses (a capture names no device, only addresses).

        First an end whose local and peer addresses are the pair, either way
        round; then the one tunnel that names both addresses; then the one
        tunnel that names either (a NAT may hide one side's own address).
        """
        if not a or not b:
            return None
        exact = [t.id for t in self.tunnels.values()
                 if any({str(e.local_address), str(e.peer_address)} == {a, b} for e in t.ends)]
        if len(exact) == 1:
            return exact[0]
        ids_a, ids_b = self._any_end.get(a, []), self._any_end.get(b, [])
        both = [i for i in ids_a if i in ids_b]
        if len(both) == 1:
            return both[0]
        if both:
            return None
        either = list(dict.fromkeys(ids_a + ids_b))
        return either[0] if len(either) == 1 else None

    def tunnel_devices(self, tunnel_id: str) -> tuple[str, ...]:
        """The devices at the ends of a tunnel (one for a tunnel whose peer is not in the snapshot)."""
        tunnel = self.tunnels.get(tunnel_id)
        return tuple(sorted({e.device for e in tunnel.ends})) if tunnel is not None else ()

    def is_two_sided(self, tunnel_id: str | None) -> bool:
        """Whether both ends' configurations are at hand (so the checks saw both sides)."""
        tunnel = self.tunnels.get(tunnel_id or "")
        return tunnel is not None and not getattr(tunnel, "one_sided", False) and len(tunnel.ends) == 2


def devices_of(tunnels: Iterable[Any]) -> set[str]:
    """Every device named by a set of tunnels."""
    return {end.device for tunnel in tunnels for end in tunnel.ends}
