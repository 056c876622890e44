"""Keeping the cyclic garbage collector out of bulk work.

Loading, parsing, unpickling and analysing a fleet allocate millions of small
objects that live on and hold no reference cycles (tree nodes, addresses,
model values, findings).  Each full pass of the cyclic collector walks all of
them and frees nothing: on a 5,000-device fleet the passes were a quarter of
an analysis and a fifth of a load.  Reference counting still frees
everything; only cycle detection is paused.

The per-device parsers (``dialects/ios.py``, ``dialects/asa.py``) spell the
same thing out inline, because a generator context manager costs more than a
small spoke's whole tree.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; a caller that had disabled it keeps it disabled."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
