"""The Dask engine: the parallel steps of an analysis on a ``dask.distributed`` cluster.

``ipsec-doctor analyze --scheduler tcp://HOST:PORT ...`` connects a client to
a running scheduler; config sections and log byte ranges become tasks, and
the devices and events come back to the client, where pairing, the checks
and the evidence fusion run as in a local analysis.  Workers need the same
ipsec-doctor version installed and, for big logs scanned by byte range, the
log files at the same path (a shared file system); configuration text and
in-memory logs travel inside the tasks.

Dask is an optional extra (``pip install 'ipsec-doctor[dask]'``) and is
imported only here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Self, TypeVar

T = TypeVar("T")
R = TypeVar("R")


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
        if not items:
            return []
        # Scattered data goes straight to the workers (spread round robin) instead of inside the task
        # graph through the scheduler; pure=False: no hashing of big payloads to name the tasks.
        data = self._client.scatter(list(items), hash=False)
        futures = self._client.map(fn, data, pure=False)
        return list(self._client.gather(futures))

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
