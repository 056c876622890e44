"""The Dask engine: the parallel steps of an analysis on a ``dask.distributed`` cluster.

``ipsec-doctor analyze --scheduler tcp://HOST:PORT ...`` connects a client to
a running scheduler; runs of input files (a fleet), or config sections (one
big input), and log byte ranges become tasks, and the devices and events
come back to the client, where pairing, the checks and the evidence fusion
run as in a local analysis.  Workers need the same ipsec-doctor version
installed and the input files at the same path (a shared file system): a
fleet's files and big logs are read by the workers; the sections of a
single input and in-memory logs travel inside the tasks.

Dask is an optional extra (``pip install 'ipsec-doctor[dask]'``) and is
imported only here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Self, TypeVar

T = TypeVar("T")
R = TypeVar("R")


_SMALL_CHARS = 1 << 20


def _small(items: Sequence[object]) -> bool:
    """Whether ``items`` are lists of short strings (file paths) worth sending inside the tasks."""
    total = 0
    for item in items:
        if not isinstance(item, (list, tuple)) or not all(isinstance(x, str) for x in item):
            return False
        total += sum(map(len, item))
    return total < _SMALL_CHARS


class DaskUnavailable(RuntimeError):
    """``--scheduler`` was given but dask.distributed is not installed or the scheduler cannot be reached."""


class DaskEngine:
    """Maps tasks over the workers of the Dask scheduler at ``address``; results in input order."""

    def __init__(self, address: str, timeout: float = 10.0) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise DaskUnavailable("--scheduler needs dask.distributed: pip install 'ipsec-doctor[dask]'") from None
        try:
            self._client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise DaskUnavailable(f"cannot reach the Dask scheduler at {address} ({type(exc).__name__})") from None
        threads = self._client.nthreads()
        self.workers = max(1, sum(threads.values()))

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return list(self.imap(fn, items))

    def imap(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        """Results in input order, each fetched (and unpickled) as soon as its task ends."""
        if not items:
            return
        from distributed import as_completed

        if _small(items):
            # File paths: tasks carry them, and the scheduler hands each task to whichever worker is
            # free (scattered data would pin each task to the worker that holds its data).
            futures = self._client.map(fn, list(items), pure=False)
        else:
            # Scattered data goes straight to the workers (spread round robin) instead of inside the task
            # graph through the scheduler; pure=False: no hashing of big payloads to name the tasks.
            data = self._client.scatter(list(items), hash=False)
            futures = self._client.map(fn, data, pure=False)
        # A plain gather would wait for the last task before fetching anything: fetch each result as its
        # task ends, while the workers still run the others, and hand results on in input order.
        slot = {future.key: index for index, future in enumerate(futures)}
        ready: dict[int, R] = {}
        following = 0
        for future, result in as_completed(futures, loop=self._client.loop, with_results=True):
            ready[slot[future.key]] = result
            while following in ready:
                yield ready.pop(following)
                following += 1

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
