"""Multi-file fusion scenarios: configs + show output + logs → one finding per cause.

Each folder ``tests/fusion/<name>/`` holds device configs, show output and/or
logs, and an ``expect.toml``::

    [[finding]]
    id = "P1-PSK"
    confidence = "confirmed"          # config | confirmed | observed | candidate
    count = 1                         # findings with this id (on exactly ``devices`` when given)
    evidence_kinds = ["config", "log", "show"]
    candidates_first = "FW-PORTS"     # optional: first alternative cause listed
    ruled_out = ["P1-POLICY"]         # optional: candidates the configs rule out
    [events]
    recognised = ["P1-PSK"]           # catalog IDs that must appear among the events
    min_unrecognised = 1              # optional: events with id null
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ipsec_doctor import analyze
from ipsec_doctor.report.json_report import render_json
from ipsec_doctor.report.text import render_text

FUSION = Path(__file__).parent / "fusion"
CASES = sorted(p.name for p in FUSION.iterdir() if p.is_dir()) if FUSION.is_dir() else []


@pytest.mark.parametrize("name", CASES)
def test_fusion_scenario_reports_one_finding_per_cause_with_all_evidence(
    name: str, validate_report_json: Callable[[str], dict[str, Any]]
) -> None:
    folder = FUSION / name
    expect = tomllib.loads((folder / "expect.toml").read_text())
    report = analyze([folder])
    for want in expect["finding"]:
        found = [f for f in report.findings
                 if f.id == want["id"] and ("devices" not in want or sorted(f.devices) == want["devices"])]
        assert len(found) == want["count"], [(f.id, f.confidence, f.devices) for f in found]
        f = found[0]
        assert f.confidence == want["confidence"], f
        assert sorted({e.kind for e in f.evidence}) == sorted(want["evidence_kinds"])
        if "candidates_first" in want:
            assert f.candidates and f.candidates[0] == want["candidates_first"], f.candidates
        for ruled in want.get("ruled_out", ()):
            assert ruled not in f.candidates
            assert ruled in f.extra.get("ruled_out", {})
            assert "ruled out by config" in f.detail or "policies match" in f.detail
    ids = {e["id"] for e in report.events}
    assert set(expect["events"]["recognised"]) <= ids
    unrecognised = sum(1 for e in report.events if e["id"] is None)
    assert unrecognised >= expect["events"].get("min_unrecognised", 0)
    data = validate_report_json(render_json(report))
    assert data["coverage"]["vpn_lines"] == len(report.events)
    assert "coverage:" in render_text(report)


def test_psk_mismatch_is_one_confirmed_finding_with_config_show_and_log_lines() -> None:
    report = analyze([FUSION / "psk-confirmed"])
    (psk,) = [f for f in report.findings if f.id == "P1-PSK"]
    by_kind = {e.kind: e for e in psk.evidence}
    assert by_kind["show"].line == 9 and by_kind["show"].file.endswith("hq-asa-show.txt")
    assert by_kind["log"].line == 1 and "mismatched pre-shared key" in by_kind["log"].text
    assert "Confirmed by MM_WAIT_MSG6 in `show crypto isakmp sa` on HQ-ASA" in psk.detail
    assert psk.tunnel is not None and set(psk.devices) == {"BR1-RTR", "HQ-ASA"}


def test_events_are_attached_to_device_and_tunnel_and_unknown_vpn_lines_have_null_id() -> None:
    report = analyze([FUSION / "psk-confirmed"])
    tunnel = report.tunnels[0].id
    show = [e for e in report.events if e["kind"] == "show"]
    assert [(e["message_id"], e["device"], e["tunnel"], e["fields"]["state"]) for e in show] == [
        ("show crypto isakmp sa", "HQ-ASA", tunnel, "MM_WAIT_MSG6")]
    unknown = [e for e in report.events if e["id"] is None]
    assert [(e["message_id"], e["line"], e["device"]) for e in unknown] == [("ASA-5-713041", 3, "HQ-ASA")]
    assert report.coverage == {"recognised": 2, "vpn_lines": 3, "log": {"recognised": 1, "vpn_lines": 2},
                               "show": {"recognised": 1, "vpn_lines": 1}}


def test_mm_wait_msg2_with_ike_off_on_the_peer_ranks_p1_enable_first_and_rules_out_policy() -> None:
    report = analyze([FUSION / "mm-wait-msg2-enable"])
    (enable,) = [f for f in report.findings if f.id == "P1-ENABLE"]
    assert enable.devices == ("HQ-ASA",) and enable.confidence == "confirmed"
    assert enable.candidates == ("FW-PORTS",)
    assert "To tell them apart:" in enable.detail
    assert not [f for f in report.findings if f.confidence == "candidate"]


def test_reason_433_ranks_the_pool_that_hands_out_network_and_broadcast_addresses_first() -> None:
    report = analyze([FUSION / "reason433-pool"])
    (umbrella,) = [f for f in report.findings if f.id == "RA-REASON433"]
    assert umbrella.candidates[0] == "RA-POOLNETBC"
    assert umbrella.confidence == "observed" and umbrella.evidence[0].kind == "log"
    (pool,) = [f for f in report.findings if f.id == "RA-POOLNETBC"]
    assert pool.confidence == "confirmed"


def test_one_way_counters_confirm_nat_exemption_on_the_device_that_shows_them() -> None:
    report = analyze([FUSION / "oneway-nat-exempt"])
    exempt = {f.devices: f.confidence for f in report.findings if f.id == "NAT-EXEMPT"}
    assert exempt[("HQ-ASA",)] == "confirmed"
    assert all(conf == "config" for devices, conf in exempt.items() if devices != ("HQ-ASA",))
    (oneway,) = [f for f in report.findings if f.id == "P2-ONEWAY"]
    assert oneway.confidence == "observed" and oneway.candidates[0] == "NAT-EXEMPT"
    assert "P2-MIRROR" in oneway.extra["ruled_out"]


def test_ambiguous_state_without_config_explanation_becomes_a_candidate_finding(tmp_path: Path) -> None:
    for cfg in (Path(__file__).parent / "scenarios" / "asa-asa-up").glob("*.cfg"):
        (tmp_path / cfg.name).write_text(cfg.read_text())
    (tmp_path / "br2-asa-show.txt").write_text((FUSION / "mm-wait-msg2-enable" / "br2-asa-session.txt").read_text())
    report = analyze([tmp_path])
    (cand,) = [f for f in report.findings if f.confidence == "candidate"]
    assert cand.id == "FW-PORTS"  # P1-ENABLE and P1-POLICY are ruled out: both configs are fine
    assert set(cand.extra["ruled_out"]) == {"P1-ENABLE", "P1-POLICY"}
    assert "MM_WAIT_MSG2" in cand.title
    text = render_text(report)
    assert "most likely FW-PORTS" in text
    json.loads(render_json(report))
