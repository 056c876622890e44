"""``ipsec-doctor collect`` against real SSH servers on 127.0.0.1 (fakenos) with real Netmiko.

Two emulated devices (HQ-ASA, BR1-RTR) serve the canned outputs of
``tests/fixtures/collect``; a closed port and a wrong user stand for the
devices that fail.  One collection run (module scope, ~5 s) feeds the tests.
Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("netmiko", reason="netmiko is not installed (pip install 'ipsec-doctor[collect]')")
fakenos = pytest.importorskip("fakenos", reason="fakenos (the SSH device emulator used by these tests) is not installed")
paramiko = pytest.importorskip("paramiko", reason="paramiko is not installed")

from ipsec_doctor.cli import main
from ipsec_doctor.collect import Credentials, Options, Target
from ipsec_doctor.collect.session import collect_device

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "collect"
USER, PASSWORD = "netops", "Live-Login-Pa55"
BOTH_PROMPTS = ["{base_prompt}>", "{base_prompt}#"]

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _commands(prefix: str, extra: dict[str, Any]) -> dict[str, Any]:
    commands: dict[str, Any] = {
        "_default_": {"output": "% Invalid input detected at '^' marker."},  # what IOS and ASA answer
        **extra,
    }
    for path in FIXTURES.glob(f"{prefix}_*.txt"):
        command = path.stem[len(prefix) + 1:].replace("_", " ").replace("system running-config",
                                                                        "system:running-config")
        commands[command] = {"output": path.read_text(encoding="utf-8"), "prompt": "{base_prompt}#"}
    return commands


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    logging.getLogger("fakenos").setLevel(logging.CRITICAL)
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)
    root = tmp_path_factory.mktemp("collect-lab")
    key = paramiko.RSAKey.generate(2048)
    key_file = root / "host_key"
    key.write_private_key_file(str(key_file))
    asa_port, ios_port, closed_port = _free_port(), _free_port(), _free_port()
    server = {"plugin": "ParamikoSshServer", "configuration": {"ssh_key_file": str(key_file), "address": "127.0.0.1"}}
    asa_session = {  # the stock profile lacks these; Netmiko sends them while preparing the session
        "show curpriv": {"output": "Username : enable_15\nCurrent privilege level : 15", "prompt": BOTH_PROMPTS},
        "terminal pager 0": {"output": "", "prompt": BOTH_PROMPTS},
    }
    inventory = {
        "default": {"username": USER, "password": PASSWORD, "server": server},
        "hosts": {
            "HQ-ASA": {"port": asa_port, "platform": "cisco_asa",
                       "nos": {"plugin": "cisco_asa", "configuration": {"commands": _commands("hq-asa", asa_session)}}},
            "BR1-RTR": {"port": ios_port, "platform": "cisco_ios",
                        "nos": {"plugin": "cisco_ios", "configuration": {"commands": _commands("br1-rtr", {})}}},
        },
    }
    known_hosts = root / "known_hosts"
    known_hosts.write_text("".join(f"[127.0.0.1]:{port} {key.get_name()} {key.get_base64()}\n"
                                   for port in (asa_port, ios_port)), encoding="utf-8")
    network = fakenos.FakeNOS(inventory=inventory)
    network.start()
    try:
        yield {"root": root, "asa": asa_port, "ios": ios_port, "closed": closed_port, "known_hosts": known_hosts}
    finally:
        network.stop()


@pytest.fixture(scope="module")
def run(lab: dict[str, Any]) -> dict[str, Any]:
    """``ipsec-doctor collect --inventory`` over four devices: two good, one closed port, one wrong user."""
    hosts = lab["root"] / "hosts.yaml"
    hosts.write_text(
        f"hq-asa:\n  hostname: 127.0.0.1\n  port: {lab['asa']}\n  platform: cisco_asa\n"
        f"br1-rtr:\n  hostname: 127.0.0.1\n  port: {lab['ios']}\n  platform: ios\n"
        f"gone-rtr:\n  hostname: 127.0.0.1\n  port: {lab['closed']}\n  platform: ios\n"
        f"intruder:\n  hostname: 127.0.0.1\n  port: {lab['ios']}\n  platform: ios\n  username: intruder\n",
        encoding="utf-8",
    )
    snapshot = lab["root"] / "snapshot"
    mp = pytest.MonkeyPatch()
    mp.setenv("IPSEC_DOCTOR_USERNAME", USER)
    mp.setenv("IPSEC_DOCTOR_PASSWORD", PASSWORD)
    mp.setenv("IPSEC_DOCTOR_SECRET", "")
    import io
    import sys

    err = io.StringIO()
    mp.setattr(sys, "stderr", err)
    try:
        code = main(["collect", str(snapshot), "--inventory", str(hosts), "--known-hosts", str(lab["known_hosts"]),
                     "--timeout", "5"])
    finally:
        mp.undo()
    manifest = json.loads((snapshot / ".manifest.json").read_text(encoding="utf-8"))
    return {"code": code, "stderr": err.getvalue(), "snapshot": snapshot,
            "devices": {d["name"]: d for d in manifest["devices"]}}


def test_collect_live_two_devices_saved_with_prompt_lines(run: dict[str, Any]) -> None:
    snapshot = run["snapshot"]
    assert run["code"] == 1  # two devices failed on purpose
    asa = (snapshot / "HQ-ASA" / "show_crypto_isakmp_sa.txt").read_text(encoding="utf-8")
    assert asa.startswith("HQ-ASA# show crypto isakmp sa\n") and "IKE Peer: 203.0.113.10" in asa
    ios = (snapshot / "BR1-RTR" / "show_running-config.txt").read_text(encoding="utf-8")
    assert ios.startswith("BR1-RTR# show running-config\n") and "set peer 198.51.100.2" in ios
    assert run["devices"]["hq-asa"]["software_version"] == "9.8(4)12"
    assert run["devices"]["br1-rtr"]["software_version"] == "15.4(3)M3"
    assert run["devices"]["hq-asa"]["status"] == "ok"


def test_collect_live_snapshot_analysis_finds_the_pfs_and_nat_faults(run: dict[str, Any], capsys: Any) -> None:
    code = main(["analyze", str(run["snapshot"]), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    ids = {f["id"] for f in report["findings"]}
    assert code == 1 and {"P2-PFS", "NAT-EXEMPT"} <= ids
    assert sorted(d["name"] for d in report["devices"]) == ["BR1-RTR", "HQ-ASA"]
    assert "P1-PSK" in ids  # keys were left out, so the report says they cannot be verified


def test_collect_live_unreachable_device_is_reported_and_others_go_on(run: dict[str, Any]) -> None:
    gone = run["devices"]["gone-rtr"]
    assert gone["status"] == "failed" and gone["commands"] == []
    assert gone["errors"][0].startswith("unreachable:") and "127.0.0.1:" in gone["errors"][0]
    assert "gone-rtr (127.0.0.1): failed" in run["stderr"] and "unreachable:" in run["stderr"]


def test_collect_live_wrong_password_is_reported(run: dict[str, Any]) -> None:
    intruder = run["devices"]["intruder"]
    assert intruder["status"] == "failed"
    expected = f"authentication failed on 127.0.0.1:{intruder['port']} (check the user name and password)"
    assert intruder["errors"] == [expected]


def test_collect_live_rejected_command_is_a_manifest_entry(run: dict[str, Any]) -> None:
    router = run["devices"]["br1-rtr"]
    rejected = [c for c in router["commands"] if c["status"] == "rejected"]
    assert [c["command"] for c in rejected] == ["show crypto ikev2 sa"]
    assert rejected[0]["message"] == "the device rejected it: % Invalid input detected"
    assert router["status"] == "partial"
    assert "show crypto ikev2 sa: the device rejected it" in run["stderr"]
    assert not (run["snapshot"] / "BR1-RTR" / "show_crypto_ikev2_sa.txt").exists()


def test_collect_live_files_hold_no_password_and_no_key(run: dict[str, Any]) -> None:
    files = [p for p in run["snapshot"].rglob("*") if p.is_file()]
    assert len(files) >= 10
    text = "".join(p.read_text(encoding="utf-8") for p in files) + run["stderr"]
    assert PASSWORD not in text
    assert "Br4nch-0ne-K3y!" not in text


def test_collect_live_refuses_an_unknown_host_key_by_default(lab: dict[str, Any]) -> None:
    empty = lab["root"] / "empty_known_hosts"
    empty.write_text("", encoding="utf-8")
    result = collect_device(Target("hq-asa", "127.0.0.1", "asa", lab["asa"]), Credentials(USER, PASSWORD),
                            Options(known_hosts=str(empty), conn_timeout=5))
    assert result.status == "failed" and result.commands == []
    assert result.errors[0].startswith(f"host key of 127.0.0.1:{lab['asa']} is not in {empty}")


def test_collect_live_with_keys_reads_the_asa_system_config(lab: dict[str, Any]) -> None:
    result = collect_device(Target("hq-asa", "127.0.0.1", "asa", lab["asa"]), Credentials(USER, PASSWORD),
                            Options(with_keys=True, known_hosts=str(lab["known_hosts"]), conn_timeout=5))
    config = next(c for c in result.commands if c.command == "more system:running-config")
    assert config.status == "ok" and "ikev1 pre-shared-key Br4nch-0ne-K3y!" in config.output


def test_collect_live_guarded_connection_cannot_enter_configuration_mode(lab: dict[str, Any]) -> None:
    from ipsec_doctor.collect.commands import UnsafeCommand
    from ipsec_doctor.collect.session import _guarded_class, connection_params

    target = Target("br1-rtr", "127.0.0.1", "ios", lab["ios"])
    conn = _guarded_class("cisco_ios")(**connection_params(target, Credentials(USER, PASSWORD),
                                                            Options(known_hosts=str(lab["known_hosts"]))))
    try:
        for attempt in (lambda: conn.config_mode(), lambda: conn.send_config_set(["no crypto map VPN"]),
                        lambda: conn.write_channel("clear crypto sa\n"), lambda: conn.write_channel("debug all\n")):
            with pytest.raises(UnsafeCommand, match="refused"):
                attempt()
        assert conn.find_prompt() == "BR1-RTR>"  # still at the exec prompt: nothing was sent
    finally:
        conn.disconnect()
