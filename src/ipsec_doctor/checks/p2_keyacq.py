"""P2-KEYACQ — ASA configuration that makes the tunnel manager drop KEY_ACQUIRE requests.

What it does
    On ASA (7.x–9.x; PIX 6 has no tunnel manager message and IOS no such
    log) it looks for the configuration behind the source document's
    remedies for ``%ASA-3-752006: Tunnel Manager failed to dispatch a
    KEY_ACQUIRE message``.  A crypto ACL is only recognisable by its use, so
    the check is limited to what the configuration proves:

    * an ACL that a crypto map entry matches on while the entry lacks its
      peer or transform set (traffic matches, but there is nothing to
      negotiate with);
    * duplicate ACEs inside a crypto ACL (two lines that expand to the same
      action, protocol, source and destination);
    * one crypto ACL used by two entries (the second can never be chosen);
    * IKEv2 configured (``crypto ikev2 policy`` / ``crypto ikev2 enable``)
      while no crypto map entry or tunnel-group uses IKEv2.

    ACLs that "look like" crypto ACLs but are referenced nowhere are not
    guessed at: a name alone proves nothing.

Why it breaks
    When interesting traffic matches a crypto ACL the ASA's crypto engine
    hands a KEY_ACQUIRE to the tunnel manager; if the entry or tunnel-group
    behind it is unusable, or the rules are ambiguous, the request cannot be
    dispatched and the tunnel does not start.  Severity warning: each item is
    a likely, not a certain, cause.

Example
    ``crypto map VPN 10 match address BR1`` and ``crypto map VPN 20 match
    address BR1``; or ``crypto ikev2 enable outside`` with only IKEv1 peers.

Fix
    Per item: complete or detach the entry (``no crypto map VPN 20 match
    address BR1``), remove the duplicate ACE (``no access-list ...``), give
    the second entry its own ACL, remove unused IKEv2 lines (``no crypto
    ikev2 enable outside``, ``no crypto ikev2 policy N``).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Disruption, Finding, Fix, Severity
from ..model import AclEntry, CryptoMapEntry, Device, Platform
from . import Context, check
from ._common import devices_on
from ._maps import has_transform, is_static_l2l, make_finding
from ._partial import excerpt_downgrade

CATALOG_ID = "P2-KEYACQ"
MESSAGE = "%ASA-3-752006: Tunnel Manager failed to dispatch a KEY_ACQUIRE message"


@check(CATALOG_ID)
@excerpt_downgrade  # an excerpt cannot prove a command absent
def run(ctx: Context) -> Iterable[Finding]:
    """Warnings for each configuration item the document lists as a cause of 752006."""
    for device in devices_on(ctx, Platform.ASA):
        yield from _incomplete(device)
        yield from _duplicates(device)
        yield from _shared_acls(device)
        yield from _unused_ikev2(device)


def _all_entries(device: Device) -> list[CryptoMapEntry]:
    statics = [e for e in device.static_entries() if e.dynamic_map is None]
    dynamics = [e for entries in device.dynamic_maps.values() for e in entries]
    return sorted(statics, key=lambda e: (e.map_name, e.seq)) + sorted(dynamics, key=lambda e: (e.map_name, e.seq))


def _label(entry: CryptoMapEntry) -> str:
    return f"{'dynamic-map' if entry.is_dynamic else 'crypto map'} {entry.map_name} {entry.seq}"


def _incomplete(device: Device) -> Iterable[Finding]:
    for entry in device.static_entries():
        if not is_static_l2l(entry) or entry.match_acl is None or entry.match_acl not in device.acls:
            continue
        lacks = [w for w, ok in (("peer", bool(entry.peers)), ("transform set", has_transform(device, entry))) if not ok]
        if not lacks:
            continue
        detail = (
            f"Access-list {entry.match_acl} on {device.name} is the crypto ACL of crypto map {entry.map_name} "
            f"{entry.seq}, which has no {' and no '.join(lacks)}. Traffic matching the ACL triggers a KEY_ACQUIRE "
            f"the tunnel manager cannot dispatch ({MESSAGE}). Complete the entry (see P2-NOPEER / P2-ACLREF) "
            "or detach the ACL until it is."
        )
        fix = Fix(
            device.name,
            (f"no crypto map {entry.map_name} {entry.seq} match address {entry.match_acl}",),
            Disruption.NONE,
            note="alternative to completing the entry",
        )
        yield make_finding(
            CATALOG_ID, Severity.WARNING, device,
            f"Crypto ACL {entry.match_acl} on {device.name} belongs to incomplete entry {entry.map_name} {entry.seq}",
            detail, [entry.src("match"), entry.source], [fix], key=f"incomplete {entry.map_name} {entry.seq}",
        )


def _ace_key(entry: AclEntry) -> tuple[object, ...]:
    return (entry.action, tuple(sorted(map(repr, entry.services))), tuple(sorted(map(str, entry.sources))),
            tuple(sorted(map(str, entry.destinations))))


def _duplicates(device: Device) -> Iterable[Finding]:
    crypto_acls = sorted({e.match_acl for e in _all_entries(device) if e.match_acl and e.match_acl in device.acls})
    for name in crypto_acls:
        seen: dict[tuple[object, ...], AclEntry] = {}
        for ace in device.acls[name].active_entries:
            key = _ace_key(ace)
            first = seen.get(key)
            if first is None:
                seen[key] = ace
                continue
            same_text = first.source.text.strip() == ace.source.text.strip()
            commands = (f"! the two lines are identical: remove one with its line number (show access-list {name})",) \
                if same_text else (f"no {ace.source.text.strip()}",)
            detail = (
                f"Crypto ACL {name} on {device.name} permits the same traffic twice (line {first.source.line} and "
                f"line {ace.source.line}). Duplicate crypto ACEs create duplicate crypto rules and are one of the "
                f"causes the source document gives for {MESSAGE}."
            )
            yield make_finding(
                CATALOG_ID, Severity.WARNING, device,
                f"Crypto ACL {name} on {device.name} has a duplicate entry",
                detail, [first.source, ace.source],
                [Fix(device.name, commands, Disruption.RENEGOTIATES_TUNNEL)],
                key=f"duplicate {name} {ace.source.line}",
            )


def _shared_acls(device: Device) -> Iterable[Finding]:
    users: dict[str, list[CryptoMapEntry]] = {}
    for entry in _all_entries(device):
        if entry.match_acl:
            users.setdefault(entry.match_acl, []).append(entry)
    for name, entries in sorted(users.items()):
        if len(entries) < 2:
            continue
        first, others = entries[0], entries[1:]
        acl = device.acls.get(name)
        commands: list[str] = []
        for other in others:
            new_name = f"{name}-{other.seq}"
            if acl is not None:
                for ace in acl.entries:
                    text = ace.source.text.strip()
                    prefix = f"access-list {name} "
                    if text.startswith(prefix):
                        commands.append(f"access-list {new_name} " + text[len(prefix):])
            keyword = "crypto dynamic-map" if other.is_dynamic else "crypto map"
            commands.append(f"{keyword} {other.map_name} {other.seq} match address {new_name}")
        detail = (
            f"Access-list {name} on {device.name} is the crypto ACL of {', '.join(_label(e) for e in entries)}. "
            f"Traffic it permits always selects {_label(first)}; the other entries can never start a tunnel, and the "
            f"ambiguous rules are a cause of {MESSAGE}. Give each entry an ACL that names only its peer's networks."
        )
        yield make_finding(
            CATALOG_ID, Severity.WARNING, device,
            f"Crypto ACL {name} on {device.name} is used by {len(entries)} entries",
            detail, [e.src("match") for e in entries],
            [Fix(device.name, tuple(commands), Disruption.RENEGOTIATES_TUNNEL,
                 note="then narrow each copied ACL to the networks behind that entry's peer")],
            key=f"shared {name}",
        )


def _uses_ikev2(device: Device) -> bool:
    entries = _all_entries(device)
    if any(e.ikev2_proposals for e in entries):
        return True
    return any(tg.ikev2_local_psk or tg.ikev2_remote_psk for tg in device.tunnel_groups.values())


def _unused_ikev2(device: Device) -> Iterable[Finding]:
    enables = [e for e in device.ike.enabled_interfaces if e.ike_version == 2]
    policies = [p for p in device.ikev2_proposals if p.priority is not None]
    if not (enables or policies) or _uses_ikev2(device):
        return
    commands = [f"no crypto ikev2 enable {e.interface}" for e in enables]
    commands += [f"no crypto ikev2 policy {p.priority}" for p in policies]
    detail = (
        f"{device.name} has IKEv2 configuration ("
        + ", ".join([f"enabled on {e.interface}" for e in enables] + [f"policy {p.priority}" for p in policies])
        + ") but no crypto map entry has an IKEv2 IPsec proposal and no tunnel-group has an IKEv2 key. "
        f"The source document lists unused IKEv2 configuration among the causes of {MESSAGE}."
    )
    yield make_finding(
        CATALOG_ID, Severity.WARNING, device,
        f"Unused IKEv2 configuration on {device.name}",
        detail, [e.source for e in enables] + [p.source for p in policies],
        [Fix(device.name, tuple(commands), Disruption.NONE,
             note="only if no AnyConnect IKEv2 client uses this device")],
        key="ikev2",
    )
