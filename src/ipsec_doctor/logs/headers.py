"""Splitting one log line into header and message.

Each line style has one anchored or tag-searching pattern; :func:`parse_line`
tries them in an order where the cheap, distinctive ones come first.  The
header *prefix* (syslog priority, collector timestamps, host names, IOS
sequence numbers) is only decoded for lines that reach this module, i.e.
after the prefilter, so it may be thorough rather than fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .event import LogPlatform

# %ASA-5-713092:  %ASA-auth-4-113004:  %FTD--6-852002  %PIX-3-305005 (the colon is sometimes missing)
ASA_TAG = re.compile(r"%(ASA|PIX|FTD)(?:-[A-Za-z]*)?-(\d)-(\d{6}):?\s*")
# IOS: %CRYPTO-4-IKMP_NO_SA:  %FW-3-RESPONDER_WND_SCALE_INI_NO_SCALE:  %IOSXE-6-PLATFORM:
IOS_TAG = re.compile(r"%([A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)?)-(\d)-([A-Z0-9_]+)(?:\s*:\s*|\s*$)")
# ASDM export: severity|timestamp|id: text
ASDM = re.compile(r"^\s*(\d)\|([^|]*)\|(\d{6}):\s*")
# ASA debug: [IKEv1]: / [IKEv1 DEBUG]: / [IKEv2]: ...; IOS ISAKMP debug: ISAKMP:(1001): / ISAKMP (0:1): / ISAKMP: ...
ASA_DEBUG = re.compile(r"\[(IKEv[12])((?: DEBUG)?)\]\s*:?\s*")
IOS_DEBUG = re.compile(r"\b(?:(ISAKMP|IKEv2)\s*(?:\(\d+:\d+\)|:\([^)]*\))?\s*:|(IPSEC)\(\w+\):)\s*")
# Legacy Cisco VPN Client log: "12     10:21:50.123  03/24/10  Sev=Warning/2	IKE/0xE3000056" (message on the next line)
VPNCLIENT = re.compile(
    r"^\s*(\d+)\s+(\d\d:\d\d:\d\d(?:\.\d+)?)\s+(\d\d/\d\d/\d\d(?:\d\d)?)\s+Sev=([A-Za-z]+)/(\d+)\s+(\S+)\s*(.*)$"
)
# VPN 3000 concentrator event log: "20932 10/26/2007 14:37:45.430 SEV=3 AUTH/5 RPT=1863 10.19.187.229 text"
VPN3000 = re.compile(
    r"^\s*(\d+)\s+(\d\d/\d\d/\d{4})\s+(\d\d:\d\d:\d\d(?:\.\d+)?)\s+SEV=(\d+)\s+(\S+)\s+RPT=\d+\s*(.*)$"
)
# Client status line: "... Reason 412: The remote peer ..." / "Reason 433:(Reason Not Specified by Peer)"
CLIENT_REASON = re.compile(r"\bReason (4\d\d)\b:?")

_TIMESTAMP = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"
    r"|[*.]?(?:[A-Z][a-z]{2} )?[A-Z][a-z]{2} +\d{1,2}(?: \d{4})? \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Z]{3,4}(?=[ :]|$))?"
)
_PRI = re.compile(r"<\d{1,3}>(?:1 )?")
_HOST_SKIP = re.compile(r"^(?:\d+|-|:|\S*\[\d+\])$")

CLIENT_SEVERITY = {"fault": 3, "error": 3, "warning": 4, "info": 6, "informational": 6, "debug": 7}


@dataclass(frozen=True, slots=True)
class Parsed:
    """Header facts of one line; ``text`` is the message after the tag."""

    platform: LogPlatform | None
    message_id: str | None
    key: str | None
    severity: int | None
    text: str
    timestamp: str | None = None
    host: str | None = None
    needs_next: bool = False  # a VPN Client header whose message is on the following line
    debug: bool = False
    tagged: bool = False  # read from a %TAG or an ASDM id: such lines count only by that id


def parse_prefix(prefix: str) -> tuple[str | None, str | None]:
    """(timestamp, host) from the text before a message tag; both best effort.

    Relays prepend their own timestamp and address, so the *last* timestamp is
    the device's and the last remaining word is its name.
    """
    prefix = _PRI.sub(" ", prefix)
    stamps = list(_TIMESTAMP.finditer(prefix))
    timestamp = stamps[-1].group(0).lstrip("*.") if stamps else None
    rest = _TIMESTAMP.sub(" ", prefix)
    host = None
    for word in rest.split():
        word = word.strip(":")
        if word and not _HOST_SKIP.match(word):
            host = word
    return timestamp, host


def parse_line(line: str) -> Parsed | None:
    """Header facts of ``line``, or None when no known line style applies."""
    if "%" in line:
        match = ASA_TAG.search(line)
        if match:
            vendor, sev, number = match.groups()
            timestamp, host = parse_prefix(line[: match.start()])
            return Parsed("asa", f"{vendor}-{sev}-{number}", number, int(sev), line[match.end():].rstrip(), timestamp, host,
                          tagged=True)
        match = IOS_TAG.search(line)
        if match:
            facility, sev, mnemonic = match.groups()
            timestamp, host = parse_prefix(line[: match.start()])
            return Parsed("ios", f"{facility}-{sev}-{mnemonic}", f"{facility}-{mnemonic}", int(sev),
                          line[match.end():].rstrip(), timestamp, host, tagged=True)
    if "|" in line:
        match = ASDM.match(line)
        if match:
            sev, stamp, number = match.groups()
            return Parsed("asa", f"ASA-{sev}-{number}", number, int(sev), line[match.end():].rstrip(), stamp.strip() or None,
                          tagged=True)
    if "Sev=" in line:
        match = VPNCLIENT.match(line)
        if match:
            _, clock, date, level, _sub, msg_id, rest = match.groups()
            return Parsed("vpnclient", msg_id, msg_id, CLIENT_SEVERITY.get(level.lower()), rest.strip(),
                          f"{date} {clock}", None, needs_next=not rest.strip())
    if "SEV=" in line:
        match = VPN3000.match(line)
        if match:
            _, date, clock, sev, msg_id, rest = match.groups()
            return Parsed("asa", msg_id, msg_id, int(sev), rest.strip(), f"{date} {clock}")
    if "IKEv" in line:
        match = ASA_DEBUG.search(line)
        if match:
            version, debug = match.groups()
            message_id = version + debug
            timestamp, host = parse_prefix(line[: match.start()])
            return Parsed("asa", message_id, message_id, None, line[match.end():].rstrip(), timestamp, host, debug=True)
    match = IOS_DEBUG.search(line)
    if match:
        family = match.group(1) or match.group(2)
        timestamp, host = parse_prefix(line[: match.start()])
        return Parsed("ios", family, family, None, line[match.end():].rstrip(), timestamp, host, debug=True)
    match = CLIENT_REASON.search(line)
    if match:
        timestamp, host = parse_prefix(line[: max(line.find("Secure VPN"), 0)]) if "Secure VPN" in line else (None, None)
        return Parsed("vpnclient", f"Reason {match.group(1)}", f"Reason {match.group(1)}", None, line.strip(), timestamp, host)
    return None
