"""Cutting a file into parts and cleaning configuration text for the dialects.

Three cuts, applied in this order:

1. **Prompts.**  A captured session (``HQ-ASA# show crypto isakmp sa`` …
   ``HQ-ASA# show run``) is cut at every exec prompt; each part remembers
   its command and the prompt's hostname.  Config-mode prompts
   (``R1(config-if)#ip address …``) are not cuts: the prompt is stripped and
   the command kept, because the part is a CLI script.
2. **Boxes.**  Bundles of several devices (``====`` / ``LA_ASA1 device`` /
   ``====``) are cut at separator lines; the box title names the device.
   A part between separators that holds no configuration (a topology
   drawing, a PC's settings) is left out with a problem saying so.
3. **Headers.**  Concatenated ``show run`` outputs are cut at a second
   ``hostname`` or version header (``ASA Version``, ``version 15.2``,
   ``: Saved``, ``Building configuration...``).

:func:`clean_config` then removes what ``show run`` wraps around a
configuration (``Building configuration...``, ``: Saved``,
``Cryptochecksum:``, the final ``end``) hand-written annotations (``# note``, ``----DHCP----`` captions), and the session commands of CLI
scripts (``enable``, ``conf t``, ``end``, ``write memory``, ``do …``), and
expands the abbreviations that would defeat the dialects' first-word
dispatch (``int g0/0``, ``ip addr``, ``no shut``).  ``exit`` is kept: it is
what closes a block in an unindented script.  Everything else is kept
verbatim, with its original 1-based line number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from ..dialects.common import canonical_interface
from ..model import Platform
from .classify import first_chars

Numbered = list[tuple[int, str]]

# An exec prompt: hostname (letters first; ASA failover adds /pri/act), optional
# config mode, then # or >.  The command may follow with or without a space.
_PROMPT_RE = re.compile(
    r"^(?P<host>[A-Za-z][\w.\-/]{0,63}?)(?P<mode>\((?:config[\w\-]*|cfg[\w\-]*)\))?(?P<sign>[#>])\s*(?P<cmd>.*?)\s*$"
)
# Commands typed at a `>` prompt are few; demanding one avoids taking text such as "a->b" for a prompt.
_USER_EXEC_RE = re.compile(r"^(?:$|en(?:able)?\b|sh(?:ow)?\s|ter(?:minal)?\s|ping\s|traceroute\s)", re.IGNORECASE)

_SHOW_CONFIG_RE = re.compile(
    r"^(?:sh(?:o|ow)?\s+(?:run(?:ning(?:-config)?)?|start(?:up(?:-config)?)?|conf(?:ig(?:uration)?)?)\b"
    r"|more\s+system:running-config|wr(?:ite)?\s+t(?:erm(?:inal)?)?\s*$)",
    re.IGNORECASE,
)
_CONF_T_RE = re.compile(r"^conf(?:ig(?:ure)?)?(?:\s+t(?:erminal)?)?\s*$", re.IGNORECASE)
_SHOW_RE = re.compile(r"^sh(?:o|ow)?\s+\S", re.IGNORECASE)

_SEPARATOR_RE = re.compile(r"^\s*([=\-*#_~+])\1{3,}\s*$")
_HOSTNAME_RE = re.compile(r"^hostname\s+(\S+)", re.IGNORECASE)
_VERSION_RE = re.compile(r"^(?:(?:ASA|PIX|FWSM) Version \d|version \d+\.\d+\s*$)", re.IGNORECASE)
_PRE_RE = re.compile(r"^(?:Building configuration|Current configuration\s*:|: Saved\s*$)", re.IGNORECASE)

_PREAMBLE_RE = re.compile(
    r"^(?:Building configuration\.*\s*$|Current configuration\s*:\s*\d+\s*bytes|Using \d+ out of \d+ bytes"
    r"|: Saved\s*$|: Serial Number:|: Hardware:|: Written by|Cryptochecksum:|: end\s*$|end\s*$)",
    re.IGNORECASE,
)
_SESSION_RE = re.compile(
    r"^(?:enable|disable|conf(?:ig(?:ure)?)?(?:\s+t(?:erminal)?)?|end|wr(?:ite)?(?:\s+mem(?:ory)?)?"
    r"|copy\s+run(?:ning-config)?\s+start(?:up-config)?|do\s+.*|terminal\s+.*)\s*$",
    re.IGNORECASE,
)
# A line that proves the text is a typed script rather than show output.
_SCRIPT_MARK_RE = re.compile(
    r"^(?:enable|conf(?:ig(?:ure)?)?\s+t(?:erminal)?|wr(?:ite)?(?:\s+mem(?:ory)?)?|copy\s+run\S*\s+start\S*|do\s+\S.*)\s*$",
    re.IGNORECASE,
)
_INT_RE = re.compile(r"^(\s*)int(?:e(?:r(?:f(?:a(?:c(?:e)?)?)?)?)?)?\s+(\S+)(?:\s+(\d\S*))?(.*)$", re.IGNORECASE)
_IP_ADDR_RE = re.compile(r"^(\s*)ip\s+addr(?:e(?:s(?:s)?)?)?\s", re.IGNORECASE)
_NO_SHUT_RE = re.compile(r"^(\s*)no\s+shut(?:d(?:o(?:w(?:n)?)?)?)?\s*$", re.IGNORECASE)


@dataclass(slots=True)
class Part:
    """A slice of a file: its command (when cut at a prompt) and numbered lines."""

    lines: Numbered = field(default_factory=list)
    command: str | None = None
    host: str | None = None
    role: str | None = None  # "config" | "script" | "show" | "other" (a typed command) | None (unknown)


@dataclass(slots=True)
class DeviceText:
    """One device's configuration lines as cut from a part, with its name when one was seen."""

    lines: Numbered
    title: str | None = None
    skipped: list[tuple[int, int, str]] = field(default_factory=list)  # (first, last, title) left out


def match_prompt(text: str) -> tuple[str, str, bool] | None:
    """``(host, command, config_mode)`` when the line is a captured CLI prompt.

    >>> match_prompt("HQ-ASA# show crypto isakmp sa")
    ('HQ-ASA', 'show crypto isakmp sa', False)
    >>> match_prompt("R1(config-if)#ip address 10.0.0.1 255.255.255.0")
    ('R1', 'ip address 10.0.0.1 255.255.255.0', True)
    """
    if "#" not in text and ">" not in text:
        return None
    found = _PROMPT_RE.match(text)
    if found is None:
        return None
    command = found.group("cmd")
    if found.group("sign") == ">" and (found.group("mode") or not _USER_EXEC_RE.match(command)):
        return None
    host = found.group("host").split("/", 1)[0]  # ASA failover prompts: fw/pri/act
    return host, command, found.group("mode") is not None


def command_role(command: str) -> str:
    """What a typed exec command produces: config text, a script, show output or something else."""
    if _SHOW_CONFIG_RE.match(command):
        return "config"
    if _CONF_T_RE.match(command):
        return "script"
    if _SHOW_RE.match(command):
        return "show"
    return "other"


def expand_show(command: str) -> str:
    """``sh crypto isakmp sa`` → ``show crypto isakmp sa`` (the rest verbatim)."""
    return re.sub(r"^sh(?:o|ow)?\b", "show", command.strip(), count=1, flags=re.IGNORECASE)


def split_prompts(numbered: Numbered, joined: str | None = None) -> list[Part]:
    """Cut text at exec prompts; a file without prompts is one part with no command.

    ``joined`` is the lines' text joined by newlines, when the caller has it.
    """
    if joined is None:
        joined = "\n".join(map(_TEXT, numbered))
    # A prompt needs "#" or ">": when no line holding one is a prompt, the file is one part.
    if ("#" not in joined and ">" not in joined) or not any(
        numbered[index][1][:1].isalpha() and match_prompt(numbered[index][1]) is not None
        for index in _lines_matching(_PROMPT_CHAR_RE, joined)
    ):
        return [Part(list(numbered))] if numbered else []
    parts: list[Part] = [Part()]
    for number, text in numbered:
        prompt = match_prompt(text) if text[:1].isalpha() else None
        if prompt is None:
            parts[-1].lines.append((number, text))
            continue
        host, command, config_mode = prompt
        current = parts[-1]
        if config_mode:
            if current.role not in ("script", "config"):
                current = Part(command="configure terminal", host=host, role="script")
                parts.append(current)
            if command:
                current.lines.append((number, command))
            continue
        if not command:
            parts.append(Part(host=host))
            continue
        role = command_role(command)
        parts.append(Part(command=expand_show(command) if role == "show" else command, host=host, role=role))
    return [part for part in parts if part.lines or part.command]


def _is_separator(text: str) -> bool:
    return bool(_SEPARATOR_RE.match(text))


def _title_of(text: str) -> str:
    return text.strip().strip("*=#-~_+ ").strip()


def split_boxes(numbered: Numbered, joined: str | None = None) -> list[tuple[str | None, Numbered]]:
    """Cut at separator lines; a single line between two separators titles what follows."""
    if joined is None:
        joined = "\n".join(map(_TEXT, numbered))
    if not any(
        numbered[index][1].lstrip()[:1] in _SEPARATOR_CHARS and _is_separator(numbered[index][1])
        for index in _rule_lines(joined)
    ):
        return [(None, numbered)]
    chunks: list[Numbered] = [[]]
    for number, text in numbered:
        if _is_separator(text):
            chunks.append([])
        else:
            chunks[-1].append((number, text))
    result: list[tuple[str | None, Numbered]] = []
    pending_title: str | None = None
    for index, chunk in enumerate(chunks):
        filled = [(n, t) for n, t in chunk if t.strip()]
        between_separators = 0 < index < len(chunks) - 1
        if between_separators and len(filled) == 1 and len(filled[0][1]) <= 120:
            pending_title = _title_of(filled[0][1]) or pending_title
            continue
        if not filled:
            continue
        result.append((pending_title, chunk))
        pending_title = None
    return result


def _has_header(chunk: Numbered) -> bool:
    return any(_HOSTNAME_RE.match(text) or _VERSION_RE.match(text) for _n, text in chunk)


def split_devices(
    numbered: Numbered, is_config: Callable[[Numbered], bool], joined: str | None = None
) -> list[DeviceText]:
    """Cut a configuration part into one :class:`DeviceText` per device.

    ``is_config`` tells whether a chunk holds configuration at all (chunks
    that do not are reported in ``skipped`` of the next device).
    """
    devices: list[DeviceText] = []
    skipped: list[tuple[int, int, str]] = []
    boxes = split_boxes(numbered, joined)
    for title, chunk in boxes:
        if len(boxes) > 1 and not is_config(chunk):
            skipped.append((chunk[0][0], chunk[-1][0], title or ""))
            continue
        # A chunk with no title and no header of its own continues the previous device
        # (a separator used as a visual break inside one configuration).
        if devices and title is None and not _has_header(chunk):
            devices[-1].lines.extend(chunk)
            continue
        for piece in split_headers(chunk, joined if chunk is numbered else None):
            devices.append(DeviceText(piece, title))
            title = None
    if devices:
        devices[0].skipped.extend(skipped)
    return devices


def split_headers(numbered: Numbered, joined: str | None = None) -> list[Numbered]:
    """Cut concatenated configurations at a second hostname or version header."""
    if joined is None:
        joined = "\n".join(map(_TEXT, numbered))
    if not _header_cut_possible(numbered, joined):
        return [list(numbered)] if any(text.strip() for _n, text in numbered) else []
    pieces: list[Numbered] = [[]]
    seen_host = seen_version = False
    for number, text in numbered:
        is_pre = bool(_PRE_RE.match(text))
        is_version = bool(_VERSION_RE.match(text))
        is_host = bool(_HOSTNAME_RE.match(text))
        cut = False
        if (is_pre or is_version) and (seen_host or (seen_version and is_version)) or is_host and seen_host:
            cut = True
        if cut:
            current = pieces[-1]
            # leave the comment/blank lines just above the header with the new device
            back = len(current)
            while back and (not current[back - 1][1].strip() or current[back - 1][1].lstrip().startswith("!")):
                back -= 1
            pieces.append(current[back:])
            del current[back:]
            seen_host = seen_version = False
        pieces[-1].append((number, text))
        seen_host = seen_host or is_host
        seen_version = seen_version or is_version
    return [piece for piece in pieces if any(text.strip() for _n, text in piece)]


def hostname_of(numbered: Numbered) -> str | None:
    """The first ``hostname`` command's value."""
    for _number, text in numbered:
        if text[:1] in _NOT_HOSTNAME:
            continue  # the first character already rules the line out
        found = _HOSTNAME_RE.match(text)
        if found:
            return found.group(1)
    return None


def is_script(numbered: Numbered, joined: str | None = None) -> bool:
    """Whether the text holds session commands typed by a person (``conf t``, ``wr``...)."""
    if joined is None:
        joined = "\n".join(map(_TEXT, numbered))
    return any(_SCRIPT_MARK_RE.match(numbered[index][1]) for index in _rule_lines(joined))


def clean_config(numbered: Numbered, platform: Platform, *, script: bool, joined: str | None = None) -> Numbered:
    """Drop show-run wrappers and session commands; expand the abbreviations the dialects need.

    Only the lines that could change are looked at one by one (found with one
    regex over ``joined``, the lines' text joined by newlines); the rest are
    kept as they are, which is what the line-by-line rules do to them.
    """
    if joined is None:
        joined = "\n".join(map(_TEXT, numbered))
    cleaned: Numbered = []
    done = 0  # numbered[:done] is settled
    for index in _rule_lines(joined):
        if index < done or not _CLEAN_LINE_RE.match(numbered[index][1]):
            continue  # inside a banner taken whole, or a line (a header) no cleaning rule acts on
        cleaned.extend(numbered[done:index])
        done = _clean_from(numbered, index, platform, script, cleaned)
    cleaned.extend(numbered[done:])
    return cleaned


def _clean_from(numbered: Numbered, index: int, platform: Platform, script: bool, cleaned: Numbered) -> int:
    """Apply the line rules from ``numbered[index]`` until a line's fate no longer spills over.

    Returns the index of the first line left unhandled (past a banner's body, the banner).
    """
    in_banner: str | None = None  # delimiter of an open IOS banner: its body is never touched
    for position in range(index, len(numbered)):
        number, text = numbered[position]
        if in_banner is not None:
            cleaned.append((number, text))
            if in_banner in text:
                return position + 1
            continue
        if not text[:1].isspace():
            if _PREAMBLE_RE.match(text) or (script and _SESSION_RE.match(text)):
                return position + 1
            if _is_separator(text) or _ANNOTATION_RE.match(text):
                return position + 1
            delimiter = _open_banner(text)
            if delimiter is not None and platform is not Platform.ASA:
                in_banner = delimiter
                cleaned.append((number, text))
                continue
        cleaned.append((number, normalise_line(text, platform)))
        return position + 1
    return len(numbered)


# Notes written around commands in hand-kept files: "# comment", "----DHCP----" captions, "*Router A*" boxes.
_ANNOTATION_RE = re.compile(r"^(?:#|[-=*~]{3,}.*[-=*~]{3,}\s*$|\*.*\*\s*$)")

_BANNER_OPEN_RE = re.compile(r"^banner\s+\S+\s*(\^C|\S)(.*)$", re.IGNORECASE)


def _open_banner(text: str) -> str | None:
    """The delimiter of a multi-line IOS banner opened on this line (None if none or closed on it)."""
    found = _BANNER_OPEN_RE.match(text)
    if found is None:
        return None
    delimiter, rest = found.group(1), found.group(2)
    if delimiter == "^" and rest.startswith("C"):
        delimiter, rest = "^C", rest[1:]
    return None if delimiter in rest else delimiter


# A fleet repeats the same few interface names: remember them (canonical_interface is pure).
_canonical_interface = lru_cache(maxsize=4096)(canonical_interface)


def normalise_line(text: str, platform: Platform) -> str:
    """Expand ``int``/``ip addr``/``no shut`` at the start of a line; everything else verbatim.

    >>> normalise_line("int g0/0", Platform.IOS)
    'interface GigabitEthernet0/0'
    >>> normalise_line(" ip addr 10.0.0.1 255.0.0.0", Platform.IOS)
    ' ip address 10.0.0.1 255.0.0.0'
    """
    first = text.lstrip()[:3].lower()
    if first == "int":
        found = _INT_RE.match(text)
        if found is None:
            return text
        indent, name, number, rest = found.groups()
        word = text.lstrip().split(None, 1)[0].lower()
        if word != "interface" or platform is not Platform.PIX6:
            full = name + (number or "")
            if number and not name.isalpha():
                full = name  # "int g0/0 2" is not a split name; keep the second token as text
                rest = f" {number}{rest}"
            canonical = _canonical_interface(full) if platform is not Platform.PIX6 else full
            return f"{indent}interface {canonical}{rest}"
        return text
    if first == "ip ":
        found = _IP_ADDR_RE.match(text)
        if found is not None:
            return f"{found.group(1)}ip address {text[found.end():].lstrip()}"
        return text
    if first == "no ":
        found = _NO_SHUT_RE.match(text)
        if found is not None:
            return f"{found.group(1)}no shutdown"
    return text


# --------------------------------------------------------------------------- fast paths
#
# The rules above are per line, but on a real configuration almost no line is
# touched by them.  One regex over the joined text (a leading "\n" lets the
# engine skip ahead at C speed) finds every line that any of them could act on
# (headers, script marks, wrappers, separators, annotations, banners,
# abbreviations); only those lines go through the rules.  The scan is built
# from the rules' own patterns, so it cannot drift from them: it may find a
# line too many (harmless: the rule then says no), never one too few.

_TEXT = itemgetter(1)


def _rules(*patterns: re.Pattern[str]) -> str:
    """One regex body trying each line rule in turn, each with its own IGNORECASE setting."""
    return "|".join(f"(?{'i' if pattern.flags & re.IGNORECASE else ''}:{pattern.pattern})" for pattern in patterns)


def _gate(*patterns: re.Pattern[str]) -> str:
    """A lookahead on the first character of a line that does not start with white space and that
    any of ``patterns`` could match; "" when that cannot be worked out (every line is then tried)."""
    chars: set[str] = set()
    for pattern in patterns:
        found, nullable = first_chars(pattern)
        if found is None or nullable:
            return ""
        chars |= found
    ascii_class = "".join(f"\\x{ord(char):02x}" for char in sorted(chars) if char.isascii() and not char.isspace())
    return f"(?=[{ascii_class}\\x80-\\U0010ffff])"  # one class test; non-ASCII always kept


@dataclass(frozen=True, slots=True)
class _LineStart:
    """A pattern for the start of a line: ``later`` finds it after a newline, ``first`` on the first line."""

    later: re.Pattern[str]
    first: re.Pattern[str]

    @classmethod
    def of(cls, body: str) -> _LineStart:
        # MULTILINE: the rules' "^" and "$" then mean a line's start and end inside the joined text.
        # A lookahead consumes nothing, so a rule that reads on past a newline (\s+) cannot hide
        # the next line from the scan; reading on only finds more lines, never fewer.
        return cls(re.compile(f"\\n(?=(?:{body}))", re.MULTILINE), re.compile(body, re.MULTILINE))


def _lines_starting(start: _LineStart, joined: str) -> list[int]:
    """Indexes of the lines of ``joined`` whose start matches ``start``, in order."""
    found = [0] if start.first.match(joined) else []
    index = 0
    counted = 0  # newlines in joined[:counted] are in index
    for match in start.later.finditer(joined):
        position = match.start() + 1
        index += joined.count("\n", counted, position)
        counted = position
        found.append(index)
    return found


def _lines_matching(pattern: re.Pattern[str], joined: str) -> list[int]:
    """Indexes of the lines of ``joined`` that hold a match of ``pattern`` anywhere, in order."""
    found: list[int] = []
    index = 0
    counted = 0
    position = 0
    while True:
        match = pattern.search(joined, position)
        if match is None:
            return found
        index += joined.count("\n", counted, match.start())
        counted = match.start()
        found.append(index)
        end = joined.find("\n", match.start())
        if end < 0:
            return found
        position = end  # the next line (a match never spans a newline)


# After the indent: a separator's first character (its own pattern has a backreference,
# which would point elsewhere inside a bigger regex), or what _INT_RE, _IP_ADDR_RE and
# _NO_SHUT_RE begin with, less the spelled-out forms normalise_line gives back unchanged.
# The lookahead rejects most lines with one character test (non-ASCII kept: Unicode case folding).
_INDENTED_RULES = (
    r"[^\S\n]*(?=[=\-*#_~+iInN\x80-\U0010ffff])"
    r"(?:[=\-*#_~+]|(?i:int\w*\s)|(?!ip address \S)(?i:ip\s+addr)|(?!no shutdown$)(?i:no\s+shut))"
)
# A line clean_config may change (matched on the line alone).
_CLEAN_LINE_RE = re.compile(
    f"{_rules(_PREAMBLE_RE, _SESSION_RE, _ANNOTATION_RE, _BANNER_OPEN_RE)}|{_INDENTED_RULES}", re.MULTILINE
)
_TOP_LEVEL_RULES = (_PRE_RE, _VERSION_RE, _HOSTNAME_RE, _SCRIPT_MARK_RE, _PREAMBLE_RE, _SESSION_RE,
                    _ANNOTATION_RE, _BANNER_OPEN_RE)
_RULE_LINES = _LineStart.of(
    f"{_gate(*_TOP_LEVEL_RULES)}(?:{_rules(*_TOP_LEVEL_RULES)})|{_INDENTED_RULES}"
)
_last_scan: tuple[str, list[int]] = ("", [])


def _rule_lines(joined: str) -> list[int]:
    """Indexes of the lines any rule here could act on (the last answer is kept: several steps ask)."""
    global _last_scan  # a one-entry cache; swapping the tuple is atomic
    last = _last_scan
    if last[0] is joined:
        return last[1]
    found = _lines_starting(_RULE_LINES, joined)
    _last_scan = (joined, found)
    return found


def forget_scan() -> None:
    """Drop the text :func:`_rule_lines` keeps (a whole file's worth) once a load is over."""
    global _last_scan
    _last_scan = ("", [])


def _header_cut_possible(numbered: Numbered, joined: str) -> bool:
    """Whether :func:`split_headers` would cut: its state only changes on header lines."""
    seen_host = seen_version = False
    for index in _rule_lines(joined):
        text = numbered[index][1]
        is_pre = bool(_PRE_RE.match(text))
        is_version = bool(_VERSION_RE.match(text))
        is_host = bool(_HOSTNAME_RE.match(text))
        if (is_pre or is_version) and (seen_host or (seen_version and is_version)):
            return True
        if is_host and seen_host:
            return True
        seen_host = seen_host or is_host
        seen_version = seen_version or is_version
    return False


_PROMPT_CHAR_RE = re.compile(r"[#>]")
_SEPARATOR_CHARS = frozenset("=-*#_~+")  # what _SEPARATOR_RE allows after the indent
# First characters (ASCII) no hostname line starts with; "" stays out, so an empty line is still tried.
_NOT_HOSTNAME = frozenset(set(map(chr, range(128))) - (first_chars(_HOSTNAME_RE)[0] or set(map(chr, range(128)))))
