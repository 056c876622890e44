"""Deciding what a text is from its content: config, show output, log, or unknown.

File names and extensions are never trusted (``.txt``, ``.cfg``, ``.log`` and
no extension at all hold every kind).  Each decision looks at no more than
:data:`SNIFF_LINES` lines / :data:`SNIFF_CHARS` characters from the start of
the text, plus cheap whole-text substring checks (``ASA Version``...), so a
large file costs the same as a small one.

Platform signals for configurations are weighted: a version header decides
alone (``ASA Version``, ``PIX Version 6.``, ``version 15.2``), otherwise
ASA-only commands (``nameif``, ``tunnel-group``, ``crypto ikev1``...) outweigh
commands that both families accept.  PIX 7.x/8.x run the ASA code base and
are reported as ``asa``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Platform

SNIFF_LINES = 200
SNIFF_CHARS = 64 * 1024


@dataclass(frozen=True, slots=True)
class Classification:
    kind: str  # config | show | log | unknown
    platform: Platform | None


# --------------------------------------------------------------------------- logs

_LOG_PATTERNS = (
    (re.compile(r"%(?:ASA|FTD|FWSM)(?:-\w+)?-\d-\d{6}\b"), Platform.ASA),
    (re.compile(r"%PIX(?:-\w+)?-\d-\d{6}\b"), Platform.PIX6),
    (re.compile(r"^\d\|\w{3} +\d{1,2} \d{4} \d\d:\d\d:\d\d\|\d{6}:"), Platform.ASA),  # ASDM log export
    (re.compile(r"\[IKEv[12]\]|\bIKEv[12] was unsuccessful|\bGroup = \S+, IP = "), Platform.ASA),  # ASA debug
    (re.compile(r"%[A-Z0-9_]+-\d-[A-Z0-9_]+:"), Platform.IOS),  # IOS syslog
    (re.compile(r"\bISAKMP(?::\(\d+\)|\s*\(\d+(?::\d+)?\))|\bIPSEC\(\w+\):|\bIKEv2:\(|\bCRYPTO_PKI:"), Platform.IOS),
    (re.compile(r"\bSev=\w+/\d+\s"), None),  # Cisco VPN Client log
)

# --------------------------------------------------------------------------- show output

_SHOW_MARKERS = (
    (re.compile(r"^\s*IKE Peer(?::|\s+Type\s+Dir)"), Platform.ASA),
    (re.compile(r"^\s*\d+\s+IKE Peer:"), Platform.ASA),
    (re.compile(r"^\s*dst\s+src\s+state\s+conn-id"), Platform.IOS),
    (re.compile(r"^\s*IPv4 Crypto ISAKMP SA"), Platform.IOS),
    (re.compile(r"^\s*#pkts (?:encaps|decaps)"), None),
    (re.compile(r"^\s*Crypto map tag:"), None),
    (re.compile(r"^\s*(?:local|remote)\s+ident \(addr/mask/prot/port\)"), None),
    (re.compile(r"^\s*current_peer"), None),
    (re.compile(r"^\s*(?:inbound|outbound) esp sas:"), None),
    (re.compile(r"^\s*Session-id:|^\s*Crypto session current status"), Platform.IOS),
    (re.compile(r"^\s*Interface: \S+\s*$"), None),
    (re.compile(r"^\s*Session status: "), Platform.IOS),
    (re.compile(r"^\s*Session Type: "), Platform.ASA),
    (re.compile(r"^\s*(?:Index|Connection|Username|Protocol|Encryption|Hashing)\s+: "), Platform.ASA),
    (re.compile(r"^VPN Session Summary"), Platform.ASA),
    (re.compile(r"^(?:Frame|Flow) drop:"), Platform.ASA),
    (re.compile(r"^  [A-Z][^:#()]*\([a-z0-9-]+\)\s+\d+\s*$"), Platform.ASA),  # show asp drop counter lines
    (re.compile(r"^\s*protected vrf:|^\s*current_peer \S+ port \d+|^\s*PERMIT, flags=\{"), Platform.IOS),
    (re.compile(r"^VPN CTX\s+="), Platform.ASA),
    (re.compile(r"^\s*(?:IKEv1|IKEv2) SAs:|^There are no (?:IKEv1|IKEv2|ipsec|isakmp) sas", re.I), Platform.ASA),
    (re.compile(r"^\s*Active SA: \d+|^\s*Rekey SA: \d+"), Platform.ASA),
    (re.compile(r"^\s*Tunnel-id Local\s+Remote\s+fvrf/ivrf\s+Status"), Platform.IOS),
    (re.compile(r"^\s*(?:MM|AM|QM)_[A-Z_]+\b|\bQM_IDLE\b|\bMM_NO_STATE\b"), None),
    (re.compile(r"^\s*Phase1 id:|^\s*IKEv[12] SA: local"), None),
)

# --------------------------------------------------------------------------- configuration

_VERSION_HEADERS = (
    (re.compile(r"^PIX Version 6\."), Platform.PIX6),
    (re.compile(r"^(?:PIX|ASA|FWSM) Version \d"), Platform.ASA),
    (re.compile(r"^version 1[0-9]\.\d+\s*$"), Platform.IOS),
)

# (pattern, platform, weight): ASA-only commands weigh more than shared ones.
_CONFIG_SIGNALS: tuple[tuple[re.Pattern[str], Platform | None, int], ...] = tuple(
    (re.compile(p, re.I), plat, w)
    for p, plat, w in (
        (r"^\s+nameif\s+\S+", Platform.ASA, 3),
        (r"^nameif\s+(?:ethernet|gb-ethernet)\d\S*\s+\S+\s+security\d+", Platform.PIX6, 5),
        (r"^\s+security-level\s+\d", Platform.ASA, 3),
        (r"^tunnel-group\s+\S+\s+(?:type|general-attributes|ipsec-attributes)", Platform.ASA, 3),
        (r"^crypto\s+ikev[12]\s+(?:policy|enable)", Platform.ASA, 3),
        (r"^crypto\s+ipsec\s+ikev[12]\s+", Platform.ASA, 3),
        (r"^crypto\s+isakmp\s+enable\s+\S+", Platform.ASA, 2),
        (r"^object\s+network\s+\S+", Platform.ASA, 2),
        (r"^object-group\s+network\s+\S+", Platform.ASA, 1),
        (r"^: Saved|^Cryptochecksum:|^: end\s*$", Platform.ASA, 3),
        (r"^access-list\s+\S+\s+extended\s+", Platform.ASA, 2),
        (r"^crypto\s+map\s+\S+\s+\d+\s+(?:set|match)\s+", Platform.ASA, 2),
        (r"^crypto\s+map\s+\S+\s+interface\s+\S+", Platform.ASA, 2),
        (r"^group-policy\s+\S+\s+(?:internal|attributes)", Platform.ASA, 3),
        (r"^same-security-traffic|^management-access\s|^route\s+\S+\s+\d+\.\d+\.\d+\.\d+", Platform.ASA, 2),
        (r"^nat\s+\([\w-]+(?:,[\w-]+)?\)", Platform.ASA, 1),
        (r"^names\s*$|^name\s+\d+\.\d+\.\d+\.\d+\s+\S+", Platform.ASA, 1),
        (r"^isakmp\s+(?:policy|key|enable|identity)\s", Platform.PIX6, 2),
        (r"^sysopt\s+connection\s+permit-ipsec", Platform.PIX6, 3),
        (r"^fixup\s+protocol\s", Platform.PIX6, 3),
        (r"^ip\s+address\s+[a-z][\w-]*\s+\d+\.\d+\.\d+\.\d+\s+\d+\.\d+\.\d+\.\d+", Platform.PIX6, 2),
        (r"^interface\s+ethernet\d\s+(?:auto|\d+\S*full|10baset|100basetx|1000\S*)", Platform.PIX6, 3),
        (r"^interface\s+(?:GigabitEthernet|FastEthernet|Serial|Tunnel|Loopback|Dialer|Vlan|Ethernet|"
         r"TenGigabitEthernet|Virtual-Template|Port-channel|BVI|Cellular|Embedded-Service-Engine)\s*\d", None, 1),
        (r"^int(?:erface)?\s+(?:g|gi|fa|f|s|se|e|eth|te|tu|lo|vl|po)\s*\d+/", None, 1),
        (r"^\s+ip\s+address\s+\d+\.\d+\.\d+\.\d+\s+\d+\.\d+\.\d+\.\d+", None, 1),
        (r"^\s+ip\s+addr(?:ess)?\s+(?:\d|negotiated|dhcp)", Platform.IOS, 1),
        (r"^crypto\s+isakmp\s+(?:policy|key|profile|keepalive|nat|client)\s", Platform.IOS, 2),
        (r"^crypto\s+(?:keyring|ikev2\s+(?:proposal|keyring|profile))\s", Platform.IOS, 3),
        (r"^crypto\s+map\s+\S+\s+\d+\s+ipsec-(?:isakmp|manual)", Platform.IOS, 3),
        (r"^crypto\s+ipsec\s+(?:transform-set|profile)\s", None, 2),
        (r"^\s+crypto\s+map\s+\S+\s*$|^\s+tunnel\s+(?:protection|mode|source|destination)\s", Platform.IOS, 3),
        (r"^ip\s+(?:route|nat\s+inside\s+source|access-list|dhcp|domain[- ]name|cef|routing|vrf|sla|ssh)\b",
         Platform.IOS, 2),
        (r"^line\s+(?:vty|con|aux)\s", Platform.IOS, 2),
        (r"^router\s+(?:ospf|eigrp|bgp|rip)\b", None, 1),
        (r"^access-list\s+\d+\s+(?:permit|deny|remark)\s", Platform.IOS, 2),
        (r"^hostname\s+\S+", None, 2),
        (r"^(?:no\s+)?service\s+(?:timestamps|password-encryption|pad|config)", Platform.IOS, 2),
        (r"^boot-(?:start|end)-marker|^Building configuration|^Current configuration\s*:", Platform.IOS, 3),
        (r"^enable\s+(?:secret|password)\s", None, 1),
        (r"^username\s+\S+\s+(?:privilege|password|secret)", None, 1),
        (r"^(?:aaa|snmp-server|ntp|logging|banner)\s", None, 1),
        (r"^crypto\s+(?:pki|ca)\s+(?:trustpoint|certificate)", None, 1),
        (r"^crypto\s+dynamic-map\s", None, 2),
        (r"^crypto\s+isakmp\s+identity\s", None, 1),
        (r"^(?:no\s+)?shut(?:down)?\s*$|^\s+no\s+shut(?:down)?\s*$|^\s+description\s", None, 1),
    )
)

_STRONG_WEIGHT = 2  # a config needs at least this much evidence

# First words of lines that are plainly configuration (used to weigh config vs show output).
_CONFIG_FIRST_WORDS = frozenset(
    "interface hostname crypto ip ipv6 access-list router line version aaa username enable service "
    "nameif security-level tunnel-group group-policy object object-group nat route isakmp sysopt fixup "
    "no description shutdown boot logging snmp-server ntp banner names name domain-name pager mtu "
    "failover icmp arp timeout http ssh telnet dhcpd webvpn class-map policy-map service-policy "
    "encryption hash authentication group lifetime set match permit deny network subnet host".split()
)


def _head(lines: list[str]) -> list[str]:
    head: list[str] = []
    size = 0
    for line in lines[:SNIFF_LINES]:
        head.append(line[:4096])
        size += len(line)
        if size > SNIFF_CHARS:
            break
    return head


def log_signal(line: str) -> tuple[bool, Platform | None]:
    """Whether a line looks like a log/debug message, and the platform it names."""
    for pattern, platform in _LOG_PATTERNS:
        if pattern.search(line):
            return True, platform
    return False, None


def show_signal(line: str) -> tuple[bool, Platform | None]:
    """Whether a line looks like show-command output, and the platform it suggests."""
    for pattern, platform in _SHOW_MARKERS:
        if pattern.search(line):
            return True, platform
    return False, None


def config_platform(lines: list[str]) -> tuple[Platform | None, int]:
    """Best platform guess for configuration text, with the evidence weight behind it.

    >>> config_platform(["ASA Version 9.8(4)", "hostname fw"])[0]
    <Platform.ASA: 'asa'>
    """
    head = _head(lines)
    for line in head:
        for pattern, platform in _VERSION_HEADERS:
            if pattern.match(line):
                return platform, 10
    scores: dict[Platform, int] = {Platform.IOS: 0, Platform.ASA: 0, Platform.PIX6: 0}
    total = 0
    for line in _sample(lines, head):
        for pattern, platform, weight in _CONFIG_SIGNALS:
            if pattern.match(line):
                total += weight
                if platform is not None:
                    scores[platform] += weight
                break
    if total == 0:
        return None, 0
    if scores[Platform.PIX6] and scores[Platform.PIX6] >= scores[Platform.ASA]:
        return Platform.PIX6, total
    if scores[Platform.ASA] > scores[Platform.IOS]:
        return Platform.ASA, total
    return Platform.IOS, total


def _sample(lines: list[str], head: list[str]) -> list[str]:
    """The head plus a thin sample of the rest: ASA-only commands often come late (tunnel-group)."""
    if len(lines) <= len(head):
        return head
    step = max((len(lines) - len(head)) // SNIFF_LINES, 1)
    return head + [line[:4096] for line in lines[len(head)::step]]


def classify(lines: list[str]) -> Classification:
    """Kind and platform of a text, from its content.

    >>> classify(["%ASA-4-713903: Group = 1.2.3.4, IP = 1.2.3.4, Error"]).kind
    'log'
    """
    head = _head(lines)
    nonblank = [line for line in head if line.strip()]
    if not nonblank:
        return Classification("unknown", None)
    log_hits = 0
    show_hits = 0
    config_hits = 0
    platforms: dict[Platform, int] = {}
    for line in nonblank:
        is_log, platform = log_signal(line)
        if is_log:
            log_hits += 1
            if platform is not None:
                platforms[platform] = platforms.get(platform, 0) + 1
            continue
        is_show, platform = show_signal(line)
        if is_show:
            show_hits += 1
            if platform is not None:
                platforms[platform] = platforms.get(platform, 0) + 1
            continue
        words = line.split(None, 1)
        if words and words[0].lower() in _CONFIG_FIRST_WORDS:
            config_hits += 1
    guess = max(platforms, key=lambda p: platforms[p]) if platforms else None
    if log_hits and log_hits >= 0.3 * len(nonblank):
        return Classification("log", guess)
    if show_hits and show_hits >= config_hits:
        return Classification("show", guess)
    platform, weight = config_platform(lines)
    if platform is not None and weight >= _STRONG_WEIGHT and config_hits >= 1:
        return Classification("config", platform)
    if show_hits:
        return Classification("show", guess)
    return Classification("unknown", None)
