"""Collecting from many devices in parallel, and the ``collect`` subcommand's body.

A thread pool runs one :func:`~.session.collect_device` per target; one
unreachable or failing device only adds its own errors to the manifest.  A
rich progress bar is drawn on stderr when it is a terminal, otherwise one
plain line per finished device is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, TextIO

from .credentials import Credentials, CredentialsMissing, get_credentials
from .session import DeviceResult, NetmikoMissing, Options, collect_device
from .snapshot import SnapshotWriter
from .targets import Target, load_inventory, target_from_args

EXIT_OK, EXIT_PARTIAL, EXIT_UNUSABLE = 0, 1, 2


def collect(
    targets: list[Target],
    creds: Credentials,
    options: Options,
    root: str | Path,
    workers: int = 8,
    on_done: Callable[[DeviceResult], None] | None = None,
    connect: Any = None,
) -> tuple[list[DeviceResult], Path]:
    """Collect every target into ``root``; returns the results (in target order) and the manifest path."""
    started = time.time()
    writer = SnapshotWriter(root)
    results: dict[int, DeviceResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(targets) or 1))) as pool:
        futures = {pool.submit(collect_device, t, creds, options, connect): i for i, t in enumerate(targets)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except NetmikoMissing:
                raise
            except Exception as exc:  # noqa: BLE001 - a bug for one device must not lose the others
                result = DeviceResult(targets[index], errors=[f"internal error ({type(exc).__name__})"])
            try:
                writer.save(result)
            except OSError as exc:
                result.errors.append(f"cannot write the snapshot files ({exc.strerror or type(exc).__name__})")
                result.status = "failed"
            results[index] = result
            if on_done is not None:
                on_done(result)
    ordered = [results[i] for i in range(len(targets))]
    return ordered, writer.write_manifest(ordered, options, started)


def _summary(result: DeviceResult) -> str:
    name = result.hostname or result.target.name
    saved = sum(1 for c in result.commands if c.status == "ok")
    line = f"{name} ({result.target.host}): {result.status}, {saved} of {len(result.commands) or 0} commands saved"
    problems = list(result.errors) + [f"{c.command}: {c.message}" for c in result.commands if c.status != "ok"]
    return line + "".join(f"\n  - {p}" for p in problems)


class _Progress:
    """A rich bar on a terminal; plain lines otherwise (and when rich is missing)."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.stream = stream
        self._bar: Any = None
        self._task: Any = None
        if stream.isatty():
            try:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

                self._bar = Progress(TextColumn("collecting"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.description}"), console=Console(file=stream),
                                     transient=True)
                self._task = self._bar.add_task("", total=total)
            except ImportError:
                self._bar = None

    def __enter__(self) -> _Progress:  # noqa: PYI034 - a private class, never subclassed
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def done(self, result: DeviceResult) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=result.hostname or result.target.name)
            self._bar.console.print(_summary(result), markup=False, highlight=False)
        else:
            self.stream.write(f"ipsec-doctor: {_summary(result)}\n")
            self.stream.flush()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``collect`` options (added by ``cli.py``)."""
    parser.add_argument("snapshot", metavar="SNAPSHOT", help="folder to write (SNAPSHOT/<hostname>/<command>.txt)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--host", help="one device's address or name")
    where.add_argument("--inventory", metavar="HOSTS_YAML", help="Nornir simple-inventory hosts.yaml")
    parser.add_argument("--platform", choices=("ios", "asa"), help="platform of --host")
    parser.add_argument("--port", type=int, default=22, help="SSH port of --host (default 22)")
    parser.add_argument("--username", help="login name (else $IPSEC_DOCTOR_USERNAME or a prompt); "
                                           "the password is never taken from the command line")
    parser.add_argument("--with-keys", action="store_true",
                        help="keep pre-shared keys in the saved configs (ASA: more system:running-config)")
    parser.add_argument("--known-hosts", metavar="FILE", help="check host keys against FILE, not ~/.ssh/known_hosts")
    parser.add_argument("--insecure-host-keys", action="store_true",
                        help="accept any SSH host key (exposes the login to interception)")
    parser.add_argument("--workers", type=int, default=8, help="devices collected at once (default 8)")
    parser.add_argument("--timeout", type=float, default=10.0, help="connect timeout in seconds (default 10)")


def run(args: argparse.Namespace, stderr: TextIO | None = None) -> int:
    """Body of ``ipsec-doctor collect``: exit 0 all collected, 1 some device failed, 2 nothing could start."""
    err = stderr or sys.stderr
    if args.inventory:
        targets, problems = load_inventory(args.inventory)
    else:
        target, problem = target_from_args(args.host, args.platform, args.port)
        targets, problems = ([target] if target else []), ([problem] if problem else [])
    for problem in problems:
        err.write(f"ipsec-doctor: {problem}\n")
    if not targets:
        err.write("ipsec-doctor: no device to collect from\n")
        return EXIT_UNUSABLE
    try:
        creds = get_credentials(args.username)
    except CredentialsMissing as exc:
        err.write(f"ipsec-doctor: {exc}\n")
        return EXIT_UNUSABLE
    options = Options(with_keys=args.with_keys, insecure_host_keys=args.insecure_host_keys,
                      known_hosts=args.known_hosts, conn_timeout=args.timeout)
    if args.insecure_host_keys:
        err.write("ipsec-doctor: warning: SSH host keys are not checked (--insecure-host-keys)\n")
    try:
        with _Progress(len(targets), err) as progress:
            results, manifest = collect(targets, creds, options, args.snapshot, args.workers, progress.done)
    except NetmikoMissing as exc:
        err.write(f"ipsec-doctor: {exc}\n")
        return EXIT_UNUSABLE
    except OSError as exc:
        err.write(f"ipsec-doctor: cannot write {args.snapshot}: {exc.strerror or type(exc).__name__}\n")
        return EXIT_UNUSABLE
    ok = sum(1 for r in results if r.status == "ok")
    err.write(f"ipsec-doctor: {ok} of {len(results)} devices collected completely; manifest: {manifest}\n")
    if not options.with_keys:
        err.write("ipsec-doctor: pre-shared keys were left out (--with-keys keeps them)\n")
    return EXIT_OK if ok == len(results) else EXIT_PARTIAL
