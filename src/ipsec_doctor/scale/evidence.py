"""Log sections scanned on an engine before the evidence fusion reads them.

The fusion (:func:`ipsec_doctor.evidence.collect`) reads a section's events
from its ``events`` attribute when it is set: :func:`prescan_logs` returns each
log section with its events already read, in the order a sequential scan
yields them, so the fusion and the report do not change.

When the caller names the ``--events`` mode and a log will certainly be
aggregated, the workers fold its events into groups and the section carries
:class:`~ipsec_doctor.evidence.events.FoldedEvents` instead: far fewer objects
to pickle back, and :func:`~ipsec_doctor.evidence.collect` builds the same
aggregate items from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from ..evidence.events import FoldedEvents
from ..inputs import TextSection
from .logrange import MIN_RANGE_BYTES, RangeResult, fold_threshold, merge, scan_partitioned, scan_sections
from .parallel import chunk_evenly


def _prescanned(section: TextSection, result: RangeResult) -> TextSection:
    events: list[Any] = FoldedEvents(result.groups) if result.groups is not None else result.events
    return replace(section, lines=[], path=None, events=events)


def prescan_logs(
    texts: Sequence[TextSection], engine: Any, mode: str | None = None, *, min_bytes: int = MIN_RANGE_BYTES
) -> list[TextSection]:
    """``texts`` with every log section carrying its events already read (show sections unchanged).

    ``mode`` is the ``--events`` mode the events will be collected with; a
    log that mode will certainly aggregate comes back folded into groups.
    None (mode unknown) never folds.  ``min_bytes``: the smallest byte range
    a big streamed log is cut into.
    """
    fold_above = fold_threshold(mode)
    out: list[TextSection] = list(texts)
    in_memory = [i for i, t in enumerate(texts) if t.kind == "log" and not t.path]
    if in_memory:
        chunks = chunk_evenly(in_memory, engine.workers * 2, lambda i: len(texts[i].lines) + 1)
        payload = [[(texts[i].file, texts[i].lines) for i in chunk] for chunk in chunks]
        results = engine.map(partial(scan_sections, fold_above=fold_above), payload)
        for chunk, chunk_results in zip(chunks, results):
            for index, result in zip(chunk, chunk_results):
                out[index] = _prescanned(texts[index], merge([result]))
    for index, section in enumerate(texts):
        if section.kind == "log" and section.path:
            result = scan_partitioned(section.path, section.file, executor=engine, min_bytes=min_bytes,
                                      fold_above=fold_above)
            out[index] = _prescanned(section, result)
    return out
