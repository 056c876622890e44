"""Prompts, preambles, multi-device bundles, CLI scripts and abbreviations."""

from __future__ import annotations

from pathlib import Path

from ipsec_doctor.inputs import load
from ipsec_doctor.inputs.split import match_prompt, normalise_line
from ipsec_doctor.model import Platform

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"


def _texts(lines: list[tuple[int, str]]) -> list[str]:
    return [text for _n, text in lines]


def test_inputs_prompt_lines_and_show_run_preamble_are_removed_with_original_line_numbers() -> None:
    loaded = load([FIXTURES / "ios_show_run_prompt.txt"])
    assert len(loaded.configs) == 1
    section = loaded.configs[0]
    assert section.name_hint == "TORONTO"
    texts = _texts(section.lines)
    assert not any(t.startswith(("TORONTO#", "Building", "Current configuration", "MONTREAL#")) for t in texts)
    assert "end" not in texts
    assert (6, "version 15.4") in section.lines
    assert (23, "interface GigabitEthernet0/0") in section.lines


def test_inputs_asa_saved_header_and_checksum_trailer_are_removed() -> None:
    section = load([FIXTURES / "asa_show_run.txt"]).configs[0]
    texts = _texts(section.lines)
    assert section.platform is Platform.ASA and section.name_hint == "HQ-ASA"
    for gone in (": Saved", ": Serial Number:", ": Hardware:", "Cryptochecksum:", ": end", "HQ-ASA#"):
        assert not any(t.startswith(gone) for t in texts), gone
    assert section.lines[-1][0] == 38  # last kept line: the tunnel-group key line, numbered as in the file


def test_inputs_box_separated_bundle_splits_into_named_devices_and_skips_non_configs() -> None:
    loaded = load([FIXTURES / "multi_device_boxes.txt"])
    assert [(c.name_hint, c.platform) for c in loaded.configs] == [("EDGE_R", Platform.IOS), ("EDGE_ASA", Platform.ASA)]
    assert loaded.inputs[0].device == "EDGE_R, EDGE_ASA"
    assert any("(PC1 VPC) hold no device configuration" in p.message for p in loaded.inputs[0].problems)
    router = loaded.configs[0]
    assert router.lines[1:4] == [(8, "!"), (9, "interface GigabitEthernet0/0"), (10, " ip address 192.0.2.1 255.255.255.252")]
    assert (11, " no shutdown") in router.lines


def test_inputs_concatenated_show_runs_split_at_the_second_version_header() -> None:
    loaded = load([FIXTURES / "concatenated_show_run.txt"])
    assert [c.name_hint for c in loaded.configs] == ["SPOKE1", "SPOKE2"]
    assert loaded.configs[1].lines[0][0] == 10  # the "!" above "version" goes with the second device
    assert all("SPOKE1" not in text for _n, text in loaded.configs[1].lines)


def test_inputs_second_hostname_starts_a_new_device() -> None:
    lines = ["hostname A", "interface Gi0/0", " ip address 10.0.0.1 255.0.0.0", "!", "hostname B", "ip route 0.0.0.0 0.0.0.0 10.0.0.2"]
    from ipsec_doctor.inputs.split import split_headers

    pieces = split_headers(list(enumerate(lines, 1)))
    assert [[n for n, _t in piece] for piece in pieces] == [[1, 2, 3], [4, 5, 6]]


def test_inputs_cli_script_drops_session_commands_and_expands_abbreviations() -> None:
    section = load([FIXTURES / "ios_script.txt"]).configs[0]
    assert section.script is True
    texts = _texts(section.lines)
    for session in ("enable", "configure terminal", "end", "write memory", "do show ip interface brief"):
        assert session not in texts
    assert "exit" in texts  # exit closes blocks in unindented scripts: kept for the tree
    assert section.lines[:4] == [
        (3, "hostname R1"),
        (4, "interface GigabitEthernet0/0"),
        (5, "ip address 203.0.113.1 255.255.255.0"),
        (6, "no shutdown"),
    ]
    # the interface entered twice keeps both blocks (the dialects merge them)
    assert texts.count("interface GigabitEthernet0/0") == 2


def test_inputs_session_capture_splits_per_command() -> None:
    loaded = load([FIXTURES / "session_capture.txt"])
    assert [(t.kind, t.command, t.device_hint) for t in loaded.texts] == [
        ("show", "show crypto isakmp sa", "HQ-ASA"),
        ("show", "show crypto ipsec sa", "HQ-ASA"),
    ]
    assert loaded.texts[1].lines[0] == (13, "interface: outside")
    assert all(t.platform is Platform.ASA for t in loaded.texts)
    assert len(loaded.configs) == 1
    assert loaded.configs[0].lines[0] == (23, "crypto map OUT 10 match address VPN")
    assert loaded.inputs[0].kind == "config"


def test_inputs_config_mode_prompts_become_script_lines() -> None:
    import tempfile

    text = "R1#conf t\nR1(config)#int g0/1\nR1(config-if)#ip addr 10.0.0.1 255.255.255.0\nR1(config-if)#no shut\nR1(config-if)#end\nR1#wr\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "typed.txt"
        path.write_text(text)
        loaded = load([path])
    section = loaded.configs[0]
    assert section.script and section.name_hint == "R1"
    assert section.lines == [(2, "interface GigabitEthernet0/1"), (3, "ip address 10.0.0.1 255.255.255.0"), (4, "no shutdown")]


def test_inputs_prompt_matching_ignores_config_and_output_lines() -> None:
    assert match_prompt("TORONTO#sh run") == ("TORONTO", "sh run", False)
    assert match_prompt("MONTREAL#  ") == ("MONTREAL", "", False)
    assert match_prompt("hostname1/pri/act# show vpn-sessiondb") == ("hostname1", "show vpn-sessiondb", False)
    assert match_prompt("ciscoasa# Show running-config") == ("ciscoasa", "Show running-config", False)
    assert match_prompt("crypto isakmp key abc#1 address 1.1.1.1") is None
    assert match_prompt("#pkts encaps: 0") is None
    assert match_prompt("Tunnel0->up") is None


def test_inputs_normalise_line_expands_only_line_start_abbreviations() -> None:
    assert normalise_line("int gi0/0.10", Platform.IOS) == "interface GigabitEthernet0/0.10"
    assert normalise_line("interface dialer 1", Platform.IOS) == "interface Dialer1"
    assert normalise_line(" no shut", Platform.IOS) == " no shutdown"
    assert normalise_line("interface ethernet0 auto", Platform.PIX6) == "interface ethernet0 auto"
    assert normalise_line(" integrity sha256", Platform.IOS) == " integrity sha256"
    assert normalise_line("description int g0/0", Platform.IOS) == "description int g0/0"


def test_inputs_banner_body_is_kept_verbatim() -> None:
    section = load([FIXTURES / "ios_banners_certs.txt"]).configs[0]
    assert (10, "interface Fake0") in section.lines  # inside the banner: not canonicalised, not dropped
    assert (11, "#") in section.lines  # the banner's closing delimiter survives annotation stripping
