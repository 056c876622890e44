"""Loading and parsing a fleet in the workers: file paths go out, devices come back.

For a fleet (many files) the parent's serial share decided the speed-up:
reading, classifying and splitting every file, pickling every section out and
unpickling every device back.  Here the parent only walks the paths and cuts
the list of files into contiguous runs of about equal size; each worker
runs :func:`ipsec_doctor.inputs.load` on its run and parses the sections it
found, and sends back one :class:`FileBatch` per run.  The parent stitches
the batches together in path order, so records, sections, show/log texts and
problems are those of a local ``load`` (same order, same line numbers).

The files are read **by the workers at the same path**: with a Dask cluster
on several hosts they must sit on a file system every worker mounts at the
same place.  A single input file (or a few very uneven ones) gains nothing
from this and keeps the section path (:func:`.parallel.parse_sections`).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .._gc import collector_paused
from ..inputs import ConfigSection, InputRecord, Loaded, TextSection
from ..model import Device, ParseProblem, Platform
from .parallel import CHUNKS_PER_WORKER, chunk_evenly, current_salt, imap, use_salt

# Files above the reader's full-read limit are only read by their head (a log is then scanned later
# by byte range), so they weigh what is read, not their size.
_HEAD_WEIGHT = 1024 * 1024
_FULL_READ = 64 * 1024 * 1024


@dataclass(slots=True)
class FileBatch:
    """What one worker made of a run of files, in file order.

    ``records[i]`` are the input records of ``paths[i]`` (one, unless the path
    turned into a directory meanwhile); ``configs`` hold no lines (they were
    parsed in the worker) and ``devices[j]`` is the device of ``configs[j]``.
    """

    records: list[list[InputRecord]] = field(default_factory=list)
    configs: list[ConfigSection] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    texts: list[TextSection] = field(default_factory=list)


def load_and_parse(salt: bytes, platform: Platform | str | None, paths: list[str]) -> bytes:
    """Worker task: ``load`` each file of ``paths``, parse its config sections with the parent's salt.

    Returns the pickled :class:`FileBatch`.  Pickling here, with the cyclic
    collector still off, and dropping the objects at once spares the worker
    the collections that a million fresh objects waiting to be sent would
    cost (measured: 10.5 s of worker CPU against 7.7 s for a 10k fleet); one
    pickle per run also lets the memo share every repeated file name.
    """
    use_salt(salt)
    with collector_paused():
        return _load_and_parse(paths, platform)


def _load_and_parse(paths: list[str], platform: Platform | str | None) -> bytes:
    from ..dialects import parse_config
    from ..inputs import load

    batch = FileBatch()
    configs: list[ConfigSection] = []
    try:
        for path in paths:
            # One load per file keeps the records of each path apart; load never raises on user input.
            part = load([path], platform=platform)
            batch.records.append(part.inputs)
            configs.extend(part.configs)
            batch.texts.extend(part.texts)
        batch.devices = [parse_config(section) for section in configs]
        # The parent needs a section's file and hints only: its lines stay here.
        batch.configs = [ConfigSection(s.file, [], s.platform, s.name_hint, s.script) for s in configs]
        del configs
        return pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        del batch


def list_inputs(paths: Sequence[str | Path]) -> list[tuple[str, str | None]]:
    """Every ``(file, problem)`` under ``paths`` in ``load``'s order (problem None: a file to read)."""
    from ..inputs.reader import iter_paths

    return list(iter_paths(list(paths)))


def _weight(path: str) -> int:
    try:
        size = os.stat(path).st_size
    except OSError:
        return 1
    return (_HEAD_WEIGHT if size > _FULL_READ else size) + 1


def worth_splitting(files: Sequence[str], workers: int, weights: Sequence[int] | None = None) -> bool:
    """Whether cutting ``files`` into runs per worker can keep the workers evenly busy.

    It takes a few files per worker and no file heavier than a worker's share;
    otherwise (one big bundle, stdin saved to one file) the sections of the
    loaded files are spread instead.
    """
    if len(files) < 2 * max(1, workers):
        return False
    sizes = list(weights) if weights is not None else [_weight(f) for f in files]
    return max(sizes) * workers <= sum(sizes)


def load_on_engine(
    listing: Sequence[tuple[str, str | None]],
    engine: Any,
    platform: Platform | str | None = None,
    progress: Callable[[str], None] | None = None,
    weights: dict[str, int] | None = None,
) -> tuple[Loaded, list[Device]]:
    """``load`` of ``listing`` plus the devices of its sections, run on ``engine`` by runs of files.

    Returns what ``load(paths)`` and ``[parse_config(s) for s in loaded.configs]``
    return locally, except that the sections carry no lines.
    """
    files = [path for path, problem in listing if problem is None]
    if weights is None:
        weights = {path: _weight(path) for path in files}
    chunks = chunk_evenly(files, engine.workers * CHUNKS_PER_WORKER, weights.__getitem__)
    # Unpickling the devices makes a million objects that all live on: no cyclic collection meanwhile.
    # Each run is unpickled as soon as it arrives, while the workers still load the next ones.
    with collector_paused():
        task = partial(load_and_parse, current_salt(), platform)
        batches: list[FileBatch] = [pickle.loads(blob) for blob in imap(engine, task, chunks)]
    loaded = Loaded()
    devices: list[Device] = []
    per_file = iter([records for batch in batches for records in batch.records])
    for path, problem in listing:
        if problem is not None:  # as inputs.load reports a path it cannot walk or read
            loaded.inputs.append(InputRecord(path, "error", problems=[ParseProblem(path, 0, problem)]))
            continue
        loaded.inputs.extend(next(per_file, []))
        if progress is not None:
            progress(path)
    for batch in batches:
        loaded.configs.extend(batch.configs)
        loaded.texts.extend(batch.texts)
        devices.extend(batch.devices)
    return loaded, devices


def load_parallel(
    paths: Sequence[str | Path],
    engine: Any,
    platform: Platform | str | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Loaded, list[Device]]:
    """Load ``paths`` and parse every config section on ``engine``: ``(loaded, one device per section)``.

    Many files of comparable size are loaded and parsed in the workers by runs
    of files (:func:`load_on_engine`); otherwise the parent loads and only the
    sections are spread (:func:`.parallel.parse_sections`).  Either way the
    result equals a local ``load`` followed by parsing each section.
    """
    from ..inputs import load
    from .parallel import parse_sections

    listing = list_inputs(paths)
    files = [path for path, problem in listing if problem is None]
    if len(files) >= 2 * engine.workers:
        weights = {path: _weight(path) for path in files}
        if worth_splitting(files, engine.workers, list(weights.values())):
            return load_on_engine(listing, engine, platform, progress, weights)
    loaded = load(list(paths), platform=platform, progress=progress)
    return loaded, parse_sections(loaded.configs, engine)
