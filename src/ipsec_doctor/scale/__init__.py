"""Scaling out: the same analysis on several local processes (``--jobs N``) or a Dask cluster (``--scheduler``).

Only the embarrassingly parallel steps leave the process: parsing each
device's configuration section and scanning logs (whole files, or byte
ranges of one big file cut at line breaks).  Pairing, negotiation, the
checks and the evidence fusion need every device at once and stay in the
parent, so a parallel run gives exactly the report of a local run.

Nothing here is imported by a plain ``ipsec-doctor analyze``: the process
pool and Dask are loaded only when asked for.
"""

from __future__ import annotations

from .parallel import Engine, LocalEngine, ProcessEngine, open_engine, parse_sections

__all__ = ["Engine", "LocalEngine", "ProcessEngine", "open_engine", "parse_sections"]
