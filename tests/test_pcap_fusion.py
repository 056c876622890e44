"""Packet captures in the pipeline: capture events attached by address, capture findings fused with config ones.

Scenarios under tests/fusion/pcap-*/ (also run by test_fusion_scenarios.py)
use the lab captures of tests/fixtures/pcap/; the others are written here
with tests/pcap_scenarios.py.  The HTML ladder diagram is checked as markup
and, when Chromium and Playwright are present, in a real headless browser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pcap_scenarios as sc
import pytest

from ipsec_doctor import analyze
from ipsec_doctor.cli import main
from ipsec_doctor.pcap import writer as w
from ipsec_doctor.report.html import render_html
from ipsec_doctor.report.html_assets import CSP, CSS, csp_hash
from ipsec_doctor.report.json_report import render_json
from ipsec_doctor.report.text import render_text

FUSION = Path(__file__).parent / "fusion"
PSK = FUSION / "pcap-psk-mm5"
POLICY = FUSION / "pcap-policy-nopropchosen"
SILENT = FUSION / "pcap-enable-silent"
LAB = Path(__file__).parent / "fixtures" / "pcap"
TUNNEL = "SITE-A:GigabitEthernet0/0:CMAP:10 <-> SITE-B:GigabitEthernet0/0:CMAP:10"
CHROMIUM = "/usr/bin/chromium"


def _mm1_unanswered(path: Path, times: int = 3) -> Path:
    gram = w.ike_datagram(sc.A, sc.B, sc.mm1())
    return sc.write(path, [gram] * times)


# --------------------------------------------------------------------------- fusion


def test_pcap_psk_mismatch_and_mm5_retransmitted_make_one_confirmed_p1_psk(
    validate_report_json: Callable[[str], dict[str, Any]],
) -> None:
    report = analyze([PSK])
    (psk,) = [f for f in report.findings if f.id == "P1-PSK"]
    assert psk.confidence == "confirmed"
    assert psk.tunnel == TUNNEL and psk.devices == ("SITE-A", "SITE-B")
    frames = sorted(e.line for e in psk.evidence if e.kind == "pcap")
    assert frames[:3] == [5, 6, 7]
    assert any("MM5 (encrypted) retransmission of frame 5" in e.text for e in psk.evidence)
    assert {e.file.rsplit("/", 1)[-1] for e in psk.evidence if e.kind == "config"} == {"site-a.cfg", "site-b.cfg"}
    assert "Confirmed by capture site-a-outside.pcap: stops at MM5 from 192.0.2.1, retransmitted 2 time(s)" in psk.detail
    data = validate_report_json(render_json(report))
    (as_json,) = [f for f in data["findings"] if f["id"] == "P1-PSK"]
    assert sorted({e["kind"] for e in as_json["evidence"]}) == ["config", "pcap"]
    assert data["coverage"]["pcap"] == {"recognised": 20, "vpn_lines": 20}
    (record,) = [r for r in data["inputs"] if r["kind"] == "pcap"]
    assert record["problems"] == []


def test_pcap_events_carry_frame_message_id_device_and_tunnel() -> None:
    report = analyze([PSK])
    events = [e for e in report.events if e["kind"] == "pcap"]
    assert [e["line"] for e in events] == list(range(1, 21))
    first = events[0]
    assert first["message_id"] == "IKEv1 MM1" and first["id"] is None
    assert first["device"] == "SITE-A" and first["tunnel"] == TUNNEL
    assert first["fields"]["src"] == "192.0.2.1" and first["fields"]["dst"] == "198.51.100.2"
    mm5 = [e for e in events if e["message_id"] == "IKEv1 MM5"]
    assert [e["line"] for e in mm5] == [5, 7, 9, 15, 17, 19]
    assert mm5[0]["id"] == "P1-PSK" and mm5[0]["candidates"] == ["P1-IDENTITY"]
    assert mm5[3]["device"] == "SITE-B"  # the second session is initiated from the other side


def test_pcap_no_proposal_chosen_confirms_the_p1_policy_mismatch_of_the_configs() -> None:
    report = analyze([POLICY])
    (policy,) = [f for f in report.findings if f.id == "P1-POLICY"]
    assert policy.confidence == "confirmed" and policy.tunnel == TUNNEL
    texts = [e.text for e in policy.evidence if e.kind == "pcap"]
    assert "198.51.100.2:500 -> 192.0.2.1:500 IKEv1 INFO N(NO_PROPOSAL_CHOSEN)" in texts
    assert any("group 14" in t and "MM1" in t for t in texts) and any("group 2" in t for t in texts)
    assert "answered by INFO N(NO_PROPOSAL_CHOSEN) from 198.51.100.2" in policy.detail
    assert not [f for f in report.findings if f.confidence in ("observed", "candidate")]


def test_pcap_alone_mm1_unanswered_is_a_p1_enable_candidate_naming_the_silent_peer(tmp_path: Path) -> None:
    capture = _mm1_unanswered(tmp_path / "edge.pcap")
    report = analyze([capture])
    assert report.usable and report.devices == [] and report.tunnels == []
    (enable,) = report.findings
    assert enable.id == "P1-ENABLE" and enable.confidence == "candidate"
    assert enable.candidates == ("FW-PORTS",)
    assert enable.extra["silent"] == "198.51.100.2"
    assert "never answered by 198.51.100.2" in enable.title
    assert "The silent side is 198.51.100.2 (no configuration at hand)." in enable.detail
    assert [e.line for e in enable.evidence] == [1, 2, 3] and {e.kind for e in enable.evidence} == {"pcap"}
    assert [e["message_id"] for e in report.events] == ["IKEv1 MM1"] * 3


def test_pcap_silent_peer_is_named_by_device_when_its_config_is_at_hand(tmp_path: Path) -> None:
    shutil.copy(PSK / "site-b.cfg", tmp_path / "site-b.cfg")
    _mm1_unanswered(tmp_path / "probe.pcap")
    report = analyze([tmp_path])
    (enable,) = [f for f in report.findings if f.id == "P1-ENABLE"]
    assert "The silent side is 198.51.100.2 (SITE-B)." in enable.detail
    assert "SITE-B" in enable.devices


def test_pcap_of_addresses_no_config_names_confirms_nothing(tmp_path: Path) -> None:
    for cfg in (FUSION / "psk-confirmed").glob("*.cfg"):  # tunnel 203.0.113.10 <-> 198.51.100.20
        shutil.copy(cfg, tmp_path / cfg.name)
    shutil.copy(LAB / "lab-ikev1-ios-ios-key-mismatch.pcap", tmp_path / "other-pair.pcap")
    report = analyze([tmp_path])
    by_confidence = sorted((f.confidence, sorted({e.kind for e in f.evidence})) for f in report.findings
                           if f.id == "P1-PSK")
    assert by_confidence == [("candidate", ["pcap"]), ("config", ["config"])]


def test_pcap_one_way_esp_is_observed_on_the_tunnel(tmp_path: Path) -> None:
    for cfg in PSK.glob("*.cfg"):
        shutil.copy(cfg, tmp_path / cfg.name)
    grams = [w.esp_datagram(sc.A, sc.B, 0xC0FFEE01, seq) for seq in range(1, 6)]
    sc.write(tmp_path / "esp.pcap", grams)
    report = analyze([tmp_path])
    (oneway,) = [f for f in report.findings if f.id == "P2-ONEWAY"]
    assert oneway.tunnel == TUNNEL and oneway.confidence == "observed"
    assert [e.line for e in oneway.evidence] == [1, 5]
    (esp,) = [e for e in report.events if e["kind"] == "pcap"]
    assert esp["message_id"] == "ESP" and esp["fields"]["packets"] == 5 and esp["tunnel"] == TUNNEL


def test_pcap_truncated_capture_is_a_problem_on_its_input_not_a_crash(tmp_path: Path) -> None:
    whole = _mm1_unanswered(tmp_path / "whole.pcap").read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole[: len(whole) - 30])
    report = analyze([cut])
    (record,) = report.inputs
    assert record.kind == "pcap" and record.problems
    assert all(p.file == str(cut) for p in record.problems)


def test_pcap_text_report_quotes_the_frames_and_the_stop() -> None:
    text = render_text(analyze([PSK]))
    assert "Confirmed by capture site-a-outside.pcap: stops at MM5" in text
    assert "site-a-outside.pcap:7: 192.0.2.1:4500 -> 198.51.100.2:4500 IKEv1 MM5 (encrypted) retransmission of frame 5" in text


def test_pcap_cli_analyses_a_capture_alone_and_exits_1_on_the_finding(tmp_path: Path) -> None:
    capture = _mm1_unanswered(tmp_path / "only.pcap")
    out = tmp_path / "out.json"
    assert main(["analyze", str(capture), "--format", "json", "-o", str(out)]) == 1
    data = json.loads(out.read_text())
    assert [f["id"] for f in data["findings"]] == ["P1-ENABLE"]
    assert data["findings"][0]["confidence"] == "candidate"


# --------------------------------------------------------------------------- HTML ladder


def test_pcap_html_ladder_shows_labels_retransmissions_and_the_stop() -> None:
    html = render_html(analyze([PSK]))
    section = html[html.index('<section id="captures">'):]
    section = section[: section.index("</section>")]
    assert section.count('<svg class="ladder failed"') == 1
    assert ">192.0.2.1</text>" in section and ">SITE-A</text>" in section and ">SITE-B</text>" in section
    labels = re.findall(r'<tspan class="lbl">([^<]+)</tspan>', section)
    assert labels[:6] == ["MM1", "MM2", "MM3", "MM4", "MM5", "INFO (encrypted)"]
    assert section.count("retransmission of #5") == 2 and section.count('class="msg retx"') == 4
    assert section.count("stops here · P1-PSK") == 2
    assert '<a href="#t-1">tunnel</a>' in section


def test_pcap_html_ladder_draws_notifies_in_red_and_esp_per_direction(tmp_path: Path) -> None:
    html = render_html(analyze([POLICY]))
    assert '<tspan class="notify"> N(NO_PROPOSAL_CHOSEN)</tspan>' in html
    assert html.count('class="msg err"') == 2
    grams = [w.esp_datagram(sc.A, sc.B, 0xC0FFEE01, seq) for seq in range(1, 5)]
    page = render_html(analyze([sc.write(tmp_path / "esp.pcap", grams)]))
    assert "4 ESP packet(s) SPI 0xc0ffee01" in page and ">no ESP packet</text>" in page


def test_pcap_html_escapes_capture_names_and_keeps_the_csp(tmp_path: Path) -> None:
    hostile = tmp_path / 'x"><img src=x onerror=alert(1)>.pcap'
    _mm1_unanswered(hostile)
    html = render_html(analyze([hostile]))
    assert "<img" not in html
    assert "x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.pcap" in html
    assert html.count("<script>") == 1 and 'style="' not in html
    assert f'content="{CSP.replace(chr(39), "&#x27;")}"' in html and csp_hash(CSS) in CSP
    assert "svg.ladder .notify" in CSS


# --------------------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                               args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            yield b
        finally:
            b.close()


def test_pcap_ladder_renders_in_chromium_without_console_errors(browser: Any, tmp_path: Path) -> None:
    shutil.copytree(PSK, tmp_path / "case")
    shutil.copy(LAB / "lab-ikev1-ios-ios-dh-group-mismatch.pcap", tmp_path / "case" / "second.pcap")
    path = tmp_path / "ladder.html"
    path.write_text(render_html(analyze([tmp_path / "case"])), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert page.locator("svg.ladder").count() == 2
        box = page.locator("svg.ladder").first.bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 150
        red = page.eval_on_selector("svg.ladder line.err", "e => getComputedStyle(e).stroke")
        assert red == "rgb(198, 40, 40)"
        dashed = page.eval_on_selector("svg.ladder line.retx", "e => getComputedStyle(e).strokeDasharray")
        assert dashed not in ("", "none")
        assert page.locator("svg.ladder rect.stop").count() >= 4
        artifacts = Path(__file__).resolve().parents[1] / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        page.locator("#captures").screenshot(path=str(artifacts / "html-pcap-ladder.png"))
        assert errors == []
    finally:
        context.close()
