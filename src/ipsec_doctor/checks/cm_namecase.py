"""CM-NAMECASE — crypto map, ACL, transform-set or dynamic-map names that differ only in letter case.

What it does
    Names are case-sensitive on IOS, ASA and PIX 6: ``myMAP`` and ``mymap``
    are two maps.  The check reports, per device:

    * an interface binding naming a map that has no entries while a map
      spelled with different case has them (error: the applied map is empty);
    * two crypto maps whose names differ only in case (warning: lines meant
      for one landed in the other — the source document's own RRI example
      mixes ``myMAP`` and ``mymap``);
    * an entry naming an access-list, transform set or dynamic map that does
      not exist while one with different case does (warning; P2-ACLREF also
      reports a missing ACL as an incomplete entry).

Why it breaks
    The device silently creates a second object under the other spelling.
    The map applied to the interface then lacks the entries (or the
    attributes) the engineer believes it has, so tunnels never start or
    lack settings such as reverse route.

Example
    ``crypto map mymap interface outside`` while every entry is
    ``crypto map myMAP 10 ...``.

Fix
    Use one spelling.  For a binding: bind the map that has the entries
    (``crypto map myMAP interface outside``).  For stray lines: re-enter them
    under the spelling in use and remove the stray object.  Disruption: none
    — the misspelt object carries no traffic; re-binding an empty map drops
    nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import CryptoMapEntry, Device, Platform
from . import Context, check
from ._fix_maps import bind_lines, entry_lines, recreate_entry, remove_entry, set_transform_words, unbind_lines
from ._maps import bindings_by_interface, bound_map_names, case_variant, make_finding, sorted_entries

CATALOG_ID = "CM-NAMECASE"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """Errors for bindings to an empty case variant; warnings for other case-only name differences."""
    for device in ctx.devices:
        yield from _bindings(device)
        yield from _map_pairs(device)
        yield from _references(device)


def _has_entries(device: Device, name: str) -> bool:
    cmap = device.crypto_maps.get(name)
    return cmap is not None and bool(cmap.entries)


def _bindings(device: Device) -> Iterable[Finding]:
    for interface, bound in sorted(bindings_by_interface(device).items()):
        for b in bound:
            if _has_entries(device, b.map_name):
                continue
            other = case_variant(b.map_name, [n for n in device.crypto_maps if _has_entries(device, n)])
            if other is None:
                continue
            # IOS replaces the interface's map in place; ASA/PIX keep a binding line per map.
            commands = bind_lines(device, other, interface)
            if device.platform is not Platform.IOS:
                commands = unbind_lines(device, b.map_name, interface) + commands
            detail = (
                f"Interface {interface} on {device.name} is bound to crypto map {b.map_name}, which has no entries; "
                f"the entries are under {other} (names are case-sensitive). No traffic on {interface} is ever "
                "encrypted by them and peers' proposals are not answered."
            )
            yield make_finding(
                CATALOG_ID, Severity.ERROR, device,
                f"{interface} on {device.name} is bound to {b.map_name}, but the entries are under {other}",
                detail, [b.source, device.crypto_maps[other].entries[0].source],
                [Fix(device.name, tuple(commands), Disruption.NONE)],
                caution=f"Once {other} is bound, traffic matching its ACLs is encrypted instead of sent in clear.",
                key=f"binding {interface} {b.map_name}",
            )


def _map_pairs(device: Device) -> Iterable[Finding]:
    bound = bound_map_names(device)
    names = sorted(device.crypto_maps)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if a.lower() != b.lower() or not (_has_entries(device, a) and _has_entries(device, b)):
                continue
            keep, stray = _keep_and_stray(device, a, b, bound)
            commands: list[str] = []
            for entry in sorted_entries(device.crypto_maps[stray]):
                commands += recreate_entry(device, keep, entry.seq, entry)
            for entry in sorted_entries(device.crypto_maps[stray]):
                commands += remove_entry(device, entry)
            detail = (
                f"{device.name} has crypto maps {keep} and {stray}, which differ only in letter case. The lines of "
                f"{stray} ({', '.join(str(e.seq) for e in sorted_entries(device.crypto_maps[stray]))}) were probably "
                f"meant for {keep}" + (", which is the one applied to an interface" if keep in bound else "")
                + "; as written they belong to a separate map and do nothing for it."
            )
            yield make_finding(
                CATALOG_ID, Severity.WARNING, device,
                f"Crypto maps {keep} and {stray} on {device.name} differ only in case",
                detail, [e.source for e in device.crypto_maps[stray].entries] + [device.crypto_maps[keep].entries[0].source],
                [Fix(device.name, tuple(commands), Disruption.NONE,
                     note="check each re-entered line: the stray lines may only add attributes to existing entries")],
                key=f"maps {keep} {stray}",
            )


def _keep_and_stray(device: Device, a: str, b: str, bound: set[str]) -> tuple[str, str]:
    """The spelling to keep: the bound one, else the one with more entries."""
    if (a in bound) != (b in bound):
        return (a, b) if a in bound else (b, a)
    if len(device.crypto_maps[a].entries) >= len(device.crypto_maps[b].entries):
        return a, b
    return b, a


def _references(device: Device) -> Iterable[Finding]:
    entries: list[CryptoMapEntry] = list(device.static_entries())
    entries += [e for dyn in device.dynamic_maps.values() for e in dyn]
    for entry in entries:
        checks: list[tuple[str, str | None, Collection[str], str]] = [
            ("access-list", entry.match_acl, device.acls.keys(), "match")
        ]
        checks += [("transform set", t, device.transform_sets.keys(), "transform-set") for t in entry.transform_sets]
        checks.append(("dynamic map", entry.dynamic_map, device.dynamic_maps.keys(), "dynamic"))
        for kind, name, known, attr in checks:
            if not name or name in known:
                continue
            other = case_variant(name, known)
            if other is None:
                continue
            yield _reference_finding(device, entry, kind, name, other, attr)


def _reference_finding(device: Device, entry: CryptoMapEntry, kind: str, name: str, other: str, attr: str) -> Finding:
    label = f"{'dynamic-map' if entry.is_dynamic else 'crypto map'} {entry.map_name} {entry.seq}"
    if kind == "access-list":
        words = [f"match address {other}"]
    elif kind == "transform set":
        words = [set_transform_words(device, [other if t == name else t for t in entry.transform_sets])]
    else:
        words = []
    if words:
        commands = entry_lines(device, entry.map_name, entry.seq, words, dynamic=entry.is_dynamic)
    else:
        commands = [f"no crypto map {entry.map_name} {entry.seq} ipsec-isakmp dynamic {name}",
                    f"crypto map {entry.map_name} {entry.seq} ipsec-isakmp dynamic {other}"]
    detail = (
        f"{label} on {device.name} names {kind} {name}, which does not exist; {other} does (names are "
        f"case-sensitive). The entry does not use {other}."
    )
    return make_finding(
        CATALOG_ID, Severity.WARNING, device,
        f"{label} on {device.name} names {kind} {name}; only {other} exists",
        detail, [entry.src(attr), entry.source],
        [Fix(device.name, tuple(commands), Disruption.NONE)],
        key=f"ref {entry.map_name} {entry.seq} {kind} {name}",
    )
