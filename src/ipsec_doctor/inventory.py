"""``ipsec-doctor inventory``: what each device is configured to do, with file:line.

Devices, interfaces that carry a crypto map, every tunnel endpoint (map,
sequence, peers, ACL, transform sets, PFS), remote-access groups and address
pools.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import __version__
from .inputs import InputRecord
from .model import CryptoMapEntry, Device, Source
from .report import pretty_json


def _loc(source: Source | None) -> str:
    return f"{source.file}:{source.line}" if source is not None and source.line else ""


def _entry_dict(device: Device, entry: CryptoMapEntry) -> dict[str, Any]:
    return {
        "map": entry.map_name,
        "seq": entry.seq,
        "dynamic": entry.is_dynamic,
        "dynamic_map": entry.dynamic_map,
        "peers": [p.raw for p in entry.peers],
        "acl": entry.match_acl,
        "transform_sets": list(entry.transform_sets),
        "ikev2_proposals": list(entry.ikev2_proposals),
        "pfs": f"group{entry.pfs_group}" if entry.pfs_group else None,
        "lifetime_seconds": entry.lifetime_seconds,
        "reverse_route": entry.reverse_route,
        "interfaces": sorted(b.interface for b in device.bindings if b.map_name == entry.map_name),
        "at": _loc(entry.source),
    }


def _endpoints(device: Device) -> list[dict[str, Any]]:
    rows = [_entry_dict(device, e) for m in device.crypto_maps.values() for e in m.entries]
    rows += [_entry_dict(device, e) for entries in device.dynamic_maps.values() for e in entries]
    return sorted(rows, key=lambda r: (r["dynamic"], r["map"], r["seq"]))


def _ra_groups(device: Device) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for tg in device.tunnel_groups.values():
        if tg.type in ("remote-access", "ipsec-ra", "webvpn"):
            groups.append({
                "name": tg.name, "kind": f"tunnel-group {tg.type}", "pools": list(tg.address_pools),
                "group_policy": tg.default_group_policy, "at": _loc(tg.source),
            })
    for cg in device.client_groups.values():
        groups.append({
            "name": cg.name, "kind": "client configuration group", "pools": [cg.pool] if cg.pool else [],
            "group_policy": None, "at": _loc(cg.source),
        })
    return sorted(groups, key=lambda g: g["name"])


def device_inventory(device: Device) -> dict[str, Any]:
    interfaces = []
    for itf in device.interfaces:
        if itf.crypto_map or itf.tunnel is not None:
            interfaces.append({
                "name": itf.name, "nameif": itf.nameif,
                "address": str(itf.primary_address) if itf.primary_address else ("dhcp" if itf.dhcp else None),
                "crypto_map": itf.crypto_map,
                "tunnel_protection": itf.tunnel.protection_profile if itf.tunnel else None,
                "tunnel_destination": str(itf.tunnel.destination) if itf.tunnel and itf.tunnel.destination else None,
                "at": _loc(itf.source),
            })
    return {
        "name": device.name,
        "platform": device.platform.value,
        "version": device.version,
        "file": device.file,
        "interfaces": interfaces,
        "tunnel_endpoints": _endpoints(device),
        "l2l_tunnel_groups": sorted(
            ({"name": tg.name, "at": _loc(tg.source)} for tg in device.tunnel_groups.values() if tg.type == "ipsec-l2l"),
            key=lambda g: g["name"],
        ),
        "remote_access_groups": _ra_groups(device),
        "pools": [
            {"name": p.name, "first": str(p.first), "last": str(p.last), "size": p.size, "at": _loc(p.source)}
            for p in sorted(device.pools.values(), key=lambda p: p.name)
        ],
        "problems": len(device.problems),
    }


def render_inventory_json(devices: Sequence[Device], inputs: Sequence[InputRecord] = ()) -> str:
    doc = {
        "tool": {"name": "ipsec-doctor", "version": __version__},
        "devices": [device_inventory(d) for d in sorted(devices, key=lambda d: d.name)],
    }
    return pretty_json.dumps(doc) + "\n"


def render_inventory_text(devices: Sequence[Device]) -> str:
    out: list[str] = []
    for device in sorted(devices, key=lambda d: d.name):
        inv = device_inventory(device)
        out.append(f"{inv['name']} ({inv['platform']} {inv['version'] or 'version unknown'}) — {inv['file']}")
        for itf in inv["interfaces"]:
            label = itf["name"] + (f" ({itf['nameif']})" if itf["nameif"] else "")
            what = f"crypto map {itf['crypto_map']}" if itf["crypto_map"] else f"tunnel protection {itf['tunnel_protection']}"
            out.append(f"  interface {label} {itf['address'] or ''}: {what}  [{itf['at']}]")
        for ep in inv["tunnel_endpoints"]:
            kind = "dynamic-map" if ep["dynamic"] else "crypto map"
            if ep["dynamic_map"]:
                desc = f"→ dynamic map {ep['dynamic_map']}"
            else:
                desc = (
                    f"peers {' '.join(ep['peers']) or '-'}  acl {ep['acl'] or '-'}  "
                    f"transform {' '.join(ep['transform_sets'] + ep['ikev2_proposals']) or '-'}  pfs {ep['pfs'] or 'off'}"
                )
            on = f" on {', '.join(ep['interfaces'])}" if ep["interfaces"] else (" (not applied)" if not ep["dynamic"] else "")
            out.append(f"  {kind} {ep['map']} {ep['seq']}{on}: {desc}  [{ep['at']}]")
        for g in inv["remote_access_groups"]:
            pools = ", ".join(g["pools"]) or "no pool"
            out.append(f"  remote access {g['kind']} {g['name']}: {pools}  [{g['at']}]")
        for p in inv["pools"]:
            out.append(f"  pool {p['name']} {p['first']}-{p['last']} ({p['size']} addresses)  [{p['at']}]")
        if inv["problems"]:
            out.append(f"  {inv['problems']} configuration line(s) not understood (see analyze)")
        out.append("")
    return "\n".join(out)
