"""Engines that run independent tasks in parallel, and the parallel config parse.

An *engine* maps a module-level function over a list of picklable items and
returns the results in input order:

* :class:`LocalEngine` — in this process (``--jobs 1``; also the reference);
* :class:`ProcessEngine` — a :class:`concurrent.futures.ProcessPoolExecutor`
  with N processes (``--jobs N``);
* :class:`~.dask_engine.DaskEngine` — a Dask distributed cluster (``--scheduler``).

Secret digests are keyed with a salt that :mod:`ipsec_doctor.secrets` draws
at random per process.  A digest made in a worker is compared in the parent
(pairing and the PSK checks run there), so every task carries the parent's
salt and installs it before parsing: digests from any worker, any start
method (fork, spawn, a Dask worker on another host) compare exactly as in a
local run.
"""

from __future__ import annotations

import copyreg
import ipaddress
import multiprocessing
import operator
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from types import MappingProxyType
from typing import Any, Protocol, Self, TypeVar

from .._gc import collector_paused
from ..inputs import ConfigSection
from ..model import Device

T = TypeVar("T")
R = TypeVar("R")



def _mapping_proxy(content: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(content)


def _reduce_mapping_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _mapping_proxy, (dict(proxy),)


# The model keeps its tables in read-only mapping proxies, which pickle cannot send: teach it to send
# a copy of the dict and wrap it again on arrival.  Registered when this module is imported, which
# every worker does to run a task (plain pickle, the process pool and Dask all read copyreg).
copyreg.pickle(MappingProxyType, _reduce_mapping_proxy)


def _fast_reducer(cls: type, names: tuple[str, ...]) -> Callable[[Any], tuple[Any, tuple[Any, ...]]]:
    # attrgetter reads all fields in C: pickling a fleet's devices (in the workers) took a third less.
    getter = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda obj: (cls, (getter(obj),))
    return lambda obj: (cls, getter(obj))


def _register_value_classes() -> None:
    """Pickle the model's frozen dataclasses as constructor calls.

    A frozen slots dataclass unpickles through a ``__setstate__`` that looks
    its fields up again for every object; the parent unpickles every device
    of the fleet alone, so that cost decided the whole speed-up (measured:
    1,002 devices load in 0.77 s instead of 1.30 s).  Only classes whose
    every field is an ``__init__`` argument and that have no ``__post_init__``
    qualify: for them ``cls(*values)`` rebuilds the same value.
    """
    import dataclasses

    from .. import model, secrets
    from ..logs import event

    for module in (model, secrets, event):
        for cls in vars(module).values():
            if not (isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__):
                continue
            fields = dataclasses.fields(cls)
            if not fields or hasattr(cls, "__post_init__") or not all(f.init for f in fields):
                continue
            copyreg.pickle(cls, _fast_reducer(cls, tuple(f.name for f in fields)))


def _reduce_network(net: Any) -> Any:
    if getattr(net.network_address, "scope_id", None):
        return net.__reduce__()  # an IPv6 scope only survives the text form
    return type(net), ((int(net.network_address), net.prefixlen),)


def _reduce_interface(iface: Any) -> Any:
    if getattr(iface, "scope_id", None):
        return iface.__reduce__()
    return type(iface), ((int(iface), iface.network.prefixlen),)


# ipaddress sends networks and interfaces as text ("10.1.0.0/24"), parsed again octet by octet on
# arrival; an (integer, prefix length) pair builds the same value about 2.5 times faster.  A device
# holds a few dozen of them, so this was a fifth of the parent's unpickling.
for _net_cls in (ipaddress.IPv4Network, ipaddress.IPv6Network):
    copyreg.pickle(_net_cls, _reduce_network)
for _iface_cls in (ipaddress.IPv4Interface, ipaddress.IPv6Interface):
    copyreg.pickle(_iface_cls, _reduce_interface)

_register_value_classes()

# More chunks than workers evens out uneven sections; more than this costs pickling round trips for nothing.
CHUNKS_PER_WORKER = 4


class Engine(Protocol):
    """Runs ``fn`` over ``items`` somewhere; results come back in input order."""

    workers: int

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]: ...

    def close(self) -> None: ...


class LocalEngine:
    """Runs every task in this process, one after the other."""

    workers = 1

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [fn(item) for item in items]

    def imap(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        return (fn(item) for item in items)

    def close(self) -> None:
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _start_method() -> str:
    # fork shares the imported package (no per-worker start-up), but forking a process that runs
    # other threads can deadlock a child: then spawn, which re-imports and is always safe.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "spawn"


class ProcessEngine:
    """A pool of ``jobs`` worker processes (``concurrent.futures``)."""

    def __init__(self, jobs: int, start_method: str | None = None) -> None:
        self.workers = max(1, jobs)
        context = multiprocessing.get_context(start_method or _start_method())
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=use_salt, initargs=(current_salt(),)
        )

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return list(self._pool.map(fn, items))

    def imap(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        # Executor.map submits every task at once and yields each result once it and those before are done.
        return self._pool.map(fn, items)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def imap(engine: Any, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    """Results of ``fn`` over ``items`` in input order, each as soon as it is ready (``engine.map`` else)."""
    lazy = getattr(engine, "imap", None)
    if lazy is None:
        return iter(engine.map(fn, items))
    return lazy(fn, items)  # type: ignore[no-any-return]


def open_engine(jobs: int = 1, scheduler: str | None = None) -> Any:
    """The engine for ``--jobs`` / ``--scheduler``: Dask when a scheduler address is given."""
    if scheduler:
        from .dask_engine import DaskEngine

        return DaskEngine(scheduler)
    if jobs <= 1:
        return LocalEngine()
    return ProcessEngine(jobs)


def default_jobs() -> int:
    """The number of CPUs this process may use (``--jobs 0``)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- the salt


def current_salt() -> bytes:
    """This process's secret-digest salt (only ever handed to our own workers, never output)."""
    from .. import secrets

    return secrets._SALT


def use_salt(salt: bytes) -> None:
    """Make this (worker) process key its secret digests like the parent does."""
    from .. import secrets

    secrets._SALT = salt


# --------------------------------------------------------------------------- config sections


def chunk_evenly(items: Sequence[T], count: int, weight: Callable[[T], int]) -> list[list[T]]:
    """``items`` cut into at most ``count`` contiguous runs of about equal total ``weight``."""
    if not items:
        return []
    count = max(1, min(count, len(items)))
    total = sum(weight(item) for item in items) or 1
    target = total / count
    chunks: list[list[T]] = [[]]
    acc = 0
    for item in items:
        if chunks[-1] and acc >= target * len(chunks) and len(chunks) < count:
            chunks.append([])
        chunks[-1].append(item)
        acc += weight(item)
    return chunks


def parse_chunk(salt: bytes, sections: list[ConfigSection]) -> bytes:
    """Worker task: parse a run of config sections with the parent's salt; returns the pickled devices.

    Pickled here, while the cyclic collector is still off, so that the
    worker's collector never walks the fresh devices waiting to be sent
    (see :func:`.loadwork.load_and_parse`).
    """
    from ..dialects import parse_config

    use_salt(salt)
    with collector_paused():
        return pickle.dumps([parse_config(section) for section in sections], protocol=pickle.HIGHEST_PROTOCOL)


def _section_lines(section: ConfigSection) -> int:
    return len(section.lines) + 1


def parse_sections(sections: Sequence[ConfigSection], engine: Any) -> list[Device]:
    """``parse_config`` of every section on ``engine``, in section order."""
    if not sections:
        return []
    chunks = chunk_evenly(sections, engine.workers * CHUNKS_PER_WORKER, _section_lines)
    # Unpickling a fleet's devices makes a million small objects that all live on: the cyclic
    # collector would walk them (and the sections) again and again for nothing, as in inputs.load.
    # Each chunk is unpickled as soon as it arrives, while the workers parse the next ones.
    devices: list[Device] = []
    with collector_paused():
        for blob in imap(engine, partial(parse_chunk, current_salt()), chunks):
            devices.extend(pickle.loads(blob))
    return devices
