"""Streaming log reader: files of any size in constant memory.

A file is read in blocks (1 MiB by default), each decoded with an incremental
decoder, cut at its last line break (the partial line is carried over), and
handed whole to the :class:`~.prefilter.Prefilter`; only the candidate lines
it finds are parsed and matched.  Line numbers are counted with ``str.count``
between candidates, so uninteresting lines cost nothing in Python code.
Candidate lines in the common ASA syslog shape go through :mod:`.fast` first,
which classifies each distinct message body once (same events, see there).
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from io import BufferedReader
from pathlib import Path
from types import MappingProxyType

from ..inputs.reader import sniff_encoding
from ..model import ParseProblem
from ..redact import redact_line
from .event import LogEvent
from .fast import MISS, LineMemo
from .fields import extract
from .headers import VPNCLIENT, Parsed, parse_line
from .prefilter import Prefilter, is_vpn_key
from .signatures import Matcher

BLOCK_SIZE = 1 << 20
MAX_LINE = 1 << 20  # a "line" longer than this is cut, so a file without line breaks cannot grow memory
LINES_PER_BLOCK = 8192  # for line-iterable input


@cache
def _default_engine(engine: str) -> tuple[Matcher, Prefilter]:
    matcher = Matcher()
    return matcher, Prefilter(matcher.keys, matcher.anchors, engine)


@dataclass(slots=True)
class LogScanner:
    """Reads logs into :class:`LogEvent` values; keeps counters and input problems.

    ``engine``: ``"auto"`` (Hyperscan when importable), ``"re"`` or ``"hyperscan"``.
    ``memo``: classify repeated ASA message bodies once (:mod:`.fast`); the
    events are the same either way.
    After a scan, ``lines`` is the number of lines read, ``candidates`` the
    number the prefilter selected and ``problems`` the unreadable inputs.
    """

    engine: str = "auto"
    block_size: int = BLOCK_SIZE
    lines: int = 0
    candidates: int = 0
    problems: list[ParseProblem] = field(default_factory=list)
    _matcher: Matcher = field(init=False, repr=False)
    _prefilter: Prefilter = field(init=False, repr=False)
    memo: bool = True  # the repeated-body shortcut of .fast (same events; off only to compare)
    _pending: tuple[Parsed, int, str] | None = field(default=None, init=False, repr=False)
    _memo: LineMemo | None = field(default=None, init=False, repr=False)
    _newlines: int = field(default=-1, init=False, repr=False)  # line breaks of the last block _block finished

    def __post_init__(self) -> None:
        self._matcher, self._prefilter = _default_engine(self.engine)
        if self.memo:
            self._memo = LineMemo(self._matcher)

    @property
    def engine_used(self) -> str:
        """``"re"`` or ``"hyperscan"``: what actually scans the blocks."""
        return self._prefilter.engine

    def scan(
        self, source: str | os.PathLike[str] | Iterable[str] | Iterable[tuple[int, str]], file: str | None = None
    ) -> Iterator[LogEvent]:
        """Events of a path, or of an iterable of lines (``str`` or ``(line_number, text)``)."""
        self._pending = None
        if isinstance(source, (str, os.PathLike)):
            name = file if file is not None else os.fspath(source)
            yield from self._scan_path(Path(source), name)
        else:
            yield from self._scan_lines(source, file or "<lines>")
        if self._pending is not None:
            # the file ended right after a VPN Client header: emit it without a message
            waiting, number, header = self._pending
            self._pending = None
            yield from self._emit(waiting, header, number, file or str(source))

    # -- input shapes -------------------------------------------------------------------------

    def _scan_path(self, path: Path, name: str) -> Iterator[LogEvent]:
        try:
            handle = path.open("rb")
        except OSError as exc:
            self.problems.append(ParseProblem(name, 0, f"cannot read: {exc.strerror or exc}"))
            return
        with handle:
            first = handle.read(self.block_size)
            encoding = sniff_encoding(first)
            if encoding is None:
                self.problems.append(ParseProblem(name, 0, "binary file, skipped"))
                return
            line = 1
            for complete in _complete_blocks(handle, first, encoding, self.block_size):
                yield from self._block(complete, name, line, None)
                line += self._block_newlines(complete)
            self.lines += line - 1

    def _scan_lines(self, lines: Iterable[str] | Iterable[tuple[int, str]], name: str) -> Iterator[LogEvent]:
        chunk: list[str] = []
        numbers: list[int] = []
        counter = 0
        for item in lines:
            counter += 1
            if isinstance(item, tuple):
                number, text = item
            else:
                number, text = counter, item
            chunk.append(text.rstrip("\r\n").replace("\n", " ").replace("\r", " "))
            numbers.append(number)
            if len(chunk) >= LINES_PER_BLOCK:
                yield from self._block("\n".join(chunk) + "\n", name, 0, numbers)
                chunk, numbers = [], []
        if chunk:
            yield from self._block("\n".join(chunk) + "\n", name, 0, numbers)
        self.lines += counter

    # -- one block ----------------------------------------------------------------------------

    def _block_newlines(self, text: str) -> int:
        """Line breaks in ``text``, which :meth:`_block` has just scanned (it counted them on the way)."""
        newlines, self._newlines = self._newlines, -1
        return newlines if newlines >= 0 else text.count("\n")

    def _block(self, text: str, name: str, first_line: int, numbers: Sequence[int] | None) -> Iterator[LogEvent]:
        """Events of a block of complete lines; ``numbers`` maps line index → line number."""

        def number_of(index: int) -> int:
            return numbers[index] if numbers is not None else first_line + index

        index = 0  # line index of ``position``
        position = 0
        skip_until = 0
        self._newlines = -1
        count = text.count
        if self._pending is not None:
            # a VPN Client header ended the previous block: its message starts this one
            waiting, number, header = self._pending
            self._pending = None
            follow, next_end = _message_line(text, 0)
            message = text[follow:next_end].strip() if next_end >= 0 else ""
            yield from self._emit(_with_text(waiting, message), header, number, name)
            if next_end >= 0 and message:
                skip_until = next_end + 1
        memo = self._memo
        for start, end in self._prefilter.lines(text):
            if start < skip_until:
                continue
            self.candidates += 1
            index += count("\n", position, start)
            position = start
            line = text[start:end]
            if memo is not None:
                quick = memo.event(line, number_of(index), name)
                if quick is not MISS:
                    if quick is not None:
                        yield quick  # type: ignore[misc]
                    continue
            parsed = parse_line(line)
            if parsed is not None and parsed.needs_next:
                # VPN Client log: the message is on the next non-blank line
                follow, next_end = _message_line(text, end + 1)
                if next_end < 0:
                    self._pending = (parsed, number_of(index), line)
                    self._newlines = index + count("\n", position)
                    return
                message = text[follow:next_end].strip()
                parsed = _with_text(parsed, message)
                if message:
                    skip_until = next_end + 1
            yield from self._emit(parsed, line, number_of(index), name)
        self._newlines = index + count("\n", position)

    def _emit(self, parsed: Parsed | None, line: str, number: int, name: str) -> Iterator[LogEvent]:
        text = parsed.text if parsed is not None else line.strip()
        key = parsed.key if parsed is not None else None
        vpn = parsed is not None and is_vpn_key(parsed.platform, key, parsed.debug)
        if "%" in line and not (parsed is not None and parsed.tagged and (vpn or key in self._matcher.keys)):
            # the rule both prefilter engines share: a line holding "%" counts only by its tag
            return
        signature = self._matcher.match(key, text)
        if signature is None and not vpn:
            return
        line = line.rstrip()
        raw = redact_line(line)
        platform = parsed.platform if parsed is not None else None
        if platform is None and signature is not None:
            platform = signature.platform  # type: ignore[assignment]
        yield LogEvent(
            file=name,
            line=number,
            platform=platform,
            message_id=parsed.message_id if parsed is not None else None,
            key=key,
            severity=parsed.severity if parsed is not None else None,
            text=text if raw == line else redact_line(text),  # text is part of the line: clean line, clean text
            raw=raw,
            timestamp=parsed.timestamp if parsed is not None else None,
            host=parsed.host if parsed is not None else None,
            fields=MappingProxyType(extract(text)),
            id=signature.id if signature is not None else None,
            candidates=signature.candidates if signature is not None else (),
            signature=signature.name if signature is not None else None,
        )


# Encodings in which a b"\n" byte is always a line break and never part of a character.
_BYTE_CUT_ENCODINGS = frozenset({"utf-8", "latin-1"})


def _complete_blocks(handle: BufferedReader, first: bytes, encoding: str, size: int) -> Iterator[str]:
    """Decoded blocks of whole lines (``\\n`` only); the last one also ends the file's last line.

    For UTF-8 and Latin-1 the line break is found in the bytes, and the bytes up
    to it are decoded straight from one reused buffer (no carry-over string is
    concatenated and sliced per block); a UTF-8 sequence never spans a line
    break, so this decodes exactly as the incremental decoder does.  A block
    with no line break, or a partial line longer than :data:`MAX_LINE`, hands
    the rest of the file to :func:`_decoded_blocks`.
    """
    if encoding not in _BYTE_CUT_ENCODINGS:
        yield from _decoded_blocks(handle, first, encoding, size)
        return
    buffer = bytearray(MAX_LINE + max(size, len(first)))
    view = memoryview(buffer)
    end = len(first)
    buffer[:end] = first
    yielded = False
    while end:
        cut = buffer.rfind(b"\n", 0, end) + 1
        if cut == 0 or end - cut > MAX_LINE:
            # hand the bytes held here to the general path: its decoder then sees the same bytes
            yield from _decoded_blocks(handle, bytes(view[:end]), encoding, size, not yielded)
            return
        yielded = True
        yield _normalise(str(view[:cut], encoding, "replace"))
        rest = end - cut
        buffer[:rest] = bytes(view[cut:end])
        got = handle.readinto(view[rest:rest + size])
        if not got:
            if rest:
                yield _normalise(str(view[:rest], encoding, "replace")) + "\n"
            return
        end = rest + got


def _decoded_blocks(handle: BufferedReader, data: bytes, encoding: str, size: int, first: bool = True) -> Iterator[str]:
    """The general form of :func:`_complete_blocks`: decode each read, cut at the last line break.

    ``first``: no block was yielded yet (a byte-order mark there is dropped).
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    carry = ""
    while data:
        text = carry + decoder.decode(data)
        if first and text.startswith("\ufeff"):
            text = text[1:]
        carry, complete = _cut(text)
        if complete:
            first = False
            yield complete
        data = handle.read(size)
    rest = carry + decoder.decode(b"", final=True)
    if rest:
        yield _normalise(rest) + "\n"


def _message_line(text: str, follow: int) -> tuple[int, int]:
    """Span of the VPN Client message line at or after ``follow`` (up to 2 blank lines skipped).

    ``end`` is -1 when the block ends first; an empty span when the next line is
    another header (the message is missing, the header stands alone).
    """
    for _ in range(3):
        end = text.find("\n", follow)
        if end < 0:
            return follow, -1
        candidate = text[follow:end]
        if candidate.strip():
            if VPNCLIENT.match(candidate):
                return follow, follow
            return follow, end
        follow = end + 1
    return follow, follow


def _with_text(parsed: Parsed, text: str) -> Parsed:
    return Parsed(parsed.platform, parsed.message_id, parsed.key, parsed.severity, text, parsed.timestamp,
                  parsed.host, False, parsed.debug, parsed.tagged)


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _cut(text: str) -> tuple[str, str]:
    """(carry, complete): ``complete`` ends at the last line break and uses ``\\n`` only."""
    cut = text.rfind("\n")
    if cut < 0:
        # old Mac files use CR alone; a trailing CR may still be half of a CRLF
        cut = text.rfind("\r", 0, len(text) - 1)
    if cut < 0:
        if len(text) > MAX_LINE:
            return "", text[:MAX_LINE] + "\n"
        return text, ""
    complete, carry = text[: cut + 1], text[cut + 1:]
    if len(carry) > MAX_LINE:
        carry = carry[:MAX_LINE]
    return carry, _normalise(complete)


def scan(
    source: str | os.PathLike[str] | Iterable[str] | Iterable[tuple[int, str]],
    file: str | None = None,
    *,
    engine: str = "auto",
) -> Iterator[LogEvent]:
    """Events of a log file (path) or of lines, streamed in file order.

    ``file`` names the input in events (default: the path, or ``"<lines>"``).
    Lines may be ``str`` or ``(line_number, text)`` pairs such as
    :attr:`ipsec_doctor.inputs.TextSection.lines`.  Never raises on content;
    an unreadable path yields nothing (use :class:`LogScanner` to see why).
    """
    return LogScanner(engine=engine).scan(source, file)
