"""Reading the user's files: decoding, classification, splitting into device sections.

Contract (used by the pipeline in ``analysis.py``)::

    load(paths, platform=None) -> Loaded

``Loaded.inputs`` has one :class:`InputRecord` per file seen (kind, platform,
device, problems); ``Loaded.configs`` one :class:`ConfigSection` per device
configuration found (a file may hold several); ``Loaded.texts`` the show/log
files for the evidence readers.  Nothing here raises on bad user input: a
problem becomes a :class:`~ipsec_doctor.model.ParseProblem` on the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import ParseProblem, Platform


@dataclass(slots=True)
class ConfigSection:
    """One device's configuration text, preamble/prompts removed.

    ``lines`` keeps the original 1-based line numbers of the file so evidence
    points at the user's file.  ``name_hint`` is a hostname seen in a prompt.
    """

    file: str
    lines: list[tuple[int, str]] = field(repr=False)  # may hold keys: never in a repr
    platform: Platform
    name_hint: str | None = None
    script: bool = False  # a CLI script (conf t ... end) rather than show run


@dataclass(slots=True)
class TextSection:
    """A show-output or log file (or a part of one), for the evidence readers."""

    file: str
    kind: str  # "show" | "log"
    lines: list[tuple[int, str]] = field(repr=False)
    platform: Platform | None = None
    device_hint: str | None = None
    command: str | None = None  # the show command, when recognised
    path: str | None = None  # a log too big to hold: ``lines`` is empty and the reader streams this file
    events: list[Any] | None = field(default=None, repr=False)  # log events already read (ipsec_doctor.scale)


@dataclass(slots=True)
class InputRecord:
    file: str
    kind: str  # config | show | log | pcap | unknown | error
    platform: str | None = None
    device: str | None = None
    problems: list[ParseProblem] = field(default_factory=list)


@dataclass(slots=True)
class Loaded:
    inputs: list[InputRecord] = field(default_factory=list)
    configs: list[ConfigSection] = field(default_factory=list)
    texts: list[TextSection] = field(default_factory=list)


from .load import load

__all__ = ["ConfigSection", "InputRecord", "Loaded", "TextSection", "load"]
