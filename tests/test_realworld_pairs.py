"""The whole pipeline on the real-world corpus, checked against a senior engineer's reading.

Every pair or group named in SOURCES.md's "peer file(s) in corpus" column, and
every corpus file on its own, is analysed with ``ipsec_doctor.analyze`` and
compared with the hand-reviewed expectations in ``realworld_expected.toml``:
device names, tunnel ids, each tunnel's phase 1 / phase 2 status and verdict,
and the exact set of error-severity finding IDs.  Where the tool is known to
be wrong the right answer is pinned and the test is ``xfail(strict=True)``, so
it turns into a failure (to be un-marked) the day the tool is fixed.

Every analysis must also keep every clear-text key and password of its input
files out of the JSON and text reports.

Skipped when ../shared/realworld is absent (the project's own tests do not need it).
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipsec_doctor.analysis import Report, analyze
from ipsec_doctor.report.json_report import render_json
from ipsec_doctor.report.text import render_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CONFIGS = SHARED / "realworld" / "configs"
EXPECTED_FILE = Path(__file__).parent / "realworld_expected.toml"
GROUPS: list[dict[str, Any]] = tomllib.loads(EXPECTED_FILE.read_text(encoding="utf-8"))["group"]

pytestmark = pytest.mark.skipif(not CONFIGS.is_dir(), reason="../shared/realworld/configs is not present")


# --------------------------------------------------------------------------- helpers


@functools.lru_cache(maxsize=None)
def _report(files: tuple[str, ...]) -> Report:
    """One analysis per group (the tests below share it)."""
    return analyze([CONFIGS / f for f in files])


def _group_report(group: dict[str, Any]) -> Report:
    return _report(tuple(group["files"]))


def _xfail_param(value: object, reason: str | None, test_id: str) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(value, marks=marks, id=test_id)


def _group_params(xfail_key: str | None = None) -> list[Any]:
    return [_xfail_param(g, g.get(xfail_key) if xfail_key else None, g["name"]) for g in GROUPS]


def _tunnel_params() -> Iterator[Any]:
    for g in GROUPS:
        for t in g.get("tunnel", []):
            yield _xfail_param((g, t), t.get("xfail"), f"{g['name']}::{t['id']}")


def _allowed(value: str | list[str]) -> set[str]:
    return set(value) if isinstance(value, list) else {value}


# Clear-text secrets: the token after these keywords, optionally behind an IOS type digit
# (`key 0 cisco123`).  Tokens followed by `encrypted` and `$n$` hashes are not clear text.
_SECRET = re.compile(
    r"(?:^|\s)(?:pre-shared-key(?:\s+(?:local|remote))?|key|password|secret|community|ip nhrp authentication)"
    r"\s+(?:[0-9]\s+)?(\S+)(\s+encrypted)?",
    re.IGNORECASE,
)
# Words that follow those keywords as syntax, not as a secret (and everyday words the report may use).
_NOT_SECRETS = frozenset({
    "address", "generate", "encrypted", "local", "remote", "hostname", "string", "config-key", "chain",
    "cisco", "public", "none", "exchange", "used", "parameters.",
})


def _clear_text_secrets(files: list[str]) -> set[str]:
    found: set[str] = set()
    for name in files:
        for line in (CONFIGS / name).read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lstrip().startswith(("!", "#")):
                continue  # comments (AWS/Azure prose) are not configuration
            for m in _SECRET.finditer(line):
                token = m.group(1)
                if m.group(2) or token.startswith("$") or len(token) < 4 or set(token) == {"*"}:
                    continue
                if token.lower() in _NOT_SECRETS:
                    continue
                found.add(token)
    return found


def _leaks(secret: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(secret) + r"(?!\w)", text) is not None


# --------------------------------------------------------------------------- tests


def test_every_corpus_file_has_a_reviewed_single_file_expectation() -> None:
    corpus = {str(p.relative_to(CONFIGS)) for p in CONFIGS.rglob("*") if p.is_file() and p.name != "SOURCES.md"}
    singles = {g["files"][0] for g in GROUPS if len(g["files"]) == 1}
    assert corpus == singles


def test_realworld_secret_collector_finds_the_corpus_keys() -> None:
    """The regexes really collect keys (else the leak test would pass vacuously)."""
    every_file = sorted({f for g in GROUPS for f in g["files"]})
    secrets = _clear_text_secrets(every_file)
    assert {"ITLA20250845", "LA10SD20", "usestrongkey!", "psk2", "Passw0rd", "cg6#107X", "dmvpnvpn"} <= secrets
    assert "address" not in secrets and "*" not in secrets


@pytest.mark.parametrize("group", _group_params())
def test_realworld_analysis_runs_without_exception_and_renders(group: dict[str, Any]) -> None:
    report = _group_report(group)
    assert report.usable
    assert all(r.kind == "config" for r in report.inputs), [(r.file, r.kind) for r in report.inputs]
    document = json.loads(render_json(report))
    assert len(document["tunnels"]) == len(report.tunnels)
    assert render_text(report).strip()


@pytest.mark.parametrize("group", _group_params())
def test_realworld_reports_never_contain_a_clear_text_secret(group: dict[str, Any]) -> None:
    report = _group_report(group)
    output = render_json(report) + "\n" + render_text(report)
    secrets = _clear_text_secrets(group["files"])
    leaked = sorted(s for s in secrets if _leaks(s, output))
    assert leaked == [], f"{len(leaked)} secret(s) of {group['files']} appear in the report"


@pytest.mark.parametrize("group", _group_params("devices_xfail"))
def test_realworld_device_names_are_the_configured_hostnames(group: dict[str, Any]) -> None:
    report = _group_report(group)
    assert sorted(d.name for d in report.devices) == sorted(group["devices"])


@pytest.mark.parametrize("group", _group_params("tunnels_xfail"))
def test_realworld_pairing_finds_the_expected_tunnels(group: dict[str, Any]) -> None:
    report = _group_report(group)
    ids = sorted(t.id for t in report.tunnels)
    if "tunnel_count" in group:
        assert len(ids) == group["tunnel_count"], ids
    else:
        assert ids == sorted(t["id"] for t in group.get("tunnel", []))
    assert sorted(report.verdicts) == ids


@pytest.mark.parametrize("case", list(_tunnel_params()))
def test_realworld_tunnel_phase_status_and_verdict(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    group, expected = case
    report = _group_report(group)
    assert expected["id"] in report.verdicts, sorted(report.verdicts)
    verdict = report.verdicts[expected["id"]]
    got = (verdict.phase1_status, verdict.phase2_status, verdict.verdict)
    assert got[0] in _allowed(expected["phase1"]), (got, verdict.summary)
    assert got[1] in _allowed(expected["phase2"]), (got, verdict.summary)
    assert got[2] in _allowed(expected["verdict"]), (got, verdict.summary)


@pytest.mark.parametrize("group", _group_params("errors_xfail"))
def test_realworld_error_findings_are_exactly_the_real_ones(group: dict[str, Any]) -> None:
    report = _group_report(group)
    errors = sorted({f.id for f in report.findings if f.severity.value == "error"})
    assert errors == sorted(group["errors"]), [(f.id, f.devices, f.title) for f in report.findings
                                               if f.severity.value == "error"]
