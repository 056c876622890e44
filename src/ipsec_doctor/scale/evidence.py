"""Log sections scanned on an engine before the evidence fusion reads them.

The fusion (:func:`ipsec_doctor.evidence.collect`) reads a section's events
from its ``events`` attribute when it is set: :func:`prescan_logs` returns each
log section with its events already read, in the order a sequential scan
yields them, so the fusion and the report do not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from ..inputs import TextSection
from ..logs import LogEvent
from .logrange import merge, scan_partitioned, scan_sections
from .parallel import chunk_evenly


def _prescanned(section: TextSection, events: list[LogEvent]) -> TextSection:
    return replace(section, lines=[], path=None, events=events)


def prescan_logs(texts: Sequence[TextSection], engine: Any) -> list[TextSection]:
    """``texts`` with every log section carrying its events already read (show sections unchanged)."""
    out: list[TextSection] = list(texts)
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
