"""Which parser reads which show command, and the one entry point :func:`parse_show`.

Commands are identified by a canonical key (:data:`COMMANDS`).  A typed
command (``sh cry isa sa | i MM``, ``show run all sysopt``) is matched word by
word against the known spellings, each typed word being an abbreviation of
the full word; without a command (a bare paste) the content is recognised by
its header lines.  Parsers are registered per ``(platform, command)``; a
platform-neutral registration (``None``) is the fallback.

No parser may raise: :func:`parse_show` turns any unexpected error into a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from ..model import ParseProblem, Platform
from .asp_drop import parse_asp_drop
from .cerm import parse_cerm
from .common import Notes, Numbered, numbered
from .crypto_session import parse_crypto_session
from .ikev2 import parse_ikev2_sa
from .ipsec_sa import parse_ipsec_sa
from .isakmp import parse_isakmp_sa
from .mgmt_access import parse_management_access
from .records import ShowRecord, ShowResult
from .sysopt import parse_sysopt
from .vpn_sessiondb import parse_vpn_sessiondb

if TYPE_CHECKING:
    from ..inputs import TextSection

Parser = Callable[[Numbered, Notes, "Platform | None"], list[ShowRecord]]

ISAKMP_SA = "show crypto isakmp sa"
IPSEC_SA = "show crypto ipsec sa"
IKEV2_SA = "show crypto ikev2 sa"
SYSOPT = "show running-config all sysopt"
CERM = "show platform cerm-information"
MGMT_ACCESS = "show management-access"
ASP_DROP = "show asp drop"
VPN_SESSIONDB = "show vpn-sessiondb"
CRYPTO_SESSION = "show crypto session"

COMMANDS: tuple[str, ...] = (
    ISAKMP_SA, IPSEC_SA, IKEV2_SA, SYSOPT, CERM, MGMT_ACCESS, ASP_DROP, VPN_SESSIONDB, CRYPTO_SESSION,
)

# Spellings of each command, full words; typed words may abbreviate them.
_SPELLINGS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("show", "crypto", "isakmp", "sa"), ISAKMP_SA),
    (("show", "crypto", "ikev1", "sa"), ISAKMP_SA),
    (("show", "isakmp", "sa"), ISAKMP_SA),  # PIX 6 / ASA 7 alias
    (("show", "crypto", "ipsec", "sa"), IPSEC_SA),
    (("show", "ipsec", "sa"), IPSEC_SA),
    (("show", "crypto", "ikev2", "sa"), IKEV2_SA),
    (("show", "running-config", "all", "sysopt"), SYSOPT),
    (("show", "running-config", "sysopt"), SYSOPT),
    (("show", "platform", "cerm-information"), CERM),
    (("show", "management-access"), MGMT_ACCESS),
    (("show", "asp", "drop"), ASP_DROP),
    (("show", "vpn-sessiondb"), VPN_SESSIONDB),
    (("show", "crypto", "session"), CRYPTO_SESSION),
)

_REGISTRY: dict[tuple[Platform | None, str], Parser] = {}


def register(platform: Platform | None, command: str, parser: Parser) -> None:
    """Register ``parser`` for ``command`` on ``platform`` (None: any platform)."""
    _REGISTRY[(platform, command)] = parser


def is_registered(platform: Platform | None, command: str) -> bool:
    """Whether ``command`` has a parser registered for exactly this platform."""
    return (platform, command) in _REGISTRY


def parser_for(platform: Platform | None, command: str) -> Parser | None:
    """The parser registered for the platform, else the platform-neutral one."""
    return _REGISTRY.get((platform, command)) or _REGISTRY.get((None, command))


for _platform in (Platform.ASA, Platform.PIX6):
    register(_platform, ISAKMP_SA, parse_isakmp_sa)
    register(_platform, IPSEC_SA, parse_ipsec_sa)
    register(_platform, IKEV2_SA, parse_ikev2_sa)
    register(_platform, SYSOPT, parse_sysopt)
    register(_platform, MGMT_ACCESS, parse_management_access)
    register(_platform, ASP_DROP, parse_asp_drop)
    register(_platform, VPN_SESSIONDB, parse_vpn_sessiondb)
register(Platform.IOS, ISAKMP_SA, parse_isakmp_sa)
register(Platform.IOS, IPSEC_SA, parse_ipsec_sa)
register(Platform.IOS, IKEV2_SA, parse_ikev2_sa)
register(Platform.IOS, CERM, parse_cerm)
register(Platform.IOS, CRYPTO_SESSION, parse_crypto_session)
# Fallbacks when the platform is unknown: every parser reads both layouts it knows.
for _command, _parser in (
    (ISAKMP_SA, parse_isakmp_sa),
    (IPSEC_SA, parse_ipsec_sa),
    (IKEV2_SA, parse_ikev2_sa),
    (SYSOPT, parse_sysopt),
    (CERM, parse_cerm),
    (MGMT_ACCESS, parse_management_access),
    (ASP_DROP, parse_asp_drop),
    (VPN_SESSIONDB, parse_vpn_sessiondb),
    (CRYPTO_SESSION, parse_crypto_session),
):
    register(None, _command, _parser)

_PROMPT_CMD_RE = re.compile(r"^[A-Za-z][\w.\-/]*(?:\([\w\-]+\))?[#>]\s*(.*)$")


def identify_command(typed: str | None) -> str | None:
    """Canonical key of a typed command, or None.

    >>> identify_command("sh cry isa sa | i MM")
    'show crypto isakmp sa'
    >>> identify_command("show run all sysopt")
    'show running-config all sysopt'
    >>> identify_command("show version") is None
    True
    """
    if not typed:
        return None
    text = typed.split("|", 1)[0].strip().lower()
    found = _PROMPT_CMD_RE.match(text)
    if found and not text.startswith("sh"):
        text = found.group(1)
    typed_words = text.split()
    for spelling, key in _SPELLINGS:
        if len(typed_words) < len(spelling):
            continue
        if all(full.startswith(word) and (len(word) >= 2 or full == word) for word, full in zip(typed_words, spelling)):
            return key
    return None


# Content signatures, most specific first: (regex over the first lines, command key, platform guess).
_CONTENT: tuple[tuple[re.Pattern[str], str, Platform | None], ...] = (
    (re.compile(r"^\s*\d+\s+IKE Peer:|^\s*IKE Peer\s+Type\s+Dir", re.MULTILINE), ISAKMP_SA, Platform.ASA),
    (re.compile(r"^\s*dst\s+src\s+state\s+conn-id|^\s*C-id\s+Local\s+Remote|Crypto ISAKMP SA", re.MULTILINE | re.IGNORECASE),
     ISAKMP_SA, Platform.IOS),
    (re.compile(r"^\s*IKEv1 SAs:|There are no IKEv1 SAs", re.MULTILINE), ISAKMP_SA, Platform.ASA),
    (re.compile(r"Crypto session current status|^\s*Session status\s*:", re.MULTILINE), CRYPTO_SESSION, Platform.IOS),
    (re.compile(r"^\s*(?:Crypto map tag:|local\s+ident \(addr|#pkts encaps)", re.MULTILINE), IPSEC_SA, None),
    (re.compile(r"^\s*IKEv2 SAs:|Crypto IKEv2\s+SA|^\s*Tunnel-id\s+Local\s+Remote", re.MULTILINE), IKEV2_SA, None),
    (re.compile(r"^\s*Session Type\s*:|VPN Session Summary|Tunnels Summary|Active Session Summary", re.MULTILINE),
     VPN_SESSIONDB, Platform.ASA),
    (re.compile(r"^\s*(?:Frame|Flow) drop\s*:", re.MULTILINE), ASP_DROP, Platform.ASA),
    (re.compile(r"CERM functionality|Crypto Export Restrictions Manager", re.MULTILINE), CERM, Platform.IOS),
    (re.compile(r"^\s*(?:no\s+)?sysopt\s+\S", re.MULTILINE), SYSOPT, Platform.ASA),
    (re.compile(r"^\s*management-access\s+\S+\s*$", re.MULTILINE), MGMT_ACCESS, Platform.ASA),
)
_PLATFORM_HINTS: tuple[tuple[re.Pattern[str], Platform], ...] = (
    (re.compile(r"seq num:|IKE Peer:|#pkts decapsulated|#TFC|in use settings =\{(?:L2L|RA)", re.MULTILINE), Platform.ASA),
    (re.compile(r"protected vrf|PERMIT, flags=|#pkts no sa|IPv4 Crypto|fvrf/ivrf", re.MULTILINE), Platform.IOS),
)
_SNIFF_LINES = 300
# Commands that exist on one platform only: the platform follows from the command.
_ONLY_ON: dict[str, Platform] = {
    SYSOPT: Platform.ASA,
    MGMT_ACCESS: Platform.ASA,
    ASP_DROP: Platform.ASA,
    VPN_SESSIONDB: Platform.ASA,
    CERM: Platform.IOS,
    CRYPTO_SESSION: Platform.IOS,
}


def detect_command(lines: Sequence[tuple[int, str]]) -> tuple[str | None, Platform | None]:
    """``(command key, platform guess)`` recognised from the content, ``(None, None)`` when unknown."""
    head = "\n".join(text for _n, text in lines[:_SNIFF_LINES])
    for pattern, key, platform in _CONTENT:
        if pattern.search(head):
            return key, platform or _guess_platform(head)
    return None, None


def _guess_platform(head: str) -> Platform | None:
    for pattern, platform in _PLATFORM_HINTS:
        if pattern.search(head):
            return platform
    return None


def _as_platform(platform: Platform | str | None) -> Platform | None:
    if platform is None or isinstance(platform, Platform):
        return platform
    try:
        return Platform(str(platform).lower())
    except ValueError:
        return None


def _strip_prompt(lines: Numbered) -> tuple[Numbered, str | None, str | None]:
    """Drop a leading ``host# show ...`` line (a paste that kept its prompt), returning its command."""
    from ..inputs.split import match_prompt  # lazy: only show parsing needs it

    for index, (_number, text) in enumerate(lines[:5]):
        if not text.strip():
            continue
        found = match_prompt(text) if text[:1].isalpha() else None
        if found is None or found[2] or not found[1]:
            return lines, None, None
        return lines[index + 1 :], found[1], found[0]
    return lines, None, None


def parse_show(
    text_lines: Iterable[str] | Iterable[tuple[int, str]] | str,
    platform: Platform | str | None = None,
    command: str | None = None,
    *,
    file: str = "",
    device_hint: str | None = None,
) -> ShowResult:
    """Parse one show command's output.

    ``text_lines``: raw text, strings (numbered from 1) or ``(line, text)`` pairs
    as in :class:`~ipsec_doctor.inputs.TextSection`.  ``command`` is the typed
    command when known (any abbreviation); otherwise the content decides.
    Never raises: lines not understood, and an unknown command, become notes.
    """
    lines = numbered(text_lines)
    plat = _as_platform(platform)
    lines, typed, host = _strip_prompt(lines)
    command = command or typed
    device_hint = device_hint or host
    key = identify_command(command)
    guessed: Platform | None = None
    if key is None:
        key, guessed = detect_command(lines)
        guessed = _ONLY_ON.get(key, guessed) if key else guessed
    else:
        guessed = _ONLY_ON.get(key) or detect_command(lines)[1]
    notes = Notes(file)
    start = lines[0][0] if lines else 0
    if key is None:
        what = f"command {command!r} is not one ipsec-doctor reads" if command else "show output not recognised"
        notes.add(start, what)
        return ShowResult(None, plat, (), tuple(notes.items), file, device_hint, start, command)
    effective = plat or guessed
    if effective is not None and not is_registered(effective, key):
        # e.g. `show platform cerm-information` said to come from an ASA: read it anyway, say so
        notes.add(start, f"{key!r} is not a {effective.value} command; read with the generic parser")
    parser = parser_for(effective, key)
    records: list[ShowRecord] = []
    if parser is not None:
        try:
            records = parser(lines, notes, effective)
        except Exception as error:  # noqa: BLE001  a parser bug must not stop the diagnosis
            notes.add(start, f"parser for {key!r} failed ({type(error).__name__}); output ignored")
            records = []
    return ShowResult(key, effective, tuple(records), tuple(notes.items), file, device_hint, start, command)


def parse_section(section: TextSection) -> ShowResult:
    """Parse one :class:`~ipsec_doctor.inputs.TextSection` (kind ``show``)."""
    return parse_show(
        section.lines,
        section.platform,
        section.command,
        file=section.file,
        device_hint=section.device_hint,
    )


def parse_sections(sections: Iterable[TextSection]) -> list[ShowResult]:
    """Parse every show section; log sections are left to the log readers.

    Sections whose output is not a supported command are returned too (no
    records, one note) so the caller can tell the user what was ignored.
    """
    return [parse_section(section) for section in sections if section.kind == "show"]


def problems_of(results: Iterable[ShowResult]) -> list[ParseProblem]:
    """All notes of several results, in order (for ``InputRecord.problems``)."""
    return [note for result in results for note in result.notes]
