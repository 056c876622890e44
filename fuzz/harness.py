"""What every fuzz target checks, shared by the atheris targets and the hypothesis tests.

Each ``check_*`` function takes raw bytes, runs one layer of ipsec-doctor on
them and raises ``AssertionError`` (or lets any other exception escape) when
the layer breaks its contract: no parser raises, a bug caught by an internal
guard ("internal error while ...") still counts as a crash, line numbers stay
inside the input, and every report renders.

The internal guards in ``inputs.load`` and the IOS dialect turn a bug into a
ParseProblem so a user's other files are still analysed; the fuzz targets
call the layers *below* those guards, or look for the guard's message, so the
guard cannot hide what the fuzzer found.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ipsec_doctor.dialects import parse_config
from ipsec_doctor.inputs import ConfigSection, InputRecord, Loaded
from ipsec_doctor.inputs.load import load_lines
from ipsec_doctor.inputs.reader import RawFile, decode_into, split_lines
from ipsec_doctor.model import Device, Platform

ROOT = Path(__file__).resolve().parents[1]


def _import_everything() -> None:
    """Import every ipsec_doctor module now: atheris instruments only what is imported in its ``with`` block,
    and the package imports its dialects, checks and renderers lazily."""
    import importlib
    import pkgutil

    import ipsec_doctor

    for info in pkgutil.walk_packages(ipsec_doctor.__path__, "ipsec_doctor."):
        if not info.name.endswith(("__main__", ".cli")):
            importlib.import_module(info.name)


_import_everything()
GUARD_MESSAGE = "internal error"
FILE_SEPARATOR = b"\n#==FILE==#\n"  # splits one fuzz input into several files for the pipeline target
_KINDS = frozenset({"config", "show", "log", "pcap", "unknown", "error"})


def text_of(data: bytes) -> str:
    """Bytes → text the way the reader would hand it over (UTF-8 with replacement)."""
    return data.decode("utf-8", errors="replace")


def _check_device(device: Device, n_lines: int) -> None:
    for problem in device.problems:
        assert GUARD_MESSAGE not in problem.message, problem.message
        assert 0 <= problem.line <= n_lines, (problem.line, n_lines)
    repr(device)  # reprs run on every element; they must never fail


def check_config(data: bytes, platform: Platform) -> Device:
    """Parse ``data`` as one configuration of ``platform``."""
    lines = split_lines(text_of(data))
    device = parse_config(ConfigSection("fuzz.cfg", list(enumerate(lines, 1)), platform))
    _check_device(device, len(lines))
    return device


def check_ios(data: bytes) -> Device:
    return check_config(data, Platform.IOS)


def check_asa(data: bytes) -> Device:
    """ASA when the input is even-sized, PIX 6 otherwise: one target covers both tables."""
    return check_config(data, Platform.PIX6 if len(data) % 2 else Platform.ASA)


def check_inputs(data: bytes) -> Loaded:
    """Decode, classify and split ``data`` as one user file, below ``load``'s per-file guard."""
    raw = RawFile("fuzz.txt")
    decode_into(raw, data)
    loaded = Loaded()
    record = InputRecord("fuzz.txt", raw.kind or "unknown")
    if raw.kind is None:
        load_lines("fuzz.txt", raw.lines, None, loaded, record)
    assert record.kind in _KINDS, record.kind
    numbers = set(range(1, len(raw.lines) + 1))
    for section in loaded.configs:
        assert {n for n, _t in section.lines} <= numbers
    for text in loaded.texts:
        assert {n for n, _t in text.lines} <= numbers
    for problem in record.problems:
        assert GUARD_MESSAGE not in problem.message, problem.message
    for section in loaded.configs:  # every config found must also parse
        _check_device(parse_config(section), len(raw.lines))
    return loaded


class Workspace:
    """One temporary folder reused across executions (creating one per run would dominate the time)."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="ipsec-doctor-fuzz-"))

    def fill(self, data: bytes) -> Path:
        for child in self.path.iterdir():
            child.unlink()
        for index, chunk in enumerate(data.split(FILE_SEPARATOR)[:4]):
            (self.path / f"input-{index}.txt").write_bytes(chunk)
        return self.path

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


_WORKSPACE: Workspace | None = None


def check_pipeline(data: bytes, workspace: Workspace | None = None) -> dict[str, object]:
    """The whole ``analyze`` on a folder made of ``data`` (split at FILE_SEPARATOR), every renderer."""
    global _WORKSPACE
    from ipsec_doctor.analysis import analyze
    from ipsec_doctor.inventory import render_inventory_json, render_inventory_text
    from ipsec_doctor.report.json_report import render_json
    from ipsec_doctor.report.text import render_text

    if workspace is None:
        if _WORKSPACE is None:
            _WORKSPACE = Workspace()
        workspace = _WORKSPACE
    folder = workspace.fill(data)
    report = analyze([folder])
    for record in report.inputs:
        for problem in record.problems:
            assert GUARD_MESSAGE not in problem.message, problem.message
    doc: dict[str, object] = json.loads(render_json(report))
    render_text(report)
    render_text(report, quiet=True)
    json.loads(render_inventory_json(report.devices, report.inputs))
    render_inventory_text(report.devices)
    return doc


def seed_files() -> dict[str, bytes]:
    """Seed inputs for the fuzzers: the project's own fixtures and example (never ../shared)."""
    seeds: dict[str, bytes] = {}
    for folder in (ROOT / "examples" / "snapshot", *sorted((ROOT / "tests" / "fixtures").glob("*"))):
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.is_file() and path.stat().st_size < 256 * 1024:
                    seeds[f"{folder.name}-{path.name}"] = path.read_bytes()
    return seeds


def write_corpus(target: str, directory: Path) -> Path:
    """Fill ``directory`` with the seeds that suit ``target`` (ios, asa, show, logs, inputs, pipeline, pcap)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in seed_files().items():
        prefixes = {"ios": ("ios-", "snapshot-br1"), "asa": ("asa-", "pix-", "snapshot-hq"),
                    "show": ("inputs-", "show"), "logs": ("inputs-", "log"), "pcap": ()}.get(target)
        wanted = prefixes is None or name.startswith(prefixes)
        if wanted:
            (directory / name).write_bytes(data)
    if target == "pcap":
        for capture in sorted((ROOT / "tests" / "fixtures" / "pcap").glob("*.pcap*")):
            (directory / capture.name).write_bytes(capture.read_bytes())
    if target == "pipeline":
        pair = b"".join((ROOT / "examples" / "snapshot" / n).read_bytes() + FILE_SEPARATOR
                        for n in ("br1-rtr.cfg", "hq-asa.cfg"))
        (directory / "snapshot-pair").write_bytes(pair)
    return directory


def guarded_env() -> dict[str, str]:
    """Environment for a child fuzz process: the repository's src first, no inherited hash seed surprises."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT / "fuzz"), env.get("PYTHONPATH")]))
    return env


def check_show(data: bytes) -> object:
    """One show command's output through ``show.parse_show`` and ``observe`` (any platform, any command)."""
    from ipsec_doctor.show import observe, parse_show

    lines = split_lines(text_of(data))
    platform = (None, Platform.IOS, Platform.ASA, Platform.PIX6)[len(data) % 4]
    result = parse_show(list(enumerate(lines, 1)), platform, file="fuzz.txt")
    for note in getattr(result, "notes", ()):
        assert "failed (" not in str(note), note  # the registry's guard caught a parser bug
    observe(result)
    repr(result)
    return result


def check_pcap(data: bytes) -> object:
    """A capture (random or mutated pcap/pcapng bytes) through the decoder and the diagnosis."""
    from ipsec_doctor.pcap import analyse_bytes

    report = analyse_bytes(data, "fuzz.pcap")
    report.stops()
    repr(report)
    return report


def check_logs(data: bytes) -> list[object]:
    """Log lines through ``logs.scan``, ``aggregate`` and ``coverage``."""
    from ipsec_doctor.logs import aggregate, coverage, scan

    lines = split_lines(text_of(data))
    events = list(scan(list(enumerate(lines, 1)), "fuzz.log"))
    for event in events:
        assert 1 <= getattr(event, "line", 1) <= max(len(lines), 1), event
    recognised, total = coverage(events)
    assert 0 <= recognised <= total or total == 0
    aggregate(events, keep_events=True)
    repr(events)
    return list(events)
