"""Devices to collect from: one ``--host`` or a Nornir simple-inventory ``hosts.yaml``.

The inventory format is Nornir's: a mapping of names to hosts with
``hostname``, ``port``, ``username``, ``platform`` and ``groups``; a
``groups.yaml`` and a ``defaults.yaml`` beside it are merged in the same way
(host first, then its groups in order, then the defaults).  Passwords in an
inventory are ignored on purpose: secrets come from the environment or a
prompt only.  Problems are returned as messages, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .commands import normalize_platform


@dataclass(frozen=True, slots=True)
class Target:
    """One device to connect to."""

    name: str  # the inventory name (or the address given with --host)
    host: str  # address or DNS name to connect to
    platform: str  # "ios" | "asa"
    port: int = 22
    username: str | None = None


def target_from_args(host: str, platform: str | None, port: int = 22) -> tuple[Target | None, str | None]:
    """The single device named on the command line, or a message saying what is wrong."""
    normalized = normalize_platform(platform)
    if normalized is None:
        return None, "--host needs --platform ios or asa"
    if not host.strip():
        return None, "--host is empty"
    return Target(host.strip(), host.strip(), normalized, port), None


def _load_yaml(path: Path) -> tuple[Any, str | None]:
    try:
        import yaml  # PyYAML: a dependency of the collect extra (Netmiko needs it too)
    except ImportError:
        return None, "reading an inventory needs PyYAML: pip install 'ipsec-doctor[collect]'"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, f"cannot read {path}: {exc.strerror or type(exc).__name__}"
    try:
        return yaml.safe_load(text), None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        return None, f"{path}: not valid YAML{where}"


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def load_inventory(path: str | Path) -> tuple[list[Target], list[str]]:
    """Targets from a Nornir simple-inventory hosts file, and the problems met (one message each)."""
    hosts_path = Path(path)
    data, problem = _load_yaml(hosts_path)
    if problem:
        return [], [problem]
    if not isinstance(data, dict) or not data:
        return [], [f"{hosts_path}: no hosts (expected a mapping of names to hosts)"]
    groups: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    problems: list[str] = []
    for name, holder in (("groups.yaml", "groups"), ("defaults.yaml", "defaults")):
        side = hosts_path.with_name(name)
        if side.is_file():
            loaded, side_problem = _load_yaml(side)
            if side_problem:
                problems.append(side_problem)
            elif holder == "groups":
                groups = _mapping(loaded)
            else:
                defaults = _mapping(loaded)
    targets: list[Target] = []
    for name, raw in data.items():
        entry = _mapping(raw)
        chain = [entry] + [_mapping(groups.get(g)) for g in entry.get("groups") or [] if isinstance(g, str)]
        chain.append(defaults)

        def pick(key: str, chain: list[dict[str, Any]] = chain) -> Any:
            for layer in chain:
                if layer.get(key) is not None:
                    return layer[key]
            return None

        if any(layer.get("password") is not None for layer in chain):
            problems.append(f"{name}: the password in the inventory is ignored (use IPSEC_DOCTOR_PASSWORD)")
        platform = normalize_platform(pick("platform"))
        if platform is None:
            problems.append(f"{name}: platform missing or not supported (use ios or asa); skipped")
            continue
        port = pick("port") or 22
        if not isinstance(port, int) or not 0 < port < 65536:
            problems.append(f"{name}: port {port!r} is not a TCP port; skipped")
            continue
        host = str(pick("hostname") or name)
        username = pick("username")
        targets.append(Target(str(name), host, platform, port, str(username) if username else None))
    return targets, problems
