"""Classification by content: config platform, show output, logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipsec_doctor.inputs import load
from ipsec_doctor.inputs.classify import classify, config_platform
from ipsec_doctor.model import Platform

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"


@pytest.mark.parametrize(
    ("name", "kind", "platform"),
    [
        ("asa_show_run.txt", "config", "asa"),
        ("pix6.txt", "config", "pix6"),
        ("ios_show_run_prompt.txt", "config", "ios"),
        ("ios_script.txt", "config", "ios"),
        ("lost_indent_asa.txt", "config", "asa"),
        ("doc_shifted_ios.txt", "config", "ios"),
        ("asa_syslog.log", "log", "asa"),
        ("multi_device_boxes.txt", "config", "asa"),
    ],
)
def test_inputs_classify_fixture_files_by_content(name: str, kind: str, platform: str) -> None:
    record = load([FIXTURES / name]).inputs[0]
    assert (record.kind, record.platform) == (kind, platform)


@pytest.mark.parametrize(
    ("lines", "platform"),
    [
        (["PIX Version 7.2(1)", "hostname pix"], Platform.ASA),  # PIX 7/8 run ASA code
        (["PIX Version 6.3(5)"], Platform.PIX6),
        (["interface Ethernet0/0", " nameif outside", " security-level 0"], Platform.ASA),
        (["nameif ethernet0 outside security0", "fixup protocol ftp 21", "isakmp policy 10 hash sha"], Platform.PIX6),
        (["version 17.3", "hostname r"], Platform.IOS),
        (["interface GigabitEthernet0/0", " ip address 10.0.0.1 255.255.255.0", "crypto isakmp policy 10",
          " encr aes"], Platform.IOS),
        (["tunnel-group 1.1.1.1 type ipsec-l2l", "crypto ikev1 policy 10"], Platform.ASA),
    ],
)
def test_inputs_config_platform_signals(lines: list[str], platform: Platform) -> None:
    assert config_platform(lines)[0] is platform


@pytest.mark.parametrize(
    "lines",
    [
        ["IKEv1 SAs:", "", "   Active SA: 1", "1   IKE Peer: 203.0.113.1"],
        ["IPv4 Crypto ISAKMP SA", "dst             src             state          conn-id status",
         "203.0.113.1     198.51.100.2    MM_NO_STATE       1001 ACTIVE"],
        ["interface: outside", "    Crypto map tag: OUT, seq num: 10, local addr: 198.51.100.2",
         "      #pkts encaps: 0, #pkts encrypt: 0"],
        ["Session-id:1 Tunnel0", "Interface: Tunnel0", "Session status: UP-ACTIVE"],
        ["Frame drop:", "  Invalid encapsulation (invalid-encap)          10"],
        ["Session Type: LAN-to-LAN Detailed", "Connection   : 203.0.113.1", "Index        : 12"],
    ],
)
def test_inputs_show_output_is_classified_as_show(lines: list[str]) -> None:
    assert classify(lines).kind == "show"


@pytest.mark.parametrize(
    ("line", "platform"),
    [
        ("Mar 24 10:21:50 fw : %ASA-4-713903: Group = 1.2.3.4, IP = 1.2.3.4, Freeing previously allocated memory",
         Platform.ASA),
        ("4|Mar 24 2010 10:21:50|713903: Group = 10.1.1.1, IP = 10.1.1.1, Error: Unable to remove PeerTblEntry",
         Platform.ASA),
        ("Nov 3 10:00:00.123: %CRYPTO-4-IKMP_NO_SA: IKE message from 10.1.1.1 has no SA", Platform.IOS),
        ("Mar 24 10:21:50 [IKEv1]: Group = 10.1.1.1, IP = 10.1.1.1, QM FSM error", Platform.ASA),
    ],
)
def test_inputs_log_lines_are_classified_as_log_with_platform(line: str, platform: Platform) -> None:
    found = classify([line, line])
    assert (found.kind, found.platform) == ("log", platform)


def test_inputs_vpn_client_log_is_a_log() -> None:
    lines = ["1      10:21:50.123  03/24/10  Sev=Info/4\tIKE/0x63000001", "Peer is a Cisco-Unity compliant peer"]
    assert classify(lines).kind == "log"


def test_inputs_prose_is_unknown() -> None:
    assert classify(["This is a meeting note.", "Nothing about routers."]).kind == "unknown"


def test_inputs_platform_override_forces_config_platform() -> None:
    loaded = load([FIXTURES / "ios_script.txt"], platform="asa")
    assert loaded.configs[0].platform is Platform.ASA
    assert loaded.inputs[0].platform == "asa"


def test_inputs_classification_reads_only_the_head_of_a_long_file() -> None:
    lines = ["%ASA-6-302013: Built outbound TCP connection"] * 250 + ["hostname late"] * 100000
    assert classify(lines).kind == "log"
