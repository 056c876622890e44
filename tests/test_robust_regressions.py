"""Regressions: each bug found by the robustness work (fuzzing, bad input, canaries) stays fixed.

Every test names the input that broke the tool and what it did before the fix.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ipsec_doctor.dialects import parse_config
from ipsec_doctor.inputs import ConfigSection, load
from ipsec_doctor.model import Platform
from ipsec_doctor.redact import redact_line

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fuzz"))

import harness

KEY = "Rg7-Leak-Canary"


def test_a_fifo_named_on_the_command_line_is_skipped_not_read(tmp_path: Path) -> None:
    """Before: `analyze some.fifo` opened the FIFO and blocked forever (only walked folders checked the type)."""
    fifo = tmp_path / "p.fifo"
    os.mkfifo(fifo)
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(load([fifo])), daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock the reader so the test process can exit, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("load() blocked on a FIFO")
    record = result[0].inputs[0]  # type: ignore[attr-defined]
    assert (record.kind, record.problems[0].message) == ("error", "not a regular file (device, socket or pipe), skipped")


def test_dev_zero_named_on_the_command_line_is_skipped_not_read() -> None:
    """Before: /dev/zero was read to the 64 MiB limit and then classified as an empty file."""
    record = load(["/dev/zero"]).inputs[0]
    assert record.kind == "error" and "not a regular file" in record.problems[0].message


def test_an_output_path_that_is_a_directory_is_a_usage_error_not_a_crash(tmp_path: Path) -> None:
    """Before: `-o DIR` raised IsADirectoryError through the top-level guard: exit 3 and a crash report."""
    proc = subprocess.run([sys.executable, "-m", "ipsec_doctor", "analyze", str(ROOT / "examples" / "snapshot"),
                           "-o", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stderr == f"ipsec-doctor: cannot write {tmp_path}: is a directory\n"


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        # PIX 6 / ASA: the RADIUS/TACACS+ key is positional after the host address
        (f"aaa-server RADIUS (inside) host 10.3.0.5 {KEY} timeout 10", "aaa-server RADIUS (inside) host 10.3.0.5 "),
        (f"aaa-server TAC host 10.3.0.6 {KEY}", "aaa-server TAC host 10.3.0.6 "),
        (f" radius-common-pw {KEY}", " radius-common-pw "),
        # IOS: the community is positional after the host and its options
        (f"snmp-server host 192.0.2.9 version 2c {KEY}", "snmp-server host 192.0.2.9 version 2c "),
        (f"snmp-server host 192.0.2.10 {KEY}", "snmp-server host 192.0.2.10 "),
        (f"snmp-server host 192.0.2.11 informs version 2c {KEY} ipsec isakmp", "snmp-server host 192.0.2.11 informs"),
        (f"snmp-server host 192.0.2.12 vrf MGMT traps {KEY}", "snmp-server host 192.0.2.12 vrf MGMT traps "),
        # SNMPv3: the privacy password came through after the auth one was redacted
        (f"snmp-server user U G v3 auth sha Auth-{KEY} priv aes 128 {KEY}", "snmp-server user U G v3 auth sha "),
        # `enable secret level N` redacted the word "level" and left the secret
        (f"enable secret level 5 5 {KEY}", "enable secret level 5 5 "),
    ],
)
def test_secrets_in_positional_places_are_redacted(line: str, kept: str) -> None:
    out = redact_line(line)
    assert KEY not in out
    assert out.startswith(kept) and "<redacted>" in out


def test_a_pix_aaa_server_key_never_reaches_the_model() -> None:
    """Before: the dialects' fast pre-check skipped redaction for `aaa-server` lines (no "key" word in them)."""
    text = f"PIX Version 6.3(5)\nhostname P\naaa-server RADIUS (inside) host 10.3.0.5 {KEY} timeout 10\n"
    for platform in (Platform.PIX6, Platform.ASA, Platform.IOS):
        device = parse_config(ConfigSection("p.cfg", list(enumerate(text.splitlines(), 1)), platform))
        assert KEY not in repr(device)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02",  # NULs in alternate places: read as UTF-16, must not crash
        b"\xff\xfe" + b"\x00\xd8" * 3,  # a UTF-16 BOM followed by lone surrogates
        b"\xef\xbb\xbf",  # a UTF-8 BOM and nothing else
        b"hostname R\r\r\r\n\x0c\x1b[0m\n!\n" * 3,
        "crypto map M \u00b2 ipsec-isakmp\n set peer \u0663.1.1.1\n".encode(),  # non-ASCII digits
    ],
)
def test_odd_bytes_found_while_fuzzing_are_loaded_without_raising(data: bytes) -> None:
    loaded = harness.check_inputs(data)
    assert isinstance(loaded.inputs, list)


def test_a_superscript_digit_in_a_show_ipsec_sa_ident_is_not_a_parser_failure() -> None:
    """Found by hypothesis: `(0.0.0.0/0.0.0.0/0/²)` made the `show crypto ipsec sa` parser raise ValueError
    (caught by the registry's guard as "parser ... failed"); '²' passes str.isdigit but not int()."""
    pytest.importorskip("ipsec_doctor.show")
    data = "VPN#show crypto ipsec sa \n      local ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/\u00b2)".encode()
    result = harness.check_show(data)
    assert all("failed (" not in str(note) for note in getattr(result, "notes", ()))


def test_a_backwards_address_pool_is_a_parse_problem_not_a_crash(tmp_path: Path) -> None:
    """Before: a pool whose range ends before it starts (`ip local pool P 10.1.1.150-10.1.1.100`, IOS
    `ip local pool P 10.99.0.50 10.99.0.10`) reached the checks, and RT-POOLOVERLAP's fix builder
    (IndexError) and NAT-DMZ's pool networks (ValueError) crashed on it (found by the pipeline fuzz
    target).  The devices refuse such a command, so the pool does not exist: it is reported and skipped."""
    from ipsec_doctor import analyze

    fixture = (ROOT / "tests" / "checks" / "RT-POOLOVERLAP" / "fail" / "hq-asa.cfg").read_text(encoding="utf-8")
    assert "ip local pool VPNPOOL 10.1.1.100-10.1.1.150" in fixture
    (tmp_path / "hq.cfg").write_text(
        fixture.replace("ip local pool VPNPOOL 10.1.1.100-10.1.1.150", "ip local pool VPNPOOL 10.1.1.150-10.1.1.100"),
        encoding="utf-8",
    )
    report = analyze([tmp_path])
    assert report.devices[0].pools == {}
    assert any("ip local pool VPNPOOL: 10.1.1.100 does not follow 10.1.1.150, pool ignored" in p.message
               for p in report.devices[0].problems)
    assert not [f for f in report.findings if f.id == "RT-POOLOVERLAP"]
    ios = parse_config(ConfigSection("r.cfg", [(1, "hostname R"), (2, "ip local pool P 10.99.0.50 10.99.0.10")],
                                     Platform.IOS))
    assert ios.pools == {}
    assert [(p.line, p.message) for p in ios.problems] == [(2, "ip local pool P: 10.99.0.10 is below 10.99.0.50, pool ignored")]


@pytest.mark.parametrize("name", ["pipeline-backwards-pool.bin", "pipeline-backwards-pool-nat.bin"])
def test_the_fuzz_inputs_with_backwards_pools_pass_the_pipeline_harness(name: str) -> None:
    data = (ROOT / "tests" / "fixtures" / "fuzz" / name).read_bytes()
    harness.check_pipeline(data)  # raised IndexError / ValueError before the fix


def test_a_pool_with_a_non_contiguous_mask_is_a_parse_problem_not_a_crash() -> None:
    """Before: `ip local pool P 192.168.99.10-192.168.99.50 mask 255.227.255.0` was kept with its mask and
    FW-INTRA's pool networks raised ValueError (found by the pipeline fuzz target)."""
    lines = ["hostname FW", "ip local pool P 192.168.99.10-192.168.99.50 mask 255.227.255.0"]
    device = parse_config(ConfigSection("fw.cfg", list(enumerate(lines, 1)), Platform.ASA))
    assert device.pools["P"].mask is None
    assert str(device.pools["P"].first) == "192.168.99.10"
    assert [(p.line, p.message) for p in device.problems] == [
        (2, "ip local pool P: mask 255.227.255.0 is not a contiguous netmask, mask ignored")]


def test_the_fuzz_input_with_that_pool_passes_the_pipeline_harness() -> None:
    data = (ROOT / "tests" / "fixtures" / "fuzz" / "pipeline-pool-mask.bin").read_bytes()
    harness.check_pipeline(data)  # raised ValueError before the fix
