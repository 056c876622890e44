"""Scanning logs in parallel: byte ranges of one big file, or many files at once.

A big log is cut into byte ranges that end right after a line break, so every
range holds whole lines.  Each range is scanned on its own with line numbers
counted from 1; the parent adds the number of lines of the ranges before it.
The only state the reader carries from one line to the next is a legacy VPN
Client header waiting for its message line (up to two blank lines later):
a cut is moved down until none of the three lines before it is such a
header, so the merged events are exactly those of one sequential scan.

When the caller knows the events will be aggregated (``fold_above``), a
range folds its events into groups itself (see :class:`_Folder`) and sends
one event per group with its count and line span instead of every event:
pickling 150 k events back to the parent cost more than the scan saved.

:class:`~ipsec_doctor.logs.LogEvent` keeps ``fields`` in a read-only
mapping proxy; :mod:`.parallel` teaches pickle to carry those.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice, pairwise
from pathlib import Path
from typing import Any

from .._gc import collector_paused
from ..evidence.events import AGGREGATE_ABOVE, EventGroup, log_group_key
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


_FEED = 4096  # events handed to the folder at a time when a whole file is scanned in this process


@dataclass(slots=True)
class RangeResult:
    """What one range (or one in-memory section) yields: events with range-relative line numbers.

    ``groups`` is set instead of ``events`` when the range folded its events
    (first event, count and line span per :func:`~ipsec_doctor.evidence.events.log_group_key`).
    """

    events: list[LogEvent] = field(default_factory=list)
    lines: int = 0
    candidates: int = 0
    problems: list[ParseProblem] = field(default_factory=list)
    groups: list[EventGroup] | None = None


def fold_threshold(mode: str | None) -> int | None:
    """Past how many events a range may fold its own: ``--events`` mode → threshold, None = never.

    ``aggregate`` folds always; ``auto`` aggregates a log of more than
    :data:`AGGREGATE_ABOVE` events, so a range that alone has more knows the
    whole log will be; ``all`` (or an unknown caller's None) never folds.
    """
    if mode == "aggregate":
        return 0
    if mode == "auto":
        return AGGREGATE_ABOVE
    return None


class _Folder:
    """Collects a range's events, folding them into groups once more than ``above`` arrived."""

    __slots__ = ("above", "events", "groups")

    def __init__(self, above: int | None) -> None:
        self.above = above
        self.events: list[LogEvent] = []
        self.groups: dict[tuple[object, ...], EventGroup] | None = None

    def add(self, batch: Iterable[LogEvent]) -> None:
        if self.groups is not None:
            self._fold(batch)
            return
        self.events.extend(batch)
        if self.above is not None and len(self.events) > self.above:
            self.groups = {}
            self._fold(self.events)
            self.events = []

    def _fold(self, batch: Iterable[LogEvent]) -> None:
        groups = self.groups
        assert groups is not None
        for event in batch:
            key = log_group_key(event)
            group = groups.get(key)
            if group is None:
                groups[key] = EventGroup(event, 1, event.line, event.line)
                continue
            group.count += 1
            line = event.line
            if line < group.first_line:
                group.first_line = line
            elif line > group.last_line:
                group.last_line = line

    def finish(self, result: RangeResult) -> RangeResult:
        if self.groups is None:
            result.events = _portable(self.events)
        else:
            result.groups = list(self.groups.values())
        return result


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


def scan_range(
    path: str, name: str, start: int, end: int, encoding: str, engine: str = "auto", fold_above: int | None = None
) -> RangeResult:
    """Worker task: the events of bytes ``[start, end)`` of ``path``, line numbers counted from 1.

    Folded into groups once more than ``fold_above`` events were read (never when None).
    """
    # every event is kept until it is sent: the cyclic collector would walk them again and again
    with collector_paused():
        return _scan_range(path, name, start, end, encoding, engine, fold_above)


def _scan_range(
    path: str, name: str, start: int, end: int, encoding: str, engine: str, fold_above: int | None
) -> RangeResult:
    scanner = LogScanner(engine=engine)
    result = RangeResult()
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; a missing file is a problem, not a crash
    except OSError as exc:
        result.problems.append(ParseProblem(name, 0, f"cannot read: {exc.strerror or exc}"))
        return result
    if start > 0 and encoding == "utf-8-sig":
        encoding = "utf-8"  # only the file's first range starts with the byte-order mark
    events = _Folder(fold_above)
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
                events.add(scanner._block(complete, name, line, None))
                line += scanner._block_newlines(complete)
        rest = carry + decoder.decode(b"", final=True)
        if rest:
            complete = _normalise(rest) + "\n"
            events.add(scanner._block(complete, name, line, None))
            line += scanner._block_newlines(complete)
    if scanner._pending is not None:  # a header on the file's last lines: as LogScanner.scan ends
        waiting, number, header = scanner._pending
        scanner._pending = None
        events.add(scanner._emit(waiting, header, number, name))
    result.lines = line - 1
    result.candidates = scanner.candidates
    return events.finish(result)


def _scan_whole(scanner: LogScanner, source: Any, name: str, fold_above: int | None) -> RangeResult:
    """``scanner.scan(source)`` as one result, folded once more than ``fold_above`` events were read."""
    folder = _Folder(fold_above)
    stream = iter(scanner.scan(source, name))
    while batch := list(islice(stream, _FEED)):
        folder.add(batch)
    return folder.finish(RangeResult([], scanner.lines, scanner.candidates, list(scanner.problems)))


def scan_sections(
    sections: list[tuple[str, list[tuple[int, str]]]], engine: str = "auto", fold_above: int | None = None
) -> list[RangeResult]:
    """Worker task: in-memory log sections ``(file, numbered lines)``, each scanned as ``logs.scan`` does.

    A section with more than ``fold_above`` events comes back folded into groups.
    """
    return [_scan_whole(LogScanner(engine=engine), lines, name, fold_above) for name, lines in sections]


def merge(results: Sequence[RangeResult]) -> RangeResult:
    """Ranges of one file, in file order, as one result with file line numbers.

    When any range folded its events the whole file is folded (the others'
    events join the groups): a range only folds when the file's events will
    be aggregated anyway.  Groups keep the order of their first events, the
    first event of the earliest range, summed counts and the widest line span.
    """
    if any(part.groups is not None for part in results):
        return _merge_folded(results)
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


def _merge_folded(results: Sequence[RangeResult]) -> RangeResult:
    merged = RangeResult()
    groups: dict[tuple[object, ...], EventGroup] = {}
    offset = 0
    for part in results:
        if part.groups is not None:
            incoming = part.groups
        else:
            incoming = [EventGroup(event, 1, event.line, event.line) for event in part.events]
        for group in incoming:
            key = log_group_key(group.event)
            found = groups.get(key)
            if found is None:
                event = replace(group.event, line=group.event.line + offset) if offset else group.event
                groups[key] = EventGroup(event, group.count, group.first_line + offset, group.last_line + offset)
                continue
            found.count += group.count
            found.first_line = min(found.first_line, group.first_line + offset)
            found.last_line = max(found.last_line, group.last_line + offset)
        offset += part.lines
        merged.lines += part.lines
        merged.candidates += part.candidates
        merged.problems.extend(part.problems)
    merged.groups = list(groups.values())
    return merged


def _range_task(
    path: str, name: str, encoding: str, engine: str, fold_above: int | None, span: tuple[int, int]
) -> RangeResult:
    return scan_range(path, name, span[0], span[1], encoding, engine, fold_above)


def scan_partitioned(
    path: str | os.PathLike[str],
    file: str | None = None,
    *,
    executor: Any = None,
    parts: int | None = None,
    min_bytes: int = MIN_RANGE_BYTES,
    engine: str = "auto",
    fold_above: int | None = None,
) -> RangeResult:
    """The events of one log file scanned as byte ranges on ``executor`` (an engine; local when None).

    Same events, line numbers, line and candidate counts as
    ``LogScanner().scan(path)``; with ``fold_above`` (see :func:`fold_threshold`)
    the events may come back folded in ``groups`` instead.
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
        return _scan_whole(LogScanner(engine=engine), source, name, fold_above)
    with collector_paused():  # the parent unpickles every event and keeps it
        return merge(runner.map(partial(_range_task, source, name, encoding, engine, fold_above), spans))
