"""The load fast paths must find every line the per-line rules act on (never one too few)."""

from __future__ import annotations

import gc
import importlib
from pathlib import Path

import pytest

from ipsec_doctor.inputs import load
from ipsec_doctor.inputs.classify import log_signal, show_signal
from ipsec_doctor.model import Platform

classify_mod = importlib.import_module("ipsec_doctor.inputs.classify")
split_mod = importlib.import_module("ipsec_doctor.inputs.split")

FIXTURES = Path(__file__).parent / "fixtures"

# Lines chosen to sit on the edges of the shortcuts: Unicode white space and case folding,
# spelled-out forms the cleaner leaves alone, markers in odd places.
TRICKY = [
    "hostname R1", "HOSTNAME x", "ASA Version 9.8(4)", "version 15.2 ", "Building configuration...", ": Saved",
    "end", "END ", "int g0/0", "INT Gi0/1 2", "interface GigabitEthernet0/0", "\x0bint g0/1", "\xa0int g0/2",
    "\x1cint g0/3", " ip address 10.0.0.1 255.0.0.0", " ip address  10.0.0.1 255.0.0.0", " IP ADDRESS 1.1.1.1 255.0.0.0",
    " ip addr 1.1.1.1 255.0.0.0", " no shutdown", " no shutdown ", " no shut", "no\tshut", "banner motd ^C", "banner",
    "motd", "====", "  ----  ", "-----DHCP-----", "*Router A*", "# note", "conf t", "wr mem", "do show run", "enable",
    "\u212aey", "\u017fhutdown", "\u0130nt g0/0", "There are no IKEv1 SAs", "there ARE no isakmp sas", "IKEv1 SAs:",
    "  Invalid SPI (invalid-spi)        12", "MM_NO_STATE", "x QM_IDLE y", "%ASA-4-713903: Group = a, IP = b, x",
    "IKEv2 was unsuccessful", "Sev=Warning/2 IKE/0x1", "6|Jun 12 2020 10:00:00|713172: x", "VPN CTX = 0x1",
    "dst src state conn-id status", "   PERMIT, flags={origin_is_acl,}", "Index        : 1", "",
]


def _texts() -> list[list[str]]:
    texts = [TRICKY, [" " + line for line in TRICKY], list(reversed(TRICKY))]
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace").replace("\r", "\n").split("\n")[:400])
    return texts


@pytest.mark.parametrize("lines", _texts()[:3] + _texts()[3::7])
def test_inputs_marker_shortcut_finds_every_log_and_show_line(lines: list[str]) -> None:
    head = classify_mod._head(lines)
    sniff = classify_mod._Sniff(head)
    log_at = classify_mod._marker_hits(sniff, classify_mod._LOG_PATTERNS, classify_mod._LOG_FLAT, {})
    show_at = classify_mod._marker_hits(sniff, classify_mod._SHOW_MARKERS, classify_mod._SHOW_FLAT, log_at)
    expected_log = {i: log_signal(line)[1] for i, line in enumerate(head) if line.strip() and log_signal(line)[0]}
    expected_show = {
        i: show_signal(line)[1]
        for i, line in enumerate(head)
        if line.strip() and i not in expected_log and show_signal(line)[0]
    }
    assert log_at == expected_log
    assert show_at == expected_show


@pytest.mark.parametrize("lines", _texts()[:3] + _texts()[3::7])
def test_inputs_rule_scan_finds_every_line_a_cleaning_or_header_rule_acts_on(lines: list[str]) -> None:
    found = set(split_mod._rule_lines("\n".join(lines)))
    for index, text in enumerate(lines):
        acted = (
            any(rule.match(text) for rule in split_mod._TOP_LEVEL_RULES)
            or split_mod._is_separator(text)
            or split_mod.normalise_line(text, Platform.IOS) != text
        )
        if acted:
            assert index in found, text


def test_inputs_config_signal_dispatch_keeps_the_first_matching_signal() -> None:
    for lines in _texts():
        for line in lines:
            first = next((n for n, (p, _pl, _w) in enumerate(classify_mod._CONFIG_SIGNALS) if p.match(line)), None)
            if first is not None:
                assert first in classify_mod._SIGNAL_TABLE.get(line[:1], classify_mod._ALL_SIGNALS), line


def test_inputs_load_restores_the_garbage_collector_state(tmp_path: Path) -> None:
    (tmp_path / "r1.cfg").write_text("hostname R1\nversion 15.2\ninterface g0/0\n ip address 10.0.0.1 255.0.0.0\n")
    assert gc.isenabled()
    assert load([tmp_path]).configs[0].name_hint == "R1"
    assert gc.isenabled()
    gc.disable()
    try:
        assert load([tmp_path]).configs[0].platform is Platform.IOS
        assert not gc.isenabled()
    finally:
        gc.enable()
