"""``ipsec-doctor diff BEFORE AFTER``: findings introduced and resolved, verdict changes, exit 1 on a break."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ipsec_doctor import analyze
from ipsec_doctor.cli import main
from ipsec_doctor.report.diff import diff_reports, render_diff_html, render_diff_text

ROOT = Path(__file__).resolve().parents[1]
UP = ROOT / "tests" / "scenarios" / "asa-ios-up"
KEY = "Hq2Br1-Shared-Secret"


def _copy(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True)
    for cfg in src.glob("*.cfg"):
        shutil.copy(cfg, dst / cfg.name)
    return dst


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The up scenario with BR1-RTR's key changed: the tunnel fails at phase 1."""
    after = _copy(UP, tmp_path / "after")
    cfg = after / "br1-rtr.cfg"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(KEY, "Typo-" + KEY), encoding="utf-8")
    return after


def test_diff_of_identical_snapshots_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same = _copy(UP, tmp_path / "same")
    assert main(["diff", str(UP), str(same), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["breaks"] is False
    assert data["findings_introduced"] == [] and data["findings_resolved"] == [] and data["tunnels_changed"] == []


def test_diff_breaking_a_tunnel_that_was_up_exits_1(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(UP), str(broken), "--format", "json"]) == 1
    out = capsys.readouterr().out
    data = json.loads(out)
    assert KEY not in out and "Typo-" not in out
    assert data["breaks"] is True
    assert [c["before"] for c in data["tunnels_changed"]] == ["up"]
    assert [c["after"] for c in data["tunnels_changed"]] == ["fails"]
    assert "P1-PSK" in {f["id"] for f in data["findings_introduced"]}
    assert data["breaking"][0]["reason"] == "was up, now fails"


def test_diff_fixing_a_tunnel_reports_resolved_and_exits_0(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(broken), str(UP)]) == 0
    out = capsys.readouterr().out
    assert "Resolved" in out and "P1-PSK" in out
    assert "fails -> up" in out


def test_diff_new_error_on_a_tunnel_without_errors_breaks() -> None:
    before, after = analyze([UP]), analyze([UP])
    from dataclasses import replace

    from ipsec_doctor.findings import Finding, Severity

    tunnel = after.tunnels[0].id
    after.findings = [*after.findings, Finding("NAT-EXEMPT", Severity.ERROR, "translated", ("BR1-RTR",), tunnel)]
    d = diff_reports(before, after)
    assert d.breaks and d.breaking == [(tunnel, "new error NAT-EXEMPT on a tunnel that had none: translated")]
    assert [f.id for f in d.introduced] == ["NAT-EXEMPT"] and d.tunnels == []
    # a second error on a tunnel that already had one does not count as a break
    again = analyze([UP])
    again.findings = [*after.findings, replace(after.findings[-1], id="P2-PFS", title="pfs")]
    assert not diff_reports(after, again).breaking


def test_diff_matches_findings_by_identity_not_by_wording(broken: Path) -> None:
    before, after = analyze([broken]), analyze([broken])
    from dataclasses import replace

    after.findings = [replace(f, title=f.title + " (reworded)", detail="other words") for f in after.findings]
    d = diff_reports(before, after)
    assert d.introduced == [] and d.resolved == [] and not d.breaks


def test_diff_text_and_html_formats(broken: Path, tmp_path: Path) -> None:
    d = diff_reports(analyze([UP]), analyze([broken]))
    text = render_diff_text(d)
    assert text.startswith("ipsec-doctor diff: ") and "BREAKS 1 tunnel(s)" in text and "up -> fails" in text
    page = render_diff_html(d)
    assert page.startswith("<!DOCTYPE html>") and 'id="breaking"' in page and "P1-PSK" in page
    assert page.count("<script>") == 1 and KEY not in page
    out = tmp_path / "diff.html"
    assert main(["diff", str(UP), str(broken), "--format", "html", "-o", str(out)]) == 1
    assert "was up, now fails" in out.read_text(encoding="utf-8")


def test_diff_with_unusable_side_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["diff", str(UP), str(empty)]) == 2
    assert "no usable input in AFTER" in capsys.readouterr().err
