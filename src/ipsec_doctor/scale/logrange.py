"""Scanning logs in parallel: byte ranges of one big file, or many files at once.

A big log is cut into byte ranges that end right after a line break, so every
range holds whole lines.  Each range is scanned on its own with line numbers
counted from 1; the parent adds the number of lines of the ranges before it.
The only state the reader carries from one line to the next is a legacy VPN
Client header waiting for its message line (up to two blank lines later):
a cut is moved down until none of the three lines before it is such a
header, so the merged events are exactly those of one sequential scan.

:class:`~ipsec_doctor.logs.LogEvent` keeps ``fields`` in a read-only
mapping proxy; :mod:`.parallel` teaches pickle to carry those.
"""

from __future__ import annotations

import codecs
import gc
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..inputs.reader import sniff_encoding
from ..logs import LogEvent, LogScanner
from ..logs.headers import VPNCLIENT
from ..logs.read import BLOCK_SIZE, _cut, _normalise
from ..model import ParseProblem
from . import parallel as _parallel  # noqa: F401 - registers the mapping-proxy pickle reducer

# Below this a file is one range: a task's round trip costs more than scanning a few MiB.
MIN_RANGE_BYTES = 8 << 20
_LOOK_BACK = 3  # a VPN Client header takes its message from the next line after up to 2 blank ones
_MAX_SHIFTS = 64  # a cut that cannot be placed after this many lines is dropped (ranges merge)


@dataclass(slots=True)
class RangeResult:
    """What one range (or one in-memory section) yields: events with range-relative line numbers."""

    events: list[LogEvent] = field(default_factory=list)
    lines: int = 0
    candidates: int = 0
    problems: list[ParseProblem] = field(default_factory=list)


def _portable(events: Iterable[LogEvent]) -> list[LogEvent]:
    # events pickle as they are: importing .parallel registers the mapping-proxy reducer
    return list(events)


def _encoding(path: Path) -> str | None:
    with path.open("rb") as handle:
        return sniff_encoding(handle.read(BLOCK_SIZE))


def plan_ranges(path: str | os.PathLike[str], parts: int, min_bytes: int = MIN_RANGE_BYTES) -> list[tuple[int, int]]:
    """``[(start, end), ...]`` byte ranges covering the file, each ending after a ``\\n``.

    At most ``parts`` ranges of at least ``min_bytes``; one range when the file
    is small, unreadable, or not in an ASCII-compatible encoding (UTF-16 has
    no byte-level line breaks to cut at).
    """
    source = Path(path)
    try:
        size = source.stat().st_size
        encoding = _encoding(source)
    except OSError:
        return [(0, -1)]
    parts = max(1, min(parts, size // max(min_bytes, 1)))
    if parts <= 1 or encoding is None or encoding.startswith("utf-16"):
        return [(0, size)]
    cuts = [0]
    with source.open("rb") as handle:
        for k in range(1, parts):
            cut = _cut_after(handle, size * k // parts)
            if cut is not None and cuts[-1] < cut < size:
                cuts.append(cut)
    cuts.append(size)
    return list(pairwise(cuts))


def _cut_after(handle: Any, target: int) -> int | None:
    """The first offset at or after ``target`` that starts a line and follows no waiting VPN Client header."""
    handle.seek(max(0, target - 1))
    position = max(0, target - 1)
    for _ in range(_MAX_SHIFTS):
        handle.seek(position)
        chunk = handle.read(1 << 16)
        newline = chunk.find(b"\n")
        if newline < 0:
            return None
        cut = position + newline + 1
        if not _header_before(handle, cut):
            return cut
        position = cut
    return None


def _header_before(handle: Any, cut: int) -> bool:
    start = max(0, cut - (1 << 16))
    handle.seek(start)
    tail = handle.read(cut - start).decode("latin-1").split("\n")[:-1][-_LOOK_BACK:]
    return any(VPNCLIENT.match(line.rstrip("\r")) for line in tail)


def scan_range(path: str, name: str, start: int, end: int, encoding: str, engine: str = "auto") -> RangeResult:
    """Worker task: the events of bytes ``[start, end)`` of ``path``, line numbers counted from 1."""
    # every event is kept until it is sent: the cyclic collector would walk them again and again
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _scan_range(path, name, start, end, encoding, engine)
    finally:
        if collecting:
            gc.enable()


def _scan_range(path: str, name: str, start: int, end: int, encoding: str, engine: str) -> RangeResult:
    scanner = LogScanner(engine=engine)
    result = RangeResult()
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; a missing file is a problem, not a crash
    except OSError as exc:
        result.problems.append(ParseProblem(name, 0, f"cannot read: {exc.strerror or exc}"))
        return result
    if start > 0 and encoding == "utf-8-sig":
        encoding = "utf-8"  # only the file's first range starts with the byte-order mark
    events: list[LogEvent] = []
    with handle:
        handle.seek(start)
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        carry, line, left = "", 1, end - start
        while left > 0:
            data = handle.read(min(scanner.block_size, left))
            if not data:
                break
            left -= len(data)
            text = carry + decoder.decode(data)
            if start == 0 and line == 1 and text.startswith("\ufeff"):
                text = text[1:]
            carry, complete = _cut(text)
            if complete:
                events.extend(scanner._block(complete, name, line, None))
                line += scanner._block_newlines(complete)
        rest = carry + decoder.decode(b"", final=True)
        if rest:
            complete = _normalise(rest) + "\n"
            events.extend(scanner._block(complete, name, line, None))
            line += scanner._block_newlines(complete)
    if scanner._pending is not None:  # a header on the file's last lines: as LogScanner.scan ends
        waiting, number, header = scanner._pending
        scanner._pending = None
        events.extend(scanner._emit(waiting, header, number, name))
    result.events = _portable(events)
    result.lines = line - 1
    result.candidates = scanner.candidates
    return result


def scan_sections(sections: list[tuple[str, list[tuple[int, str]]]], engine: str = "auto") -> list[RangeResult]:
    """Worker task: in-memory log sections ``(file, numbered lines)``, each scanned as ``logs.scan`` does."""
    out: list[RangeResult] = []
    for name, lines in sections:
        scanner = LogScanner(engine=engine)
        events = _portable(scanner.scan(lines, name))
        out.append(RangeResult(events, scanner.lines, scanner.candidates, list(scanner.problems)))
    return out


def merge(results: Sequence[RangeResult]) -> RangeResult:
    """Ranges of one file, in file order, as one result with file line numbers."""
    merged = RangeResult()
    offset = 0
    for part in results:
        if offset:
            merged.events.extend(replace(event, line=event.line + offset) for event in part.events)
        else:
            merged.events.extend(part.events)
        offset += part.lines
        merged.lines += part.lines
        merged.candidates += part.candidates
        merged.problems.extend(part.problems)
    return merged


def _range_task(path: str, name: str, encoding: str, engine: str, span: tuple[int, int]) -> RangeResult:
    return scan_range(path, name, span[0], span[1], encoding, engine)


def scan_partitioned(
    path: str | os.PathLike[str],
    file: str | None = None,
    *,
    executor: Any = None,
    parts: int | None = None,
    min_bytes: int = MIN_RANGE_BYTES,
    engine: str = "auto",
) -> RangeResult:
    """The events of one log file scanned as byte ranges on ``executor`` (an engine; local when None).

    Same events, line numbers, line and candidate counts as
    ``LogScanner().scan(path)``.
    """
    from .parallel import LocalEngine

    runner = executor if executor is not None else LocalEngine()
    source = os.fspath(path)
    name = file if file is not None else source
    try:
        encoding = _encoding(Path(source))
    except OSError as exc:
        return RangeResult(problems=[ParseProblem(name, 0, f"cannot read: {exc.strerror or exc}")])
    if encoding is None:
        return RangeResult(problems=[ParseProblem(name, 0, "binary file, skipped")])
    count = parts if parts is not None else max(1, runner.workers) * 2
    spans = plan_ranges(source, count, min_bytes)
    if len(spans) == 1 or encoding.startswith("utf-16"):
        scanner = LogScanner(engine=engine)
        events = list(scanner.scan(source, name))
        return RangeResult(events, scanner.lines, scanner.candidates, list(scanner.problems))
    collecting = gc.isenabled()
    gc.disable()  # the parent unpickles every event and keeps it
    try:
        return merge(runner.map(partial(_range_task, source, name, encoding, engine), spans))
    finally:
        if collecting:
            gc.enable()
