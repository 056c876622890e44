"""Finding candidate lines in a block of text with one scan.

Most lines of a real log are not about VPNs (connection builds, ACL hits), so
the reader never looks at a line on its own: one compiled alternation finds
the lines worth parsing — VPN message tags, debug prefixes, VPN Client
headers and the literals of text-only signatures — in the whole block.
Hyperscan, when importable, does the same scan faster; it is an optional
extra and both engines yield exactly the same lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate
from typing import Any

# ASA message classes that concern VPNs (Cisco's class table; see research/asa-vpn-messages.md).
VPN_ASA_CLASSES = frozenset(
    {"113", "402", "602", "702", "713", "714", "715", "717", "720", "721", "722", "725", "734", "737", "750", "751", "752"}
)
VPN_IOS_FACILITIES = frozenset({"CRYPTO", "IPSEC", "ISAKMP", "IKEV2", "VPN_HW", "CERM", "HW_VPN"})

_ASA_CLASS_RE = r"(?:113|402|602|702|71[3457]|72[0125]|73[47]|75[012])\d{3}"


def is_vpn_key(platform: str | None, key: str | None, debug: bool = False) -> bool:
    """Whether a parsed line is VPN-looking by its message key alone."""
    if debug or platform in ("vpnclient", "anyconnect"):
        return True
    if key is None:
        return False
    if key.isdecimal():
        return key[:3] in VPN_ASA_CLASSES
    if "/" in key:  # VPN 3000 concentrator event classes (IKE/41, AUTH/5): the box only does VPN
        return True
    return key.split("-", 1)[0] in VPN_IOS_FACILITIES


def _tag_parts(keys: Iterable[str]) -> tuple[str, str, list[str]]:
    numbers = sorted(k for k in keys if k.isdecimal())
    ios = sorted(k for k in keys if "-" in k and k.split("-", 1)[0] not in VPN_IOS_FACILITIES)
    asa_ids = "|".join([_ASA_CLASS_RE, *numbers])
    ios_keys = []
    for key in ios:
        facility, mnemonic = key.split("-", 1)
        ios_keys.append(rf"{re.escape(facility)}-\d-{re.escape(mnemonic)}\b")
    return asa_ids, "|".join(sorted(VPN_IOS_FACILITIES)), ios_keys


def _trie(entries: Iterable[tuple[str, str]]) -> str:
    """One regex for ``literal + tail`` alternatives, factored on common prefixes.

    CPython's engine tries the branches of an alternation one after another at
    each position, so ``113|402|602|...`` costs one attempt per branch on every
    tagged line; nested by digit it costs one per digit.  Matches the same text
    as the plain alternation (``tail`` is a regex, ``literal`` is escaped).
    """
    root: dict[str, Any] = {}
    for literal, tail in entries:
        node = root
        for char in literal:
            node = node.setdefault(char, {})
        node.setdefault("", set()).add(tail)

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        branches += sorted(node.get("", ()))
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(root) if root else "(?!)"


def _asa_id_trie(keys: Iterable[str]) -> str:
    """The ``(?:{asa_ids})`` of :func:`_tag_parts` as a digit trie (VPN classes, then listed ids)."""
    classes = sorted(VPN_ASA_CLASSES)
    numbers = [k for k in keys if k.isdecimal() and not (len(k) == 6 and k[:3] in VPN_ASA_CLASSES)]
    return _trie([*((c, r"\d{3}") for c in classes), *((n, "") for n in numbers)])


# Literal markers of line styles that carry no %TAG (debug, VPN Client, concentrator, client status).
STYLE_LITERALS = ("[IKEv", "ISAKMP", "IKEv2:", "IPSEC(", "Sev=", "SEV=", "Reason 4")


def build_patterns(keys: Iterable[str], anchors: Iterable[str]) -> list[str]:
    """The prefilter expressions: one per line style, plus signature keys and literals.

    Written in the common subset of Python ``re`` and Hyperscan syntax; a line
    is a candidate when any of them matches in it.
    """
    asa_ids, facilities, ios_keys = _tag_parts(keys)
    patterns = [
        rf"%(?:ASA|PIX|FTD)(?:-[A-Za-z]*)?-\d-(?:{asa_ids})",
        rf"^[ \t]*\d\|[^|\n]*\|(?:{asa_ids}):",
        rf"%(?:{facilities})-\d-",
        *(f"%{key}" for key in ios_keys),
    ]
    patterns.extend(re.escape(literal) for literal in (*STYLE_LITERALS, *anchors))
    return patterns


# Matches the longest run of lines that each hold a "%", from the start of a block.
_EVERY_LINE_HAS_PERCENT = re.compile(r"(?:[^%\n]*+%[^\n]*+\n)*+")


class Prefilter:
    """Yields ``(start, end)`` offsets of the candidate lines of a text block.

    ``engine`` is ``"re"``, ``"hyperscan"`` or ``"auto"`` (Hyperscan when it
    imports, else ``re``).  Blocks must end with a newline.

    The ``re`` engine does not run one big alternation: CPython's regex engine
    would try every alternative at every position (measured: 19 k lines/s).
    Instead one tag regex that starts with the literal ``%`` (so the engine
    skips to each ``%``), an ASDM regex only for blocks holding ``|``, and
    ``str.find`` for each literal; the hit lines are merged in order.
    """

    def __init__(self, keys: Iterable[str], anchors: Iterable[str], engine: str = "auto") -> None:
        keys = list(keys)
        anchors = list(anchors)
        self.patterns = build_patterns(keys, anchors)
        asa_ids, _facilities, ios_keys = _tag_parts(keys)
        facilities = _trie((facility, "") for facility in VPN_IOS_FACILITIES)
        self._tag = re.compile(
            "%(?:" + "|".join([rf"(?:ASA|PIX|FTD)(?:-[A-Za-z]*)?-\d-{_asa_id_trie(keys)}", rf"{facilities}-\d-", *ios_keys]) + ")"
        )
        self._asdm = re.compile(rf"^[ \t]*\d\|[^|\n]*\|(?:{asa_ids}):", re.MULTILINE)
        self._literals = tuple(dict.fromkeys((*STYLE_LITERALS, *anchors)))
        self._hs: Any = None
        if engine in ("auto", "hyperscan"):
            self._hs = _compile_hyperscan(self.patterns)
            if self._hs is None and engine == "hyperscan":
                raise RuntimeError("hyperscan engine requested but the hyperscan module is not importable")
        self.engine = "hyperscan" if self._hs is not None else "re"

    def lines(self, text: str) -> Iterator[tuple[int, int]]:
        """Candidate line spans in ``text``, in order, each once."""
        if self._hs is not None and text.isascii():
            return self._spans(self._hyperscan_hits(text), text)
        return self._spans(self._re_hits(text), text)

    def _re_hits(self, text: str) -> list[int]:
        hits = [match.start() for match in self._tag.finditer(text)]
        if "|" in text:
            hits.extend(match.end() - 1 for match in self._asdm.finditer(text))
        if "%" not in text:
            hits.extend(self._literal_hits(text))
            return hits
        # Literals are looked for only in lines without "%": a tagged line is a candidate by its
        # tag or not at all (see LogScanner._emit), and syslog files are almost all tagged.
        tagged = _EVERY_LINE_HAS_PERCENT.match(text)  # matches at least the empty string
        if tagged is not None and tagged.end() == len(text):
            return hits  # one pass in the regex engine, no per-line Python objects
        lines = text.split("\n")
        keep = [index for index, line in enumerate(lines) if "%" not in line]
        if not keep:
            return hits
        ends = list(accumulate(map(len, lines)))  # ends[i] + i = offset of the "\n" ending line i
        untagged = "\n".join([lines[index] for index in keep]) + "\n"
        starts: list[int] = []
        position = 0
        for index in keep:
            starts.append(position)
            position += len(lines[index]) + 1
        for offset in self._literal_hits(untagged):
            row = keep[bisect_right(starts, offset) - 1]
            hits.append(ends[row] + row - len(lines[row]))
        return hits

    def _literal_hits(self, text: str) -> Iterator[int]:
        find = text.find
        for literal in self._literals:
            position = find(literal)
            while position >= 0:
                yield position
                # the rest of this line is already a candidate: continue on the next line
                line_end = find("\n", position)
                if line_end < 0:
                    break
                position = find(literal, line_end + 1)

    def _hyperscan_hits(self, text: str) -> list[int]:
        # ASCII text: byte offsets are character offsets, so hits map straight back to lines.
        hits: list[int] = []

        def on_match(_id: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            hits.append(max(end - 1, 0))

        self._hs.scan(text.encode("ascii"), match_event_handler=on_match)
        return hits

    @staticmethod
    def _spans(hits: list[int], text: str) -> Iterator[tuple[int, int]]:
        hits.sort()
        last_end = -1
        rfind, find = text.rfind, text.find
        for offset in hits:
            if offset <= last_end:
                continue
            start = rfind("\n", 0, offset) + 1
            end = find("\n", offset)
            if end < 0:
                end = len(text)
            last_end = end
            yield start, end


def _compile_hyperscan(patterns: list[str]) -> Any:
    try:
        import hyperscan  # type: ignore[import-not-found]
    except ImportError:
        return None
    database = hyperscan.Database()
    flags = hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_ALLOWEMPTY
    database.compile(
        expressions=[p.encode("ascii") for p in patterns],
        ids=list(range(len(patterns))),
        elements=len(patterns),
        flags=[flags] * len(patterns),
    )
    return database
