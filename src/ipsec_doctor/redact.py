"""Remove secrets from configuration lines before they are kept anywhere.

Every :class:`~ipsec_doctor.model.Source` text, every evidence excerpt and
every message passes through :func:`redact_line`.  The patterns cover the
commands of IOS, ASA and PIX that carry a pre-shared key, a password, a
secret or an SNMP community; the secret token (and any type number before it
is kept, so the engineer still sees *how* it is stored) is replaced by
``<redacted>``.
"""

from __future__ import annotations

import re

from .secrets import REDACTED

_TYPE = r"(?:(?:0|5|6|7|8|9)\s+)?"

# Each pattern captures the text before the secret in group 1; the secret is
# the next whitespace-delimited token (or the rest of the line where noted).
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # IOS / PIX: crypto isakmp key [0|6|7] K address|hostname ... ; isakmp key K address ...
        r"^(\s*(?:crypto\s+)?isakmp\s+key\s+" + _TYPE + r")(\S+)",
        # keyrings: pre-shared-key address A [M] key [0|6|7] K ; pre-shared-key hostname H key K
        r"^(\s*pre-shared-key\s+(?:address|hostname)\s+\S+(?:\s+\d+\.\d+\.\d+\.\d+)?\s+key\s+" + _TYPE + r")(\S+)",
        # IKEv2 keyring peers: pre-shared-key [local|remote] [0|6|7] K
        r"^(\s*pre-shared-key\s+(?:local\s+|remote\s+)?" + _TYPE + r")(?!address\b|hostname\b)(\S+)",
        # ASA tunnel-group ipsec-attributes: [ikev1] pre-shared-key K ; ikev2 local|remote-authentication pre-shared-key K
        r"^(\s*ikev1\s+pre-shared-key\s+" + _TYPE + r")(\S+)",
        r"^(\s*ikev2\s+(?:local|remote)-authentication\s+pre-shared-key\s+(?:hex\s+)?" + _TYPE + r")(\S+)",
        # IOS client configuration group: key [6|7] K
        r"^(\s*key\s+" + _TYPE + r")(\S+)\s*$",
        # passwords and secrets
        r"^(\s*(?:enable\s+)?(?:password|secret)\s+(?:level\s+\d+\s+)?" + _TYPE + r")(\S+)",
        r"^(\s*enable\s+(?:password|secret)\s+(?:level\s+\d+\s+)?" + _TYPE + r")(\S+)",
        r"^(\s*username\s+\S+\s+(?:privilege\s+\d+\s+)?(?:password|secret)\s+" + _TYPE + r")(\S+)",
        r"^(\s*passwd\s+)(\S+)",
        # ASA / PIX: aaa-server TAG [(IF)] host ADDR [KEY] [timeout N]; RADIUS common password
        r"^(\s*aaa-server\s+\S+\s+(?:\(\S+\)\s+)?host\s+\S+\s+)(?!timeout\b|key\b)(\S+)",
        r"^(\s*radius-common-pw\s+)(\S+)",
        r"^(\s*(?:tacacs-server|radius-server)\s+(?:host\s+\S+\s+)?(?:.*\s)?key\s+" + _TYPE + r")(\S+)",
        r"^(\s*key\s+" + _TYPE + r")(\S+)",
        r"^(\s*(?:server-)?key\s+" + _TYPE + r")(\S+)",
        r"^(\s*snmp-server\s+community\s+)(\S+)",
        r"^(\s*snmp-server\s+host\s+\S+\s+(?:\S+\s+)*?community\s+)(\S+)",
        # IOS: snmp-server host A [vrf V] [informs|traps] [version 1|2c|3 auth|noauth|priv] COMMUNITY ...
        # (an address in that place is ASA's `snmp-server host IF ADDR`, which holds no community)
        r"^(\s*snmp-server\s+host\s+\S+\s+(?:vrf\s+\S+\s+)?(?:(?:informs|traps)\s+)?"
        r"(?:version\s+(?:1|2c|3\s+(?:auth|noauth|priv))\s+)?)"
        r"(?!(?:community|poll|trap|version|udp-port|informs|traps|vrf)\b|\d+\.\d+\.\d+\.\d+\b)(\S+)",
        r"^(\s*snmp-server\s+user\s+\S+\s+\S+\s+(?:v3\s+)?(?:encrypted\s+)?auth\s+\S+\s+)(\S+)",
        r"^(\s*ntp\s+authentication-key\s+\d+\s+md5\s+)(\S+)",
        r"^(\s*(?:ppp\s+chap|ppp\s+pap\s+sent-username\s+\S+)\s+password\s+" + _TYPE + r")(\S+)",
        r"^(\s*(?:ip\s+)?(?:ospf\s+)?(?:authentication-key|message-digest-key\s+\d+\s+md5)\s+" + _TYPE + r")(\S+)",
        r"^(\s*neighbor\s+\S+\s+password\s+" + _TYPE + r")(\S+)",
        r"^(\s*ip\s+nhrp\s+authentication\s+)(\S+)",
        r"^(\s*(?:standby|vrrp)\s+\d+\s+authentication\s+(?:md5\s+key-string\s+|text\s+)?" + _TYPE + r")(\S+)",
        r"^(\s*key-string\s+" + _TYPE + r")(\S+)",
        r"^(\s*failover\s+key\s+(?:hex\s+)?)(\S+)",
        r"^(\s*wpa-psk\s+ascii\s+" + _TYPE + r")(\S+)",
    )
)

# Secrets that follow a keyword anywhere in the line (ASA `password X encrypted`, pbkdf2 blobs).
_INLINE = re.compile(
    r"(\b(?:password|secret|pre-shared-key|key|community)\s+" + _TYPE + r")(\S+)(\s+(?:encrypted|pbkdf2|nt-encrypted|mschap))?",
    re.IGNORECASE,
)
_INLINE_SKIP = re.compile(
    r"^\s*(?:crypto\s+(?:key|pki)|key\s+chain|key\s+config-key|authentication\s|ikev2\s+(?:local|remote)-authentication\s+certificate"
    r"|authentication\s+(?:pre-share|rsa)|match\s|keyring\b|crypto\s+keyring|crypto\s+ikev2\s+keyring|rsakeypair|"
    r"aaa\s|password-policy|password-storage|password\s+encryption|service\s+password|no\s+service|"
    r"pre-shared-key\s+\*+\s*$)",
    re.IGNORECASE,
)
# Every pattern above needs one of these words; most lines have none, so this one search
# keeps redaction off the parse's hot path.
_MAY_HOLD_SECRET = re.compile(r"key|pass|secret|community|auth|psk|aaa-server|-pw|snmp-server", re.IGNORECASE)
# The same plain words searched in lower-cased ASCII text: several times faster than the case-insensitive
# regex, and equal to it there (outside ASCII, IGNORECASE also folds letters such as the Kelvin sign).
_MAY_HOLD_SECRET_LOWER = re.compile(_MAY_HOLD_SECRET.pattern.lower())
# SNMPv3 users carry two secrets: the auth one (patterns above) and the privacy one.
_SNMP_PRIV = re.compile(r"^(\s*snmp-server\s+user\s.*?\spriv\s+(?:des56|des|3des|aes\s+\d+)\s+)(\S+)", re.IGNORECASE)
_KEEP_TOKENS = frozenset({REDACTED.lower(), "<removed>", "*", "****", "*****", "********"})


def _sub(match: re.Match[str]) -> str:
    token = match.group(2)
    if token.lower() in _KEEP_TOKENS or set(token) == {"*"}:
        return match.group(0)
    return match.group(1) + REDACTED


def may_hold_secret(text: str) -> bool:
    """Whether ``text`` holds a word that every redaction pattern needs (the cheap screening test)."""
    if text.isascii():
        return _MAY_HOLD_SECRET_LOWER.search(text.lower()) is not None
    return _MAY_HOLD_SECRET.search(text) is not None


def redact_line(text: str) -> str:
    """Return ``text`` with any secret it carries replaced by ``<redacted>``.

    >>> redact_line("crypto isakmp key s3cr3t! address 192.0.2.1")
    'crypto isakmp key <redacted> address 192.0.2.1'
    >>> redact_line(" ikev1 pre-shared-key cisco123")
    ' ikev1 pre-shared-key <redacted>'
    """
    if not may_hold_secret(text):
        return text
    for pattern in _PATTERNS:
        if pattern.search(text):
            return _SNMP_PRIV.sub(_sub, pattern.sub(_sub, text, count=1), count=1)
    if _INLINE_SKIP.match(text):
        return text
    if _INLINE.search(text):
        return _INLINE.sub(lambda m: m.group(1) + REDACTED + (m.group(3) or ""), text)
    return text
