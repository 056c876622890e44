"""User-reported symptoms: matching the user's words, then checking each candidate against the configs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ipsec_doctor import analyze
from ipsec_doctor.cli import main
from ipsec_doctor.evidence import match, symptoms
from ipsec_doctor.knowledge import kb
from ipsec_doctor.report.json_report import render_json
from ipsec_doctor.report.text import render_text

FUSION = Path(__file__).parent / "fusion"
CHECKS = Path(__file__).parent / "checks"


def _first(text: str) -> tuple[str, tuple[str, ...]]:
    found = match(text)
    assert found, text
    return found[0][0].name, found[0][0].candidates


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("Clients lose internet when connected", ("RA-SPLITPOL", "RA-SPLITACL")),
        ("users cannot reach the DMZ", ("NAT-DMZ",)),
        ("the tunnel drops every 18 hours", ("P1-REKEY18H", "P1-LIFETIME")),
        ("only the first three users can connect", ("RA-SIMUL", "RA-POOLSIZE")),
        ("tunnel up but no traffic", ("P2-ONEWAY", "NAT-EXEMPT", "RT-REMOTE", "FW-SYSOPT", "P2-MIRROR")),
        ("tunnel drops after 30 minutes idle", ("RA-IDLE", "P1-KEEPALIVE")),
        ("cannot ping the ASA inside interface over VPN", ("FW-MGMT",)),
        ("downloads stall after rekey", ("FW-PRESERVE",)),
        ("applications slow or hang over VPN, ping works", ("MTU-MSS",)),
        ("cannot resolve internal names", ("RA-DNS", "RA-SPLITDNS")),
        ("one spoke cannot reach another", ("FW-INTRA",)),
        ("VPN client says reason 433", ("RA-POOLNETBC", "RA-XAUTHRADIUS", "FW-THREAT", "P2-TRANSFORM")),
        ("vpn client says reason 412", ("P1-NATT", "P1-ENABLE", "FW-PORTS")),
        ("Reason 413", ("RA-XAUTHRADIUS",)),
        ("error 426 on the client", ("RA-SIMUL", "RA-POOLSIZE")),
    ],
)
def test_symptom_words_match_the_catalog_candidates(text: str, ids: tuple[str, ...]) -> None:
    assert _first(text)[1] == ids


def test_symptom_matching_ignores_case_and_tolerates_typos_and_endings() -> None:
    assert _first("CLIENTS LOSING INTENRET WHILE CONNECTED")[0] == "ra-no-internet"
    assert _first("names do not resolve for vpn users")[0] == "dns"


def test_words_that_name_no_symptom_match_nothing() -> None:
    assert match("the coffee machine is broken") == []


def test_every_symptom_candidate_is_a_catalog_id() -> None:
    known = set(kb.ids())
    for symptom in symptoms():
        assert symptom.candidates and set(symptom.candidates) <= known, symptom.name
        assert symptom.keywords and symptom.phrase


def test_symptom_candidate_supported_by_a_config_finding_is_shown_first(
    validate_report_json: Callable[[str], dict[str, Any]]
) -> None:
    report = analyze([CHECKS / "RA-POOLNETBC" / "fail"], symptoms=["VPN client says reason 433"])
    (entry,) = report.symptoms
    candidates = entry["matches"][0]["candidates"]
    assert (candidates[0]["id"], candidates[0]["status"]) == ("RA-POOLNETBC", "supported")
    assert candidates[0]["findings"] and "HQ-ASA" in candidates[0]["findings"][0]["devices"]
    statuses = {c["id"]: c["status"] for c in candidates}
    assert statuses["FW-THREAT"] == "unknown"  # advice only: configuration cannot tell
    data = validate_report_json(render_json(report))
    assert data["symptoms"][0]["query"] == "VPN client says reason 433"
    text = render_text(report)
    assert "Symptoms" in text and "RA-POOLNETBC" in text and "confirmed by config" in text


def test_symptom_candidate_is_ruled_out_when_its_check_ran_and_found_nothing() -> None:
    report = analyze([FUSION / "psk-confirmed"], symptoms=["tunnel up but no traffic"])
    statuses = {c["id"]: c["status"] for c in report.symptoms[0]["matches"][0]["candidates"]}
    assert statuses["P2-MIRROR"] == "ruled-out"
    assert statuses["NAT-EXEMPT"] == "ruled-out"


def test_symptom_seen_in_evidence_is_confirmed_by_logs_and_config() -> None:
    report = analyze([FUSION / "psk-confirmed"], symptoms=["site to site tunnel does not come up"])
    candidates = report.symptoms[0]["matches"][0]["candidates"]
    assert (candidates[0]["id"], candidates[0]["status"]) == ("P1-PSK", "confirmed")


def test_cli_symptoms_lists_phrases_and_analyze_accepts_symptom_and_events(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["symptoms"]) == 0
    listed = capsys.readouterr().out
    assert "Clients lose internet access while connected" in listed and "RA-SPLITPOL" in listed
    code = main(["analyze", str(FUSION / "psk-confirmed"), "--format", "json", "--events", "aggregate",
                 "--symptom", "tunnel drops every 18 hours", "--symptom", "reason 433"])
    assert code == 1  # P1-PSK is an error
    data = json.loads(capsys.readouterr().out)
    assert [s["query"] for s in data["symptoms"]] == ["tunnel drops every 18 hours", "reason 433"]
    assert all("count" in e for e in data["events"] if e["kind"] == "log")
    assert data["coverage"]["vpn_lines"] == 3
