"""The HTML report: one self-contained file, escaped, with topology, tunnels, findings and timelines."""

from __future__ import annotations

import html
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_synth import hub_and_spoke

from ipsec_doctor import analyze
from ipsec_doctor.cli import main
from ipsec_doctor.report.html import events_by_tunnel, render_html
from ipsec_doctor.report.html_assets import CSS, SCRIPT, VERDICT_COLOURS, csp_hash

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "snapshot"
HOSTILE = ROOT / "tests" / "fixtures" / "report" / "hostile"
EXAMPLE_KEY = "Br4nch-0ne-K3y!"


class _Collect(HTMLParser):
    """Tags with their attributes, and the text inside each element id'd ``fx-*``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.commands: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if a.get("id", "").startswith("fx-"):
            self._in = a["id"]
            self.commands[self._in] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.commands[self._in] += data

    def having(self, tag: str, cls: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and cls in a.get("class", "").split()]


def _parse(text: str) -> _Collect:
    p = _Collect()
    p.feed(text)
    return p


@pytest.fixture(scope="module")
def example_html() -> str:
    return render_html(analyze([EXAMPLE]))


def test_html_is_self_contained_and_fetches_nothing(example_html: str) -> None:
    assert example_html.startswith("<!DOCTYPE html>")
    assert "<link" not in example_html and "@import" not in example_html and "url(" not in example_html
    assert not re.search(r"\ssrc\s*=", example_html)
    urls = set(re.findall(r"https?://[^\s\"'<>]+", example_html))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace name, never fetched
    assert example_html.count("<script>") == 1 and example_html.count("<style>") == 1


def test_html_csp_allows_only_the_shipped_script_and_style_by_hash(example_html: str) -> None:
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', example_html)
    assert meta is not None
    policy = html.unescape(meta.group(1))
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert f"script-src {csp_hash(SCRIPT)}" in policy and f"style-src {csp_hash(CSS)}" in policy
    assert f"<script>{SCRIPT}</script>" in example_html and f"<style>{CSS}</style>" in example_html


def test_html_never_contains_a_secret(example_html: str) -> None:
    assert EXAMPLE_KEY not in example_html
    assert "$1$abcd$" not in example_html


def test_html_topology_has_devices_as_nodes_and_tunnels_as_coloured_edges(example_html: str) -> None:
    p = _parse(example_html)
    nodes = p.having("g", "node")
    edges = p.having("path", "edge")
    assert sorted(n["data-node"] for n in nodes) == ["BR1-RTR", "HQ-ASA"]
    assert len(edges) == 1
    assert edges[0]["data-verdict"] == "fails" and edges[0]["stroke"] == VERDICT_COLOURS["fails"]


def test_html_tunnel_table_shows_each_ends_predicted_sa_state(example_html: str) -> None:
    row = re.search(r'<tr id="t-1" data-verdict="fails">(.*?)</tr>', example_html, re.DOTALL)
    assert row is not None
    assert "<b>BR1-RTR</b>: <code>QM_IDLE</code>" in row.group(1)
    assert "<b>HQ-ASA</b>: <code>MM_ACTIVE</code>" in row.group(1)
    assert "fails at phase 2" in row.group(1)


def test_html_findings_have_highlighted_evidence_and_copyable_fixes(example_html: str) -> None:
    report = analyze([EXAMPLE])
    p = _parse(example_html)
    assert len(p.having("article", "finding")) == len(report.findings)
    assert '<mark><span class="ln">   45 </span> permit ip 10.2.0.0 0.0.0.255 any</mark>' in example_html
    expected = {
        f"fx-{i}-{j}": "\n".join(fix.commands)
        for i, f in enumerate(report.findings, 1)
        for j, fix in enumerate(sorted(f.fix, key=lambda x: (x.disruption.rank, x.device)))
    }
    assert expected and p.commands == expected
    assert len(p.having("button", "copy")) == len(expected)
    assert re.search(r'class="badge d-(none|renegotiates-tunnel|drops-tunnel|drops-all-tunnels)"', example_html)


def test_html_shows_hostile_config_text_escaped() -> None:
    page = render_html(analyze([HOSTILE]))
    assert "<script>window.__xss" not in page and "<img src=x" not in page and "<script>alert(1)" not in page
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;" in page
    assert "&lt;script&gt;alert(1);window.__xss=3&lt;/script&gt;" in page
    assert "VPN&quot;&#x27;&lt;b&gt;x" in page  # the map name with quotes, in the tunnel id
    assert page.count("<script") == 1


def test_html_timeline_ties_log_events_to_tunnels_with_redacted_raw_lines(tmp_path: Path) -> None:
    report = analyze([EXAMPLE])
    log = tmp_path / "hq.log"
    log.write_text(
        "Nov 28 10:00:01 HQ-ASA : %ASA-5-713092: Group = 203.0.113.10, IP = 203.0.113.10, failure\n"
        "Nov 28 10:00:02 HQ-ASA : crypto isakmp key Br4nch-0ne-K3y! address 203.0.113.10\n"
        "Nov 28 10:00:03 HQ-ASA : unrelated\n",
        encoding="utf-8",
    )
    report.events = [
        {"file": str(log), "line": 2, "id": None, "message_id": None, "fields": {"peer": "203.0.113.10", "time": "10:00:02"}},
        {"file": str(log), "line": 1, "id": "P1-LIFETIME", "message_id": "ASA-5-713092",
         "fields": {"group": "203.0.113.10", "time": "10:00:01"}},
        {"file": str(log), "line": 3, "id": None, "message_id": None, "fields": {"peer": "192.0.2.99"}},
    ]
    matched, unmatched = events_by_tunnel(report)
    tunnel_id = report.tunnels[0].id
    assert [e["line"] for e in matched[tunnel_id]] == [2, 1] and [e["line"] for e in unmatched] == [3]
    page = render_html(report)
    section = page[page.index('<section id="timelines">'):]
    assert section.index(f"{log}:1:") < section.index(f"{log}:2:")  # ordered by time
    assert "ASA-5-713092" in section and "P1-LIFETIME" in section and "Not tied to a tunnel" in section
    assert EXAMPLE_KEY not in page and "crypto isakmp key &lt;redacted&gt;" in section


def test_html_without_events_has_no_timeline_section(example_html: str) -> None:
    assert 'id="timelines"' not in example_html


def test_html_one_sided_tunnel_ends_at_a_not_in_snapshot_node() -> None:
    report = hub_and_spoke(13)
    p = _parse(render_html(report))
    external = p.having("g", "external")
    assert [n["data-node"] for n in external] == ["external:203.0.113.13"]
    one_sided = [e for e in p.having("path", "edge") if e["data-tunnel"].endswith("-> 203.0.113.13")]
    assert len(one_sided) == 1 and one_sided[0]["data-verdict"] == "unknown"
    assert one_sided[0]["stroke"] == VERDICT_COLOURS["unknown"]
    assert ">203.0.113.13 (not in snapshot)</text>" in render_html(report)


def test_html_renders_500_tunnels_fast_with_hubs_in_the_middle() -> None:
    report = hub_and_spoke(500)
    start = time.perf_counter()
    page = render_html(report)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"500 tunnels took {elapsed:.2f}s"
    assert len(page) < 3_000_000
    p = _parse(page)
    nodes, edges = p.having("g", "node"), p.having("path", "edge")
    assert len(nodes) == len(report.devices) + sum(1 for t in report.tunnels if t.one_sided)
    assert len(edges) == 500
    verdicts = [e["data-verdict"] for e in edges]
    assert verdicts.index("fails") > max(i for i, v in enumerate(verdicts) if v == "up")  # failing drawn on top
    hub = p.having("g", "hub")
    assert [h["data-node"] for h in hub] == ["HUB-ASA"]
    svg = next(a for t, a in p.tags if t == "svg")
    assert "collapsed" in svg["class"].split()
    badge = p.having("g", "cbadge")[0]
    healthy = sum(1 for t in report.tunnels if report.verdicts[t.id].verdict == "up")
    assert int(badge["data-count"]) == healthy == len([n for n in nodes if "hs" in n["class"].split()])
    # hub at the centre of its rings
    m = re.search(r'data-node="HUB-ASA" transform="translate\(([\d.]+),([\d.]+)\)"', page)
    w, h = map(float, svg["viewbox"].split()[2:])  # HTMLParser lowercases attribute names
    assert m and abs(float(m.group(1)) - w / 2) < 1 and abs(float(m.group(2)) - h / 2) < 1


def test_cli_writes_html_report(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["analyze", str(EXAMPLE), "--format", "html", "-o", str(out)]) == 1
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "BR1-RTR" in page and EXAMPLE_KEY not in page
