"""Log sections scanned on an engine before the evidence fusion reads them.

The fusion (:func:`ipsec_doctor.evidence.collect`) reads a section's events
from its ``events`` attribute when it has one; :class:`Prescanned` is a log
section with its events already read, in the order a sequential scan yields
them, so the fusion and the report do not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..inputs import TextSection
from ..logs import LogEvent
from ..model import Platform
from .logrange import merge, scan_partitioned, scan_sections
from .parallel import chunk_evenly


@dataclass(slots=True)
class Prescanned:
    """A log :class:`~ipsec_doctor.inputs.TextSection` whose events were read already."""

    file: str
    kind: str
    events: list[LogEvent] = field(repr=False)
    platform: Platform | None = None
    device_hint: str | None = None
    command: str | None = None
    path: str | None = None
    lines: list[tuple[int, str]] = field(default_factory=list, repr=False)


def _prescanned(section: TextSection, events: list[LogEvent]) -> Prescanned:
    return Prescanned(section.file, section.kind, events, section.platform, section.device_hint, section.command)


def prescan_logs(texts: Sequence[TextSection], engine: Any) -> list[Any]:
    """``texts`` with every log section replaced by a :class:`Prescanned` one (show sections unchanged)."""
    out: list[Any] = list(texts)
    in_memory = [i for i, t in enumerate(texts) if t.kind == "log" and not t.path]
    if in_memory:
        chunks = chunk_evenly(in_memory, engine.workers * 2, lambda i: len(texts[i].lines) + 1)
        payload = [[(texts[i].file, texts[i].lines) for i in chunk] for chunk in chunks]
        results = engine.map(partial(scan_sections), payload)
        for chunk, chunk_results in zip(chunks, results):
            for index, result in zip(chunk, chunk_results):
                out[index] = _prescanned(texts[index], merge([result]).events)
    for index, section in enumerate(texts):
        if section.kind == "log" and section.path:
            result = scan_partitioned(section.path, section.file, executor=engine)
            out[index] = _prescanned(section, result.events)
    return out
