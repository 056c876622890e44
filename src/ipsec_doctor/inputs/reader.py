"""Reading the user's files: walking paths, size limits, decoding bytes into numbered lines.

Nothing here raises on user input: every problem (missing path, permission,
symlink loop, binary content, over-long line) comes back as a message on a
:class:`RawFile` so the caller can turn it into a ``ParseProblem``.

Limits (see :data:`LIMITS`): log files of up to 2 GiB are the log reader's
business and are out of scope here; for configuration and show files, a file
above :data:`MAX_FULL_READ` bytes is only read (and so classified) by its
first :data:`HEAD_READ` bytes, and a single line longer than
:data:`MAX_LINE` characters is cut to that length.  Both cases leave a
problem on the file: nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_FULL_READ = 64 * 1024 * 1024
HEAD_READ = 1024 * 1024
MAX_LINE = 1024 * 1024
SNIFF_BYTES = 64 * 1024

LIMITS = (
    f"files above {MAX_FULL_READ // (1024 * 1024)} MiB are read and classified by their first "
    f"{HEAD_READ // (1024 * 1024)} MiB; lines longer than {MAX_LINE // (1024 * 1024)} MiB are truncated; "
    "logs of up to 2 GiB are left to the log reader"
)

HEAD_ONLY_PROBLEM = "file is {size} bytes (over 64 MiB): only its first 1 MiB was read"

# Magic numbers of libpcap (both byte orders, micro- and nanosecond) and pcapng.
_PCAP_MAGIC = (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d", b"\x0a\x0d\x0d\x0a")

# Control characters that do not occur in text files (tab, LF, VT, FF, CR and ESC do).
_CONTROL = frozenset(range(32)) - {9, 10, 11, 12, 13, 27}
_CONTROL_BYTES = bytes(sorted(_CONTROL))  # for bytes.translate: counting them at C speed


@dataclass(slots=True)
class RawFile:
    """One file as read: decoded lines (1-based numbers follow list order) or a reason it has none."""

    path: str
    kind: str | None = None  # set only when reading already decided: "pcap" | "unknown" | "error"
    lines: list[str] = field(default_factory=list)
    encoding: str = ""
    problems: list[tuple[int, str]] = field(default_factory=list)
    text: str = field(default="", repr=False)  # "\n".join(lines), kept so later steps need not rebuild it
    head_only: bool = False  # only the first HEAD_READ bytes were read (a log is then streamed in full)


def iter_paths(paths: list[str | Path]) -> Iterator[tuple[str, str | None]]:
    """Yield ``(path, problem)`` for every file under ``paths``, in a stable order.

    Directories are walked recursively (sorted names, hidden entries skipped);
    a directory reached twice through symlinks is reported once as a loop
    instead of being walked again.  ``problem`` is None for a file to read.
    """
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        yield from _visit(str(given), seen_dirs)


def _visit(path: str, seen: set[tuple[int, int]]) -> Iterator[tuple[str, str | None]]:
    """One named or walked path: a directory is walked, a regular file yielded, anything else reported."""
    try:
        info = os.stat(path)
    except OSError as exc:
        yield path, _os_problem(path, exc)
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(path, seen)
    elif stat.S_ISREG(info.st_mode):
        yield path, None
    else:  # a FIFO or /dev/zero would hang or never end
        yield path, "not a regular file (device, socket or pipe), skipped"


def _walk(directory: str, seen: set[tuple[int, int]]) -> Iterator[tuple[str, str | None]]:
    try:
        info = os.stat(directory)
    except OSError as exc:
        yield directory, _os_problem(directory, exc)
        return
    key = (info.st_dev, info.st_ino)
    if key in seen:
        yield directory, "symlink loop: directory already visited, skipped"
        return
    seen.add(key)
    try:
        names = sorted(os.listdir(directory))
    except OSError as exc:
        yield directory, _os_problem(directory, exc)
        return
    for name in names:
        if name.startswith("."):
            continue  # .git, .svn, editor droppings
        yield from _visit(os.path.join(directory, name), seen)


def _os_problem(path: str, exc: OSError) -> str:
    """A short message for an OS error, without the traceback or the errno noise."""
    import errno

    if exc.errno == errno.ELOOP:
        return "symlink loop, skipped"
    if exc.errno == errno.ENOENT:
        return "no such file or directory"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EISDIR:
        return "is a directory"
    return f"cannot read: {exc.strerror or type(exc).__name__}"


def read_file(path: str) -> RawFile:
    """Read and decode one file; every failure is a problem on the result."""
    raw = RawFile(path)
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            data = handle.read(HEAD_READ if size > MAX_FULL_READ else -1)
    except OSError as exc:
        raw.kind = "error"
        raw.problems.append((0, _os_problem(path, exc)))
        return raw
    if size > MAX_FULL_READ:
        raw.head_only = True
        raw.problems.append((0, HEAD_ONLY_PROBLEM.format(size=size)))
    decode_into(raw, data)
    return raw


def decode_into(raw: RawFile, data: bytes) -> None:
    """Fill ``raw`` from bytes: pcap/binary/empty detection, decoding and line splitting."""
    if not data.strip(b" \t\r\n\x00"):
        raw.kind = "unknown"
        raw.problems.append((0, "empty file"))
        return
    if data[:4] in _PCAP_MAGIC:
        raw.kind = "pcap"  # read by ipsec_doctor.pcap in the pipeline (evidence.capture)
        return
    encoding = sniff_encoding(data)
    if encoding is None:
        raw.kind = "unknown"
        raw.problems.append((0, "binary file, skipped"))
        return
    text = _decode(data, encoding)
    raw.encoding = encoding
    raw.lines, raw.text = _split_joined(text)
    if len(raw.text) <= MAX_LINE:
        return  # no line can be too long
    for index, line in enumerate(raw.lines):
        if len(line) > MAX_LINE:
            raw.lines[index] = line[:MAX_LINE]
            raw.problems.append((index + 1, f"line longer than 1 MiB ({len(line)} characters), truncated"))
    raw.text = "\n".join(raw.lines)


def sniff_encoding(data: bytes) -> str | None:
    """Guess the text encoding of ``data``; None when it looks binary.

    BOMs decide first; then UTF-16 without BOM is recognised by NUL bytes in
    alternate positions (ASCII text in UTF-16); any other NUL, or many control
    characters, means binary.  UTF-8 is tried before Latin-1, which never fails.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16"
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        even = head[0::2].count(0)
        odd = head[1::2].count(0)
        half = max(len(head) // 2, 1)
        if odd > 0.3 * half and even < 0.05 * half:
            return "utf-16-le"
        if even > 0.3 * half and odd < 0.05 * half:
            return "utf-16-be"
        return None
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > 0.1 * len(head):
        return None
    if data.isascii():
        return "utf-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        # an odd byte count or a broken surrogate in UTF-16: keep what decodes
        return data.decode(encoding, errors="replace")


def split_lines(text: str) -> list[str]:
    """Split on CRLF, CR or LF (not on the other Unicode line breaks str.splitlines knows)."""
    return _split_joined(text)[0]


def _split_joined(text: str) -> tuple[list[str], str]:
    """:func:`split_lines`, plus the lines joined again by "\n" (a slice of the text: no rebuild)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start a new one
        text = text[:-1]
    return lines, text
