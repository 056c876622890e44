"""Small helpers shared by checks of every family.

They hold loops that many checks wrote alike: which devices a check looks
at (by platform), dropping the ``None`` of a per-item judgement, and
grouping a device's crypto flows by the crypto map entry they belong to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..findings import Finding
from ..model import Device, Platform
from ..natsim import CryptoFlow, crypto_flows
from . import Context


def devices_on(ctx: Context, *platforms: Platform) -> Iterator[Device]:
    """The context's devices whose platform is one of ``platforms``, in context order."""
    return (device for device in ctx.devices if device.platform in platforms)


def found(findings: Iterable[Finding | None]) -> Iterator[Finding]:
    """The findings that are not None, in order (for per-item judgements that may find nothing)."""
    return (finding for finding in findings if finding is not None)


def flows_by_entry(device: Device) -> list[list[CryptoFlow]]:
    """The device's crypto flows grouped by crypto map entry (map, sequence, dynamic), first-seen order."""
    groups: dict[tuple[str, int, bool], list[CryptoFlow]] = {}
    for flow in crypto_flows(device):
        groups.setdefault((flow.map_name, flow.seq, flow.entry.is_dynamic), []).append(flow)
    return list(groups.values())
