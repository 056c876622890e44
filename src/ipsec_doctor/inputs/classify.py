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

import importlib
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

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
    (re.compile(r"^\s*(?:IKEv1|IKEv2) SAs:|^There are no (?:IKEv1|IKEv2|ipsec|isakmp) sas", re.IGNORECASE), Platform.ASA),
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
    (re.compile(p, re.IGNORECASE), plat, w)
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
    ["interface", "hostname", "crypto", "ip", "ipv6", "access-list", "router", "line", "version", "aaa", "username", "enable", "service", "nameif", "security-level", "tunnel-group", "group-policy", "object", "object-group", "nat", "route", "isakmp", "sysopt", "fixup", "no", "description", "shutdown", "boot", "logging", "snmp-server", "ntp", "banner", "names", "name", "domain-name", "pager", "mtu", "failover", "icmp", "arp", "timeout", "http", "ssh", "telnet", "dhcpd", "webvpn", "class-map", "policy-map", "service-policy", "encryption", "hash", "authentication", "group", "lifetime", "set", "match", "permit", "deny", "network", "subnet", "host"]
)


# --------------------------------------------------------------------------- fast paths
#
# Running every signal regex on every sniffed line made classification the
# slowest step of a load.  Two exact shortcuts keep the results identical:
#
# * each log/show marker needs a literal that is looked up once in the joined
#   head (C-speed ``str.find``); only the lines holding one are tried, with the
#   markers in their listed order, so the first match is the same;
# * each configuration signal can only start with certain characters, worked
#   out from the pattern itself (:func:`_first_chars`), so a line is tried only
#   against the signals that could match its first character.

# For each marker, (literal, gate) pairs: a matching line holds at least one of the literals
# ("\n" = start of a line), and the text then also holds that literal's gate ("" = none).
# Gates are mostly characters configurations seldom hold (":", "(", "_", "=" ...): looking for
# one is a memchr, so most literals are never searched for at all; a gate shared by several
# literals ("IKE") is searched for once.
_LOG_KEYS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("%", ""),),
    (("%PIX", "%"),),
    (("|", ""),),
    (("IKEv", "IKE"), ("Group = ", "=")),
    (("%", ""),),
    (("ISAKMP", "("), ("IPSEC(", "("), ("IKEv2:(", "("), ("CRYPTO_PKI:", "_")),
    (("Sev=", "="),),
)
_SHOW_KEYS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("IKE Peer", "IKE"),),
    (("IKE Peer:", ":"),),
    (("conn-id", ""),),
    (("IPv4 Crypto ISAKMP SA", ""),),
    (("#pkts ", "#"),),
    (("Crypto map tag:", ":"),),
    (("ident (addr/mask/prot/port)", "("),),
    (("current_peer", "_"),),
    (("bound esp sas:", ":"),),
    (("Session-id:", ":"), ("Crypto session current status", "ession")),
    (("Interface: ", ":"),),
    (("Session status: ", ":"),),
    (("Session Type: ", ":"),),
    ((": ", ":"),),  # Index|Connection|... then white space and ": "
    (("VPN Session Summary", "ession"),),
    ((" drop:", ":"),),
    (("\n  ", "("),),  # show asp drop: "  Name (reason-id)  count"
    (("protected vrf:", ":"), ("current_peer", "_"), ("PERMIT, flags={", "{")),
    (("\nVPN CTX", "="),),
    ((" sas:", ":"), ("\nthere are no", "")),  # IGNORECASE marker: literals looked up lower-cased
    (("Active SA: ", ":"), ("Rekey SA: ", ":")),
    (("Tunnel-id Local", ""),),
    (("M_", "_"),),
    (("Phase1 id:", ":"), (" SA: local", ":")),
)
_VERSION_KEYS: tuple[str, ...] = ("\nPIX Version 6.", " Version ", "\nversion 1")
assert len(_LOG_KEYS) == len(_LOG_PATTERNS) and len(_SHOW_KEYS) == len(_SHOW_MARKERS)


class _Sniff:
    """The head of a text joined into one string, to find marker literals at C speed."""

    __slots__ = ("_lower", "_starts", "head", "text")

    def __init__(self, head: list[str], joined: str | None = None) -> None:
        self.head = head
        self.text = "\n" + ("\n".join(head) if joined is None else joined)
        self._starts: list[int] | None = None
        self._lower: str | None = None

    def lines_with(self, literal: str, *, ignore_case: bool = False) -> list[int]:
        """Indexes (into ``head``) of the lines holding ``literal``, in order."""
        if ignore_case:
            if not self.text.isascii():  # Unicode case folding: let the regex decide on every line
                return list(range(len(self.head)))
            if self._lower is None:
                self._lower = self.text.lower()
            text = self._lower
        else:
            text = self.text
        found: list[int] = []
        pos = text.find(literal)
        if pos < 0:
            return found
        if self._starts is None:  # starts[i]: offset of the "\n" opening line i
            self._starts = list(accumulate(map((1).__add__, map(len, self.head)), initial=0))
        starts = self._starts
        last = len(starts) - 1
        while pos >= 0:
            index = bisect_right(starts, pos) - 1
            if index >= last:  # the final newline-less offset belongs to no line
                break
            found.append(index)
            pos = text.find(literal, starts[index + 1])
        return found


def _marker_hits(
    sniff: _Sniff,
    patterns: tuple[tuple[re.Pattern[str], Platform | None], ...],
    keys: tuple[tuple[str, tuple[_Key, ...]], ...],
    skip: dict[int, Platform | None],
) -> dict[int, Platform | None]:
    """Line index -> platform of the first pattern (in listed order) that finds the line."""
    text = sniff.text
    present = [
        key for gate, group in keys if not gate or gate in text for key in group if key[3] or key[0] in text
    ]
    if not present:
        return {}
    candidates: dict[int, set[int]] = {}
    for literal, _gate, number, ignore_case in present:
        for index in sniff.lines_with(literal, ignore_case=ignore_case):
            candidates.setdefault(index, set()).add(number)
    hits: dict[int, Platform | None] = {}
    head = sniff.head
    for index in sorted(candidates):
        line = head[index]
        if index in skip or not line.strip():
            continue
        for number in sorted(candidates[index]):
            pattern, platform = patterns[number]
            if pattern.search(line):
                hits[index] = platform
                break
    return hits


_Key = tuple[str, str, int, bool]  # literal, gate, pattern number, IGNORECASE


def _flat_keys(
    patterns: tuple[tuple[re.Pattern[str], Platform | None], ...], keys: tuple[tuple[tuple[str, str], ...], ...]
) -> tuple[tuple[str, tuple[_Key, ...]], ...]:
    """(gate, its keys) for every gate of a marker table; a one-character literal is its own gate."""
    groups: dict[str, list[_Key]] = {}
    for number, literals in enumerate(keys):
        ignore_case = bool(patterns[number][0].flags & re.IGNORECASE)
        for literal, gate in literals:
            if not gate and len(literal) == 1:
                gate = literal
            groups.setdefault(gate, []).append((literal, gate, number, ignore_case))
    return tuple((gate, tuple(group)) for gate, group in groups.items())


_LOG_FLAT = _flat_keys(_LOG_PATTERNS, _LOG_KEYS)
_SHOW_FLAT = _flat_keys(_SHOW_MARKERS, _SHOW_KEYS)


_SPACES = frozenset(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")  # what \s matches among ASCII characters
_DIGITS = frozenset("0123456789")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _cased(code: int) -> set[str]:
    char = chr(code)
    return {char, char.lower(), char.upper()}


def _first_chars(items: object) -> tuple[set[str] | None, bool]:
    """ASCII characters a parsed regex can start with (None: any) and whether it can match empty.

    Letters count in both cases (the signals are IGNORECASE); anything not
    understood answers None, which only makes the dispatch try more patterns.
    """
    c = importlib.import_module("re._constants")  # private: only touched here, and callers guard it

    out: set[str] = set()
    for op, av in items:  # type: ignore[attr-defined]
        chars: set[str] | None
        if op is c.AT:
            continue  # ^ and \b take no character
        if op is c.LITERAL:
            chars, nullable = _cased(av), False
        elif op is c.IN:
            chars, nullable = set(), False
            for inner, arg in av:
                if inner is c.LITERAL:
                    chars |= _cased(arg)
                elif inner is c.RANGE:
                    for code in range(arg[0], min(arg[1], 127) + 1):
                        chars |= _cased(code)
                elif inner is c.CATEGORY and arg is c.CATEGORY_SPACE:
                    chars |= _SPACES
                elif inner is c.CATEGORY and arg is c.CATEGORY_DIGIT:
                    chars |= _DIGITS
                elif inner is c.CATEGORY and arg is c.CATEGORY_WORD:
                    chars |= _WORD
                else:
                    return None, False
        elif op is c.BRANCH:
            chars, nullable = set(), False
            for alternative in av[1]:
                sub, sub_nullable = _first_chars(alternative)
                if sub is None:
                    return None, False
                chars |= sub
                nullable = nullable or sub_nullable
        elif op is c.SUBPATTERN:
            chars, nullable = _first_chars(av[-1])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            chars, nullable = _first_chars(av[2])
            nullable = nullable or av[0] == 0
        else:
            return None, False
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def first_chars(pattern: re.Pattern[str]) -> tuple[set[str] | None, bool]:
    """ASCII characters a match of ``pattern`` at a line's start can begin with (None: any), and
    whether it can match the empty string.  Never raises: unknown Python internals answer None."""
    try:
        parser = importlib.import_module("re._parser")
        return _first_chars(parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - another Python's internals: fall back to "any"
        return None, True


def _signal_table() -> dict[str, tuple[int, ...]]:
    """First character of a line -> indexes of the signals that can match it ("" = empty line)."""
    firsts = [first_chars(pattern) for pattern, _platform, _weight in _CONFIG_SIGNALS]
    table = {
        chr(code): tuple(i for i, (chars, _n) in enumerate(firsts) if chars is None or chr(code) in chars)
        for code in range(128)
    }
    table[""] = tuple(i for i, (chars, nullable) in enumerate(firsts) if chars is None or nullable)
    return table


_SIGNAL_TABLE = _signal_table()
_ALL_SIGNALS = tuple(range(len(_CONFIG_SIGNALS)))


def _head(lines: list[str], joined: str | None = None) -> list[str]:
    """The lines classification looks at (``lines`` itself when that is all of them, uncut).

    ``joined`` is ``"\n".join(lines)`` when the caller has it: its length bounds every sum.
    """
    if (
        joined is not None
        and len(lines) <= SNIFF_LINES
        and len(joined) <= SNIFF_CHARS
        and (len(joined) <= 4096 or max(map(len, lines), default=0) <= 4096)
    ):
        return lines
    first = lines[:SNIFF_LINES]
    if sum(map(len, first)) <= SNIFF_CHARS and max(map(len, first), default=0) <= 4096:
        return first  # the common case: nothing to cut, nothing to stop at
    head: list[str] = []
    size = 0
    for line in first:
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
    return _config_platform(lines, _Sniff(_head(lines)))


def _config_platform(lines: list[str], sniff: _Sniff) -> tuple[Platform | None, int]:
    head = sniff.head
    candidates: set[int] = set()
    for literal in _VERSION_KEYS:
        if literal in sniff.text:
            candidates.update(sniff.lines_with(literal))
    for index in sorted(candidates):
        line = head[index]
        for pattern, platform in _VERSION_HEADERS:
            if pattern.match(line):
                return platform, 10
    scores: dict[Platform, int] = {Platform.IOS: 0, Platform.ASA: 0, Platform.PIX6: 0}
    total = 0
    signals = _CONFIG_SIGNALS
    table = _SIGNAL_TABLE
    for line in _sample(lines, head):
        for number in table.get(line[:1], _ALL_SIGNALS):
            signal, signal_platform, weight = signals[number]
            if signal.match(line):
                total += weight
                if signal_platform is not None:
                    scores[signal_platform] += weight
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
    return classify_with_platform(lines)[0]




def classify_with_platform(
    lines: list[str], joined: str | None = None
) -> tuple[Classification, tuple[Platform | None, int] | None]:
    """:func:`classify`, plus the :func:`config_platform` answer when it was worked out on the way.

    ``joined`` is ``"\n".join(lines)`` when the caller already has it.
    """
    head = _head(lines, joined)
    sniff = _Sniff(head, joined if head is lines else None)
    head = sniff.head
    log_at = _marker_hits(sniff, _LOG_PATTERNS, _LOG_FLAT, {})
    show_at = _marker_hits(sniff, _SHOW_MARKERS, _SHOW_FLAT, log_at)
    platforms: dict[Platform, int] = {}
    for index in sorted(log_at.keys() | show_at.keys()):  # line order, as the counts were first seen
        platform = log_at[index] if index in log_at else show_at[index]
        if platform is not None:
            platforms[platform] = platforms.get(platform, 0) + 1
    log_hits = len(log_at)
    show_hits = len(show_at)
    guess = max(platforms, key=lambda p: platforms[p]) if platforms else None
    if log_hits and log_hits >= 0.3 * sum(1 for line in head if line.strip()):
        return Classification("log", guess), None
    # Configuration lines only matter up to one more than the show lines: stop counting there.
    config_hits = 0
    marked = log_at or show_at
    for index, line in enumerate(head):
        if marked and (index in log_at or index in show_at):
            continue
        words = line.split(None, 1)
        if words and words[0].lower() in _CONFIG_FIRST_WORDS:
            config_hits += 1
            if config_hits > show_hits:
                break
    if show_hits and show_hits >= config_hits:
        return Classification("show", guess), None
    if not config_hits and not show_hits:
        return Classification("unknown", None), None
    found = _config_platform(lines, sniff)
    platform, weight = found
    if platform is not None and weight >= _STRONG_WEIGHT and config_hits >= 1:
        return Classification("config", platform), found
    if show_hits:
        return Classification("show", guess), found
    return Classification("unknown", None), found
