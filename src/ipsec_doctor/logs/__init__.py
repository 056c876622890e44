"""Log evidence: device and client log lines as :class:`LogEvent` values with catalog IDs.

Public API (stable; the evidence fusion builds on it)::

    scan(path_or_lines, file=None, *, engine="auto") -> Iterator[LogEvent]
    LogScanner(engine="auto", block_size=1 MiB, memo=True)  # .scan(...), .lines, .candidates, .problems
    coverage(events) -> (recognised, vpn_total)
    aggregate(events, *, keep_events=False) -> list[Aggregate]
    signatures() -> tuple[Signature, ...]            # the compiled knowledge/log_signatures.toml
    Matcher().match(key, text) -> Signature | None

Supported line styles: ASA/PIX/FTD syslog with or without RFC 3164 / RFC 5424
headers and collector prefixes, ASDM exports, IOS syslog, ASA and IOS IKE
debug, legacy VPN Client logs (message on the line after the header), VPN
3000 event logs and VPN Client status lines (``Reason 4nn``).
"""

from __future__ import annotations

from .aggregate import Aggregate, aggregate, coverage
from .event import LogEvent, LogPlatform
from .prefilter import is_vpn_key
from .read import LogScanner, scan
from .signatures import Matcher, Signature, SignatureError, check_signatures, signatures

__all__ = [
    "Aggregate",
    "LogEvent",
    "LogPlatform",
    "LogScanner",
    "Matcher",
    "Signature",
    "SignatureError",
    "aggregate",
    "check_signatures",
    "coverage",
    "is_vpn_key",
    "scan",
    "signatures",
]
