"""``ipsec-doctor collect`` without a network: allow-list, credentials, inventory, snapshot, analysis.

The device side here is a recording fake connection; the tests against a
real SSH server are in ``test_collect_live.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest

from ipsec_doctor.analysis import analyze
from ipsec_doctor.collect import Credentials, Options, Target, UnsafeCommand, check_command, collect, plan_for
from ipsec_doctor.collect.commands import file_name, looks_disruptive, rejection
from ipsec_doctor.collect.credentials import CredentialsMissing, get_credentials
from ipsec_doctor.collect.session import collect_device, connection_params, software_version
from ipsec_doctor.collect.snapshot import MANIFEST

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "collect"
PASSWORD = "Login-Pa55-word"
SECRET = "En4ble-Secr3t"
CREDS = Credentials("netops", PASSWORD, SECRET)


def canned(prefix: str) -> dict[str, str]:
    """Command → canned output, from ``tests/fixtures/collect/<prefix>_<command>.txt``."""
    out = {}
    for path in FIXTURES.glob(f"{prefix}_*.txt"):
        command = path.stem[len(prefix) + 1:].replace("_", " ").replace("system running-config",
                                                                        "system:running-config")
        out[command] = path.read_text(encoding="utf-8")
    return out


class FakeConnection:
    """Answers like a device from canned outputs and records every command it was sent."""

    devices: ClassVar[dict[str, tuple[str, dict[str, str]]]] = {"hq-asa": ("HQ-ASA", canned("hq-asa")), "br1-rtr": ("BR1-RTR", canned("br1-rtr"))}

    def __init__(self, **params: Any) -> None:
        self.params = params
        self.sent: list[str] = []
        self.hostname, self.outputs = self.devices[params["host"]]
        if params["password"] != PASSWORD:
            raise type("NetmikoAuthenticationException", (Exception,), {})("Authentication to device failed.")

    def check_enable_mode(self) -> bool:
        return True

    def enable(self) -> str:
        return ""

    def find_prompt(self) -> str:
        return f"{self.hostname}#"

    def send_command(self, command: str, **_kwargs: Any) -> str:
        self.sent.append(command)
        if command not in self.outputs:
            return "% Invalid input detected at '^' marker."
        return self.outputs[command] + f"\n(echoed by a careless device: {PASSWORD})"

    def disconnect(self) -> None:
        pass


# --------------------------------------------------------------------------- allow-list


@pytest.mark.parametrize("command", [
    "debug crypto isakmp", "debug all", "undebug all", "clear crypto sa", "clear crypto isakmp",
    "conf t", "configure terminal", "reload", "write memory", "copy running-config startup-config",
    "sh run", "show running-config | redirect disk0:/x", "show tech-support", "show run > x",
    "show crypto isakmp sa\nclear crypto sa", "show crypto isakmp sa\rreload", " show version", "",
])
def test_collect_allow_list_refuses_disruptive_commands(command: str) -> None:
    with pytest.raises(UnsafeCommand, match="refused"):
        check_command(command)


@pytest.mark.parametrize("platform", ["ios", "asa"])
@pytest.mark.parametrize("with_keys", [False, True])
def test_collect_plans_hold_only_allowed_read_only_commands(platform: str, with_keys: bool) -> None:
    plan = plan_for(platform, with_keys=with_keys)
    assert all(check_command(c) == c for c in plan)
    assert "show version" in plan and "show crypto ipsec sa" in plan
    assert not any(c.split()[0] in ("debug", "clear", "conf", "configure") for c in plan)


def test_collect_asa_reads_keys_only_with_keys() -> None:
    assert "more system:running-config" not in plan_for("asa")
    assert "show running-config" in plan_for("asa")
    assert "more system:running-config" in plan_for("asa", with_keys=True)
    assert "more system:running-config" not in plan_for("ios", with_keys=True)


def test_collect_write_guard_spots_state_changing_lines() -> None:
    assert looks_disruptive("configure terminal\n")
    assert looks_disruptive("show version\nclear crypto sa\n")
    assert looks_disruptive("DEBUG crypto ikev1 127\n")
    assert not looks_disruptive("terminal pager 0\n")
    assert not looks_disruptive("enable\n")
    assert not looks_disruptive("show curpriv\n")


def test_collect_file_names_and_rejections() -> None:
    assert file_name("show crypto isakmp sa") == "show_crypto_isakmp_sa.txt"
    assert file_name("more system:running-config") == "more_system_running-config.txt"
    assert rejection("% Invalid input detected at '^' marker.") == "% Invalid input detected"
    assert rejection("ERROR: % Invalid input detected at '^' marker.") == "ERROR: % Invalid input detected"
    assert rejection("IPv4 Crypto ISAKMP SA\ndst src state") is None
    assert software_version(canned("hq-asa")["show version"]) == "9.8(4)12"
    assert software_version(canned("br1-rtr")["show version"]) == "15.4(3)M3"


# --------------------------------------------------------------------------- credentials and host keys


def test_collect_credentials_come_from_environment_and_stay_hidden() -> None:
    env = {"IPSEC_DOCTOR_USERNAME": "netops", "IPSEC_DOCTOR_PASSWORD": PASSWORD, "IPSEC_DOCTOR_SECRET": SECRET}
    creds = get_credentials(environ=env, interactive=False)
    assert (creds.username, creds.password, creds.secret) == ("netops", PASSWORD, SECRET)
    assert PASSWORD not in repr(creds) and SECRET not in repr(creds) and PASSWORD not in str(creds)
    assert creds.scrub(f"x {PASSWORD} y {SECRET}") == "x <redacted> y <redacted>"


def test_collect_credentials_prompt_on_a_terminal_and_fail_clearly_without_one() -> None:
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return PASSWORD if prompt.startswith("Password") else ""

    creds = get_credentials("admin", environ={}, interactive=True, ask=ask)
    assert (creds.username, creds.password, creds.secret) == ("admin", PASSWORD, "")
    assert asked == ["Password for admin: ", "Enable secret (empty for none): "]
    with pytest.raises(CredentialsMissing, match="IPSEC_DOCTOR_PASSWORD"):
        get_credentials("admin", environ={}, interactive=False)


def test_collect_checks_host_keys_unless_told_not_to() -> None:
    target = Target("r1", "127.0.0.1", "asa", 2222)
    strict = connection_params(target, CREDS, Options())
    assert strict["ssh_strict"] is True and strict["system_host_keys"] is True
    assert strict["allow_auto_change"] is False  # Netmiko would otherwise enter configuration mode on an ASA
    pinned = connection_params(target, CREDS, Options(known_hosts="/tmp/kh"))
    assert pinned["ssh_strict"] is True and pinned["alt_host_keys"] is True and pinned["alt_key_file"] == "/tmp/kh"
    loose = connection_params(target, CREDS, Options(insecure_host_keys=True))
    assert loose["ssh_strict"] is False and loose["system_host_keys"] is False


# --------------------------------------------------------------------------- inventory


def test_collect_reads_a_nornir_simple_inventory(tmp_path: Path) -> None:
    pytest.importorskip("yaml", reason="PyYAML (the collect extra) is not installed")
    from ipsec_doctor.collect import load_inventory

    (tmp_path / "hosts.yaml").write_text(
        "hq-asa:\n  hostname: 192.0.2.1\n  groups: [firewalls]\n"
        "br1-rtr:\n  hostname: 192.0.2.2\n  platform: cisco_ios\n  port: 2222\n  password: in-the-file\n"
        "printer:\n  hostname: 192.0.2.9\n  platform: hp_procurve\n",
        encoding="utf-8",
    )
    (tmp_path / "groups.yaml").write_text("firewalls:\n  platform: asa\n  username: fwops\n", encoding="utf-8")
    (tmp_path / "defaults.yaml").write_text("port: 22\n", encoding="utf-8")
    targets, problems = load_inventory(tmp_path / "hosts.yaml")
    assert targets == [Target("hq-asa", "192.0.2.1", "asa", 22, "fwops"),
                       Target("br1-rtr", "192.0.2.2", "ios", 2222, None)]
    assert any("br1-rtr: the password in the inventory is ignored" in p for p in problems)
    assert any(p.startswith("printer: platform") for p in problems)
    assert not any("in-the-file" in p for p in problems)


# --------------------------------------------------------------------------- a whole run against fakes


def test_collect_never_sends_anything_outside_the_allow_list(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ipsec_doctor.collect import session

    monkeypatch.setattr(session, "plan_for", lambda platform, with_keys=False: (
        "show version", "clear crypto sa", "debug crypto isakmp", "conf t", "show crypto isakmp sa"))
    made: list[FakeConnection] = []

    def connect(**params: Any) -> FakeConnection:
        made.append(FakeConnection(**params))
        return made[-1]

    result = collect_device(Target("hq-asa", "hq-asa", "asa"), CREDS, Options(), connect)
    assert made[0].sent == ["show version", "show crypto isakmp sa"]
    assert [c.status for c in result.commands] == ["ok", "refused", "refused", "refused", "ok"]
    assert result.status == "partial"


def test_collect_snapshot_is_analyzed_unchanged(tmp_path: Path) -> None:
    targets = [Target("hq-asa", "hq-asa", "asa"), Target("br1-rtr", "br1-rtr", "ios")]
    _results, manifest_path = collect(targets, CREDS, Options(), tmp_path / "snap", connect=FakeConnection)
    snap = tmp_path / "snap"
    first = (snap / "HQ-ASA" / "show_running-config.txt").read_text(encoding="utf-8").splitlines()[0]
    assert first == "HQ-ASA# show running-config"
    assert (snap / "BR1-RTR" / "show_crypto_isakmp_sa.txt").is_file()
    every_text = "".join(p.read_text(encoding="utf-8") for p in snap.rglob("*") if p.is_file())
    assert PASSWORD not in every_text and SECRET not in every_text
    assert "Br4nch-0ne-K3y!" not in every_text  # IOS shows the key in clear; without --with-keys it is left out
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    ios = manifest["devices"][1]
    assert ios["hostname"] == "BR1-RTR" and ios["software_version"] == "15.4(3)M3" and ios["status"] == "partial"
    assert {"command": "show crypto ikev2 sa", "status": "rejected", "file": None,
            "message": "the device rejected it: % Invalid input detected"} in ios["commands"]
    report = analyze([str(snap)])
    ids = {f.id for f in report.findings}
    assert {"P2-PFS", "NAT-EXEMPT"} <= ids
    assert sorted(d.name for d in report.devices) == ["BR1-RTR", "HQ-ASA"]  # no partial-config phantom device
    assert any(c["command"] == "show running-config all sysopt" and c["file"] == "HQ-ASA/show_running-config.txt"
               for c in manifest["devices"][0]["commands"])


def test_collect_wrong_password_is_a_manifest_entry_not_a_crash(tmp_path: Path) -> None:
    creds = Credentials("netops", "wrong-password")
    results, manifest_path = collect([Target("hq-asa", "hq-asa", "asa")], creds, Options(), tmp_path,
                                     connect=FakeConnection)
    assert results[0].status == "failed"
    assert results[0].errors == ["authentication failed on hq-asa:22 (check the user name and password)"]
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest["devices"][0]["errors"] == results[0].errors
    assert not (tmp_path / "HQ-ASA").exists()
    assert MANIFEST == ".manifest.json"
