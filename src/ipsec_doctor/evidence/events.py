"""From show/log sections to evidence items and the ``events`` of the report.

An :class:`Item` is one observation (show output) or one log line — or, when
a log is aggregated, one group of lines with the same (catalog ID, device,
peer) — already attached to its device and tunnel.  Logs are streamed: a log
section that only names its file (``TextSection.path``) is never held in
memory, and once a log passes :data:`AGGREGATE_ABOVE` events its events are
folded into groups, so memory grows with the number of groups only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .attach import Attacher

AGGREGATE_ABOVE = 10_000
_SEEN_MAX = 1 << 16  # event keys remembered while aggregating a log
EVENT_MODES = ("auto", "all", "aggregate")


@dataclass(slots=True)
class Item:
    """One piece of evidence read from show output or a log."""

    kind: str  # show | log
    file: str
    line: int
    id: str | None
    candidates: tuple[str, ...]
    message_id: str | None
    fields: dict[str, Any]
    text: str  # the redacted line
    device: str | None = None
    tunnel: str | None = None
    healthy: bool = False
    meaning: str = ""
    count: int = 1
    first_line: int = 0
    last_line: int = 0
    aggregated: bool = False

    @property
    def ids(self) -> tuple[str, ...]:
        """The catalog IDs this evidence may stand for, most likely first."""
        if self.id is None:
            return ()
        return tuple(dict.fromkeys((self.id, *self.candidates)))

    @property
    def peer(self) -> str | None:
        value = self.fields.get("peer")
        return str(value) if value else None

    def as_event(self) -> dict[str, Any]:
        """The OUTPUT.md event: file, line, id, message_id, fields (+ additive members)."""
        out: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "id": self.id,
            "message_id": self.message_id,
            "fields": dict(sorted(self.fields.items())),
            "kind": self.kind,
            "device": self.device,
            "tunnel": self.tunnel,
            "candidates": list(self.candidates),
        }
        if self.healthy:
            out["healthy"] = True
        if self.aggregated:
            out["count"] = self.count
            out["first_line"] = self.first_line
            out["last_line"] = self.last_line
        return out


@dataclass(slots=True)
class Coverage:
    """Recognised evidence lines against all VPN-looking ones, per kind."""

    recognised: int = 0
    vpn_lines: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: {"show": [0, 0], "log": [0, 0]})

    def add(self, kind: str, recognised: bool, count: int = 1) -> None:
        self.vpn_lines += count
        self.by_kind[kind][1] += count
        if recognised:
            self.recognised += count
            self.by_kind[kind][0] += count

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"recognised": self.recognised, "vpn_lines": self.vpn_lines}
        for kind, (recognised, total) in sorted(self.by_kind.items()):
            out[kind] = {"recognised": recognised, "vpn_lines": total}
        return out

    @property
    def percent(self) -> float:
        return 100.0 * self.recognised / self.vpn_lines if self.vpn_lines else 100.0


# --------------------------------------------------------------------------- show output


def _show_items(sections: Iterable[Any], attacher: Attacher) -> Iterator[Item]:
    from ..show import observe, parse_section

    for section in sections:
        result = parse_section(section)
        for obs in observe(result, section.lines):
            device = attacher.device(obs.device_hint or section.device_hint, None, obs.source.file)
            fields: dict[str, Any] = {"state": obs.value, "topic": obs.topic}
            for name in ("peer", "local", "side"):
                value = getattr(obs, name)
                if value:
                    fields[name] = value
            if obs.counters:
                fields["counters"] = dict(obs.counters)
            if obs.detail:
                fields["detail"] = obs.detail
            yield Item(
                kind="show",
                file=obs.source.file,
                line=obs.source.line,
                id=obs.id,
                candidates=tuple(c for c in obs.candidates if c != obs.id),
                message_id=obs.command or result.command,
                fields=fields,
                text=obs.source.text,
                device=device,
                tunnel=attacher.tunnel(device, obs.peer, obs.local),
                healthy=obs.healthy,
                meaning=obs.meaning,
                first_line=obs.source.line,
                last_line=obs.source.line,
            )


# --------------------------------------------------------------------------- logs


def log_group_key(event: Any) -> tuple[Any, ...]:
    """The key that decides an event's aggregate group before its device is resolved.

    (catalog ID, host, peer, message ID when no ID, file): the device is a
    function of the host and the file, so events with equal keys always land
    in one aggregate item.  Workers fold by this key (:mod:`ipsec_doctor.scale`).
    """
    event_id = event.id
    return (event_id, event.host, event.fields.get("peer"), None if event_id is not None else event.message_id,
            event.file)


@dataclass(slots=True)
class EventGroup:
    """Events of one log with one :func:`log_group_key`, folded where they were read.

    ``event`` is the group's first event as a sequential scan yields it (its
    line is the file's absolute number); ``first_line``/``last_line`` are the
    smallest and largest line of the group.
    """

    event: Any
    count: int
    first_line: int
    last_line: int


class FoldedEvents(list[EventGroup]):
    """A log section's events already folded into groups (in the order of their first events).

    Set as ``TextSection.events`` only when the section will certainly be
    aggregated (``--events aggregate``, or ``auto`` with more than
    :data:`AGGREGATE_ABOVE` events); :func:`collect` then builds one item per
    group instead of one per line, with the same result.
    """


def _log_item(event: Any, section: Any, attacher: Attacher) -> Item:
    device = attacher.device(section.device_hint, event.host, event.file)
    fields = dict(event.fields)
    if event.timestamp:
        fields["time"] = event.timestamp
    if event.host:
        fields["host"] = event.host
    return Item(
        kind="log",
        file=event.file,
        line=event.line,
        id=event.id,
        candidates=tuple(c for c in event.candidates if c != event.id),
        message_id=event.message_id,
        fields=fields,
        text=event.raw,
        device=device,
        tunnel=attacher.tunnel(device, event.peer),
        first_line=event.line,
        last_line=event.line,
    )


def _events_of(section: Any) -> Iterator[Any]:
    from ..logs import scan

    prescanned = getattr(section, "events", None)
    if prescanned is not None:  # scanned already, in parallel (ipsec_doctor.scale)
        return iter(prescanned)
    if getattr(section, "path", None):
        return scan(section.path, section.file)  # streamed: the file may be bigger than memory
    return scan(section.lines, section.file)


def _fold(groups: dict[tuple[Any, ...], Item], item: Item) -> None:
    key = _fold_key(item)
    found = groups.get(key)
    if found is None:
        item.aggregated = True
        groups[key] = item
        return
    # an item may stand for a group folded in a worker already: its count and line span add up
    found.count += item.count
    found.first_line = min(found.first_line, item.first_line)
    found.last_line = max(found.last_line, item.last_line)


def _fold_key(item: Item) -> tuple[Any, ...]:
    return (item.id, item.device, item.peer, None if item.id is not None else item.message_id, item.file)


def _folded_items(section: Any, folded: FoldedEvents, attacher: Attacher, coverage: Coverage) -> list[Item]:
    """One item per aggregate group from groups folded in the workers (same result as folding here)."""
    groups: dict[tuple[Any, ...], Item] = {}
    for group in folded:
        item = _log_item(group.event, section, attacher)
        item.count, item.first_line, item.last_line = group.count, group.first_line, group.last_line
        coverage.add("log", item.id is not None, group.count)
        _fold(groups, item)  # hosts of one device (and peer spellings) still meet here
    return list(groups.values())


def _log_items(section: Any, attacher: Attacher, mode: str, coverage: Coverage) -> list[Item]:
    folded = getattr(section, "events", None)
    if isinstance(folded, FoldedEvents):
        # folded only when aggregation was certain; a caller that asked otherwise still gets groups
        return _folded_items(section, folded, attacher, coverage)
    kept: list[Item] = []
    groups: dict[tuple[Any, ...], Item] = {}
    # Aggregating: the group of an event is known from its own (id, host, peer, message id, file),
    # since the device is a function of host and file; an event of a group already seen only
    # bumps that group's counters, without an Item built and thrown away.
    seen: dict[tuple[Any, ...], Item] = {}
    aggregating = mode == "aggregate"
    for event in _events_of(section):
        if aggregating:
            event_id = event.id
            # log_group_key(event), spelled out: this runs once per log line
            quick = (event_id, event.host, event.fields.get("peer"), None if event_id is not None else event.message_id,
                     event.file)
            group = seen.get(quick)
            if group is not None:
                coverage.add("log", event_id is not None)
                group.count += 1
                group.first_line = min(group.first_line, event.line)
                group.last_line = max(group.last_line, event.line)
                continue
        item = _log_item(event, section, attacher)
        coverage.add("log", item.id is not None)
        if aggregating:
            _fold(groups, item)
            if len(seen) >= _SEEN_MAX:
                seen.clear()  # only a shortcut: a forgotten key folds the long way, into the same group
            seen[quick] = groups[_fold_key(item)]
            continue
        kept.append(item)
        if mode == "auto" and len(kept) > AGGREGATE_ABOVE:
            aggregating = True  # a big log: from now on one entry per (id, device, peer)
            for earlier in kept:
                _fold(groups, earlier)
            kept = []
    return list(groups.values()) if aggregating else kept


def collect(sections: Iterable[Any], attacher: Attacher, mode: str = "auto") -> tuple[list[Item], Coverage]:
    """Evidence items of every show/log section, and the coverage of the logs and show output.

    ``mode``: ``"all"`` keeps one item per line, ``"aggregate"`` one per
    (ID, device, peer), ``"auto"`` aggregates a log only past
    :data:`AGGREGATE_ABOVE` events.
    """
    if mode not in EVENT_MODES:
        mode = "auto"
    coverage = Coverage()
    items: list[Item] = []
    sections = list(sections)
    for item in _show_items((s for s in sections if s.kind == "show"), attacher):
        coverage.add("show", item.id is not None or item.healthy)
        items.append(item)
    for section in sections:
        if section.kind == "log":
            items.extend(_log_items(section, attacher, mode, coverage))
    items.sort(key=lambda i: (i.file, i.line))
    return items, coverage


def events_of(items: Iterable[Item]) -> list[dict[str, Any]]:
    """The report's ``events`` list."""
    return [item.as_event() for item in items]


def counters_text(fields: Mapping[str, Any]) -> str:
    counters = fields.get("counters")
    if not isinstance(counters, Mapping):
        return ""
    return ", ".join(f"{k} {v}" for k, v in counters.items())
