"""Command line: ``ipsec-doctor analyze | inventory | explain | diff | schema | symptoms | lab | collect``.

Exit status (../shared/spec/OUTPUT.md): 0 no finding of severity error;
1 at least one error finding; 2 the inputs could not be used (bad arguments,
nothing readable) with a one-line reason on stderr; 3 an internal error — one
line on stderr and a crash report file that holds no secret.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence

from . import __version__

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"ipsec-doctor: {message} (see --help)\n")
        raise SystemExit(EXIT_UNUSABLE)


def _build_parser(collect_options: bool = True) -> argparse.ArgumentParser:
    """The argument parser; ``collect_options=False`` leaves out the ``collect`` options (their module
    costs start-up time that every other command would pay): main() asks for them only when needed."""
    parser = _Parser(prog="ipsec-doctor", description="Diagnose Cisco IPsec VPNs from configs, show output and logs.")
    parser.add_argument("--version", action="version", version=f"ipsec-doctor {__version__}")
    parser.add_argument("--debug", action="store_true", help="print internal errors in full (secrets still redacted)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    analyze = sub.add_parser("analyze", help="diagnose every tunnel found in the inputs")
    analyze.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (walked recursively)")
    analyze.add_argument("--format", choices=("text", "json", "html", "sarif"), default="text")
    analyze.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE (atomically)")
    analyze.add_argument("--platform", choices=("ios", "asa", "pix6"), help="force the platform of config files")
    analyze.add_argument("--quiet", action="store_true", help="hide info findings")
    analyze.add_argument("--symptom", action="append", default=[], metavar="TEXT",
                         help="what users report, in their words (repeatable); `ipsec-doctor symptoms` lists them")
    analyze.add_argument("--events", choices=("all", "aggregate"), default=None,
                         help="one event per log line, or one per (ID, device, peer); default: aggregate a log "
                              "only above 10,000 events")
    analyze.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                         help="parse configs and scan logs in N processes (0: one per CPU); same report")
    analyze.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                         help="parse and scan on this Dask distributed scheduler (needs the dask extra)")

    sub.add_parser("symptoms", help="list the user-reported symptoms --symptom understands")

    lab = sub.add_parser("lab", help="replay paired tunnels in strongSwan (Linux, root) and compare with the verdict")
    lab.add_argument("snapshot", metavar="SNAPSHOT", help="directory or files holding both ends' configurations")
    lab.add_argument("--tunnel", metavar="ID", help="only this tunnel (its id, or a substring of it)")
    lab.add_argument("--pcap", metavar="FILE", help="capture IKE/ESP packets in the first end's namespace")
    lab.add_argument("--platform", choices=("ios", "asa", "pix6"))

    inventory = sub.add_parser("inventory", help="list devices, crypto maps, tunnel endpoints, RA groups and pools")
    inventory.add_argument("paths", nargs="+", metavar="PATH")
    inventory.add_argument("--format", choices=("text", "json"), default="text")
    inventory.add_argument("-o", "--output", metavar="FILE")
    inventory.add_argument("--platform", choices=("ios", "asa", "pix6"))

    diff = sub.add_parser("diff", help="compare two snapshots: findings introduced/resolved, tunnels broken")
    diff.add_argument("before", metavar="BEFORE", help="snapshot before the change (file or directory)")
    diff.add_argument("after", metavar="AFTER", help="snapshot after the change")
    diff.add_argument("--format", choices=("text", "json", "html"), default="text")
    diff.add_argument("-o", "--output", metavar="FILE")
    diff.add_argument("--platform", choices=("ios", "asa", "pix6"))

    sub.add_parser("schema", help="print the JSON Schema (draft 2020-12) of `analyze --format json`")

    explain = sub.add_parser("explain", help="print a catalog entry: what, why, how it shows, how to fix")
    explain.add_argument("id", nargs="?", metavar="ID", help="catalog ID, e.g. P1-PSK (omit to list all)")

    collect = sub.add_parser("collect", help="fetch configs and show output from live devices over SSH "
                                             "(read-only; needs the collect extra)")
    if collect_options:
        from .collect.runner import add_arguments as _collect_arguments  # stdlib-only module; Netmiko loads later

        _collect_arguments(collect)
    return parser


class _OutputError(Exception):
    """The report file cannot be written (a bad ``-o``): exit 2 with the reason, not a crash."""


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so a report being written is abandoned and its temp file removed."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise _Terminated()


def _emit(text: str, output: str | None) -> None:
    if output:
        from .inputs.reader import _os_problem
        from .report import write_atomic

        try:
            write_atomic(output, text)
        except OSError as exc:
            raise _OutputError(f"cannot write {output}: {_os_problem(output, exc)}") from None
    else:
        sys.stdout.write(text)


def _cmd_analyze(args: argparse.Namespace) -> int:
    from ._gc import collector_paused

    # analyze() pauses the cyclic collector; keep it paused for the report rendering as well (the
    # report of a big fleet is hundreds of thousands of small dicts, none of them in a cycle).
    with collector_paused():
        return _analyze_and_report(args)


def _analyze_and_report(args: argparse.Namespace) -> int:
    from .analysis import analyze
    from .report.formats import render_report
    from .report.terminal import progress_for

    jobs = args.jobs
    if jobs < 0:
        sys.stderr.write("ipsec-doctor: --jobs must be 0 (one per CPU) or more\n")
        return EXIT_UNUSABLE
    if jobs == 0:
        from .scale.parallel import default_jobs

        jobs = default_jobs()
    try:
        with progress_for(args.paths, sys.stderr) as progress:
            report = analyze(args.paths, platform=args.platform, progress=progress, events=args.events or "auto",
                             symptoms=args.symptom, jobs=jobs, scheduler=args.scheduler)
    except RuntimeError as exc:
        if type(exc).__name__ != "DaskUnavailable":
            raise
        sys.stderr.write(f"ipsec-doctor: {exc}\n")
        return EXIT_UNUSABLE
    _print_input_problems(report.inputs)
    if not report.usable:
        sys.stderr.write("ipsec-doctor: no usable input (no config, show output or log found in the given paths)\n")
        return EXIT_UNUSABLE
    text = render_report(report, args.format, quiet=args.quiet, output=args.output)
    if text is not None:  # None: shown on the terminal already
        _emit(text, args.output)
    return EXIT_ERRORS if report.has_errors else EXIT_OK


def _cmd_diff(args: argparse.Namespace) -> int:
    from .analysis import analyze
    from .report.formats import render_diff

    reports = []
    for label, path in (("BEFORE", args.before), ("AFTER", args.after)):
        report = analyze([path], platform=args.platform)
        _print_input_problems(report.inputs)
        if not report.usable:
            sys.stderr.write(f"ipsec-doctor: no usable input in {label} ({path})\n")
            return EXIT_UNUSABLE
        reports.append(report)
    text, breaks = render_diff(reports[0], reports[1], args.format)
    _emit(text, args.output)
    return EXIT_ERRORS if breaks else EXIT_OK


def _cmd_symptoms(_args: argparse.Namespace) -> int:
    from .evidence import render_list

    sys.stdout.write(render_list())
    return EXIT_OK


def _cmd_lab(args: argparse.Namespace) -> int:
    from .lab.cli import run_lab_command

    return run_lab_command(args)


def _cmd_collect(args: argparse.Namespace) -> int:
    from .collect.runner import run

    return run(args)


def _cmd_schema(_args: argparse.Namespace) -> int:
    from .report.schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


def _print_input_problems(inputs: Sequence[object]) -> None:
    for record in inputs:
        kind = getattr(record, "kind", "")
        if kind in ("error", "unknown"):
            problems = getattr(record, "problems", [])
            reason = problems[0].message if problems else "not recognised as a config, show output or log"
            sys.stderr.write(f"ipsec-doctor: {getattr(record, 'file', '?')}: {reason}\n")


def _cmd_inventory(args: argparse.Namespace) -> int:
    from .analysis import parse_devices
    from .inputs import load
    from .inventory import render_inventory_json, render_inventory_text
    from .model import Platform

    loaded = load(args.paths, platform=Platform(args.platform) if args.platform else None)  # type: ignore[attr-defined]
    _print_input_problems(loaded.inputs)
    devices = parse_devices(loaded)
    if not devices:
        sys.stderr.write("ipsec-doctor: no device configuration found in the given paths\n")
        return EXIT_UNUSABLE
    text = render_inventory_json(devices, loaded.inputs) if args.format == "json" else render_inventory_text(devices)
    _emit(text, args.output)
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    from .knowledge import kb

    if not args.id:
        for entry in kb.all_entries():
            sys.stdout.write(f"{entry.id:18} {entry.title}\n")
        return EXIT_OK
    result = kb.render_explain(args.id.upper())
    if isinstance(result, str):
        sys.stdout.write(result if result.endswith("\n") else result + "\n")
        return EXIT_OK
    sys.stderr.write(f"ipsec-doctor: {result}\n")
    return EXIT_UNUSABLE


def _crash_report(exc: BaseException) -> str:
    """Write a crash report and return its path.

    It holds the exception type and the stack (our own files, lines and code),
    never the exception's message or any local value: those may quote the
    user's input, and the input holds keys.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    try:
        fd, path = tempfile.mkstemp(prefix="ipsec-doctor-crash-", suffix=".txt")
    except OSError:  # no writable temp directory: the one-line message still goes out
        return "(nowhere: no writable temporary directory)"
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"ipsec-doctor {__version__} crash report, {time.strftime('%Y-%m-%dT%H:%M:%S')}\n")
        handle.write(f"python {sys.version.split()[0]} on {sys.platform}\n")
        handle.write(f"exception: {type(exc).__module__}.{type(exc).__qualname__} (message withheld)\n\n")
        for frame in frames:
            handle.write(f"  {frame.filename}:{frame.lineno} in {frame.name}\n")
            if frame.line and "ipsec_doctor" in frame.filename:
                handle.write(f"      {frame.line}\n")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    if (sys.argv[1:] if argv is None else list(argv)) == ["--version"]:
        # answered before the parser is built: its sub-commands import modules a version check never needs
        sys.stdout.write(f"ipsec-doctor {__version__}\n")
        return EXIT_OK
    words = sys.argv[1:] if argv is None else list(argv)
    # the collect options are built only when the words may reach them (a token "collect" anywhere, or help)
    parser = _build_parser(collect_options="collect" in words or not words or "-h" in words or "--help" in words)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_UNUSABLE
    handlers = {
        "analyze": _cmd_analyze,
        "inventory": _cmd_inventory,
        "explain": _cmd_explain,
        "diff": _cmd_diff,
        "schema": _cmd_schema,
        "symptoms": _cmd_symptoms,
        "collect": _cmd_collect,
        "lab": _cmd_lab,
    }
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (main() called from a worker): leave signals alone
        previous = None
    try:
        return handlers[args.command](args)
    except _Terminated:
        sys.stderr.write("ipsec-doctor: terminated\n")
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        sys.stderr.write("ipsec-doctor: interrupted\n")
        return 130
    except _OutputError as exc:
        sys.stderr.write(f"ipsec-doctor: {exc}\n")
        return EXIT_UNUSABLE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the top-level guard: a user never sees a traceback
        path = _crash_report(exc)
        if args.debug and os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                sys.stderr.write(handle.read())
        sys.stderr.write(
            f"ipsec-doctor: internal error ({type(exc).__name__}); this is a bug — crash report written to {path}\n"
        )
        return EXIT_INTERNAL
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
