"""Cisco tunnel parameters → two swanctl configurations (one per end).

The translation reads the same offers the negotiation uses
(:func:`verdict.phase1_offer` / :func:`verdict.phase2_offer` for IKEv1,
:func:`v2_offers.ike_offer` / :func:`v2_offers.child_offer` for IKEv2), so
that the lab replays exactly what the tool reasoned about.  Whatever has no
faithful strongSwan equivalent becomes an :class:`OutOfReach` reason rather
than a guess.

Keys: the model never holds a key in clear (see :mod:`ipsec_doctor.secrets`).
The lab derives a stand-in key from the secret's salted per-process digest:
two ends whose keys are equal get the same stand-in, two different keys get
different ones.  That is all strongSwan needs to reproduce a match or a
mismatch, and the real key never leaves the model.  The stand-in itself is
still treated as a secret (0600 file, never printed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address

from .. import acl as flows_mod
from ..model import ANY4, SERVICE_IP, AccessList, AclEntry, Device, IkePolicy, TransformSet
from ..pairing import Tunnel, TunnelEnd
from ..secrets import Secret

__all__ = ["EndConfig", "LabPlan", "OutOfReach", "plan_tunnel"]

# Cisco names → strongSwan keywords.
_IKE_ENC = {"des": "des", "3des": "3des", "aes": "aes128", "aes-128": "aes128", "aes-192": "aes192",
            "aes-256": "aes256"}
_HASH = {"md5": "md5", "sha": "sha1", "sha1": "sha1", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
_GROUPS = {1: "modp768", 2: "modp1024", 5: "modp1536", 14: "modp2048", 15: "modp3072", 16: "modp4096",
           19: "ecp256", 20: "ecp384", 21: "ecp521", 24: "modp2048s256"}
_V2_ENC = {"des": "des", "3des": "3des", "aes-cbc-128": "aes128", "aes-cbc-192": "aes192", "aes-cbc-256": "aes256",
           "aes-gcm-128": "aes128gcm16", "aes-gcm-192": "aes192gcm16", "aes-gcm-256": "aes256gcm16"}
_ESP_INTEG = {"esp-md5-hmac": "md5", "esp-sha-hmac": "sha1", "esp-sha256-hmac": "sha256",
              "esp-sha384-hmac": "sha384", "esp-sha512-hmac": "sha512"}

# Failures whose cause strongSwan can reproduce, by (catalog ID, attribute); "*" = any attribute.
# Any other predicted failure rests on a Cisco behaviour and puts the case out of the lab's reach.
REPRODUCIBLE: dict[str, frozenset[str]] = {
    "P1-POLICY": frozenset({"encryption", "hash", "group"}),
    "P1-PSK": frozenset({"pre-shared-key"}),
    "P2-TRANSFORM": frozenset({"transform-set"}),
    "P2-PFS": frozenset({"pfs"}),
    "P2-MIRROR": frozenset({"proxy-identities", "traffic-selectors"}),
    "V2-PROPOSAL": frozenset({"ike-proposal", "child-proposal"}),
    "V2-PSK": frozenset({"*"}),  # a key mismatch (the attribute names the direction); no-key cases fail earlier
}


def reproducible(catalog_id: str, attribute: str) -> bool:
    allowed = REPRODUCIBLE.get(catalog_id)
    return allowed is not None and ("*" in allowed or attribute in allowed)


class OutOfReach(Exception):
    """The case cannot be replayed faithfully in strongSwan; ``str()`` says why (no secret in it)."""


@dataclass(frozen=True, slots=True)
class Child:
    name: str
    local_ts: str
    remote_ts: str
    esp_proposals: str
    rekey_seconds: int


@dataclass(frozen=True, slots=True)
class EndConfig:
    """One end's swanctl connection (the key is held apart, as a stand-in string)."""

    device: str
    local: IPv4Address
    remote: IPv4Address
    version: int
    proposals: str
    ike_rekey_seconds: int
    children: tuple[Child, ...]
    key: str = field(repr=False)  # what this end signs with (IKEv1: the one key)
    initiates: bool = True  # a dynamic-map end only responds
    remote_key: str = field(default="", repr=False)  # IKEv2: what it verifies the peer with, when different

    def swanctl_conf(self, secrets_file: str) -> str:
        """The connection text; the key is only in ``secrets_file`` (included)."""
        lines = [
            "connections {",
            "  s2s {",
            f"    version = {self.version}",
            f"    local_addrs = {self.local}",
            f"    remote_addrs = {self.remote}",
            f"    proposals = {self.proposals}",
            "    encap = yes",  # user-space ESP (kernel-libipsec) needs ESP in UDP
            "    mobike = no",
            "    reauth_time = 0",
            f"    rekey_time = {self.ike_rekey_seconds}s" if self.ike_rekey_seconds else "    rekey_time = 0",
            f"    local {{ auth = psk\n      id = {self.local} }}",
            f"    remote {{ auth = psk\n      id = {self.remote} }}",
            "    children {",
        ]
        for c in self.children:
            lines += [
                f"      {c.name} {{",
                f"        local_ts = {c.local_ts}",
                f"        remote_ts = {c.remote_ts}",
                f"        esp_proposals = {c.esp_proposals}",
                f"        rekey_time = {c.rekey_seconds}s",
                "        mode = tunnel",
                "        start_action = none",
                "      }",
            ]
        lines += ["    }", "  }", "}", f"include {secrets_file}", ""]
        return "\n".join(lines)

    def secrets_conf(self) -> str:
        """The ``secrets`` section (written to a 0600 file only).

        Asymmetric IKEv2 keys: charon signs with the best-matching key (both
        identities → the local key) and verifies with every key that matches
        (the local one and the remote one, owned by the peer's identity only).
        """
        text = (f"secrets {{\n  ike-lab {{\n    id-1 = {self.local}\n    id-2 = {self.remote}\n"
                f"    secret = \"{self.key}\"\n  }}\n")
        if self.remote_key and self.remote_key != self.key:
            text += f"  ike-peer {{\n    id = {self.remote}\n    secret = \"{self.remote_key}\"\n  }}\n"
        return text + "}\n"


@dataclass(frozen=True, slots=True)
class LabPlan:
    tunnel: str
    version: int
    ends: tuple[EndConfig, EndConfig]


# --------------------------------------------------------------------------- pieces


def stand_in_key(secret: Secret | None, who: str) -> str:
    """A key strongSwan can use that is equal exactly when the Cisco keys are equal."""
    if secret is None:
        raise OutOfReach(f"{who} has no pre-shared key for the peer")
    digest = secret.fingerprint
    if not secret.comparable or digest is None:
        raise OutOfReach(f"{who}'s key is masked or stored encrypted: equality cannot be reproduced")
    return digest.hex()


def _group(number: int) -> str:
    name = _GROUPS.get(number)
    if name is None:
        raise OutOfReach(f"DH group {number} has no strongSwan equivalent here")
    return name


def ike_v1_proposals(policies: Sequence[IkePolicy]) -> str:
    """``aes256-sha1-modp1024,3des-md5-modp768`` in Cisco priority order (pre-shared key policies only)."""
    out = []
    for p in sorted(policies, key=lambda p: p.priority):
        if p.authentication.lower() != "pre-share":
            raise OutOfReach(f"ISAKMP policy {p.priority} authenticates with {p.authentication} (certificates)")
        enc, hsh = _IKE_ENC.get(p.encryption.lower()), _HASH.get(p.hash.lower())
        if enc is None or hsh is None:
            raise OutOfReach(f"ISAKMP policy {p.priority}: {p.encryption}/{p.hash} has no strongSwan keyword")
        out.append(f"{enc}-{hsh}-{_group(p.group)}")
    if not out:
        raise OutOfReach("no ISAKMP policy")
    return ",".join(dict.fromkeys(out))


def esp_v1_proposals(sets: Sequence[TransformSet], pfs: int | None) -> str:
    """``aes256-sha1[-modp1024]`` per transform set, in the entry's order."""
    out = []
    for ts in sets:
        if ts.mode != "tunnel":
            raise OutOfReach(f"transform set {ts.name} uses {ts.mode} mode")
        if ts.ah or ts.compression:
            raise OutOfReach(f"transform set {ts.name} uses AH or compression")
        enc = ts.esp_encryption or ""
        bits = ts.esp_key_bits or 128
        if enc.startswith("esp-aes"):
            name = f"aes{bits}"
        elif enc.startswith("esp-gcm"):
            name = f"aes{bits}gcm16"
        elif enc in ("esp-3des", "esp-des"):
            name = enc[4:]
        else:
            raise OutOfReach(f"transform set {ts.name}: {enc or 'no ESP cipher'} has no strongSwan keyword")
        integ = _ESP_INTEG.get(ts.esp_integrity or "")
        if integ is None and not name.endswith("gcm16"):
            raise OutOfReach(f"transform set {ts.name}: ESP without integrity")
        out.append("-".join(p for p in (name, integ, _group(pfs) if pfs else None) if p))
    if not out:
        raise OutOfReach("no transform set")
    return ",".join(dict.fromkeys(out))


def ike_v2_proposals(proposals: Sequence[object]) -> str:
    out = []
    for p in proposals:
        enc = [_V2_ENC.get(e) for e in p.encryption]  # type: ignore[attr-defined]
        if not enc or None in enc:
            raise OutOfReach(f"IKEv2 proposal {p.name}: a cipher has no strongSwan keyword")  # type: ignore[attr-defined]
        aead = all(e.endswith("gcm16") for e in enc if e)
        integ = [] if aead else [_HASH.get(i) for i in p.integrity]  # type: ignore[attr-defined]
        prf = [_HASH.get(x) for x in p.prf]  # type: ignore[attr-defined]
        if None in integ or None in prf or (not aead and not integ) or not prf:
            raise OutOfReach(f"IKEv2 proposal {p.name}: integrity/PRF has no strongSwan keyword")  # type: ignore[attr-defined]
        parts = [*enc, *integ, *(f"prf{x}" for x in prf), *(_group(g) for g in p.groups)]  # type: ignore[attr-defined]
        out.append("-".join(x for x in parts if x))
    if not out:
        raise OutOfReach("no IKEv2 proposal")
    return ",".join(dict.fromkeys(out))


def esp_v2_proposals(proposals: Sequence[object], pfs: int | None) -> str:
    out = []
    for p in proposals:
        enc = [_V2_ENC.get(e) for e in p.encryption]  # type: ignore[attr-defined]
        integ = [_HASH.get(i) for i in p.integrity]  # type: ignore[attr-defined]
        if not enc or None in enc or None in integ:
            raise OutOfReach(f"IPsec proposal {p.name}: a transform has no strongSwan keyword")  # type: ignore[attr-defined]
        out.append("-".join([*enc, *integ, *([_group(pfs)] if pfs else [])]))  # type: ignore[list-item]
    if not out:
        raise OutOfReach("no IPsec proposal / transform set")
    return ",".join(dict.fromkeys(out))


def _addr(fam: int, lo: int, hi: int) -> str:
    if fam != 4:
        raise OutOfReach("IPv6 traffic selectors are not replayed")
    size = hi - lo + 1
    if size & (size - 1) == 0 and lo % size == 0:
        return f"{IPv4Address(lo)}/{33 - size.bit_length()}"
    return f"{IPv4Address(lo)}-{IPv4Address(hi)}"


def _port(lo: int, hi: int) -> str:
    if lo == 0 and hi == flows_mod.PORT_MAX:
        return ""
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _selector(box: tuple[int, ...], src: bool) -> str:
    """One side of a flow box as a strongSwan traffic selector (``10.1.0.0/24[tcp/443]``)."""
    fam, p0, p1 = box[0], box[2], box[3]
    a0, a1, q0, q1 = (box[4], box[5], box[8], box[9]) if src else (box[6], box[7], box[10], box[11])
    text = _addr(fam, a0, a1)
    if p0 == 0 and p1 == flows_mod.PROTO_MAX:
        return text
    if p0 != p1 or p0 > 255:
        raise OutOfReach("a crypto ACL entry matches a protocol range strongSwan cannot express")
    port = _port(q0, q1)
    return f"{text}[{p0}/{port}]" if port else f"{text}[{p0}]"


_ANY_ACL = AccessList("any", entries=(AclEntry("permit", (SERVICE_IP,), (ANY4,), (ANY4,)),))


def selectors(acl: AccessList | None) -> list[tuple[str, str]]:
    """(local_ts, remote_ts) per flow box of each permit entry: a Cisco end proposes one SA per entry."""
    rows = flows_mod.proposal_flows(acl if acl is not None else _ANY_ACL)
    out = []
    for _entry, flows in rows:
        if flows.uncertain:
            raise OutOfReach("the crypto ACL names objects that did not resolve")
        for box in flows.boxes:
            out.append((_selector(box, True), _selector(box, False)))
    if not out:
        raise OutOfReach("the crypto ACL permits nothing")
    if len(out) > 8:
        raise OutOfReach(f"the crypto ACL yields {len(out)} selector pairs (the lab replays at most 8)")
    return out


def _v4(address: object, what: str) -> IPv4Address:
    if not isinstance(address, IPv4Address):
        raise OutOfReach(f"{what} is not a known IPv4 address")
    return address


# --------------------------------------------------------------------------- one end


def _end_v1(device: Device, end: TunnelEnd) -> EndConfig:
    from ..verdict import phase1_offer, phase2_offer

    p1, p2 = phase1_offer(device, end), phase2_offer(device, end)
    if p1.aggressive:
        raise OutOfReach(f"{device.name} initiates in aggressive mode (Cisco specifics are not replayed)")
    if p1.xauth_required:
        raise OutOfReach(f"{device.name} asks for XAUTH on a shared crypto map (Cisco only)")
    if p2.missing_transform_sets:
        raise OutOfReach(f"{device.name} names an undefined transform set")
    children = tuple(Child(f"net{i + 1}", lt, rt, esp_v1_proposals(p2.transform_sets, p2.pfs_group),
                           p2.lifetime_seconds) for i, (lt, rt) in enumerate(selectors(p2.acl)))
    lifetime = min((p.lifetime for p in device.ikev1_policies), default=86400)
    return EndConfig(device.name, _v4(end.local_address, f"{device.name}'s tunnel address"),
                     _v4(end.peer_address, f"{device.name}'s peer address"), 1, ike_v1_proposals(p1.policies),
                     lifetime, children, stand_in_key(p1.key, device.name), not end.dynamic)


def _end_v2(device: Device, end: TunnelEnd) -> EndConfig:
    from ..v2_offers import child_offer, ike_offer
    from ..verdict import _ike_interface

    ike = ike_offer(device, end, _ike_interface(device, end))
    child = child_offer(device, end)
    auth = ike.auth
    if not auth.found:
        raise OutOfReach(f"{device.name} has no IKEv2 profile / tunnel-group for the peer")
    if auth.auth_local != "pre-share" or auth.auth_remote != "pre-share":
        raise OutOfReach(f"{device.name} does not authenticate with pre-shared keys both ways")
    if auth.identity[0] != "address":
        raise OutOfReach(f"{device.name} identifies itself by {auth.identity[0]} (only address identities replayed)")
    local_key = stand_in_key(auth.local_key, device.name)
    remote_key = stand_in_key(auth.remote_key, device.name)
    if child.missing:
        raise OutOfReach(f"{device.name} names an undefined transform set / IPsec proposal")
    if any(p.defaulted for p in ike.proposals) or any(p.defaulted for p in child.proposals):
        raise OutOfReach(f"{device.name} relies on an IOS default IKEv2 proposal or transform set (release dependent)")
    children = tuple(Child(f"net{i + 1}", lt, rt, esp_v2_proposals(child.proposals, child.pfs_group),
                           child.lifetime_seconds) for i, (lt, rt) in enumerate(selectors(child.acl)))
    lifetime = min((p.lifetime or 86400 for p in device.ikev2_proposals), default=86400)
    return EndConfig(device.name, _v4(end.local_address, f"{device.name}'s tunnel address"),
                     _v4(end.peer_address, f"{device.name}'s peer address"), 2, ike_v2_proposals(ike.proposals),
                     lifetime, children, local_key, not end.dynamic, remote_key)


def plan_tunnel(tunnel: Tunnel, devices: Mapping[str, Device], prediction: object) -> LabPlan:
    """Both ends' configurations for ``tunnel``, or :class:`OutOfReach` with the reason."""
    if tunnel.one_sided or len(tunnel.ends) != 2:
        raise OutOfReach("only one end of the tunnel is in the snapshot")
    if tunnel.kind != "l2l":
        raise OutOfReach(f"{tunnel.kind} tunnels (route based) are not replayed; crypto-map tunnels only")
    if tunnel.nat_between:
        raise OutOfReach("a NAT device sits between the peers")
    outside = _unreachable_prediction(prediction)
    if outside:
        raise OutOfReach(outside)
    version = getattr(prediction, "ike_version", 1)
    ends = []
    for end in tunnel.ends:
        device = devices.get(end.device)
        if device is None:
            raise OutOfReach(f"{end.device} was not loaded")
        ends.append(_end_v2(device, end) if version == 2 else _end_v1(device, end))
    a, b = ends
    if a.local != b.remote or b.local != a.remote:
        raise OutOfReach("the two ends do not name each other's addresses")
    return LabPlan(tunnel.id, version, (a, b))


def _unreachable_prediction(prediction: object) -> str | None:
    """A reason when the tool's own prediction rests on a rule strongSwan does not share."""
    for d in getattr(prediction, "directions", ()):
        for result in (d.phase1, d.phase2):
            if result is None:
                continue
            for f in result.failures:
                if f.catalog_id == "P1-LIFETIME" or (f.catalog_id == "P1-POLICY" and "lifetime" in f.message):
                    return ("the ISAKMP lifetime rule (a Cisco responder refuses a longer lifetime) has no "
                            "strongSwan equivalent")
                if f.catalog_id == "V2-PSK" and f.attribute in ("authentication", "profile", "tunnel-group",
                                                               "local-key", "remote-key"):
                    return f"the predicted failure {f.catalog_id} ({f.summary}) is Cisco specific"
                if not reproducible(f.catalog_id, f.attribute):
                    return f"the predicted failure {f.catalog_id} ({f.summary}) is Cisco specific"
                if (f.catalog_id == "P2-MIRROR" and getattr(prediction, "ike_version", 1) == 1
                        and set(result.rejected) != set(result.proposed)):
                    return ("IKEv1 proxy identities that overlap the responder's mirrored ACL only in part: "
                            "a Cisco responder refuses them, strongSwan's IKEv1 responder narrows them and "
                            "comes up")
    return None
