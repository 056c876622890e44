"""Dialects: configuration text → :class:`~ipsec_doctor.model.Device`.

One module per platform family (``ios``, ``asa`` for ASA and PIX 6).  A
dialect turns text into the neutral model and nothing else; version
differences live in its tables.
"""

from __future__ import annotations

from ..inputs import ConfigSection
from ..model import Device, Platform


def parse_config(section: ConfigSection) -> Device:
    """Parse one device section with the dialect of its platform."""
    if section.platform is Platform.IOS:
        from .ios import parse_ios

        return parse_ios(section)
    from .asa import parse_asa

    return parse_asa(section)
