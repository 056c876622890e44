"""The show registry: command identification, content detection, robustness and speed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ipsec_doctor.model import Platform
from ipsec_doctor.show import COMMANDS, detect_command, identify_command, parse_show
from ipsec_doctor.show.common import numbered
from ipsec_doctor.show.records import IpsecFlow, IsakmpSa
from ipsec_doctor.show.registry import is_registered, parser_for

FIXTURES = Path(__file__).parent / "fixtures" / "show"


def test_show_identify_command_expands_abbreviations_and_ignores_pipes_and_arguments() -> None:
    assert identify_command("sh cry isa sa") == "show crypto isakmp sa"
    assert identify_command("show crypto isakmp sa detail | i MM_") == "show crypto isakmp sa"
    assert identify_command("show crypto ikev1 sa") == "show crypto isakmp sa"
    assert identify_command("sh isakmp sa") == "show crypto isakmp sa"
    assert identify_command("show crypto ipsec sa peer 203.0.113.10 detail") == "show crypto ipsec sa"
    assert identify_command("sh ipsec sa") == "show crypto ipsec sa"
    assert identify_command("show cry ikev2 sa detailed") == "show crypto ikev2 sa"
    assert identify_command("show run all sysopt") == "show running-config all sysopt"
    assert identify_command("sh run sysopt") == "show running-config all sysopt"
    assert identify_command("show platform cerm-information") == "show platform cerm-information"
    assert identify_command("sh management-access") == "show management-access"
    assert identify_command("show asp drop") == "show asp drop"
    assert identify_command("show vpn-sessiondb detail l2l filter ipaddress 203.0.113.10") == "show vpn-sessiondb"
    assert identify_command("sh vpn-sessiondb summary") == "show vpn-sessiondb"
    assert identify_command("show crypto session detail") == "show crypto session"


def test_show_identify_command_refuses_other_commands() -> None:
    assert identify_command("show version") is None
    assert identify_command("show crypto map") is None
    assert identify_command("show s") is None
    assert identify_command("") is None
    assert identify_command(None) is None


def test_show_every_command_has_a_parser_for_unknown_platform() -> None:
    assert len(COMMANDS) == 9
    assert all(parser_for(None, command) is not None for command in COMMANDS)
    assert not is_registered(Platform.ASA, "show platform cerm-information")
    assert is_registered(Platform.IOS, "show platform cerm-information")
    cerm = (FIXTURES / "ios_cerm" / "input.txt").read_text()
    result = parse_show(cerm, "asa", "show platform cerm-information")
    assert len(result.records) == 1
    assert "not a asa command" in result.notes[0].message


def test_show_detect_command_from_content_without_a_prompt() -> None:
    cases = {
        "asa_isakmp_9x_blocks": ("show crypto isakmp sa", Platform.ASA),
        "asa_isakmp_8x_table": ("show crypto isakmp sa", Platform.ASA),
        "ios_isakmp_slot": ("show crypto isakmp sa", Platform.IOS),
        "ios_isakmp_detail": ("show crypto isakmp sa", Platform.IOS),
        "ios_ipsec_sa_no_sa_flow": ("show crypto ipsec sa", Platform.IOS),
        "asa_ipsec_sa_oneway": ("show crypto ipsec sa", Platform.ASA),
        "ios_ikev2_sa": ("show crypto ikev2 sa", Platform.IOS),
        "ios_cerm": ("show platform cerm-information", Platform.IOS),
        "asa_asp_drop_expired": ("show asp drop", Platform.ASA),
        "ios_crypto_session_detail": ("show crypto session", Platform.IOS),
        "asa_sysopt_all": ("show running-config all sysopt", Platform.ASA),
        "asa_vpn_sessiondb_l2l_detail": ("show vpn-sessiondb", Platform.ASA),
    }
    for case, expected in cases.items():
        lines = numbered((FIXTURES / case / "input.txt").read_text())
        assert detect_command(lines) == expected, case


def test_show_unknown_output_is_a_note_not_an_error() -> None:
    result = parse_show("Cisco IOS Software, C2900 Software\nROM: System Bootstrap\n", command="show version")
    assert result.command is None
    assert result.records == ()
    assert len(result.notes) == 1
    assert "show version" in result.notes[0].message
    assert parse_show("", command=None).notes[0].message == "show output not recognised"


def test_show_unknown_lines_are_skipped_with_line_numbers() -> None:
    text = "dst             src             state          conn-id slot status\n" \
           "203.0.113.10    192.0.2.1       QM_IDLE              1    0 ACTIVE\n" \
           "some line the router never prints\n"
    result = parse_show(text, "ios", "show crypto isakmp sa", file="r1.txt")
    assert [type(r) for r in result.records] == [IsakmpSa]
    assert [(n.file, n.line) for n in result.notes] == [("r1.txt", 3)]
    assert "skipped" in result.notes[0].message


def test_show_notes_never_carry_a_key() -> None:
    result = parse_show("crypto isakmp key S3cretKey address 203.0.113.10\n", "ios", "show crypto isakmp sa")
    assert result.notes
    assert all("S3cretKey" not in note.message for note in result.notes)


def test_show_parse_keeps_numbered_lines_from_input_sections() -> None:
    lines = [(40, "    IKE Peer        Type Dir  Rky State"), (41, "1   203.0.113.10    L2L  Init No  MM_WAIT_MSG2")]
    result = parse_show(lines, "asa", "show crypto isakmp sa")
    assert result.records[0].line == 41
    assert result.first_line == 40


def test_show_leading_prompt_names_the_command_and_device() -> None:
    text = "HQ-ASA# show asp drop\nFrame drop:\n  Expired VPN context (vpn-context-expired)   5\n"
    result = parse_show(text)
    assert result.command == "show asp drop"
    assert result.device_hint == "HQ-ASA"
    assert result.typed_command == "show asp drop"
    assert result.records[0].counters[0].line == 3


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80), max_size=30),
    st.sampled_from([None, *COMMANDS]),
    st.sampled_from([None, "ios", "asa", "pix6", "junos"]),
)
def test_show_parsers_never_raise_on_any_text(lines: list[str], command: str | None, platform: str | None) -> None:
    result = parse_show(lines, platform, command)
    assert all(not note.message.startswith("parser for") for note in result.notes), result.notes


def test_show_parsers_never_raise_on_shuffled_real_lines() -> None:
    import random

    pool = [line for case in FIXTURES.iterdir() if (case / "input.txt").is_file()
            for line in (case / "input.txt").read_text().splitlines()]
    rng = random.Random(7)
    for _round in range(60):
        sample = rng.sample(pool, 40)
        for command in COMMANDS:
            result = parse_show(sample, None, command)
            assert not any(note.message.startswith("parser for") for note in result.notes), command


def _big_ipsec_sa(lines_wanted: int) -> list[str]:
    block = (FIXTURES / "ios_ipsec_sa_no_sa_flow" / "input.txt").read_text().splitlines()
    body = block[2:]  # flows only; the interface header comes once per copy
    out: list[str] = []
    index = 0
    while len(out) < lines_wanted:
        out.append(f"interface: Tunnel{index}")
        out.append("    Crypto map tag: Tunnel-head-0, local addr 192.0.2.1")
        out.extend(body)
        index += 1
    return out[:lines_wanted]


def test_show_ipsec_sa_of_5000_lines_parses_in_under_200_ms() -> None:
    text = _big_ipsec_sa(5000)
    parse_show(text[:200], "ios", "show crypto ipsec sa")  # warm the regex cache
    best = min(_timed(text) for _ in range(3))
    result = parse_show(text, "ios", "show crypto ipsec sa")
    assert len(result.of_type(IpsecFlow)) > 120
    assert best < 0.2, f"{best:.3f}s"


def _timed(text: list[str]) -> float:
    start = time.perf_counter()
    parse_show(text, "ios", "show crypto ipsec sa")
    return time.perf_counter() - start


def test_show_package_is_not_imported_by_the_cli_at_startup() -> None:
    code = "import sys, ipsec_doctor.cli; print(any(m.startswith('ipsec_doctor.show') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
