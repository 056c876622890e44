"""Show-command output: typed parsers (one module per command) and observations.

Entry points::

    parse_show(text_lines, platform=None, command=None) -> ShowResult   (registry.py)
    parse_sections(loaded.texts) -> list[ShowResult]
    observe(result) -> list[Observation]                                (observe.py)

Importing this package does not read the signature table; that happens on
the first :func:`observe` call.
"""

from __future__ import annotations

from .observe import Observation, observe, observe_sections
from .records import ShowResult
from .registry import COMMANDS, detect_command, identify_command, parse_section, parse_sections, parse_show

__all__ = [
    "COMMANDS",
    "Observation",
    "ShowResult",
    "detect_command",
    "identify_command",
    "observe",
    "observe_sections",
    "parse_section",
    "parse_sections",
    "parse_show",
]
