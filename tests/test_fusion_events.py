"""Events of the report: every show observation and VPN log line, aggregation, streaming of huge logs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ipsec_doctor import analyze
from ipsec_doctor.evidence import AGGREGATE_ABOVE
from ipsec_doctor.inputs import load, reader

FUSION = Path(__file__).parent / "fusion"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
_PSK_LINE = ("Mar 24 2010 10:21:{s:02d} HQ-ASA : %ASA-5-713904: Group = 198.51.100.20, IP = 198.51.100.20, "
             "ERROR, had problems decrypting packet, probably due to mismatched pre-shared key.  Aborting\n")
_NOISE = "Mar 24 2010 10:21:00 HQ-ASA : %ASA-6-302013: Built inbound TCP connection 1 for outside:192.0.2.1/1\n"


def _snapshot_with_log(tmp_path: Path, lines: int) -> Path:
    for cfg in (FUSION / "psk-confirmed").glob("*.cfg"):
        shutil.copy(cfg, tmp_path / cfg.name)
    with (tmp_path / "hq-asa.log").open("w") as handle:
        for i in range(lines):
            handle.write(_PSK_LINE.format(s=i % 60))
            handle.write(_NOISE)
    return tmp_path


def test_events_all_keeps_one_event_per_log_line(tmp_path: Path) -> None:
    report = analyze([_snapshot_with_log(tmp_path, 30)], events="all")
    assert len(report.events) == 30
    assert [e["line"] for e in report.events[:3]] == [1, 3, 5]
    assert all("count" not in e for e in report.events)
    assert report.coverage is not None and report.coverage["recognised"] == 30


def test_events_aggregate_groups_by_id_device_and_peer_with_first_and_last_line(tmp_path: Path) -> None:
    report = analyze([_snapshot_with_log(tmp_path, 30)], events="aggregate")
    (event,) = report.events
    assert (event["id"], event["device"], event["count"], event["first_line"], event["last_line"]) == (
        "P1-PSK", "HQ-ASA", 30, 1, 59)
    (psk,) = [f for f in report.findings if f.id == "P1-PSK"]
    (log,) = [e for e in psk.evidence if e.kind == "log"]
    assert "[seen 30 times, lines 1-59]" in log.text


def test_a_log_above_ten_thousand_events_is_aggregated_by_default(tmp_path: Path) -> None:
    report = analyze([_snapshot_with_log(tmp_path, AGGREGATE_ABOVE + 5)])
    assert [(e["id"], e["count"]) for e in report.events] == [("P1-PSK", AGGREGATE_ABOVE + 5)]
    (psk,) = [f for f in report.findings if f.id == "P1-PSK"]
    assert psk.confidence == "confirmed"
    assert sum(1 for e in psk.evidence if e.kind == "log") == 1


def test_a_log_over_the_read_limit_is_streamed_in_full_not_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_FULL_READ", 4096)
    monkeypatch.setattr(reader, "HEAD_READ", 1024)
    folder = _snapshot_with_log(tmp_path, 200)  # ~60 KiB: far over the patched limit
    loaded = load([folder / "hq-asa.log"])
    (section,) = loaded.texts
    assert (section.kind, section.lines, section.path) == ("log", [], str(folder / "hq-asa.log"))
    assert not loaded.inputs[0].problems
    report = analyze([folder], events="all")
    assert len(report.events) == 200 and report.events[-1]["line"] == 399


def test_a_config_over_the_read_limit_is_still_read_by_its_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_FULL_READ", 400)
    monkeypatch.setattr(reader, "HEAD_READ", 300)
    cfg = tmp_path / "big.cfg"
    cfg.write_text((FUSION / "psk-confirmed" / "br1-rtr.cfg").read_text() * 3)
    loaded = load([cfg])
    assert loaded.inputs[0].kind == "config"
    assert any("only its first" in p.message for p in loaded.inputs[0].problems)


def test_healthy_sa_states_are_events_without_a_finding(tmp_path: Path) -> None:
    for cfg in (Path(__file__).parent / "scenarios" / "asa-ios-up").glob("*.cfg"):
        shutil.copy(cfg, tmp_path / cfg.name)
    (tmp_path / "hq-asa-show.txt").write_text(
        "HQ-ASA# show crypto isakmp sa\n\nIKEv1 SAs:\n\n   Active SA: 1\n    Rekey SA: 0\nTotal IKE SA: 1\n\n"
        "1   IKE Peer: 198.51.100.20\n    Type    : L2L             Role    : initiator\n"
        "    Rekey   : no              State   : MM_ACTIVE\n"
    )
    report = analyze([tmp_path])
    (event,) = report.events
    assert (event["id"], event.get("healthy"), event["fields"]["state"]) == (None, True, "MM_ACTIVE")
    assert report.coverage is not None and report.coverage["recognised"] == 1
    assert all(f.confidence == "config" for f in report.findings)


@pytest.mark.parametrize("kind", ["logs", "show"])
def test_realworld_evidence_is_read_without_error_and_recognised(kind: str) -> None:
    folder = SHARED / "realworld" / kind
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    report = analyze([folder])
    assert report.events, "no event read from the real-world samples"
    assert report.coverage is not None and report.coverage["vpn_lines"] == sum(
        int(e.get("count", 1)) for e in report.events)
    assert any(e["id"] for e in report.events)
    assert all(e["kind"] in ("show", "log") for e in report.events)
