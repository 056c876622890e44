"""The hot path for the commonest candidate line: an ASA tag after a plain BSD syslog header.

A real log repeats the same VPN message body many times (the same peer
retrying, the same SA rekeying); only the header (timestamp, host) differs.
:class:`LineMemo` therefore classifies the text from the ``%ASA-`` tag on —
signature, fields, redaction hints — once, keeps the result in a bounded
dict, and per line only reads the header with one anchored regex.

Every shortcut here is exact, not approximate: a line this module is not
sure about (another header shape, a secret-looking word in the header) is
answered with :data:`MISS` and goes through the general parser, and
``tests/test_logs_speed_memo.py`` compares both paths line by line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, cast

from ..redact import _INLINE, REDACTED, may_hold_secret, redact_line
from .event import LogEvent
from .fields import extract
from .headers import ASA_TAG
from .prefilter import is_vpn_key
from .signatures import Matcher

MEMO_ENTRIES = 8192  # distinct message bodies kept; the dict is emptied when full (bounded memory)

# "Nov 28 2026 10:00:00 fw-hq : " (optionally after "<166>"): the one header shape read here.
# It yields what headers.parse_prefix yields for it: the only timestamp, and the one host word.
# A host word of 3-4 capitals is what parse_prefix takes for a time zone, so such lines go the general way.
_PLAIN_PREFIX: Final = (
    r"(?:<\d{1,3}>)?([A-Z][a-z]{2} +\d{1,2}(?: \d{4})? \d\d:\d\d:\d\d(?:\.\d+)?) "
    r"(?![A-Z]{3,4}(?:[ :%]))([A-Za-z][\w.-]*) ?:? ?"
)
# The header and the first ASA tag in one match (the header holds no "%", so the tag is the first).
_PLAIN_ASA: Final = re.compile(_PLAIN_PREFIX + "(" + ASA_TAG.pattern + ")")


def _inline_redacted(body: str) -> str:
    """What ``redact_line`` does to ``body`` when it ends a line whose header holds no secret word.

    Every anchored pattern of :mod:`ipsec_doctor.redact` needs a command word at the very start
    of the line, where the header's month name is, so only the keyword-anywhere rule applies.
    """
    if _INLINE.search(body) is None:
        return body
    return _INLINE.sub(lambda m: m.group(1) + REDACTED + (m.group(3) or ""), body)


class _Miss:
    """Marker type of :data:`MISS`."""

    __slots__ = ()


MISS: Final = _Miss()
_SKIP: Final = ("skip",)  # memo value of a body that yields no event

# What a message body (tag on) turns into; everything but the header and the line number.
Classified = tuple[
    str,  # message_id
    str,  # key
    int,  # severity
    str,  # text
    str,  # redacted text (used when the line as a whole needed redaction)
    str | None,  # the redacted body when redaction changes it, else None
    Mapping[str, str],  # fields (read-only, shared between the events of one body)
    str | None,  # catalog id
    tuple[str, ...],  # candidates
    str | None,  # signature name
]


class LineMemo:
    """Bounded memo from ``%ASA-…`` message body to its classification, for one scanner."""

    __slots__ = ("_clean_heads", "_matcher", "_memo", "hits", "misses")

    def __init__(self, matcher: Matcher) -> None:
        self._matcher = matcher
        self._memo: dict[str, Classified | tuple[str]] = {}
        self._clean_heads: dict[str, bool] = {}
        self.hits = 0
        self.misses = 0

    def event(self, line: str, number: int, name: str) -> LogEvent | None | _Miss:
        """The event of ``line``, None when it yields none, :data:`MISS` when the general parser must decide."""
        head = _PLAIN_ASA.match(line)
        if head is None or not line.isascii():
            return MISS
        start, end = head.span(3)
        # The header must end in a non-word character (so \b at the body's start means the same
        # alone and in the line) and hold no secret-looking word (the timestamp cannot, the host
        # and the tag's optional "-word" may), so that the line's redaction is the body's.
        if end == head.end(6):
            return MISS
        host_and_tag = line[head.start(2):end]  # few distinct values: (host, tag) pairs
        clean = self._clean_heads.get(host_and_tag)
        if clean is None:
            if len(self._clean_heads) >= MEMO_ENTRIES:
                self._clean_heads.clear()
            clean = self._clean_heads[host_and_tag] = not may_hold_secret(host_and_tag)
        if not clean:
            return MISS
        body = line[start:]
        found = self._memo.get(body)
        if found is None:
            self.misses += 1
            if len(self._memo) >= MEMO_ENTRIES:
                self._memo.clear()
            found = self._memo[body] = self._classify(head.group(4, 5, 6), line[end:].rstrip())
        else:
            self.hits += 1
        if found is _SKIP:
            return None
        message_id, key, severity, text, clean_text, raw_body, fields, catalog_id, candidates, signature = found  # type: ignore[misc]
        if raw_body is None:
            raw = line.rstrip()  # redact_line would return the line unchanged
        else:
            raw = line[:end] + raw_body
            text = clean_text
        timestamp, host = head.group(1, 2)
        return LogEvent(name, number, "asa", message_id, key, severity, text, raw, timestamp, host, fields,
                        catalog_id, candidates, signature)

    def _classify(self, groups: tuple[str | None, ...], text: str) -> Classified | tuple[str]:
        """What ``LogScanner._emit`` decides for an ASA-tagged line, minus the header."""
        vendor, severity, key = cast("tuple[str, str, str]", groups)  # ASA_TAG's groups always take part
        vpn = is_vpn_key("asa", key)
        if not vpn and key not in self._matcher.keys:
            return _SKIP  # a tagged line counts by its tag only
        signature = self._matcher.match(key, text)
        if signature is None and not vpn:
            return _SKIP
        raw_body = _inline_redacted(text) if may_hold_secret(text) else text
        return (
            f"{vendor}-{severity}-{key}",
            key,
            int(severity),
            text,
            redact_line(text) if raw_body != text else text,
            raw_body if raw_body != text else None,
            MappingProxyType(extract(text)),
            signature.id if signature is not None else None,
            signature.candidates if signature is not None else (),
            signature.name if signature is not None else None,
        )
