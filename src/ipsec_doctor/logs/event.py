"""The value a log line becomes: :class:`LogEvent`.

Events are plain frozen values so the evidence fusion can group, sort and
serialise them without knowing how they were read.  ``fields`` holds what the
line says *by role* (``peer``, ``group``, ``user``, ``spi``, ``seq``,
``interface``, ``src``/``dst`` with ``src_port``/``dst_port``, ``reason``, …),
never by the device's own source/destination wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from ..model import Source

LogPlatform = Literal["asa", "ios", "vpnclient", "anyconnect"]

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One VPN-relevant log line (or a VPN Client header plus its message line).

    ``message_id`` is normalised to one spelling per family: ``ASA-5-713092``
    (also for ASDM exports, PIX and FTD tags keep their vendor word),
    ``CRYPTO-4-IKMP_NO_SA`` (IOS), ``IKEv1`` / ``IKEv1 DEBUG`` / ``ISAKMP``
    (debug output), ``IKE/0xE3000056`` (VPN Client log), ``Reason 412``
    (client status line), or None for bare CLI/console text.  ``key`` is the
    same id without vendor and severity (``713092``, ``CRYPTO-IKMP_NO_SA``):
    that is what signatures match, because a device may re-level a message.

    ``id`` is the catalog ID the line is evidence for (None when the line is
    VPN-looking but no signature knows it); ``candidates`` the other catalog
    IDs the same line can mean; ``signature`` the name of the matching entry
    of ``log_signatures.toml``.  ``raw`` is the whole line, redacted.
    """

    file: str
    line: int
    platform: LogPlatform | None
    message_id: str | None
    key: str | None
    severity: int | None
    text: str
    raw: str
    timestamp: str | None = None
    host: str | None = None
    fields: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)
    id: str | None = None
    candidates: tuple[str, ...] = ()
    signature: str | None = None

    @property
    def source(self) -> Source:
        """Where the event was read, as the model's :class:`~ipsec_doctor.model.Source`."""
        return Source(self.file, self.line, self.raw)

    @property
    def peer(self) -> str | None:
        """The remote peer address when the line names one."""
        return self.fields.get("peer")

    @property
    def recognised(self) -> bool:
        """Whether a signature mapped the line to a catalog ID."""
        return self.id is not None


# Scanning builds one event per VPN line: the model's cheaper constructor (same signature and defaults).
from .._quick_init import quicken as _quicken

_quicken(globals(), __name__)
