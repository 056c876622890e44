"""No secret leaks: unique canary secrets planted in every syntax position never reach any output.

Each ``{C}`` in the templates below becomes its own random canary string, so a
leak names the exact position that escaped redaction.  The canaries go through
every command and format, ``--debug``, a forced internal error (crash report and
stderr), ParseProblem messages and the reprs of the parsed model.
"""

from __future__ import annotations

import json
import os
import re
import secrets as pysecrets
import subprocess
import sys
from pathlib import Path

import pytest

from ipsec_doctor.analysis import analyze
from ipsec_doctor.cli import main

ROOT = Path(__file__).resolve().parents[1]

# One line per syntax position that carries a secret.  `{C}` is replaced by a fresh canary.
IOS_TEMPLATE = """\
version 15.4
service password-encryption
hostname CANARY-RTR
enable secret 5 {C}
enable secret 9 {C}
enable secret {C}
enable password 7 {C}
enable password {C}
enable secret level 5 5 {C}
username admin privilege 15 secret 8 {C}
username ops password 0 {C}
username ro password 7 {C}
username nine secret 9 {C}
crypto isakmp policy 10
 encr aes 256
 authentication pre-share
 group 14
crypto isakmp key {C} address 198.51.100.2
crypto isakmp key 0 {C} address 198.51.100.3 no-xauth
crypto isakmp key 6 {C} address 198.51.100.4 255.255.255.255
crypto isakmp key 7 {C} hostname peer.example.net
crypto keyring KR
 pre-shared-key address 198.51.100.5 key {C}
 pre-shared-key address 198.51.100.6 255.255.255.255 key 6 {C}
 pre-shared-key hostname h.example.net key 0 {C}
crypto ikev2 keyring KR2
 peer P1
  address 198.51.100.7
  pre-shared-key {C}
 peer P2
  address 198.51.100.8
  pre-shared-key local {C}
  pre-shared-key remote 6 {C}
crypto isakmp client configuration group RAGROUP
 key {C}
 pool RAPOOL
crypto isakmp client configuration group RAGROUP7
 key 7 {C}
crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.2
 set transform-set TS
 match address VPN-ACL
 set bogus-password {C}
 set authentication-key {C}
crypto isakmp profile PROF
 keyring KR
 frobnicate password {C}
interface GigabitEthernet0/0
 ip address 203.0.113.10 255.255.255.252
 crypto map VPN
 ip ospf authentication-key {C}
 ip ospf authentication-key 7 {C}
 ip ospf message-digest-key 1 md5 {C}
 ip ospf message-digest-key 2 md5 7 {C}
 standby 1 authentication md5 key-string {C}
 standby 2 authentication text {C}
 vrrp 1 authentication text {C}
 ip nhrp authentication {C}
 ppp chap password 0 {C}
 ppp pap sent-username u password 0 {C}
interface GigabitEthernet0/1
 ip address 10.2.0.1 255.255.255.0
ip access-list extended VPN-ACL
 permit ip 10.2.0.0 0.0.0.255 10.1.0.0 0.0.0.255
router ospf 1
 area 0 authentication message-digest
router bgp 65001
 neighbor 192.0.2.1 remote-as 65002
 neighbor 192.0.2.1 password {C}
 neighbor 192.0.2.2 password 7 {C}
key chain KC
 key 1
  key-string {C}
  key-string 7 {C}
snmp-server community {C} RO
snmp-server community {C} RW 10
snmp-server host 192.0.2.9 version 2c {C}
snmp-server host 192.0.2.10 {C}
snmp-server host 192.0.2.11 informs version 2c {C} ipsec isakmp
snmp-server user SNMPU SNMPG v3 auth sha {C} priv aes 128 {C}
tacacs-server host 192.0.2.5 key {C}
tacacs-server key 7 {C}
tacacs-server key {C}
radius-server key {C}
radius-server key 7 {C}
radius-server host 192.0.2.6 auth-port 1645 acct-port 1646 key 7 {C}
radius-server host 192.0.2.7 key {C}
radius server RS1
 address ipv4 192.0.2.6 auth-port 1812 acct-port 1813
 key {C}
 key 7 {C}
tacacs server TS1
 address ipv4 192.0.2.5
 key 7 {C}
ntp authentication-key 1 md5 {C} 7
ntp authentication-key 2 md5 {C}
line con 0
 password 7 {C}
line vty 0 4
 password {C}
 login
end
"""

ASA_TEMPLATE = """\
: Saved
ASA Version 9.8(4)
hostname CANARY-ASA
enable password {C} encrypted
enable password {C} pbkdf2
enable password {C}
passwd {C} encrypted
username admin password {C} privilege 15
username ops password {C} encrypted privilege 15
username pb password {C} pbkdf2 privilege 15
username nt password {C} nt-encrypted
username mschap password {C} mschap privilege 2
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.0
 ospf message-digest-key 1 md5 {C}
 ospf authentication-key {C}
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.1.0.1 255.255.255.0
access-list VPN-ACL extended permit ip 10.1.0.0 255.255.255.0 10.2.0.0 255.255.255.0
crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac
crypto map OUT 10 match address VPN-ACL
crypto map OUT 10 set peer 203.0.113.10
crypto map OUT 10 set ikev1 transform-set TS
crypto map OUT 10 set secret-sauce password {C}
crypto map OUT interface outside
crypto ikev1 enable outside
crypto ikev1 policy 10
 authentication pre-share
 encryption aes-256
 hash sha
 group 14
 frobnicate password {C}
aaa-server RAD protocol radius
aaa-server RAD (inside) host 10.1.0.5
 key {C}
 radius-common-pw {C}
aaa-server TAC protocol tacacs+
aaa-server TAC (inside) host 10.1.0.6
 key {C}
aaa-server LDAP protocol ldap
aaa-server LDAP (inside) host 10.1.0.7
 ldap-login-password {C}
 ldap-login-dn cn=admin
aaa-server OLD (inside) host 10.1.0.8 {C} timeout 5
tunnel-group 203.0.113.10 type ipsec-l2l
tunnel-group 203.0.113.10 ipsec-attributes
 ikev1 pre-shared-key {C}
 ikev2 local-authentication pre-shared-key {C}
 ikev2 remote-authentication pre-shared-key {C}
 ikev2 remote-authentication pre-shared-key hex {C}
 secret-thing password {C}
tunnel-group 203.0.113.11 type ipsec-l2l
tunnel-group 203.0.113.11 ipsec-attributes
 pre-shared-key {C}
snmp-server host inside 10.1.0.9 community {C} version 2c
snmp-server host outside 192.0.2.9 community {C}
snmp-server community {C}
snmp-server user SU SG v3 encrypted auth sha {C} priv aes 128 {C}
ntp authentication-key 1 md5 {C}
failover key {C}
failover key hex {C}
router ospf 1
 area 0 authentication message-digest
router bgp 65000
 address-family ipv4 unicast
  neighbor 192.0.2.1 password {C}
vpdn username VU password {C}
: end
"""

PIX_TEMPLATE = """\
PIX Version 6.3(5)
nameif ethernet0 outside security0
nameif ethernet1 inside security100
enable password {C} encrypted
passwd {C} encrypted
hostname CANARY-PIX
ip address outside 198.51.100.20 255.255.255.0
ip address inside 10.3.0.1 255.255.255.0
access-list VPN permit ip 10.3.0.0 255.255.255.0 10.2.0.0 255.255.255.0
aaa-server RADIUS protocol radius
aaa-server RADIUS (inside) host 10.3.0.5 {C} timeout 10
aaa-server TACACS+ (inside) host 10.3.0.6 {C} timeout 5
snmp-server community {C}
snmp-server host inside 10.3.0.9
ntp authentication-key 1 md5 {C}
username admin password {C} encrypted privilege 15
sysopt connection permit-ipsec
crypto ipsec transform-set TS esp-3des esp-md5-hmac
crypto map OUT 10 ipsec-isakmp
crypto map OUT 10 match address VPN
crypto map OUT 10 set peer 203.0.113.10
crypto map OUT 10 set transform-set TS
crypto map OUT 10 set odd-password {C}
crypto map OUT interface outside
isakmp enable outside
isakmp key {C} address 203.0.113.10 netmask 255.255.255.255 no-xauth no-config-mode
isakmp key {C} address 0.0.0.0 netmask 0.0.0.0
isakmp policy 10 authentication pre-share
isakmp policy 10 encryption 3des
isakmp policy 10 hash md5
isakmp policy 10 group 2
vpngroup RA password {C}
vpngroup RA address-pool POOL
vpdn username VU password {C}
failover key {C}
: end
"""


def _plant(template: str) -> tuple[str, list[str]]:
    """Replace each ``{C}`` with its own canary; return the text and the canaries in order."""
    canaries: list[str] = []

    def fresh(_m: re.Match[str]) -> str:
        canary = f"Kq{pysecrets.token_hex(5)}Zx"
        canaries.append(canary)
        return canary

    return re.sub(r"\{C\}", fresh, template), canaries


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A snapshot with the three canary configs; maps each canary to its template line."""
    folder = tmp_path_factory.mktemp("canary")
    where: dict[str, str] = {}
    for name, template in (("rtr.cfg", IOS_TEMPLATE), ("asa.cfg", ASA_TEMPLATE), ("pix.cfg", PIX_TEMPLATE)):
        text, canaries = _plant(template)
        (folder / name).write_text(text, encoding="utf-8")
        lines = [line for line in template.splitlines() if "{C}" in line for _ in range(line.count("{C}"))]
        where.update(zip(canaries, (f"{name}: {line.strip()}" for line in lines), strict=True))
    return folder, where


def _leaks(text: str, where: dict[str, str]) -> list[str]:
    """The template lines whose canary appears in ``text`` (empty: nothing leaked)."""
    return sorted(where[c] for c in where if c in text)


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ipsec_doctor", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120, check=False)


def test_canary_configs_are_read_as_three_devices(planted: tuple[Path, dict[str, str]]) -> None:
    folder, where = planted
    report = analyze([folder])
    assert sorted(d.name for d in report.devices) == ["CANARY-ASA", "CANARY-PIX", "CANARY-RTR"]
    assert len(where) > 100  # every position planted


@pytest.mark.parametrize(
    "args",
    [
        ("analyze", "--format", "text"),
        ("analyze", "--format", "json"),
        ("analyze", "--format", "text", "--quiet"),
        ("inventory", "--format", "text"),
        ("inventory", "--format", "json"),
        ("--debug", "analyze", "--format", "json"),
        ("--debug", "inventory", "--format", "text"),
    ],
    ids=lambda a: "-".join(x.strip("-") for x in a),
)
def test_no_canary_secret_reaches_stdout_or_stderr(planted: tuple[Path, dict[str, str]], args: tuple[str, ...]) -> None:
    folder, where = planted
    proc = _run(*args, str(folder))
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert proc.stdout.strip()
    assert _leaks(proc.stdout + proc.stderr, where) == []
    assert "Traceback" not in proc.stderr


def _formats(command: str) -> tuple[str, ...]:
    """The ``--format`` choices of a subcommand as the CLI defines them now (new formats are covered too)."""
    from ipsec_doctor.cli import _build_parser

    sub = next(a for a in _build_parser()._actions if a.dest == "command")
    parser = sub.choices.get(command)  # type: ignore[union-attr]
    if parser is None:
        return ()
    return tuple(next((a.choices for a in parser._actions if a.dest == "format"), ()) or ())


def test_every_output_format_of_analyze_and_inventory_keeps_canaries_out(planted: tuple[Path, dict[str, str]]) -> None:
    """Formats added after this test was written (html, sarif, ...) are covered too."""
    folder, where = planted
    assert {"text", "json"} <= set(_formats("analyze"))
    for command in ("analyze", "inventory"):
        for fmt in _formats(command):
            proc = _run(command, "--format", fmt, str(folder))
            assert proc.returncode in (0, 1), (command, fmt, proc.stderr[-2000:])
            assert proc.stdout.strip(), (command, fmt)
            assert _leaks(proc.stdout + proc.stderr, where) == [], (command, fmt)


def test_diff_of_two_canary_snapshots_keeps_canaries_out(planted: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    """`diff BEFORE AFTER` (when the command exists) in every format: both sides hold their own canaries."""
    formats = _formats("diff")
    if not formats:
        pytest.skip("no diff command in this version")
    before, where = planted
    after = tmp_path / "after"
    after.mkdir()
    where = dict(where)
    for name, template in (("rtr.cfg", IOS_TEMPLATE), ("asa.cfg", ASA_TEMPLATE.replace("group 14", "group 5")),
                           ("pix.cfg", PIX_TEMPLATE)):
        text, canaries = _plant(template)
        (after / name).write_text(text, encoding="utf-8")
        where.update((c, f"after/{name}") for c in canaries)
    for fmt in formats:
        proc = _run("diff", "--format", fmt, str(before), str(after))
        assert proc.returncode in (0, 1), (fmt, proc.stderr[-2000:])
        assert proc.stdout.strip(), fmt
        assert _leaks(proc.stdout + proc.stderr, where) == [], fmt


def test_report_file_written_with_output_holds_no_canary(planted: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, where = planted
    out = tmp_path / "report.json"
    assert main(["analyze", str(folder), "--format", "json", "-o", str(out)]) in (0, 1)
    text = out.read_text(encoding="utf-8")
    assert json.loads(text)["devices"]
    assert _leaks(text, where) == []


def test_parse_problems_quote_unrecognised_vpn_lines_redacted(planted: tuple[Path, dict[str, str]]) -> None:
    folder, where = planted
    report = analyze([folder])
    messages = [p.message for r in report.inputs for p in r.problems]
    assert any("bogus-password" in m or "frobnicate" in m or "secret-thing" in m or "odd-password" in m
               for m in messages), messages
    assert _leaks("\n".join(messages), where) == []


def test_model_reprs_hold_no_canary(planted: tuple[Path, dict[str, str]]) -> None:
    folder, where = planted
    report = analyze([folder])
    dumped = repr(report.devices) + repr(report.findings) + repr(report.inputs) + repr(report.tunnels)
    dumped += repr(report.verdicts)
    assert "CANARY-RTR" in dumped
    assert _leaks(dumped, where) == []


def test_forced_internal_error_with_debug_leaks_no_canary(
    planted: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """The exception's message quotes a secret; neither stderr nor the crash report may repeat it."""
    import tempfile

    from ipsec_doctor import analysis

    folder, where = planted
    canary = next(iter(where))
    real = analysis.diagnose

    def boom(devices: object) -> object:
        real(devices)  # the real work first, so the stack is deep
        raise ValueError(f"crypto isakmp key {canary} address 192.0.2.1")

    monkeypatch.setattr(analysis, "diagnose", boom)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["--debug", "analyze", str(folder)]) == 3
    captured = capsys.readouterr()
    crash = list(tmp_path.glob("ipsec-doctor-crash-*.txt"))
    assert len(crash) == 1
    report_text = crash[0].read_text(encoding="utf-8")
    assert "ValueError" in report_text and "ValueError" in captured.err
    assert "Traceback" not in captured.err
    assert _leaks(captured.out + captured.err + report_text, where) == []


def test_internal_error_in_a_subprocess_with_debug_leaks_no_canary(
    planted: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """Same, end to end: a sitecustomize hook breaks the pipeline in a child process."""
    folder, where = planted
    canary = next(iter(where))
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import ipsec_doctor.analysis as a\n"
        "def _boom(devices):\n"
        f"    raise KeyError('enable secret 5 {canary}')\n"
        "a.diagnose = _boom\n",
        encoding="utf-8",
    )
    env = dict(os.environ, PYTHONPATH=str(hook), TMPDIR=str(tmp_path))
    proc = _run("--debug", "analyze", "--format", "json", str(folder), env=env)
    assert proc.returncode == 3
    crash = list(tmp_path.glob("ipsec-doctor-crash-*.txt"))
    assert len(crash) == 1 and "KeyError" in crash[0].read_text(encoding="utf-8")
    assert "Traceback" not in proc.stderr
    assert _leaks(proc.stdout + proc.stderr + crash[0].read_text(encoding="utf-8"), where) == []


def test_explain_output_never_holds_a_canary(planted: tuple[Path, dict[str, str]]) -> None:
    _folder, where = planted
    listing = _run("explain")
    assert listing.returncode == 0 and "P1-PSK" in listing.stdout
    one = _run("explain", "P1-PSK")
    assert one.returncode == 0
    assert _leaks(listing.stdout + one.stdout + one.stderr, where) == []


def test_key_digests_differ_between_processes_because_the_salt_is_per_process() -> None:
    code = (
        "from ipsec_doctor.secrets import Secret\n"
        "a = Secret.from_clear('Same-Key-In-Both-Runs'); b = Secret.from_clear('Same-Key-In-Both-Runs')\n"
        "assert a.same_as(b) is True\n"
        "print(a.fingerprint.hex())\n"
    )
    digests = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
               for _ in range(2)]
    assert len(digests[0]) == 64 and len(digests[1]) == 64
    assert digests[0] != digests[1]


@pytest.mark.parametrize("platform_template", [IOS_TEMPLATE, ASA_TEMPLATE, PIX_TEMPLATE], ids=["ios", "asa", "pix"])
def test_redact_line_removes_the_canary_from_every_planted_line(platform_template: str) -> None:
    """The gate itself: every line of the templates that carries a secret comes out without it."""
    from ipsec_doctor.redact import redact_line

    leaked = []
    for line in platform_template.splitlines():
        if "{C}" in line:
            text, canaries = _plant(line)
            out = redact_line(text)
            if any(c in out for c in canaries) or "<redacted>" not in out:
                leaked.append(line)
    assert leaked == []


@pytest.mark.parametrize(
    "line",
    ["snmp-server host inside 10.3.0.9", "snmp-server host inside 10.3.0.9 poll",
     "aaa-server RAD (inside) host 10.1.0.5", "aaa-server RAD (inside) host 10.1.0.5 timeout 5"],
)
def test_redaction_of_snmp_and_aaa_hosts_keeps_lines_without_a_secret(line: str) -> None:
    from ipsec_doctor.redact import redact_line

    assert redact_line(line) == line
