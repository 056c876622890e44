"""Writing a collection to disk: ``SNAPSHOT/<hostname>/<command>.txt`` and ``SNAPSHOT/.manifest.json``.

Each command file starts with the prompt line ``HOSTNAME# <command>`` so
``analyze`` classifies it (a ``show running-config`` part is a configuration,
a ``show crypto …`` part show output) and knows the device.  The manifest is
a hidden file so ``analyze SNAPSHOT`` does not try to read it as evidence; it
records times, software versions, commands and errors, never a credential.
Partial configuration commands are the exception to one file per command:
see :data:`APPENDED_TO_CONFIG`.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import __version__
from .session import DeviceResult, Options

MANIFEST = ".manifest.json"
_FULL_CONFIG = frozenset({"show running-config", "more system:running-config"})
# A configuration section on its own (``show running-config all sysopt``) would be read by ``analyze`` as a
# second, partial device; it is appended to the full configuration's file under a comment line instead.
APPENDED_TO_CONFIG = frozenset({"show running-config all sysopt"})
_DIR_CHARS_RE = re.compile(r"[^A-Za-z0-9._-]+")


def _stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds)) if seconds else ""


class SnapshotWriter:
    """Saves device results under one folder; safe to call from several threads."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._used: set[str] = set()

    def _directory(self, result: DeviceResult) -> Path:
        base = _DIR_CHARS_RE.sub("_", result.hostname or result.target.name).strip("._") or "device"
        with self._lock:
            name = base
            if name in self._used:  # two devices with one hostname: keep both
                name = f"{base}-{_DIR_CHARS_RE.sub('_', result.target.name)}"
            counter = 2
            while name in self._used:
                name, counter = f"{base}-{counter}", counter + 1
            self._used.add(name)
        return self.root / name

    def save(self, result: DeviceResult) -> None:
        """Write the command files of one device (nothing for a device that could not be reached)."""
        saved = [c for c in result.commands if c.status == "ok"]
        if not saved:
            return
        folder = self._directory(result)
        folder.mkdir(parents=True, exist_ok=True)
        prompt = result.hostname or result.target.name
        from .commands import file_name

        config = next((c for c in saved if c.command in _FULL_CONFIG), None)
        for command in saved:
            if command.command in APPENDED_TO_CONFIG and config is not None:
                continue  # written below, inside the configuration's file
            path = folder / file_name(command.command)
            body = command.output.strip("\n")
            if command is config:
                body += "".join(
                    f"\n! ipsec-doctor collect: output of `{extra.command}` follows\n{extra.output.strip(chr(10))}"
                    for extra in saved if extra.command in APPENDED_TO_CONFIG
                )
            _write_text(path, f"{prompt}# {command.command}\n{body}\n")
            command.file = path.relative_to(self.root).as_posix()
        for command in saved:
            if command.file is None and config is not None:
                command.file = config.file
            command.output = ""  # written: free the memory

    def write_manifest(self, results: Iterable[DeviceResult], options: Options, started: float) -> Path:
        """Write the manifest of the whole run and return its path."""
        devices: list[dict[str, Any]] = []
        for r in results:
            devices.append({
                "name": r.target.name,
                "address": r.target.host,
                "port": r.target.port,
                "platform": r.target.platform,
                "hostname": r.hostname,
                "software_version": r.software_version,
                "status": r.status,
                "started": _stamp(r.started),
                "finished": _stamp(r.finished),
                "session_commands": list(r.session_commands),
                "commands": [
                    {"command": c.command, "status": c.status, "file": c.file, "message": c.message}
                    for c in r.commands
                ],
                "errors": list(r.errors),
            })
        manifest = {
            "tool": "ipsec-doctor",
            "version": __version__,
            "started": _stamp(started),
            "finished": _stamp(time.time()),
            "keys_included": options.with_keys,
            "host_keys_checked": not options.insecure_host_keys,
            "devices": devices,
        }
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / MANIFEST
        _write_text(path, json.dumps(manifest, indent=2) + "\n")
        return path


def _write_text(path: Path, text: str) -> None:
    """Write atomically with owner-only permissions (a config can hold keys)."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(tmp, path)
