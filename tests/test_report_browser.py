"""The HTML report in a real headless Chromium (Debian's, driven by Playwright).

Skipped when /usr/bin/chromium or the ``playwright`` package is missing
(CI installs chromium with apt-get; ``playwright install`` is never used).
Screenshots are kept under test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_synth import hub_and_spoke

from ipsec_doctor import analyze
from ipsec_doctor.report.html import render_html

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "snapshot"
HOSTILE = ROOT / "tests" / "fixtures" / "report" / "hostile"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (test extra)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class Page:
    """A page with its console errors and uncaught exceptions collected."""

    def __init__(self, browser: Any, path: Path, **context: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, **context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def shot(self, name: str, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=full_page)
        return target

    def close(self) -> None:
        self.context.close()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_browser_example_report_renders_without_console_errors(browser: Any, tmp_path: Path) -> None:
    page = Page(browser, _write(tmp_path, "example.html", render_html(analyze([EXAMPLE]))))
    try:
        p = page.page
        assert p.locator("svg#topo g.node").count() == 2
        assert p.locator("svg#topo path.edge").count() == 1
        stroke = p.eval_on_selector("svg#topo path.edge", "e => getComputedStyle(e).stroke")
        assert stroke == "rgb(198, 40, 40)"  # fails → red
        assert p.locator("#tunnels tbody tr").count() == 1
        box = p.locator("svg#topo").bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 200
        assert p.locator("#tunnels").is_visible()
        assert page.shot("html-example", full_page=True).stat().st_size > 10_000
        assert page.errors == []
    finally:
        page.close()


def test_browser_copy_button_puts_exact_commands_on_clipboard(browser: Any, tmp_path: Path) -> None:
    report = analyze([EXAMPLE])
    first = next(f for f in report.findings if f.fix)
    fix = min(first.fix, key=lambda x: (x.disruption.rank, x.device))
    index = report.findings.index(first) + 1
    page = Page(browser, _write(tmp_path, "copy.html", render_html(report)), permissions=["clipboard-read", "clipboard-write"])
    try:
        p = page.page
        p.click(f'button.copy[data-target="fx-{index}-0"]')
        p.wait_for_function("() => document.querySelector('button.copied') !== null")
        assert p.evaluate("() => navigator.clipboard.readText()") == "\n".join(fix.commands)
        assert page.errors == []
    finally:
        page.close()


def test_browser_hostile_config_text_shows_as_text_and_never_runs(browser: Any, tmp_path: Path) -> None:
    page = Page(browser, _write(tmp_path, "hostile.html", render_html(analyze([HOSTILE]))))
    try:
        p = page.page
        p.wait_for_timeout(200)
        assert p.evaluate("() => window.__xss") is None
        text = p.inner_text("#findings")
        assert '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">' in text
        assert "<script>alert(1);window.__xss=3</script>" in text
        assert "VPN\"'<b>x" in p.inner_text("#tunnels")
        assert p.locator("img").count() == 0 and p.locator("script").count() == 1
        page.shot("html-hostile", full_page=True)
        assert page.errors == []  # a blocked inline script would be reported here by the CSP
    finally:
        page.close()


def test_browser_500_tunnels_zoom_and_collapse(browser: Any, tmp_path: Path) -> None:
    report = hub_and_spoke(500)
    page = Page(browser, _write(tmp_path, "big.html", render_html(report)))
    try:
        p = page.page
        svg = p.locator("svg#topo")
        assert p.locator("svg#topo path.edge").count() == 500
        visible = "() => [...document.querySelectorAll('svg#topo g.node')].filter(n => n.getBBox().width > 0 && getComputedStyle(n).display !== 'none').length"
        healthy = sum(1 for t in report.tunnels if report.verdicts[t.id].verdict == "up")
        total = p.locator("svg#topo g.node").count()
        assert p.evaluate(visible) == total - healthy  # starts collapsed: healthy spokes folded into the badge
        assert p.locator("svg#topo g.cbadge").is_visible()
        colours = p.evaluate("() => [...new Set([...document.querySelectorAll('svg#topo path.edge.bad')].map(e => getComputedStyle(e).stroke))].sort()")
        assert colours == ["rgb(158, 158, 158)", "rgb(198, 40, 40)", "rgb(239, 108, 0)"]
        page.shot("html-500-collapsed")
        p.click("#collapse")
        assert p.evaluate(visible) == total
        before = svg.get_attribute("viewBox")
        p.click("#zoom-in")
        zoomed = svg.get_attribute("viewBox")
        assert zoomed != before and float(zoomed.split()[2]) < float(before.split()[2])
        p.mouse.move(640, 500)
        svg.hover()
        p.mouse.wheel(0, 400)
        p.wait_for_function(f"() => document.getElementById('topo').getAttribute('viewBox') !== '{zoomed}'")
        p.click("#zoom-reset")
        assert svg.get_attribute("viewBox") == before
        page.shot("html-500-expanded")
        assert page.errors == []
    finally:
        page.close()


def test_browser_has_no_network_request(browser: Any, tmp_path: Path) -> None:
    path = _write(tmp_path, "net.html", render_html(analyze([EXAMPLE])))
    context = browser.new_context()
    try:
        p = context.new_page()
        requests: list[str] = []
        p.on("request", lambda r: requests.append(r.url))
        p.goto(path.as_uri())
        p.wait_for_load_state("networkidle")
        assert requests == [path.as_uri()]
    finally:
        context.close()


def test_artifacts_folder_is_ignored_by_git() -> None:
    ignore = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "test-artifacts/" in ignore
