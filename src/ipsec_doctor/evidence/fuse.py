"""Fusing configuration findings with what show output and logs say.

Three outcomes for a piece of evidence that names catalog IDs:

* a configuration finding with one of those IDs exists on the same tunnel or
  device → the finding gains the evidence and becomes ``confirmed``;
* the evidence names one ID and no configuration finding has it → a new
  ``observed`` finding (severity: the catalog default);
* the evidence is ambiguous (several candidates, e.g. ``MM_WAIT_MSG2``,
  ``Reason 433``) and no configuration finding explains it → a ``candidate``
  finding that ranks the candidates given the configurations at hand and
  names the command that tells them apart.

"Given the configurations" means: a candidate a check already reported on
that tunnel ranks first; a candidate whose check saw both ends and found
nothing is ruled out (dropped from the list, said in the detail).  One
finding per (id, tunnel or device, cause) still holds: evidence is merged
into the finding of the same identity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..findings import Evidence, Finding, Severity
from .attach import Attacher
from .events import Item, counters_text

# IDs that name a symptom rather than a cause: their own finding is reported
# (observed) and the causes they list are confirmed where a check found them.
UMBRELLA_IDS = frozenset({"P2-ONEWAY", "RA-REASON433"})

# Checks that read both ends of a tunnel (or the one device) completely: when
# they report nothing on a two-sided tunnel, the configurations rule the cause out.
CONCLUSIVE_IDS = frozenset({
    "P1-ENABLE", "P1-POLICY", "P1-PSK", "P1-IDENTITY", "P2-TRANSFORM", "P2-PFS", "P2-MIRROR", "P2-NOHASH",
    "TG-NAME", "CM-DYNORDER", "NAT-EXEMPT", "FW-SYSOPT", "V2-PROPOSAL", "V2-PSK", "V2-IDENTITY",
})
_RULED_OUT_WHY = {
    "P1-ENABLE": "IKE is enabled on the tunnel interface of both ends",
    "P1-POLICY": "the phase 1 policies of both ends have a match",
    "P1-PSK": "the pre-shared keys of both ends agree",
    "P2-TRANSFORM": "both ends share a transform set",
    "P2-PFS": "the PFS settings of both ends agree",
    "P2-MIRROR": "the crypto ACLs of both ends mirror each other",
    "TG-NAME": "the tunnel-group names match the peer addresses",
    "NAT-EXEMPT": "the tunnel traffic is exempted from NAT",
    "FW-SYSOPT": "decrypted traffic bypasses the interface ACLs or is permitted",
}
MAX_EVIDENCE_PER_KIND = 5


@dataclass(slots=True)
class _Slot:
    """A finding being built: the finding plus what the evidence adds to it."""

    finding: Finding
    evidence: list[Evidence] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)  # kind → lines not quoted
    seen: list[str] = field(default_factory=list)  # one-line summaries of the evidence
    confirmed: bool = False
    candidates: list[str] = field(default_factory=list)
    ruled_out: dict[str, str] = field(default_factory=dict)

    def add(self, item: Item) -> None:
        quoted = sum(1 for e in self.evidence if e.kind == item.kind)
        if quoted >= MAX_EVIDENCE_PER_KIND:
            self.more[item.kind] = self.more.get(item.kind, 0) + item.count
            return
        text = item.text
        if item.count > 1:
            text = f"{text} [seen {item.count} times, lines {item.first_line}-{item.last_line}]"
        self.evidence.append(Evidence(item.file, item.line, text, item.kind))
        summary = describe(item)
        if summary not in self.seen:
            self.seen.append(summary)


def describe(item: Item) -> str:
    """A short label of the evidence: ``MM_WAIT_MSG6 in `show crypto isakmp sa` on HQ-ASA``."""
    where = f" on {item.device}" if item.device else ""
    peer = f" (peer {item.peer})" if item.peer else ""
    if item.kind == "show":
        state = str(item.fields.get("state", ""))
        counters = counters_text(item.fields)
        state = f"{state} ({counters})" if counters else state
        return f"{state} in `{item.message_id}`{where}{peer}"
    if item.kind == "pcap":  # one summary per capture finding: where the exchange stops
        name = item.file.replace("\\", "/").rsplit("/", 1)[-1]
        return f"capture {name}: {item.fields.get('stop') or item.message_id or 'packets'}"
    label = item.message_id or "log line"
    return f"{label}{where}{peer}" + (f", {item.count} times" if item.count > 1 else "")


def _catalog(catalog_id: str) -> Any:
    from ..knowledge import kb

    try:
        return kb.entry(catalog_id)
    except KeyError:
        return None


class Fuser:
    """Holds the findings while evidence is folded into them."""

    def __init__(self, findings: Sequence[Finding], attacher: Attacher, verdicts: Mapping[str, Any],
                 checked: Iterable[str]) -> None:
        self.attacher = attacher
        self.verdicts = verdicts
        self.checked = frozenset(checked)
        self.slots: dict[tuple[Any, ...], _Slot] = {}
        self.order: list[tuple[Any, ...]] = []
        for f in findings:
            self._put(f)

    def _put(self, finding: Finding) -> _Slot:
        key = finding.identity()
        if key not in self.slots:
            self.slots[key] = _Slot(finding)
            self.order.append(key)
        return self.slots[key]

    # -- scope ---------------------------------------------------------------------------------

    def _scope_devices(self, item: Item) -> set[str]:
        if item.tunnel:
            return set(self.attacher.tunnel_devices(item.tunnel))
        return {item.device} if item.device else set()

    def config_slots(self, catalog_id: str, item: Item) -> list[_Slot]:
        """Configuration findings with ``catalog_id`` that concern the item's tunnel or device."""
        devices = self._scope_devices(item)
        out: list[_Slot] = []
        for key in self.order:
            slot = self.slots[key]
            f = slot.finding
            if f.id != catalog_id or f.confidence not in ("config", "confirmed"):
                continue
            if item.tunnel:
                if f.tunnel == item.tunnel or (f.tunnel is None and devices & set(f.devices)):
                    out.append(slot)
            elif devices:
                if devices & set(f.devices):
                    out.append(slot)
            else:  # nothing says where the line was read (a VPN Client log): any device of the snapshot
                out.append(slot)
        return self._prefer_side(out, item)

    def _prefer_side(self, slots: list[_Slot], item: Item) -> list[_Slot]:
        """Of per-device findings on one tunnel, keep those on the side the evidence points at.

        ``#pkts encaps: 0`` read on D blames D's own return path (side
        "local"); ``decaps: 0`` blames the peer.  A NAT-exemption finding on
        each end is then confirmed only where the counters say it bites.
        """
        if not item.tunnel or not item.device or len(slots) < 2:
            return slots
        side = item.fields.get("side")
        ends = set(self.attacher.tunnel_devices(item.tunnel))
        blamed = {item.device} if side != "peer" else ends - {item.device}
        preferred = [s for s in slots if blamed & set(s.finding.devices)]
        return preferred or slots

    def ruled_out(self, catalog_id: str, item: Item) -> str | None:
        """Why the configurations rule ``catalog_id`` out for this evidence, or None."""
        if catalog_id not in CONCLUSIVE_IDS or catalog_id not in self.checked:
            return None
        if not self.attacher.is_two_sided(item.tunnel):
            return None  # one end unseen: its configuration may hold the fault
        if self.config_slots(catalog_id, item):
            return None
        verdict = self.verdicts.get(item.tunnel or "")
        if catalog_id == "P1-POLICY" and getattr(verdict, "phase1", None) == "up":
            return "negotiating the two configurations says the phase 1 policies match"
        why = _RULED_OUT_WHY.get(catalog_id, f"the {catalog_id} check found nothing on either end")
        return f"ruled out by config: {why}"

    def rank(self, ids: Sequence[str], item: Item) -> tuple[list[str], dict[str, str], set[str]]:
        """(candidates most likely first, ruled out with reasons, those a check already reported)."""
        found = {c for c in ids if self.config_slots(c, item)}
        ruled = {c: why for c in ids if c not in found and (why := self.ruled_out(c, item))}
        order = {c: i for i, c in enumerate(ids)}
        kept = sorted((c for c in ids if c not in ruled), key=lambda c: (c not in found, order[c]))
        if not kept:  # everything ruled out: the configs at hand cannot explain it; keep the table's order
            kept, ruled = list(ids), {}
        return kept, ruled, found

    # -- folding -------------------------------------------------------------------------------

    def fold(self, item: Item) -> None:
        ids = item.ids
        if not ids or item.healthy:
            return
        if item.id in UMBRELLA_IDS:
            entry = _catalog(item.id)
            causes = tuple(dict.fromkeys((*item.candidates, *(entry.candidates if entry else ()))))
            causes = tuple(c for c in causes if c != item.id)
            kept, ruled, found = self.rank(causes, item)
            for cause in found:
                self._confirm(cause, item, [c for c in kept if c != cause])
            own = self.config_slots(item.id, item)
            slot = own[0] if own else self._new(item.id, item, "observed")
            if own:
                slot.confirmed = True
            slot.add(item)
            self._merge_candidates(slot, kept, ruled)
            return
        kept, ruled, found = self.rank(ids, item)
        if found:
            for cause in found:
                self._confirm(cause, item, [c for c in kept if c != cause], ruled)
            return
        if len(ids) == 1:
            self._new(ids[0], item, "observed").add(item)
            return
        slot = self._new(kept[0], item, "candidate")
        slot.add(item)
        self._merge_candidates(slot, kept[1:], ruled)

    def _confirm(self, catalog_id: str, item: Item, others: list[str], ruled: Mapping[str, str] | None = None) -> None:
        for slot in self.config_slots(catalog_id, item):
            slot.confirmed = True
            slot.add(item)
            self._merge_candidates(slot, others, ruled or {})

    @staticmethod
    def _merge_candidates(slot: _Slot, candidates: Iterable[str], ruled: Mapping[str, str]) -> None:
        for c in candidates:
            if c != slot.finding.id and c not in slot.candidates and c not in slot.finding.candidates:
                slot.candidates.append(c)
        for c, why in ruled.items():
            slot.ruled_out.setdefault(c, why)

    def _new(self, catalog_id: str, item: Item, confidence: str) -> _Slot:
        entry = _catalog(catalog_id)
        devices = self.attacher.tunnel_devices(item.tunnel) if item.tunnel else ((item.device,) if item.device else ())
        finding = Finding(
            id=catalog_id,
            severity=entry.severity if entry is not None else Severity.WARNING,
            title=_title(catalog_id, item, entry, confidence),
            devices=tuple(sorted(devices)),
            tunnel=item.tunnel,
            detail=_detail(item, entry),
            caution=entry.caution if entry is not None else None,
            confidence=confidence,
            key="evidence",  # show and log lines of one ID on one tunnel make one finding
        )
        key = finding.identity()
        if key in self.slots:
            return self.slots[key]
        return self._put(finding)

    # -- result --------------------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        for key in self.order:
            slot = self.slots[key]
            f = slot.finding
            if not slot.evidence and not slot.candidates and not slot.confirmed:
                out.append(f)
                continue
            detail = f.detail
            extra = dict(f.extra)
            if slot.seen and f.confidence in ("config", "confirmed"):
                detail = _join(detail, "Confirmed by " + "; ".join(slot.seen) + ".")
            candidates = tuple(dict.fromkeys((*f.candidates, *slot.candidates)))
            if slot.candidates and f.confidence == "candidate":
                detail = _join(detail, "Most likely first: " + ", ".join(_named(c) for c in (f.id, *candidates)) + ".")
            if slot.ruled_out:
                extra["ruled_out"] = dict(slot.ruled_out)
                detail = _join(detail, " ".join(f"{c}: {why}." for c, why in slot.ruled_out.items()))
            if candidates or f.confidence == "candidate":
                hint = _distinguish((f.id, *candidates))
                if hint:
                    detail = _join(detail, f"To tell them apart: {hint}")
            for kind, n in sorted(slot.more.items()):
                detail = _join(detail, f"({n} more {kind} line(s) not quoted.)")
            confidence = "confirmed" if slot.confirmed and f.confidence in ("config", "confirmed") else f.confidence
            out.append(replace(
                f,
                evidence=tuple(dict.fromkeys(f.evidence + tuple(slot.evidence))),
                confidence=confidence,
                candidates=candidates,
                detail=detail,
                extra=extra,
            ))
        return out


def _join(text: str, more: str) -> str:
    return f"{text}\n{more}" if text else more


def _named(catalog_id: str) -> str:
    entry = _catalog(catalog_id)
    return f"{catalog_id} ({entry.title})" if entry is not None else catalog_id


def _distinguish(ids: Iterable[str]) -> str | None:
    """The first ``distinguish`` text of the candidates, most likely first (show/debug before clear)."""
    for catalog_id in ids:
        entry = _catalog(catalog_id)
        if entry is not None and entry.distinguish:
            return entry.distinguish
    return None


def _title(catalog_id: str, item: Item, entry: Any, confidence: str) -> str:
    seen = describe(item)
    if confidence == "candidate":
        return f"{seen}: most likely {catalog_id}, other causes possible"
    what = entry.title if entry is not None else catalog_id
    return f"{what} — seen as {seen}"


def _detail(item: Item, entry: Any) -> str:
    parts: list[str] = []
    if item.meaning:
        parts.append(item.meaning)
    elif entry is not None:
        parts.append(entry.what)
    where = f"{item.file}:{item.line}"
    parts.append(f"Read in {where}" + (f" and {item.count - 1} more line(s) up to line {item.last_line}"
                                        if item.count > 1 else "") + "; no configuration check reports it.")
    return "\n".join(parts)


def fuse(findings: Sequence[Finding], items: Iterable[Item], attacher: Attacher, verdicts: Mapping[str, Any],
         checked: Iterable[str]) -> list[Finding]:
    """Findings with the evidence of ``items`` folded in (see the module docstring)."""
    fuser = Fuser(findings, attacher, verdicts, checked)
    for item in items:
        fuser.fold(item)
    return fuser.findings()
