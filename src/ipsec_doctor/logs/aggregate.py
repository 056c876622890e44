"""Summaries of event streams: coverage, and per-(ID, host, peer) aggregation for huge logs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .event import LogEvent

AggregateKey = tuple[str | None, str | None, str | None, str | None]


@dataclass(slots=True)
class Aggregate:
    """Events of one (catalog ID, host, peer) — unknown lines are grouped by message key too.

    ``first``/``last`` are the first and last events seen (file order of the
    stream); ``events`` holds every event only when aggregated with
    ``keep_events=True``, so a billion-line log stays small otherwise.
    """

    id: str | None
    host: str | None
    peer: str | None
    key: str | None  # message key; set only for unrecognised events (id None)
    first: LogEvent
    last: LogEvent
    count: int = 1
    message_ids: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    events: list[LogEvent] = field(default_factory=list)

    @property
    def candidates(self) -> tuple[str, ...]:
        """Alternative catalog IDs the group's signature names."""
        return self.first.candidates


def coverage(events: Iterable[LogEvent]) -> tuple[int, int]:
    """``(recognised, vpn_total)``: events mapped to a catalog ID, and all events.

    Every event the reader yields is VPN-looking or recognised, so the ratio
    is the share of VPN log lines the knowledge base can explain.
    """
    recognised = total = 0
    for event in events:
        total += 1
        if event.id is not None:
            recognised += 1
    return recognised, total


def aggregate(events: Iterable[LogEvent], *, keep_events: bool = False) -> list[Aggregate]:
    """Group events by (catalog ID, host, peer), in order of first appearance.

    Memory grows with the number of distinct groups, not with the number of
    events (unless ``keep_events`` asks to keep every event in its group).
    """
    groups: dict[AggregateKey, Aggregate] = {}
    for event in events:
        peer = event.fields.get("peer")
        group_key: AggregateKey = (event.id, event.host, peer, None if event.id is not None else event.key)
        found = groups.get(group_key)
        if found is None:
            found = groups[group_key] = Aggregate(event.id, event.host, peer, group_key[3], event, event)
        else:
            found.count += 1
            found.last = event
        if event.message_id is not None and event.message_id not in found.message_ids:
            found.message_ids.append(event.message_id)
        if event.file not in found.files:
            found.files.append(event.file)
        if keep_events:
            found.events.append(event)
    return list(groups.values())
