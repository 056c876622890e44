"""A reader for the small YAML subset of ntc-templates' expected files (no PyYAML needed).

The files are ``parsed_sample:`` followed by a list of flat maps whose values
are double-quoted strings or lists of them; long strings are folded with a
trailing backslash.  Anything else raises ``ValueError`` (a test-data problem).
"""

from __future__ import annotations

import re
from pathlib import Path

_KEY_RE = re.compile(r'^(\s*)(- )?([A-Za-z0-9_]+):\s*(.*)$')
_ITEM_RE = re.compile(r'^\s*- (.*)$')


def _scalar(text: str) -> str:
    text = text.strip()
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        body = text[1:-1]
        out, index = [], 0
        while index < len(body):
            char = body[index]
            if char == "\\" and index + 1 < len(body):
                nxt = body[index + 1]
                out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", " ": " "}.get(nxt, nxt))
                index += 2
                continue
            out.append(char)
            index += 1
        return "".join(out)
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    return text


def _logical_lines(text: str) -> list[str]:
    """Join the continuation lines of folded double-quoted strings."""
    lines: list[str] = []
    pending: str | None = None
    for raw in text.splitlines():
        if pending is not None:
            stripped = raw.strip()
            if pending.endswith("\\"):
                pending = pending[:-1] + stripped
            else:
                pending = pending + " " + stripped
            if _closed(pending):
                lines.append(pending)
                pending = None
            continue
        if _opens_string(raw) and not _closed(raw):
            pending = raw.rstrip()
            continue
        lines.append(raw)
    return lines


def _value_part(line: str) -> str:
    found = _KEY_RE.match(line)
    if found:
        return found.group(4)
    found = _ITEM_RE.match(line)
    return found.group(1) if found else ""


def _opens_string(line: str) -> bool:
    return _value_part(line).lstrip().startswith('"')


def _closed(line: str) -> bool:
    value = _value_part(line).strip()
    if not value.startswith('"'):
        return True
    body = value[1:]
    index = 0
    while index < len(body):
        if body[index] == "\\":
            index += 2
            continue
        if body[index] == '"':
            return True
        index += 1
    return False


def load_parsed_sample(path: Path) -> list[dict[str, object]]:
    """The ``parsed_sample`` list of an ntc ``.yml`` file."""
    records: list[dict[str, object]] = []
    current_list: list[str] | None = None
    for line in _logical_lines(path.read_text(encoding="utf-8")):
        if not line.strip() or line.strip() in ("---", "parsed_sample:") or line.lstrip().startswith("#"):
            continue
        found = _KEY_RE.match(line)
        if found:
            if found.group(2):
                records.append({})
            if not records:
                raise ValueError(f"{path}: value before the first record: {line!r}")
            key, value = found.group(3), found.group(4)
            if value.strip() == "":
                current_list = []
                records[-1][key] = current_list
            elif value.strip() == "[]":
                records[-1][key] = []
                current_list = None
            else:
                records[-1][key] = _scalar(value)
                current_list = None
            continue
        item = _ITEM_RE.match(line)
        if item and current_list is not None:
            current_list.append(_scalar(item.group(1)))
            continue
        raise ValueError(f"{path}: line not understood: {line!r}")
    return records
