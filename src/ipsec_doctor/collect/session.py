"""One device's collection over SSH with Netmiko, behind the command guards.

Netmiko is imported lazily (it is the ``collect`` extra).  The connection
class is Netmiko's own for the platform with two overrides: every write to
the channel passes :func:`~.commands.looks_disruptive`, and configuration
mode cannot be entered at all.  Our commands additionally pass the
allow-list (:func:`~.commands.check_command`) before they are sent.

Error messages are written here, from the exception *type* and a few known
phrases; Netmiko's own text is not passed on (it can quote what was sent).
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from ..redact import redact_line
from .commands import DEVICE_TYPES, UnsafeCommand, check_command, looks_disruptive, plan_for, rejection
from .credentials import Credentials
from .targets import Target


@dataclass(frozen=True, slots=True)
class Options:
    """How to connect and what to fetch (shared by every device of a run)."""

    with_keys: bool = False
    insecure_host_keys: bool = False
    known_hosts: str | None = None  # a known_hosts file to use instead of ~/.ssh/known_hosts
    conn_timeout: float = 10.0
    command_timeout: float = 60.0


@dataclass(slots=True)
class CommandResult:
    command: str
    status: str  # ok | rejected | error | refused
    file: str | None = None  # relative to the snapshot folder
    message: str | None = None
    output: str = field(default="", repr=False)  # scrubbed text, written by the snapshot writer


@dataclass(slots=True)
class DeviceResult:
    target: Target
    status: str = "failed"  # ok | partial | failed
    hostname: str | None = None
    software_version: str | None = None
    started: float = 0.0
    finished: float = 0.0
    commands: list[CommandResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    session_commands: tuple[str, ...] = ()


class NetmikoMissing(Exception):
    """The ``collect`` extra is not installed."""


_GUARDED: dict[str, type] = {}


def _guarded_class(device_type: str) -> type:
    """Netmiko's class for ``device_type`` with writes checked and configuration mode disabled."""
    if device_type in _GUARDED:
        return _GUARDED[device_type]
    try:
        from netmiko.ssh_dispatcher import CLASS_MAPPER
    except ImportError as exc:
        raise NetmikoMissing("collect needs Netmiko: pip install 'ipsec-doctor[collect]'") from exc
    base = CLASS_MAPPER[device_type]

    def write_channel(self: Any, out_data: str) -> None:
        if looks_disruptive(out_data):
            raise UnsafeCommand("refused to write a state-changing command to the device")
        base.write_channel(self, out_data)  # type: ignore[attr-defined]

    def config_mode(self: Any, *args: Any, **kwargs: Any) -> str:
        raise UnsafeCommand("refused to enter configuration mode")

    cls = type(f"ReadOnly{base.__name__}", (base,), {
        "write_channel": write_channel,
        "config_mode": config_mode,
        "send_config_set": config_mode,
        "send_config_from_file": config_mode,
    })
    _GUARDED[device_type] = cls
    return cls


def connection_params(target: Target, creds: Credentials, options: Options) -> dict[str, Any]:
    """Keyword arguments for the Netmiko connection (host keys checked unless told otherwise)."""
    params: dict[str, Any] = {
        "host": target.host,
        "port": target.port,
        "username": target.username or creds.username,
        "password": creds.password,
        "secret": creds.secret,
        "conn_timeout": options.conn_timeout,
        "auth_timeout": options.conn_timeout,
        "banner_timeout": options.conn_timeout,
        "ssh_strict": not options.insecure_host_keys,
        "system_host_keys": not options.insecure_host_keys and not options.known_hosts,
        "alt_host_keys": bool(options.known_hosts) and not options.insecure_host_keys,
        "alt_key_file": options.known_hosts or "",
        "allow_agent": False,
        "use_keys": False,
        "session_log": None,  # a session log would hold what was typed
    }
    if target.platform == "asa":
        params["allow_auto_change"] = False  # True makes Netmiko enter configuration mode to set the width
    return params


def connect_error(exc: BaseException, target: Target, options: Options) -> str:
    """A one-line reason for a failed connection, in our words (no exception text is quoted)."""
    where = f"{target.host}:{target.port}"
    text = str(exc)
    names = {cls.__name__ for cls in type(exc).__mro__}
    if isinstance(exc, UnsafeCommand):
        return str(exc)
    if "NetmikoAuthenticationException" in names or "AuthenticationException" in names:
        return f"authentication failed on {where} (check the user name and password)"
    if "not found in known_hosts" in text:
        source = options.known_hosts or "~/.ssh/known_hosts"
        return (f"host key of {where} is not in {source}: add it (e.g. ssh-keyscan -p {target.port} {target.host}) "
                "or pass --insecure-host-keys knowingly")
    if "does not match" in text or "BadHostKeyException" in names:
        return f"host key of {where} does not match the known one: refusing to connect (possible interception)"
    if isinstance(exc, (socket.timeout, TimeoutError)) or "timed-out" in text or "timed out" in text.lower():
        return f"unreachable: {where} did not answer in {options.conn_timeout:g} s"
    if isinstance(exc, (ConnectionError, OSError)) or "TCP connection to device failed" in text:
        return f"unreachable: cannot open a TCP connection to {where}"
    return f"connection to {where} failed ({type(exc).__name__})"


_VERSION_RE = re.compile(r"\bVersion\s+([0-9][\w.()\-]*)", re.IGNORECASE)
_PROMPT_TAIL_RE = re.compile(r"[#>]\s*$")


def software_version(output: str) -> str | None:
    """``9.8(4)12`` from an ASA's or ``15.4(3)M3`` from an IOS ``show version``."""
    found = _VERSION_RE.search(output)
    return found.group(1).rstrip(",") if found else None


def clean_output(output: str, creds: Credentials, with_keys: bool) -> str:
    """The text to save: login secrets always removed, configuration secrets unless keys were asked for."""
    output = creds.scrub(output.replace("\r\n", "\n").replace("\r", "\n"))
    if not with_keys:
        output = "\n".join(redact_line(line) for line in output.split("\n"))
    return output


def collect_device(target: Target, creds: Credentials, options: Options, connect: Any = None) -> DeviceResult:
    """Connect to one device, run its plan and return every outcome (never raises on device trouble).

    ``connect`` builds the connection from keyword arguments; tests give a
    fake one, the default is the guarded Netmiko class.
    """
    result = DeviceResult(target, started=time.time())
    plan = plan_for(target.platform, with_keys=options.with_keys)
    if connect is None:
        connect = _guarded_class(DEVICE_TYPES[target.platform])
    try:
        conn = connect(**connection_params(target, creds, options))
    except NetmikoMissing:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure is a message for this device only
        result.errors.append(connect_error(exc, target, options))
        result.finished = time.time()
        return result
    try:
        _run_plan(conn, plan, target, creds, options, result)
    finally:
        try:
            conn.disconnect()
        except Exception:  # noqa: BLE001, S110 - the data is already read; a failed logout changes nothing
            pass
        result.finished = time.time()
    ok = sum(1 for c in result.commands if c.status == "ok")
    result.status = "ok" if ok == len(plan) and not result.errors else ("partial" if ok else "failed")
    return result


def _run_plan(conn: Any, plan: tuple[str, ...], target: Target, creds: Credentials, options: Options,
              result: DeviceResult) -> None:
    from .commands import SESSION_COMMANDS

    try:
        if not conn.check_enable_mode():
            conn.enable()
    except Exception as exc:  # noqa: BLE001
        result.errors.append(f"could not enter privileged EXEC mode ({type(exc).__name__}); check IPSEC_DOCTOR_SECRET")
        return
    # Without a terminal width set (ASA: never, it needs configuration mode) Netmiko stops checking the
    # echo, and outputs then shift by one command; our commands are short, so the echo check is safe.
    conn.global_cmd_verify = None
    result.session_commands = SESSION_COMMANDS[target.platform]
    try:
        prompt = str(conn.find_prompt()).strip()
    except Exception:  # noqa: BLE001
        prompt = ""
    result.hostname = _PROMPT_TAIL_RE.sub("", prompt).split("/", 1)[0] or None
    for command in plan:
        try:
            check_command(command)
            raw = conn.send_command(command, read_timeout=options.command_timeout)
        except UnsafeCommand as exc:
            result.commands.append(CommandResult(command, "refused", message=str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - a lost session: the commands left are not tried
            result.commands.append(CommandResult(command, "error", message=f"no answer ({type(exc).__name__})"))
            result.errors.append(f"session lost during {command!r} ({type(exc).__name__})")
            return
        text = clean_output(str(raw), creds, options.with_keys)
        refused = rejection(text)
        if refused:
            result.commands.append(CommandResult(command, "rejected", message=f"the device rejected it: {refused}"))
            continue
        if command == "show version":
            result.software_version = software_version(text)
        result.commands.append(CommandResult(command, "ok", output=text))
