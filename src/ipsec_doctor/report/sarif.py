"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

Each finding becomes a result that points at the config line it quotes
(``artifactLocation.uri`` relative to the analysed root, ``region.startLine``),
so a pull request that changes a config shows the problem inline.  Rules come
from the catalog: its title, its what/why/fix as help text, and its default
severity (error → error, warning → warning, info → note).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..analysis import Report
from ..findings import Evidence, Finding
from . import pretty_json

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_ROOT_ID = "SRCROOT"


def _catalog_entry(rule_id: str) -> Any | None:
    from ..knowledge import kb

    try:
        return kb.entry(rule_id)
    except KeyError:  # a finding of the project's own beyond the catalog
        return None


def _rule_name(rule_id: str) -> str:
    # SARIF rule names are identifier-like; "P1-PSK" → "P1Psk"
    return "".join(part[:1].upper() + part[1:].lower() for part in rule_id.split("-"))


def _rule(rule_id: str, sample: Finding) -> dict[str, Any]:
    entry = _catalog_entry(rule_id)
    if entry is None:
        return {
            "id": rule_id,
            "name": _rule_name(rule_id),
            "shortDescription": {"text": sample.title},
            "defaultConfiguration": {"level": _LEVEL[sample.severity.value]},
        }
    fixes_text = []
    fixes_md = []
    for platform, commands in entry.fix:
        fixes_text.append(f"Fix on {platform}:\n" + "\n".join(f"  {c}" for c in commands))
        fixes_md.append(f"**Fix on {platform}**\n\n```\n" + "\n".join(commands) + "\n```")
    parts_text = [f"What: {entry.what}", f"Why: {entry.why}", *fixes_text]
    parts_md = [f"**What.** {entry.what}", f"**Why.** {entry.why}", *fixes_md]
    if entry.caution:
        parts_text.append(f"Caution: {entry.caution}")
        parts_md.append(f"**Caution.** {entry.caution}")
    return {
        "id": rule_id,
        "name": _rule_name(rule_id),
        "shortDescription": {"text": entry.title},
        "fullDescription": {"text": entry.what},
        "help": {"text": "\n\n".join(parts_text), "markdown": "\n\n".join(parts_md)},
        "defaultConfiguration": {"level": _LEVEL[entry.severity.value]},
        "properties": {"tags": ["ipsec", "vpn", entry.section], "disruption": entry.disruption.value},
    }


def _relative_uri(file: str, root: Path) -> tuple[str, bool]:
    """The URI of ``file`` relative to ``root`` (True), or an absolute file URI (False)."""
    absolute = Path(os.path.abspath(file))
    try:
        rel = absolute.relative_to(root)
    except ValueError:
        return absolute.as_uri(), False
    return quote(PurePosixPath(*rel.parts).as_posix()), True


def _location(evidence: Evidence, root: Path, *, ident: int | None = None) -> dict[str, Any]:
    uri, relative = _relative_uri(evidence.file, root)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = _ROOT_ID
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if evidence.line >= 1:
        physical["region"] = {"startLine": evidence.line, "snippet": {"text": evidence.text}}
    out: dict[str, Any] = {"physicalLocation": physical}
    if ident is not None:
        out["id"] = ident
    return out


def _message(f: Finding) -> str:
    lines = [f.title]
    if f.detail:
        lines += ["", f.detail]
    for fix in sorted(f.fix, key=lambda x: (x.disruption.rank, x.device)):
        lines += ["", f"Fix on {fix.device} ({fix.disruption.value}):", *(f"  {c}" for c in fix.commands)]
    if f.caution:
        lines += ["", f"Caution: {f.caution}"]
    return "\n".join(lines)


def _fingerprint(f: Finding) -> str:
    ident, tunnel, devices, key = f.identity()
    raw = "\x1f".join([ident, tunnel, ",".join(devices), key])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def default_root(report: Report) -> Path:
    """The analysed root: the current directory when every input lies under it, else the inputs' common folder."""
    cwd = Path.cwd().resolve()
    files = [os.path.abspath(r.file) for r in report.inputs] or [str(cwd)]
    if all(Path(p).is_relative_to(cwd) for p in files):
        return cwd
    common = Path(os.path.commonpath(files))
    return common if common.is_dir() else common.parent


def sarif_dict(report: Report, *, root: str | Path | None = None) -> dict[str, Any]:
    """The SARIF log of ``report`` as a dict."""
    base = Path(os.path.abspath(root)) if root is not None else default_root(report)
    device_files = {d.name: d.file for d in report.devices}
    rule_index: dict[str, int] = {}
    rules: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for f in report.findings:
        if f.id not in rule_index:
            rule_index[f.id] = len(rules)
            rules.append(_rule(f.id, f))
        evidence = sorted(f.evidence, key=lambda e: (e.kind != "config", e.file, e.line))
        if not evidence:  # code scanning needs a location: fall back to the device's config file
            evidence = [Evidence(device_files[d], 1, "", "config") for d in sorted(f.devices) if d in device_files][:1]
        result: dict[str, Any] = {
            "ruleId": f.id,
            "ruleIndex": rule_index[f.id],
            "level": _LEVEL[f.severity.value],
            "message": {"text": _message(f)},
            "partialFingerprints": {"ipsecDoctorIdentity/v1": _fingerprint(f)},
            "properties": {"devices": sorted(f.devices), "confidence": f.confidence},
        }
        if f.tunnel:
            result["properties"]["tunnel"] = f.tunnel
        if evidence:
            result["locations"] = [_location(evidence[0], base)]
            if len(evidence) > 1:
                result["relatedLocations"] = [_location(e, base, ident=i) for i, e in enumerate(evidence[1:], 1)]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ipsec-doctor",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {_ROOT_ID: {"uri": base.as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render_sarif(report: Report, *, root: str | Path | None = None) -> str:
    """The SARIF log of ``report`` as JSON text."""
    return pretty_json.dumps(sarif_dict(report, root=root)) + "\n"
