"""Which commands ``collect`` may send, and the command plan for each platform.

Two independent locks keep a collection read-only:

* :func:`check_command` is an **allow-list** checked before any command of
  ours is sent: full ``show …`` words (no pipes or redirections, which can
  write files), ``more system:running-config`` and the paging/width
  ``terminal`` commands.  Everything else — ``debug``, ``clear``,
  ``configure terminal``, ``reload``, ``copy``, abbreviations such as
  ``conf t`` or ``sh`` — is refused.
* :func:`looks_disruptive` is a **deny-list** the guarded connection applies
  to every line written to the SSH channel, so a command Netmiko itself
  would send during session set-up (e.g. an attempt to enter configuration
  mode) is stopped too.  It cannot be an allow-list because the login and
  enable secrets also travel over the channel.
"""

from __future__ import annotations

import re

PLATFORMS = ("ios", "asa")

# Netmiko device types; the inventory may name either form.
DEVICE_TYPES = {"ios": "cisco_ios", "asa": "cisco_asa"}
_PLATFORM_ALIASES = {
    "ios": "ios", "cisco_ios": "ios", "ios-xe": "ios", "iosxe": "ios", "cisco_xe": "ios",
    "asa": "asa", "cisco_asa": "asa",
}

# Commands whose output the analysis reads (or a human will want), in the order they are sent.
_BASE_PLAN = {
    "ios": (
        "show version",
        "show running-config",
        "show crypto isakmp sa",
        "show crypto ikev2 sa",
        "show crypto ipsec sa",
        "show crypto session",
    ),
    "asa": (
        "show version",
        "show running-config",
        "show running-config all sysopt",
        "show crypto isakmp sa",
        "show crypto ipsec sa",
        "show vpn-sessiondb summary",
        "show asp drop",
    ),
}
# Paging off before anything else; Netmiko sends these during session set-up and they are recorded.
SESSION_COMMANDS = {"ios": ("terminal length 0",), "asa": ("terminal pager 0",)}

# A show command: "show" spelt out, then words of plain characters.  No "|" (``| redirect``,
# ``| tee`` and ``| append`` write to flash), no ">" and no control characters.
_SHOW_RE = re.compile(r"show(?: [A-Za-z0-9][A-Za-z0-9:._/-]*)+")
_FIXED = frozenset({"more system:running-config", "terminal pager 0", "terminal length 0"})
_TERMINAL_WIDTH_RE = re.compile(r"terminal width \d{1,3}")
# Show commands that do change state or can hurt a busy box (none is in a plan; refused if added).
_SHOW_FORBIDDEN_WORDS = frozenset({"tech-support", "tech", "redirect", "tee", "append", "file", "monitor"})

_DISRUPTIVE_RE = re.compile(
    r"^\s*(?:debug|undebug|u|un|undeb\w*|clear|conf|config|configure|reload|write|wr|copy|erase|delete|del|format"
    r"|squeeze|fsck|rename|mkdir|rmdir|crypto|tunnel-group|username|no|shutdown|failover|capture|test|tclsh"
    r"|archive|boot|setup|cluster|vpn-sessiondb|changeto|packet-tracer|call-home|upgrade|install|request)"
    r"(?:\s|$)",
    re.IGNORECASE,
)


class UnsafeCommand(Exception):
    """A command outside the allow-list was about to be sent (never sent)."""


def normalize_platform(name: str | None) -> str | None:
    """``cisco_asa`` / ``ASA`` → ``asa``; None when the name is not one ``collect`` supports."""
    if not name:
        return None
    return _PLATFORM_ALIASES.get(str(name).strip().lower())


def check_command(command: str) -> str:
    """Return ``command`` when it is on the allow-list; raise :class:`UnsafeCommand` otherwise.

    >>> check_command("show crypto isakmp sa")
    'show crypto isakmp sa'
    >>> check_command("clear crypto sa")
    Traceback (most recent call last):
    ...
    ipsec_doctor.collect.commands.UnsafeCommand: refused: 'clear crypto sa' is not a read-only command
    """
    if not isinstance(command, str) or not command.isascii() or not command.isprintable():
        raise UnsafeCommand("refused: a command must be one line of printable ASCII")
    if command != command.strip() or "  " in command:
        raise UnsafeCommand(f"refused: {command!r} is not in canonical form")
    if command in _FIXED or _TERMINAL_WIDTH_RE.fullmatch(command):
        return command
    if _SHOW_RE.fullmatch(command) and not _SHOW_FORBIDDEN_WORDS.intersection(command.lower().split()):
        return command
    raise UnsafeCommand(f"refused: {command!r} is not a read-only command")


def looks_disruptive(data: str) -> bool:
    """Whether any line of text written to a device starts with a state-changing command word."""
    return any(_DISRUPTIVE_RE.match(line) for line in data.replace("\r", "\n").split("\n"))


def plan_for(platform: str, *, with_keys: bool = False) -> tuple[str, ...]:
    """The commands ``collect`` sends to a device of ``platform``, each checked against the allow-list.

    On an ASA ``show running-config`` masks pre-shared keys; ``more
    system:running-config`` shows them and is used only when the user asked
    for keys (``--with-keys``).
    """
    plan = list(_BASE_PLAN[platform])
    if with_keys and platform == "asa":
        plan[plan.index("show running-config")] = "more system:running-config"
    return tuple(check_command(command) for command in plan)


_FILE_CHARS_RE = re.compile(r"[^a-z0-9.-]+")


def file_name(command: str) -> str:
    """``show crypto isakmp sa`` → ``show_crypto_isakmp_sa.txt``."""
    return _FILE_CHARS_RE.sub("_", command.lower()).strip("_") + ".txt"


# What a device answers to a command it does not accept.
REJECTED_RE = re.compile(
    r"^\s*(?:ERROR:\s*)?%\s*(?:Invalid input detected|Incomplete command|Ambiguous command|Unrecognized command"
    r"|Invalid command|Unknown command)"
    r"|^\s*ERROR:\s+(?:%\s*)?(?:Invalid|Unknown|Command)"
    r"|^\s*(?:Unknown command|Command authorization failed)",
    re.IGNORECASE | re.MULTILINE,
)


def rejection(output: str) -> str | None:
    """The device's error line when ``output`` says the command was refused, else None."""
    head = "\n".join(output.strip("\n").split("\n")[:3])  # the error comes first; a config may quote it later
    found = REJECTED_RE.search(head)
    return found.group(0).strip() if found else None
