"""Deterministic generator of a hub-and-spoke IPsec fleet (benchmark input).

Writes ``--hubs`` ASA 9.x hubs, each serving ``--spokes-per-hub`` IOS branch
routers over IKEv1 crypto-map L2L tunnels, into one directory:

* ``HUB-01.asa.cfg``, ``SPK-01-0001.ios.cfg``, ... (platform is in the name);
* ``fleet.json`` — the file list with platform and line count per file;
* ``truth.json`` — the faults injected with ``--faults N`` (ground truth for a
  later fleet-analysis benchmark; the list is empty when N is 0).

Everything comes from seeded ``random.Random`` instances, one per device, so
a given (seed, hubs, spokes-per-hub) always yields byte-identical files, and
injecting faults changes only the devices a fault touches.

Only documentation / reserved ranges are used: hub outside addresses in
203.0.113.0/24 (RFC 5737), spoke WAN links in 198.18.0.0/15 (RFC 2544),
LANs and data centres in 10.0.0.0/8, DMZs in 172.16.0.0/12, management in
192.168.0.0/16.  Pre-shared keys are random test strings.

Usage::

    python benchmarks/fleetgen.py --out benchmarks/fleet --hubs 20 --spokes-per-hub 500 --faults 25
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

# IKE phase-1 / phase-2 profiles shared by a hub and its spokes.  Each hub
# carries every profile, so any spoke profile has a matching hub policy.
# (name, IOS encr, ASA encryption, DH group, ASA transform-set, IOS transform)
_PROFILES: tuple[tuple[str, str, str, int, str, str], ...] = (
    ("A256", "aes 256", "aes-256", 14, "ESP-AES256-SHA", "esp-aes 256 esp-sha-hmac"),
    ("A128", "aes", "aes", 5, "ESP-AES128-SHA", "esp-aes esp-sha-hmac"),
)
_HUB_POLICIES = ((10, "aes-256", 14), (20, "aes", 5))  # ASA `crypto ikev1 policy N`
_ASA_TRANSFORMS = (
    ("ESP-AES256-SHA", "esp-aes-256 esp-sha-hmac"),
    ("ESP-AES128-SHA", "esp-aes esp-sha-hmac"),
    ("ESP-3DES-SHA", "esp-3des esp-sha-hmac"),
)
# A DH group that no hub policy uses: a spoke with it cannot complete phase 1.
_BAD_GROUP = 2

FAULT_KINDS: dict[str, str] = {
    "psk_mismatch": "P1-PSK",
    "dh_group_mismatch": "P1-POLICY",
    "acl_not_mirrored": "P2-MIRROR",
    "missing_nat_exemption": "NAT-EXEMPT",
    "pfs_one_side": "P2-PFS",
}

_KEY_CHARS = string.ascii_letters + string.digits
_HASH_CHARS = string.ascii_letters + string.digits + "./"


def _token(rng: random.Random, n: int, chars: str = _KEY_CHARS) -> str:
    return "".join(rng.choice(chars) for _ in range(n))


def _mask(net: IPv4Network) -> str:
    return str(net.netmask)


def _wildcard(net: IPv4Network) -> str:
    return str(net.hostmask)


# --------------------------------------------------------------------------- plan


@dataclass(slots=True)
class Hub:
    index: int  # 0-based
    hostname: str
    outside: IPv4Address
    outside_nh: IPv4Address
    inside: IPv4Address
    dc_nets: tuple[IPv4Network, ...]
    dmz_net: IPv4Network
    spokes: list[Spoke] = field(default_factory=list)

    @property
    def file(self) -> str:
        return f"{self.hostname}.asa.cfg"


@dataclass(slots=True)
class Spoke:
    hub: Hub
    number: int  # 1-based within the hub; also the hub's crypto map sequence number
    gindex: int  # 0-based over the whole fleet
    hostname: str
    wan: IPv4Address
    wan_nh: IPv4Address
    lan: IPv4Network
    profile: int
    psk_hub: str
    psk_spoke: str
    pfs_hub: int | None
    pfs_spoke: int | None
    spoke_group: int
    spoke_acl_remotes: tuple[IPv4Network, ...]
    hub_nat_exempt: bool = True
    spoke_nat_deny: bool = True
    faults: list[str] = field(default_factory=list)

    @property
    def file(self) -> str:
        return f"{self.hostname}.ios.cfg"


def plan_fleet(hubs: int, spokes_per_hub: int, seed: int) -> list[Hub]:
    """Addresses and per-tunnel parameters of a healthy fleet (no faults yet)."""
    if not 1 <= hubs <= 50:
        raise SystemExit("--hubs must be 1..50 (hub data centres use 10.200-249.0.0/16)")
    total = hubs * spokes_per_hub
    if total > 200 * 256:
        raise SystemExit("at most 51,200 spokes (spoke LANs use 10.0-199.x.0/24)")
    out: list[Hub] = []
    wan_base = int(IPv4Address("198.18.0.0"))
    g = 0
    for h in range(hubs):
        o2 = 200 + h
        hub = Hub(
            index=h,
            hostname=f"HUB-{h + 1:02d}",
            outside=IPv4Address(f"203.0.113.{10 + h}"),
            outside_nh=IPv4Address("203.0.113.1"),
            inside=IPv4Address(f"10.{o2}.0.1"),
            dc_nets=(IPv4Network(f"10.{o2}.16.0/20"), IPv4Network(f"10.{o2}.32.0/20")),
            dmz_net=IPv4Network(f"172.16.{h}.0/24"),
        )
        for n in range(1, spokes_per_hub + 1):
            rng = random.Random(f"{seed}:spoke:{h}:{n}")
            profile = 0 if rng.random() < 0.7 else 1
            psk = _token(rng, rng.randint(16, 28))
            r = rng.random()
            pfs = 14 if r < 0.35 else (5 if r < 0.45 else None)
            base = wan_base + 4 * g
            hub.spokes.append(
                Spoke(
                    hub=hub,
                    number=n,
                    gindex=g,
                    hostname=f"SPK-{h + 1:02d}-{n:04d}",
                    wan=IPv4Address(base + 1),
                    wan_nh=IPv4Address(base + 2),
                    lan=IPv4Network(f"10.{g >> 8}.{g & 255}.0/24"),
                    profile=profile,
                    psk_hub=psk,
                    psk_spoke=psk,
                    pfs_hub=pfs,
                    pfs_spoke=pfs,
                    spoke_group=_PROFILES[profile][3],
                    spoke_acl_remotes=hub.dc_nets,
                )
            )
            g += 1
        out.append(hub)
    return out


def inject_faults(fleet: list[Hub], count: int, seed: int) -> list[dict[str, object]]:
    """Break ``count`` distinct tunnels, one fault each; return the ground truth.

    Kinds are dealt round-robin from a shuffled list so that any count ≥ 5
    covers every kind.  Keys are never written to the truth file.
    """
    spokes = [s for hub in fleet for s in hub.spokes]
    if count <= 0:
        return []
    if count > len(spokes):
        raise SystemExit(f"--faults {count} exceeds the number of spokes ({len(spokes)})")
    rng = random.Random(f"{seed}:faults")
    kinds = list(FAULT_KINDS)
    rng.shuffle(kinds)
    chosen = sorted(rng.sample(spokes, count), key=lambda s: s.gindex)
    truth: list[dict[str, object]] = []
    for i, sp in enumerate(chosen):
        kind = kinds[i % len(kinds)]
        hub = sp.hub
        side = "both"
        if kind == "psk_mismatch":
            while sp.psk_spoke == sp.psk_hub:
                sp.psk_spoke = _token(rng, len(sp.psk_hub))
            detail = "the spoke's `crypto isakmp key` differs from the hub tunnel-group's `ikev1 pre-shared-key`"
        elif kind == "dh_group_mismatch":
            sp.spoke_group = _BAD_GROUP
            detail = (
                f"spoke `crypto isakmp policy 10` uses group {_BAD_GROUP}; the hub's ikev1 policies use "
                + " and ".join(f"group {p[2]}" for p in _HUB_POLICIES)
            )
            side = "spoke"
        elif kind == "acl_not_mirrored":
            wrong = IPv4Network(f"10.{200 + hub.index}.48.0/20")
            sp.spoke_acl_remotes = (hub.dc_nets[0], wrong)
            detail = (
                f"spoke VPN-ACL protects {sp.lan} -> {wrong} instead of {hub.dc_nets[1]}; "
                f"hub ACL {acl_name(sp)} is not its mirror"
            )
            side = "spoke"
        elif kind == "missing_nat_exemption":
            side = rng.choice(("hub", "spoke"))
            if side == "hub":
                sp.hub_nat_exempt = False
                detail = f"hub has no twice-NAT exemption for {sp.lan} (DC-NETS is PATed to the outside interface)"
            else:
                sp.spoke_nat_deny = False
                detail = "spoke NAT ACL has no deny lines for the VPN traffic before `permit ip LAN any`"
        else:  # pfs_one_side
            side = rng.choice(("hub", "spoke"))
            group = sp.pfs_hub or 14
            sp.pfs_hub = group if side == "hub" else None
            sp.pfs_spoke = group if side == "spoke" else None
            detail = f"PFS group {group} is set on the {side} only"
        sp.faults.append(kind)
        truth.append(
            {
                "id": f"F{i + 1:04d}",
                "kind": kind,
                "catalog_id": FAULT_KINDS[kind],
                "side": side,
                "hub": hub.hostname,
                "hub_file": hub.file,
                "hub_address": str(hub.outside),
                "spoke": sp.hostname,
                "spoke_file": sp.file,
                "spoke_address": str(sp.wan),
                "crypto_map_seq": sp.number,
                "detail": detail,
            }
        )
    return truth


def acl_name(sp: Spoke) -> str:
    return f"{sp.hostname}-CRYPTO"


def _obj_name(sp: Spoke) -> str:
    return f"{sp.hostname}-LAN"


# --------------------------------------------------------------------------- ASA hub

_SERVICES = ("https", "www", "smtp", "domain", "ssh", "ftp", "ntp", "ldaps", "imap4", "pop3")


def render_hub(hub: Hub, seed: int) -> str:
    """ASA 9.x `show running-config` of one hub."""
    rng = random.Random(f"{seed}:hub:{hub.index}")
    o2 = 200 + hub.index
    dmz = hub.dmz_net
    out: list[str] = []
    a = out.append
    a(": Saved")
    a(":")
    a(f": Serial Number: FCH{rng.randint(1000, 9999)}J{_token(rng, 3, string.ascii_uppercase + string.digits)}")
    a(": Hardware:   ASA5545, 12288 MB RAM, CPU Lynnfield 2793 MHz, 1 CPU (8 cores)")
    a(":")
    a(f"ASA Version 9.{rng.choice((8, 12, 14))}({rng.randint(1, 4)})")
    a("!")
    a(f"hostname {hub.hostname}")
    a("domain-name corp.example.net")
    a(f"enable password $sha512$5000${_token(rng, 24, _HASH_CHARS)}==${_token(rng, 22, _HASH_CHARS)}== pbkdf2")
    a("names")
    a(f"name 10.{o2}.16.10 DC-DNS-1 description primary resolver")
    a(f"name 10.{o2}.16.11 DC-DNS-2")
    a(f"name 10.{o2}.16.123 DC-NTP")
    a("no mac-address auto")
    a("!")
    for ifname, nameif, level, addr, desc in (
        ("GigabitEthernet0/0", "outside", 0, f"{hub.outside} 255.255.255.0", "Internet uplink"),
        ("GigabitEthernet0/1", "inside", 100, f"{hub.inside} 255.255.255.0", "Core"),
        ("GigabitEthernet0/2", "dmz", 50, f"{dmz.network_address + 1} {_mask(dmz)}", "DMZ"),
    ):
        a(f"interface {ifname}")
        a(f" description {desc}")
        a(f" nameif {nameif}")
        a(f" security-level {level}")
        a(f" ip address {addr}")
        a("!")
    a("interface GigabitEthernet0/3")
    a(" shutdown")
    a(" no nameif")
    a(" no security-level")
    a(" no ip address")
    a("!")
    a("interface Management0/0")
    a(" management-only")
    a(" nameif management")
    a(" security-level 100")
    a(f" ip address 192.168.{hub.index}.1 255.255.255.0")
    a("!")
    a("ftp mode passive")
    a("dns domain-lookup inside")
    a("dns server-group DefaultDNS")
    a(" name-server DC-DNS-1")
    a(" name-server DC-DNS-2")
    a(" domain-name corp.example.net")
    a("same-security-traffic permit intra-interface")
    for k, net in enumerate(hub.dc_nets, 1):
        a(f"object network OBJ-DC-{k}")
        a(f" subnet {net.network_address} {_mask(net)}")
    a("object network INSIDE-PAT")
    a(f" subnet 10.{o2}.0.0 255.255.0.0")
    servers = []
    for k in range(1, rng.randint(30, 45) + 1):
        name = f"DMZ-SRV-{k:02d}"
        servers.append(name)
        a(f"object network {name}")
        a(f" host {dmz.network_address + 10 + k}")
        if rng.random() < 0.3:
            a(f" description application server {k}")
    for sp in hub.spokes:
        a(f"object network {_obj_name(sp)}")
        a(f" subnet {sp.lan.network_address} {_mask(sp.lan)}")
    a("object-group network DC-NETS")
    for k in range(1, len(hub.dc_nets) + 1):
        a(f" network-object object OBJ-DC-{k}")
    a("object-group service WEB-PORTS tcp")
    a(" port-object eq www")
    a(" port-object eq https")
    a("object-group network MGMT-HOSTS")
    for k in range(rng.randint(3, 8)):
        a(f" network-object host 10.{o2}.17.{10 + k}")
    # Interface ACLs: a few hundred lines of ordinary firewall policy.
    a("access-list OUTSIDE_IN remark == published services ==")
    for name in servers:
        for svc in rng.sample(_SERVICES, rng.randint(2, 5)):
            proto = "udp" if svc in ("domain", "ntp") else "tcp"
            a(f"access-list OUTSIDE_IN extended permit {proto} any object {name} eq {svc}")
    a("access-list OUTSIDE_IN extended permit icmp any any echo-reply")
    a("access-list OUTSIDE_IN extended permit icmp any any time-exceeded")
    a("access-list OUTSIDE_IN extended permit icmp any any unreachable")
    a("access-list OUTSIDE_IN extended deny ip any any log")
    a("access-list INSIDE_IN remark == core to DMZ and Internet ==")
    for k in range(rng.randint(60, 90)):
        src = f"10.{o2}.{16 + rng.randint(0, 31)}.0 255.255.255.0"
        r = rng.random()
        if r < 0.5:
            a(f"access-list INSIDE_IN extended permit tcp {src} any object-group WEB-PORTS")
        elif r < 0.8:
            svc = rng.choice(_SERVICES)
            proto = "udp" if svc in ("domain", "ntp") else "tcp"
            a(f"access-list INSIDE_IN extended permit {proto} {src} object {rng.choice(servers)} eq {svc}")
        else:
            a(
                f"access-list INSIDE_IN extended permit tcp object-group MGMT-HOSTS {src} range 8000 {8000 + rng.randint(1, 999)}"
            )
    a("access-list INSIDE_IN extended permit ip any any")
    for sp in hub.spokes:
        a(f"access-list {acl_name(sp)} extended permit ip object-group DC-NETS object {_obj_name(sp)}")
    a("pager lines 24")
    a("logging enable")
    a("logging timestamp")
    a("logging buffered informational")
    a(f"logging host inside 10.{o2}.16.50")
    for nameif in ("outside", "inside", "dmz", "management"):
        a(f"mtu {nameif} 1500")
    a("no failover")
    a("icmp unreachable rate-limit 1 burst-size 1")
    a("no asdm history enable")
    a("arp timeout 14400")
    a("no arp permit-nonconnected")
    for sp in hub.spokes:
        if sp.hub_nat_exempt:
            a(
                f"nat (inside,outside) source static DC-NETS DC-NETS destination static "
                f"{_obj_name(sp)} {_obj_name(sp)} no-proxy-arp route-lookup"
            )
    a("!")
    a("object network INSIDE-PAT")
    a(" nat (inside,outside) dynamic interface")
    a("access-group OUTSIDE_IN in interface outside")
    a("access-group INSIDE_IN in interface inside")
    a(f"route outside 0.0.0.0 0.0.0.0 {hub.outside_nh} 1")
    for net in hub.dc_nets:
        a(f"route inside {net.network_address} {_mask(net)} 10.{o2}.0.254 1")
    a("timeout xlate 3:00:00")
    a("timeout pat-xlate 0:00:30")
    a("timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 sctp 0:02:00 icmp 0:00:02")
    a("user-identity default-domain LOCAL")
    a("aaa authentication ssh console LOCAL")
    a("http server enable")
    a(f"http 192.168.{hub.index}.0 255.255.255.0 management")
    a("no snmp-server location")
    a("no snmp-server contact")
    a("sysopt connection tcpmss 1350")
    a("sysopt noproxyarp inside")
    for name, transform in _ASA_TRANSFORMS:
        a(f"crypto ipsec ikev1 transform-set {name} {transform}")
    a("crypto ipsec security-association pmtu-aging infinite")
    a("crypto dynamic-map DYN-L2L 10 set ikev1 transform-set ESP-AES256-SHA ESP-AES128-SHA")
    for sp in hub.spokes:
        seq = sp.number
        a(f"crypto map OUTSIDE_MAP {seq} match address {acl_name(sp)}")
        if sp.pfs_hub is not None:
            a(f"crypto map OUTSIDE_MAP {seq} set pfs group{sp.pfs_hub}")
        a(f"crypto map OUTSIDE_MAP {seq} set peer {sp.wan}")
        a(f"crypto map OUTSIDE_MAP {seq} set ikev1 transform-set {_PROFILES[sp.profile][4]}")
    a("crypto map OUTSIDE_MAP 65535 ipsec-isakmp dynamic DYN-L2L")
    a("crypto map OUTSIDE_MAP interface outside")
    a("crypto ca trustpool policy")
    a("crypto ikev1 enable outside")
    for num, enc, group in _HUB_POLICIES:
        a(f"crypto ikev1 policy {num}")
        a(" authentication pre-share")
        a(f" encryption {enc}")
        a(" hash sha")
        a(f" group {group}")
        a(" lifetime 86400")
    a("telnet timeout 5")
    a(f"ssh 192.168.{hub.index}.0 255.255.255.0 management")
    a("ssh timeout 30")
    a("ssh version 2")
    a("console timeout 0")
    a("threat-detection basic-threat")
    a("threat-detection statistics access-list")
    a("ntp server DC-NTP source inside prefer")
    a("group-policy GP-L2L internal")
    a("group-policy GP-L2L attributes")
    a(" vpn-idle-timeout 30")
    a(" vpn-tunnel-protocol ikev1")
    a("group-policy DfltGrpPolicy attributes")
    a(" vpn-tunnel-protocol ikev1 ikev2 ssl-client")
    a(
        f"username admin password $sha512$5000${_token(rng, 24, _HASH_CHARS)}==${_token(rng, 22, _HASH_CHARS)}== pbkdf2 privilege 15"
    )
    for sp in hub.spokes:
        a(f"tunnel-group {sp.wan} type ipsec-l2l")
        if sp.number % 3 == 0:
            a(f"tunnel-group {sp.wan} general-attributes")
            a(" default-group-policy GP-L2L")
        a(f"tunnel-group {sp.wan} ipsec-attributes")
        a(f" ikev1 pre-shared-key {sp.psk_hub}")
    a("!")
    a("class-map inspection_default")
    a(" match default-inspection-traffic")
    a("!")
    a("!")
    a("policy-map type inspect dns preset_dns_map")
    a(" parameters")
    a("  message-length maximum client auto")
    a("  message-length maximum 512")
    a("policy-map global_policy")
    a(" class inspection_default")
    for insp in ("dns preset_dns_map", "ftp", "h323 h225", "rsh", "esmtp", "sqlnet", "sip", "icmp"):
        a(f"  inspect {insp}")
    a("!")
    a("service-policy global_policy global")
    a("prompt hostname context")
    a("no call-home reporting anonymous")
    a(f"Cryptochecksum:{_token(rng, 32, '0123456789abcdef')}")
    a(": end")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- IOS spoke


def render_spoke(sp: Spoke, seed: int) -> str:
    """IOS 15.x `show running-config` of one branch router."""
    rng = random.Random(f"{seed}:spoke-text:{sp.gindex}")
    hub = sp.hub
    prof = _PROFILES[sp.profile]
    lan = sp.lan
    gw = lan.network_address + 1
    out: list[str] = []
    a = out.append
    a("!")
    a(f"version 15.{rng.choice((4, 5, 6, 7, 9))}")
    a("service timestamps log datetime msec")
    a(f"hostname {sp.hostname}")
    a(f"enable secret 9 $9${_token(rng, 14, _HASH_CHARS)}${_token(rng, 43, _HASH_CHARS)}")
    a("!")
    a("crypto isakmp policy 10")
    a(f" encr {prof[1]}")
    if rng.random() < 0.5:  # IOS 15 hides the default `hash sha`; half the fleet spells it out
        a(" hash sha")
    a(" authentication pre-share")
    a(f" group {sp.spoke_group}")
    a(f"crypto isakmp key {sp.psk_spoke} address {hub.outside}")
    a("crypto isakmp keepalive 10 3")
    a(f"crypto ipsec transform-set TS {prof[5]}")
    a(" mode tunnel")
    a("crypto map VPN 10 ipsec-isakmp")
    a(f" set peer {hub.outside}")
    a(" set transform-set TS")
    if sp.pfs_spoke is not None:
        a(f" set pfs group{sp.pfs_spoke}")
    a(" match address VPN-ACL")
    a("!")
    a("interface GigabitEthernet0/0")
    a(f" ip address {sp.wan} 255.255.255.252")
    a(" ip nat outside")
    a(" crypto map VPN")
    a("interface GigabitEthernet0/1")
    if rng.random() < 0.5:
        a(" description LAN")
    a(f" ip address {gw} {_mask(lan)}")
    a(" ip nat inside")
    if rng.random() < 0.3:
        a(" ip tcp adjust-mss 1360")
    a("!")
    a("ip nat inside source list NAT interface GigabitEthernet0/0 overload")
    a(f"ip route 0.0.0.0 0.0.0.0 {sp.wan_nh}")
    a("ip access-list extended NAT")
    if sp.spoke_nat_deny:
        for net in hub.dc_nets:
            a(f" deny   ip {lan.network_address} {_wildcard(lan)} {net.network_address} {_wildcard(net)}")
    a(f" permit ip {lan.network_address} {_wildcard(lan)} any")
    a("ip access-list extended VPN-ACL")
    for net in sp.spoke_acl_remotes:
        a(f" permit ip {lan.network_address} {_wildcard(lan)} {net.network_address} {_wildcard(net)}")
    a(f"logging host 10.{200 + hub.index}.16.50")
    a("banner motd ^C")
    a(f"Authorized access only - {sp.hostname}")
    a("^C")
    a("line vty 0 4")
    a(" login local")
    a(" transport input ssh")
    a(f"ntp server 10.{200 + hub.index}.16.123")
    a("end")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- writing


def generate(out: Path, hubs: int, spokes_per_hub: int, seed: int, faults: int = 0) -> dict[str, object]:
    """Write the fleet into ``out``; return the manifest (also written as fleet.json)."""
    out.mkdir(parents=True, exist_ok=True)
    fleet = plan_fleet(hubs, spokes_per_hub, seed)
    truth = inject_faults(fleet, faults, seed)
    files: list[dict[str, object]] = []
    total = 0
    for hub in fleet:
        for name, text, platform in [(hub.file, render_hub(hub, seed), "asa")] + [
            (sp.file, render_spoke(sp, seed), "ios") for sp in hub.spokes
        ]:
            (out / name).write_text(text, encoding="ascii")
            n = text.count("\n")
            total += n
            files.append({"file": name, "platform": platform, "lines": n})
    manifest: dict[str, object] = {
        "generator": "benchmarks/fleetgen.py",
        "seed": seed,
        "hubs": hubs,
        "spokes_per_hub": spokes_per_hub,
        "devices": len(files),
        "lines": total,
        "faults": len(truth),
        "files": files,
    }
    (out / "fleet.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    (out / "truth.json").write_text(
        json.dumps({"seed": seed, "hubs": hubs, "spokes_per_hub": spokes_per_hub, "faults": truth}, indent=1) + "\n",
        encoding="utf-8",
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hubs", type=int, default=20)
    ap.add_argument("--spokes-per-hub", type=int, default=500)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "fleet")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--faults", type=int, default=0, help="break N tunnels; ground truth in truth.json")
    args = ap.parse_args(argv)
    m = generate(args.out, args.hubs, args.spokes_per_hub, args.seed, args.faults)
    print(f"wrote {m['devices']} devices, {m['lines']} lines, {m['faults']} faults to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
