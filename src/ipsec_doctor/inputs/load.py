"""``load(paths, platform=None) -> Loaded``: from user paths to device sections and evidence texts.

Per file: read and decode (:mod:`.reader`), cut at captured prompts
(:mod:`.split`), classify each part by content (:mod:`.classify`), cut
configuration parts into devices, clean them, and keep show/log parts as
:class:`TextSection`.  One :class:`InputRecord` per file says what was found
and carries every problem as a :class:`~ipsec_doctor.model.ParseProblem`.

Nothing here raises on user input; a bug in this layer is caught per file and
reported as a problem on that file (so one odd file never hides the others).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path

from .._gc import collector_paused
from ..model import ParseProblem, Platform
from ..redact import redact_line
from . import ConfigSection, InputRecord, Loaded, TextSection
from .classify import classify_with_platform, config_platform
from .reader import iter_paths, read_file
from .split import (
    Numbered,
    Part,
    clean_config,
    forget_scan,
    hostname_of,
    is_script,
    split_devices,
    split_prompts,
)

_TEXT = itemgetter(1)

_PLATFORM_NAMES = {"ios": Platform.IOS, "ios-xe": Platform.IOS, "asa": Platform.ASA, "pix": Platform.ASA,
                   "pix6": Platform.PIX6, "pix7": Platform.ASA, "pix8": Platform.ASA}
_KIND_ORDER = ("config", "show", "log", "unknown")


def load(
    paths: list[str | Path], platform: str | Platform | None = None, progress: Callable[[str], None] | None = None
) -> Loaded:
    """Read every file under ``paths`` and sort its content into configs and texts.

    ``platform`` ("ios" | "asa" | "pix6") forces the platform of every
    configuration found; show and log texts keep their own guess.

    >>> load(["/nonexistent"]).inputs[0].kind
    'error'
    """
    # A load keeps about a million small tuples alive and frees next to nothing: the cyclic
    # garbage collector would walk them over and over for no gain (a fifth of the time on a
    # fleet).  Pausing it here changes no result; it is switched back on however load ends.
    with collector_paused():
        try:
            return _load(paths, platform, progress)
        finally:
            forget_scan()


def _load(
    paths: list[str | Path], platform: str | Platform | None, progress: Callable[[str], None] | None
) -> Loaded:
    loaded = Loaded()
    forced, platform_problem = _forced_platform(platform)
    for path, problem in iter_paths(list(paths)):
        if problem is not None:
            loaded.inputs.append(InputRecord(path, "error", problems=[ParseProblem(path, 0, problem)]))
            continue
        try:
            record = load_file(path, forced, loaded)
        except Exception as exc:  # noqa: BLE001 - last guard: one broken file must not stop the others
            record = InputRecord(path, "error")
            record.problems.append(ParseProblem(path, 0, f"internal error while reading ({type(exc).__name__})"))
        if platform_problem and record.kind == "config":
            record.problems.append(ParseProblem(path, 0, platform_problem))
        loaded.inputs.append(record)
        if progress is not None:  # e.g. a progress bar for big snapshots
            progress(path)
    return loaded


def _forced_platform(platform: str | Platform | None) -> tuple[Platform | None, str | None]:
    if platform is None or platform == "":
        return None, None
    if isinstance(platform, Platform):
        return platform, None
    forced = _PLATFORM_NAMES.get(str(platform).strip().lower())
    if forced is None:
        return None, f"unknown platform {redact_line(str(platform))!r} ignored (use ios, asa or pix6)"
    return forced, None


def load_file(path: str, forced: Platform | None, loaded: Loaded) -> InputRecord:
    """Read one file and add its sections to ``loaded``; returns the file's record."""
    raw = read_file(path)
    record = InputRecord(path, raw.kind or "unknown")
    record.problems.extend(ParseProblem(path, line, message) for line, message in raw.problems)
    if raw.kind is not None:
        return record
    if raw.head_only:
        return _load_big(path, raw.lines, forced, loaded, record)
    load_lines(path, raw.lines, forced, loaded, record, raw.text)
    return record


def _load_big(path: str, head: list[str], forced: Platform | None, loaded: Loaded, record: InputRecord) -> InputRecord:
    """A file over the read limit: a log is streamed in full later, anything else is read by its head.

    Logs are the files that grow without bound; holding their lines would
    cost memory for nothing, so the section keeps only the path and the log
    reader scans the whole file when the analysis runs.
    """
    probe = Loaded()
    load_lines(path, head[:-1] if len(head) > 1 else head, forced, probe, record)  # the last line may be cut
    if probe.texts and not probe.configs and all(text.kind == "log" for text in probe.texts):
        first = probe.texts[0]
        loaded.texts.append(TextSection(path, "log", [], first.platform, first.device_hint, None, path))
        record.problems = [p for p in record.problems if "only its first" not in p.message]
        return record
    loaded.configs.extend(probe.configs)
    loaded.texts.extend(probe.texts)
    return record


def load_lines(
    path: str,
    lines: list[str],
    forced: Platform | None,
    loaded: Loaded,
    record: InputRecord,
    joined: str | None = None,
) -> None:
    """Sort decoded lines of one file into ``loaded``, filling ``record``.

    ``joined`` is ``"\n".join(lines)`` when the caller already has it (the reader does).
    """
    if joined is None:
        joined = "\n".join(lines)
    parts = split_prompts(list(enumerate(lines, 1)), joined)
    kinds: list[str] = []
    configs: list[ConfigSection] = []
    texts: list[TextSection] = []
    for part in parts:
        if not any(text.strip() for _n, text in part.lines):
            continue
        # The part before any prompt (no host) holding every line is the file, unchanged: reuse its text.
        same = part.host is None and len(part.lines) == len(lines)
        whole = _Whole(lines, joined) if same else _Whole.of(part.lines)
        kind, guess, found = _part_kind(part, whole)
        if kind == "config":
            configs.extend(_config_sections(path, part, forced, guess, record, whole, found))
        elif kind in ("show", "log"):
            command = part.command if part.role == "show" else None
            texts.append(TextSection(path, kind, part.lines, guess, part.host, command))
        elif len(parts) > 1:
            first, last = part.lines[0][0], part.lines[-1][0]
            record.problems.append(ParseProblem(path, first, f"lines {first}-{last} not recognised; skipped"))
        kinds.append(kind)
    if configs:
        kinds.append("config")
    config_platform_guess = configs[0].platform if configs else None
    for text in texts:
        if text.platform is None:
            text.platform = config_platform_guess
    loaded.configs.extend(configs)
    loaded.texts.extend(texts)
    present = [kind for kind in _KIND_ORDER if kind in kinds and (kind != "config" or configs)]
    record.kind = present[0] if present else "unknown"
    if record.kind == "unknown" and not record.problems:
        record.problems.append(ParseProblem(path, 0, "not recognised as a configuration, show output or log"))
    if configs:
        record.platform = _vpn_platform(configs).value
        names = [c.name_hint for c in configs if c.name_hint]
        record.device = ", ".join(dict.fromkeys(names)) or None
    elif texts:
        record.platform = texts[0].platform.value if texts[0].platform else None
        record.device = texts[0].device_hint


class _Whole:
    """A part's lines as plain texts and joined by newlines (built once, used by every step)."""

    __slots__ = ("joined", "texts")

    def __init__(self, texts: list[str], joined: str) -> None:
        self.texts = texts
        self.joined = joined

    @classmethod
    def of(cls, numbered: Numbered) -> _Whole:
        texts = list(map(_TEXT, numbered))
        return cls(texts, "\n".join(texts))


def _part_kind(part: Part, whole: _Whole) -> tuple[str, Platform | None, tuple[Platform | None, int] | None]:
    """Kind and platform guess of a part, plus ``config_platform`` of its lines when it was worked out."""
    if part.role in ("config", "script"):
        platform_weight = config_platform(whole.texts)
        return "config", platform_weight[0], platform_weight
    kind, found = classify_with_platform(whole.texts, whole.joined)
    if part.role == "show" and kind.kind != "log":
        return "show", kind.platform, found
    return kind.kind, kind.platform, found


def _looks_like_config(chunk: Numbered) -> bool:
    return config_platform([text for _n, text in chunk])[1] >= 2


def _config_sections(
    path: str,
    part: Part,
    forced: Platform | None,
    guess: Platform | None,
    record: InputRecord,
    whole: _Whole,
    whole_platform: tuple[Platform | None, int] | None,
) -> list[ConfigSection]:
    sections: list[ConfigSection] = []
    devices = split_devices(part.lines, _looks_like_config, whole.joined)
    for device in devices:
        for first, last, title in device.skipped:
            label = f" ({redact_line(title)})" if title else ""
            record.problems.append(
                ParseProblem(path, first, f"lines {first}-{last}{label} hold no device configuration; skipped")
            )
        # Devices are ordered subsets of the part's lines: the same length means the same lines.
        same = len(device.lines) == len(part.lines)
        joined = whole.joined if same else None
        platform: Platform | None
        if forced:
            platform = forced
        elif same and whole_platform is not None:
            platform = whole_platform[0] or guess
        else:
            platform = config_platform(whole.texts if same else list(map(_TEXT, device.lines)))[0] or guess
        if platform is None:
            platform = Platform.IOS
            record.problems.append(
                ParseProblem(path, device.lines[0][0], "platform not recognised; read as ios (use --platform)")
            )
        script = part.role == "script" or is_script(device.lines, joined)
        cleaned = clean_config(device.lines, platform, script=script, joined=joined)
        if not any(text.strip() for _n, text in cleaned):
            continue
        title_name = _title_name(device.title)
        prompt_host = part.host if len(devices) == 1 else None
        name = prompt_host or hostname_of(cleaned) or title_name
        sections.append(ConfigSection(path, cleaned, platform, name, script))
    if not devices:
        record.problems.append(ParseProblem(path, part.lines[0][0], "no device configuration found"))
    return sections


_GENERIC_TITLE_WORDS = frozenset({"router", "switch", "firewall", "device", "config", "configuration", "the", "cisco"})


def _title_name(title: str | None) -> str | None:
    """The device name in a box title: ``LA_ASA1 (5506) (L3) device`` → ``LA_ASA1``, ``Router ENTA`` → ``ENTA``."""
    for word in (title or "").split():
        if word.lower().strip("():") not in _GENERIC_TITLE_WORDS and not word.startswith("("):
            return word.strip(":")
    return None


def _vpn_platform(configs: list[ConfigSection]) -> Platform:
    """The platform a file stands for: in a bundle of devices, the one that holds the VPN."""
    if len({c.platform for c in configs}) > 1:
        for config in configs:
            if any(_VPN_LINE.match(text) for _n, text in config.lines):
                return config.platform
    return configs[0].platform


_VPN_LINE = re.compile(r"^(?:crypto\s+(?:map|isakmp|ikev[12])\s|tunnel-group\s|isakmp\s)", re.IGNORECASE)
