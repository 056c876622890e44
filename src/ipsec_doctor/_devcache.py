"""Per-object memo tables for derived data (NAT rule regions, crypto flows, routes, ACL flow sets).

A :class:`~ipsec_doctor.model.Device` (like an ``AccessList``) is frozen, so
anything computed from it alone stays valid for as long as the object lives.  Several checks ask the
same questions of the same device (which NAT rule decides this flow? where
is this network routed?); answering each once keeps a diagnosis linear in
the size of the fleet.

Devices use ``__slots__`` without ``__weakref__``, so the table is keyed by
``id()`` and keeps the device itself next to its memo: while the entry
exists the object cannot be collected and its id cannot be reused.  The
table is bounded (oldest half dropped when full) so a long-running process
that analyses many snapshots does not grow without limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")
Obj = TypeVar("Obj")

_MAX_OBJECTS = 1 << 17

_store: dict[int, tuple[object, dict[str, Any]]] = {}


def memo(device: object) -> dict[str, Any]:
    """The memo dict of ``device`` (any frozen model object; created empty on first use).

    Callers pick their own keys, prefixed with their module name.
    """
    key = id(device)
    hit = _store.get(key)
    if hit is not None and hit[0] is device:
        return hit[1]
    if len(_store) >= _MAX_OBJECTS:
        for old in list(_store)[: _MAX_OBJECTS // 2]:
            del _store[old]
    table: dict[str, Any] = {}
    _store[key] = (device, table)
    return table


def memo_list(obj: Obj, key: str, build: Callable[[Obj], Iterable[T]]) -> list[T]:
    """``build(obj)``, computed once per object under ``key`` and kept as a tuple.

    Each call returns a new list, so a caller may change what it gets without
    touching the memo.
    """
    table = memo(obj)
    cached = table.get(key)
    if cached is None:
        cached = table[key] = tuple(build(obj))
    return list(cached)


def clear() -> None:
    """Forget every memo (tests, or a caller that wants the memory back)."""
    _store.clear()
