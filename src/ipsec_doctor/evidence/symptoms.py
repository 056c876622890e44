"""What users say ("clients lose internet when connected") → catalog candidates → what the configs say.

The phrases live in ``knowledge/symptoms.toml``.  Matching is keyword
scoring: each keyword found in the user's words scores 1 (a keyword of digits,
a client reason code, scores 3); words match without case, with plural and
-ing/-ed endings dropped, and long words tolerate one typo.  Each candidate
of a matched symptom is then checked against the analysis: a finding with
that ID supports it, evidence (show/log) observed it, a check that ran over
the relevant configuration and found nothing rules it out, otherwise the
configuration cannot tell.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..findings import Finding

MIN_SCORE = 2
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Symptom:
    """One user-reported symptom of ``symptoms.toml``."""

    name: str
    phrase: str
    keywords: tuple[str, ...]
    candidates: tuple[str, ...]
    ask: str = ""


@cache
def symptoms() -> tuple[Symptom, ...]:
    """Every symptom of the shipped table, in file order."""
    with resources.files("ipsec_doctor.knowledge").joinpath("symptoms.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(
        Symptom(raw["name"], raw["phrase"], tuple(raw["keywords"]), tuple(raw["candidates"]), raw.get("ask", ""))
        for raw in data.get("symptom", [])
    )


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _close(a: str, b: str) -> bool:
    """Equal, or one edit apart for words of 5+ letters (typos such as ``intenret``)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1 or a.isdigit() or b.isdigit():
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _tokens(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower())]


def _has(words: Sequence[str], keyword: str) -> bool:
    wanted = _tokens(keyword)
    if not wanted:
        return False
    n = len(wanted)
    for start in range(len(words) - n + 1):
        if all(_close(words[start + i], wanted[i]) for i in range(n)):
            return True
    return False


def score(text: str, symptom: Symptom) -> int:
    """How well the user's words match a symptom (0: not at all)."""
    words = _tokens(text)
    total = 0
    for keyword in symptom.keywords:
        if _has(words, keyword):
            total += 3 if keyword.strip().isdigit() else 1
    return total


def match(text: str, limit: int = 3) -> list[tuple[Symptom, int]]:
    """Symptoms matching ``text``, best first; those within reach of the best one only."""
    scored = [(s, score(text, s)) for s in symptoms()]
    scored = [(s, n) for s, n in scored if n >= MIN_SCORE]
    if not scored:
        return []
    best = max(n for _s, n in scored)
    scored = [(s, n) for s, n in scored if n * 2 >= best]
    scored.sort(key=lambda pair: -pair[1])  # stable: file order breaks ties
    return scored[:limit]


# --------------------------------------------------------------------------- checking against the configs


def _catalog(catalog_id: str) -> Any:
    from ..knowledge import kb

    try:
        return kb.entry(catalog_id)
    except KeyError:
        return None


def _applicable(catalog_id: str, devices: Sequence[Any], tunnels: Sequence[Any]) -> bool:
    """Whether the configuration at hand is the kind a check for ``catalog_id`` reads."""
    if catalog_id.startswith("RA-"):
        return any(
            getattr(d, "client_groups", None) or getattr(d, "pools", None)
            or any((getattr(g, "type", "") or "") in ("remote-access", "ipsec-ra") for g in d.tunnel_groups.values())
            for d in devices
        )
    if catalog_id.startswith(("P1-", "P2-", "CM-", "TG-", "V2-", "VTI-")):
        return any(not getattr(t, "one_sided", False) and len(t.ends) == 2 for t in tunnels)
    return bool(devices)


def assess(
    catalog_id: str,
    findings: Sequence[Finding],
    events: Sequence[Mapping[str, Any]],
    devices: Sequence[Any],
    tunnels: Sequence[Any],
    checked: Iterable[str],
) -> dict[str, Any]:
    """What the analysis says about one candidate: supported, observed, ruled out, or cannot tell."""
    entry = _catalog(catalog_id)
    out: dict[str, Any] = {"id": catalog_id, "title": entry.title if entry is not None else catalog_id}
    hits = [f for f in findings if f.id == catalog_id]
    if hits:
        confirmed = any(f.confidence == "confirmed" for f in hits)
        out["status"] = "confirmed" if confirmed else "supported"
        out["reason"] = ("confirmed by config and by show output or logs" if confirmed else "confirmed by config")
        out["findings"] = [{"title": f.title, "devices": sorted(f.devices), "tunnel": f.tunnel} for f in hits]
        return out
    seen = [e for e in events if e.get("id") == catalog_id or catalog_id in (e.get("candidates") or ())]
    if seen:
        out["status"] = "observed"
        out["reason"] = f"seen in {len(seen)} show/log event(s), e.g. {seen[0]['file']}:{seen[0]['line']}"
        return out
    has_config_check = entry is not None and "config" in entry.checks and catalog_id in set(checked)
    if has_config_check and _applicable(catalog_id, devices, tunnels):
        out["status"] = "ruled-out"
        out["reason"] = "the check ran on the configurations given and found nothing"
        return out
    out["status"] = "unknown"
    out["reason"] = ("no configuration of the right kind was given"
                     if has_config_check else "this shows in operation (logs, timing), not in configuration")
    return out


def check_symptoms(
    texts: Iterable[str],
    findings: Sequence[Finding],
    events: Sequence[Mapping[str, Any]],
    devices: Sequence[Any],
    tunnels: Sequence[Any],
    checked: Iterable[str],
) -> list[dict[str, Any]]:
    """One entry per user text: the symptoms it matches and each candidate checked against the analysis."""
    checked = frozenset(checked)
    out: list[dict[str, Any]] = []
    for text in texts:
        matches = match(text)
        entry: dict[str, Any] = {"query": text, "matches": []}
        for symptom, points in matches:
            candidates = [assess(c, findings, events, devices, tunnels, checked) for c in symptom.candidates]
            rank = {"confirmed": 0, "supported": 0, "observed": 1, "unknown": 2, "ruled-out": 3}
            candidates.sort(key=lambda c: rank[c["status"]])  # stable: the table's order within a status
            entry["matches"].append({
                "symptom": symptom.name,
                "phrase": symptom.phrase,
                "score": points,
                "ask": symptom.ask,
                "candidates": candidates,
            })
        out.append(entry)
    return out


def render_list() -> str:
    """``ipsec-doctor symptoms``: every known symptom with its candidate IDs."""
    lines = []
    for s in symptoms():
        lines.append(f"{s.phrase}")
        lines.append(f"    candidates: {', '.join(s.candidates)}")
        lines.append(f"    e.g. ipsec-doctor analyze CONFIGS --symptom \"{s.phrase.lower()}\"")
    return "\n".join(lines) + "\n"
