"""The log reader on the public sample logs in ../shared/realworld/logs (skipped when absent)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ipsec_doctor.logs import LogScanner, coverage, signatures
from ipsec_doctor.logs.prefilter import VPN_ASA_CLASSES

LOGS = Path(__file__).resolve().parents[1].parent / "shared" / "realworld" / "logs"

# An independent, deliberately simple notion of "an ASA/FTD line with a VPN message id".
_ASA_ID = re.compile(r"%(?:ASA|FTD|PIX)[^%:]*?-\d-(\d{6})")


def _files() -> list[Path]:
    if not LOGS.is_dir():
        pytest.skip("shared/realworld/logs is not available")
    return sorted(LOGS.rglob("*.log"))


def _unconditional_keys() -> set[str]:
    # signatures bound to a message id with no text test: every such line is evidence
    return {
        key
        for sig in signatures()
        if sig.base.contains is None and sig.base.regex is None and not sig.all and not sig.any
        for key in sig.messages
    }


def test_realworld_logs_scan_without_exceptions_and_find_every_vpn_tagged_line() -> None:
    files = _files()
    totals = [0, 0, 0]
    for path in files:
        scanner = LogScanner()
        events = list(scanner.scan(path))
        expected_vpn = 0
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                match = _ASA_ID.search(line)
                if match and match.group(1)[:3] in VPN_ASA_CLASSES:
                    expected_vpn += 1
        found_vpn = sum(1 for e in events if e.key and e.key.isdigit() and e.key[:3] in VPN_ASA_CLASSES)
        assert found_vpn == expected_vpn, path.name
        assert scanner.problems == []
        recognised, total = coverage(events)
        totals[0] += scanner.lines
        totals[1] += recognised
        totals[2] += total
        print(f"{path.relative_to(LOGS)}: {scanner.lines} lines, {total} VPN events, {recognised} recognised")
    print(f"realworld logs: {totals[0]} lines, {totals[2]} VPN events, {totals[1]} recognised "
          f"({100 * totals[1] / max(totals[2], 1):.1f} %)")
    assert totals[2] >= 120


def test_realworld_vpn_lines_known_to_the_catalog_are_recognised() -> None:
    keys = _unconditional_keys()
    recognised: dict[str, int] = {}
    for path in _files():
        for event in LogScanner().scan(path):
            if event.key in keys:
                assert event.id is not None, (path.name, event.line, event.message_id)
            if event.id is not None:
                recognised[event.id] = recognised.get(event.id, 0) + 1
    # the samples hold anti-replay drops, 7139xx "All IPSec SA proposals found unacceptable",
    # an asymmetric NAT drop and IKEv2 negotiation aborts
    assert recognised.get("P2-REPLAY", 0) >= 1
    assert recognised.get("P2-TRANSFORM", 0) >= 5
    assert recognised.get("NAT-ASYM", 0) >= 1
    assert recognised.get("V2-PROPOSAL", 0) >= 4


def test_realworld_fields_name_the_peer_by_role() -> None:
    path = next((p for p in _files() if p.name == "firewalls_spec-vpn-samples.log"), None)
    if path is None:
        pytest.skip("logstash VPN samples not present")
    events = {e.key: e for e in LogScanner().scan(path)}
    assert events["402119"].fields["peer"] == "68.18.122.4"
    assert events["402119"].fields["spi"] == "0x1B86506B"
    assert events["713172"].fields["peer"] == "212.9.5.245"
