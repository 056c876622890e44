"""Evidence fusion: show output and logs joined to devices, tunnels and configuration findings.

Entry points (used by :func:`ipsec_doctor.analysis.analyze`)::

    Attacher(devices, tunnels)                        # attach.py: device and tunnel of a line
    collect(texts, attacher, mode) -> (items, coverage)   # events.py: observations and log lines
    fuse(findings, items, attacher, verdicts, checked)    # fuse.py: confirmed / observed / candidate
    check_symptoms(texts, findings, events, ...)          # symptoms.py: what users say
    add_captures(report, findings)                        # capture.py: pcap events and findings, fused
"""

from __future__ import annotations

from .attach import Attacher
from .capture import add_captures
from .events import AGGREGATE_ABOVE, EVENT_MODES, Coverage, Item, collect, events_of
from .fuse import fuse
from .symptoms import check_symptoms, match, render_list, symptoms

__all__ = [
    "AGGREGATE_ABOVE",
    "EVENT_MODES",
    "Attacher",
    "Coverage",
    "Item",
    "add_captures",
    "check_symptoms",
    "collect",
    "events_of",
    "fuse",
    "match",
    "render_list",
    "symptoms",
]
