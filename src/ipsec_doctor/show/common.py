"""Helpers shared by the show parsers: numbered lines, notes, small value parsers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import ParseProblem
from ..redact import redact_line

Numbered = list[tuple[int, str]]

_SPACE_RE = re.compile(r"\s+")


def numbered(lines: Iterable[str] | Iterable[tuple[int, str]] | str) -> Numbered:
    """Accept raw text, a list of strings (numbered from 1) or ``(line, text)`` pairs."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    out: Numbered = []
    for index, item in enumerate(lines, 1):
        if isinstance(item, tuple):
            out.append((int(item[0]), str(item[1]).rstrip("\r\n")))
        else:
            out.append((index, str(item).rstrip("\r\n")))
    return out


@dataclass(slots=True)
class Notes:
    """Collects skipped lines for :attr:`ShowResult.notes` (texts redacted, trimmed)."""

    file: str = ""
    items: list[ParseProblem] = field(default_factory=list)
    limit: int = 200  # a huge paste of an unknown command must not make thousands of notes

    def skip(self, line: int, text: str, why: str = "line not understood, skipped") -> None:
        if len(self.items) >= self.limit:
            return
        shown = redact_line(text.strip())[:120]
        self.items.append(ParseProblem(self.file, line, f"{why}: {shown!r}"))

    def add(self, line: int, message: str) -> None:
        if len(self.items) < self.limit:
            self.items.append(ParseProblem(self.file, line, message))


def to_int(text: str | None) -> int | None:
    """``"1,234"`` / ``" 12 "`` → int; anything else → None."""
    if text is None:
        return None
    text = text.strip().replace(",", "")
    if text.isdecimal():
        return int(text)
    return None


def norm_spi(text: str | None) -> str | None:
    """``DC15BF68`` / ``0xdc15bf68(3692412776)`` → ``0xDC15BF68``; ``0x0(0)`` → ``0x0``."""
    if not text:
        return None
    token = text.strip().split("(", 1)[0].strip()
    if token.lower().startswith("0x"):
        token = token[2:]
    if not token or not re.fullmatch(r"[0-9A-Fa-f]+", token):
        return None
    return "0x" + (token.lstrip("0").upper() or "0")


def counter_key(label: str) -> str:
    """``#pkts no sa (send)`` → ``no_sa_send``; ``#send errors`` → ``send_errors``."""
    label = label.strip().lstrip("#").strip().lower()
    label = label.removeprefix("pkts ")
    label = re.sub(r"[^a-z0-9]+", "_", label).strip("_")
    return label


def is_blank_or_rule(text: str) -> bool:
    """Blank lines and ``-----`` rules carry nothing."""
    stripped = text.strip()
    return not stripped or set(stripped) <= {"-", "=", " "}


def words(text: str) -> list[str]:
    return text.split()


def squeeze(text: str) -> str:
    return _SPACE_RE.sub(" ", text.strip())


def first_line(lines: Sequence[tuple[int, str]]) -> int:
    return lines[0][0] if lines else 0
