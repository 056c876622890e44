"""Configuration text → a tree of command lines.

The dialects walk this tree; nothing else.  A :class:`Node` is one command
line (stripped of indentation, comments and trailing blanks) with its
1-based line number in the original file and its sub-commands.

Parent/child structure comes from indentation, as ``show running-config``
prints it.  Banners (``banner motd ^C ... ^C``) and certificate hex blocks
(``certificate ...`` ... ``quit``) are consumed here so that their contents
are never mistaken for commands.  ``!`` starts a comment only at the start
of a line (a key may contain ``!``).

Unindented CLI scripts (``conf t`` … ``exit`` … ``end``) and files whose
indentation was lost are handled by :func:`build_tree` with the block rules
in :data:`BLOCK_OPENERS` and :data:`CHILD_PREFIXES`:

* a column-0 line that opens a block (``crypto isakmp policy 10``) keeps
  the following column-0 lines that look like its sub-commands (``hash
  sha``) — always in a script, and in an indented file only when the block
  carries on indented after them (hand-sanitised configs that lost one
  line's indentation);
* a file pasted from documentation may shift whole top-level commands right
  by one space (`` crypto isakmp policy 1`` after a column-0 ``!``): an
  indented line with no open parent, or one separated from the open block
  by a column-0 ``!`` that does not look like a sub-command, starts a
  region whose indentation counts as column 0;
* ``exit`` leaves the current block, ``end`` leaves them all.

A banner or certificate block that is never closed is not allowed to swallow
the rest of the file: its lines are then read as ordinary commands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class Node:
    text: str
    line: int
    children: list[Node] = field(default_factory=list)
    indent: int = 0
    # ``words``, split once: handlers ask for them several times per line (never mutate them)
    _words: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def words(self) -> list[str]:
        words = self._words
        if words is None:
            words = self._words = self.text.split()
        return words

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


# Commands that open a sub-command block when written at top level.
BLOCK_OPENERS = re.compile(
    r"^(?:interface\s|crypto\s+isakmp\s+policy\s|crypto\s+ikev1\s+policy\s|crypto\s+ikev2\s+policy\s"
    r"|crypto\s+ikev2\s+(?:proposal|keyring|profile)\s|crypto\s+keyring\s|crypto\s+isakmp\s+profile\s"
    r"|crypto\s+isakmp\s+client\s+configuration\s+group\s|crypto\s+map\s+\S+\s+\d+\s+(?:ipsec-isakmp|ipsec-manual|gdoi)"
    r"|crypto\s+dynamic-map\s+\S+\s+\d+\s*$|crypto\s+ipsec\s+profile\s|crypto\s+ipsec\s+transform-set\s+\S+\s+\S"
    r"|crypto\s+ipsec\s+ikev2\s+ipsec-proposal\s|crypto\s+pki\s+trustpoint\s|crypto\s+ca\s+trustpoint\s"
    r"|crypto\s+pki\s+certificate\s+chain\s|crypto\s+ca\s+certificate\s+chain\s|ip\s+access-list\s|ipv6\s+access-list\s"
    r"|route-map\s|router\s|line\s|object\s+network\s|object\s+service\s|object-group\s|tunnel-group\s+\S+\s+\S+-attributes"
    r"|group-policy\s+\S+\s+attributes|username\s+\S+\s+attributes|aaa-server\s|class-map\s|policy-map\s"
    r"|webvpn|ip\s+dhcp\s+pool\s|vpdn-group\s|key\s+chain\s|control-plane|dial-peer\s|voice\s|controller\s"
    r"|ip\s+vrf\s|vrf\s+definition\s|address-family\s|track\s|ipsec\s+profile|dynamic-access-policy-record\s"
    r"|call-home|zone\s+security\s|zone-pair\s|parameter-map\s|archive|redundancy|failover\s+group|context\s"
    r"|ip\s+sla\s+\d|event\s+manager\s+applet|crypto\s+pki\s+server\s|license\s+smart|flow\s+(?:exporter|monitor|record)\s"
    r"|crypto\s+ipsec\s+client\s+ezvpn\s+\S+\s*$|crypto\s+gdoi\s+group\s|crypto\s+ikev2\s+(?:policy|authorization)\s"
    r"|crypto\s+ca\s+trustpool\s|crypto\s+pki\s+trustpool\s|tunnel-group\s+\S+\s+webvpn-attributes)",
    re.IGNORECASE,
)

# Sub-commands that, when a script lost its indentation, still belong to the
# block that is open (the first word(s) of the line).
CHILD_PREFIXES = re.compile(
    r"^(?:ip\s+address|ip\s+nat\s+(?:inside|outside)$|ip\s+tcp\s|ip\s+mtu|ip\s+ospf|ip\s+helper|ip\s+virtual|"
    r"ip\s+access-group|ip\s+policy|ip\s+unnumbered|ip\s+redirects|ip\s+proxy-arp|ip\s+route-cache|ipv6\s+address|"
    r"no\s+ip\s|crypto\s+map\s+\S+\s*$|description|shutdown|no\s+shut|nameif|security-level|tunnel\s|speed|duplex|"
    r"negotiation|mtu|bandwidth|switchport|standby|encapsulation|management-only|encr|encryption|hash|authentication|"
    r"group\s|lifetime|set\s|match\s|reverse-route|pre-shared-key|ikev1\s|ikev2\s|isakmp\s|address-pool|"
    r"default-group-policy|authentication-server-group|vpn-|split-|dns-server|default-domain|address-pools|pfs|"
    r"permit\s|deny\s|remark|network\s|host\s|subnet\s|range\s|fqdn\s|nat\s+\(|network-object|port-object|"
    r"service-object|protocol-object|group-object|key\s|pool\s|acl\s|dns\s|domain\s|save-password|max-users|"
    r"max-logins|keyring|self-identity|local-address|keepalive|identity\s|peer\s|address\s|prf\s|integrity\s|"
    r"proposal|mode\s|protocol\s|enrollment|subject-name|revocation-check|rsakeypair|exec-timeout|password|login|"
    r"transport\s|log\s|passive-interface|redistribute|neighbor\s|no\s+auto-summary|timeout\s|server-port|"
    r"virtual-template|client\s|\d+\s|exit-address-family|rd\s|route-target|certificate\s|connect\s|"
    r"default-router|option\s|lease\s|vlan\s|ppp\s|dialer\s|request-dialin|inspect\s|class\s|"
    r"match-address|initiator|responder|fvrf|ivrf|no\s+shutdown|dpd|ca\s+trust-point|trust-point|"
    r"tunnel-group-lock|address-assignment|nat-t|aaa\s|accounting|authorization|counter|crl|"
    r"enrollment|fqdn|ip-address|keypair|serial-number|validation-usage|psk|remote-authentication|"
    r"local-authentication|identity\s|match\s+identity|isakmp-profile|ikev2-profile|virtual-template)",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- fast block-rule matching
#
# BLOCK_OPENERS and CHILD_PREFIXES are long alternations that the regex engine tries one
# by one, and the tree asks them about most top-level lines.  Only whether they match is
# used, so the alternatives can be regrouped freely: they are bucketed by the line's
# first character and alternatives sharing a leading word (``crypto\s+``) share it once.
# The patterns above stay the single source of truth; this is derived from them.

# The only non-ASCII characters that an IGNORECASE letter matches (checked over all of
# Unicode): dotted/dotless i, long s and the Kelvin sign.
_FOLDED_EXTRAS = "\u0130\u0131\u017f\u212a"
_LEADING_WORD = re.compile(r"[a-z0-9-]+\\s\+")


def _alternatives(pattern: str) -> list[str] | None:
    """The top-level alternatives of ``^(?:A|B|...)``, None for any other shape."""
    if not (pattern.startswith("^(?:") and pattern.endswith(")")):
        return None
    body = pattern[4:-1]
    parts: list[str] = []
    depth = start = i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            return None  # a character class could hold "|" or ")": not handled
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return parts if depth == 0 else None


def _factor(alternatives: list[str]) -> str:
    r"""``crypto\s+a|crypto\s+b|c`` → ``crypto\s+(?:a|b)|c`` (same strings matched)."""
    groups: dict[str, list[str] | None] = {}  # leading word → the rests; None: kept whole
    for alternative in alternatives:
        lead = _LEADING_WORD.match(alternative)
        if lead is None:
            groups.setdefault(alternative, None)  # a repeated alternative is kept once
            continue
        rests = groups.setdefault(lead.group(), [])
        if rests is not None:
            rests.append(alternative[lead.end():])
        else:  # the same text is also a whole alternative: keep this one whole too
            groups.setdefault(alternative, None)
    out: list[str] = []
    for key, rests in groups.items():
        if rests is None:
            out.append(key)
        elif len(rests) == 1:
            out.append(key + rests[0])
        else:
            out.append(key + "(?:" + _factor(rests) + ")")
    return "|".join(out)


def _prefix_matcher(regex: re.Pattern[str]) -> Callable[[str], bool]:
    """A predicate equal to ``bool(regex.match(text))``, dispatched on ``text[0]``."""
    alternatives = _alternatives(regex.pattern)
    if alternatives is None:
        return lambda text: regex.match(text) is not None
    by_letter: dict[str, list[str]] = {}
    others: list[str] = []  # alternatives not starting with a plain letter go in every bucket
    for alternative in alternatives:
        if alternative[:1].isascii() and alternative[:1].isalpha() and alternative[1:2] not in ("?", "*", "{"):
            by_letter.setdefault(alternative[0].lower(), []).append(alternative)
        else:
            others.append(alternative)
    buckets: dict[str, list[str]] = {}
    for letter, alts in by_letter.items():
        for char in {letter, letter.upper(), *(c for c in _FOLDED_EXTRAS if re.match(letter, c, regex.flags))}:
            buckets.setdefault(char, []).extend(alts)
    compiled = {
        char: re.compile("^(?:" + _factor(alts + others) + ")", regex.flags).match for char, alts in buckets.items()
    }
    default = re.compile("^(?:" + _factor(others) + ")", regex.flags).match if others else None

    def matches(text: str) -> bool:
        match = compiled.get(text[:1], default)
        return match is not None and match(text) is not None

    return matches


_is_opener = _prefix_matcher(BLOCK_OPENERS)
_is_child = _prefix_matcher(CHILD_PREFIXES)


_BANNER_RE = re.compile(
    r"^banner\s+(?:motd|login|exec|incoming|slip-ppp|prompt-timeout|config-save)\s*(\S)?(.*)$", re.IGNORECASE
)
_CERT_RE = re.compile(r"^certificate\s", re.IGNORECASE)
_HEX_RE = re.compile(r"^[0-9A-Fa-f ]+$")


@dataclass(slots=True)
class _State:
    """What :func:`build_tree` carries from one line to the next."""

    roots: list[Node] = field(default_factory=list)
    stack: list[Node] = field(default_factory=list)  # open nodes, outermost first (leaves too)
    script_block: Node | None = None  # block opened by a column-0 opener; column-0 children may follow
    indented_blocks: set[int] = field(default_factory=set)  # ids of blocks that got real indented children
    base: int = 0  # indentation that counts as column 0 in a shifted region

    def reset(self) -> None:
        self.stack.clear()
        self.script_block = None


def build_tree(lines: Iterable[tuple[int, str]], *, asa_banners: bool = False) -> list[Node]:
    """Build the command tree from ``(line_number, text)`` pairs.

    ``asa_banners``: ASA prints one ``banner motd TEXT`` per line with no
    delimiter, so the banner body must not be scanned for a closing character.

    >>> [n.text for n in build_tree([(1, "crypto isakmp policy 10"), (2, "hash sha"), (3, "group 2")])[0].children]
    ['hash sha', 'group 2']
    """
    items: Sequence[tuple[int, str]] = lines if isinstance(lines, (list, tuple)) else list(lines)
    state = _State()
    stack = state.stack  # reset() clears it in place, so this stays the open-block stack
    roots = state.roots
    indented_blocks = state.indented_blocks
    opener = _is_opener
    child_like = _is_child
    # The per-line state lives in locals (attribute access on ``state`` costs on every
    # line); it is written back to ``state`` only around the rare helpers that read it.
    base = 0
    after_bang = False
    block: Node | None = None  # state.script_block
    index = 0
    node: Node | None = None
    total = len(items)
    # This loop runs once per configuration line: the common case (an indented sub-command
    # or a plain top-level command) is inlined; the rare cases keep their helpers.  The
    # first-character tests only skip regexes and keywords that cannot match.
    while index < total:
        number, raw = items[index]
        index += 1
        if "\t" in raw:
            raw = raw.expandtabs(8)
        stripped = raw.lstrip(" ")
        text = stripped.rstrip()
        if not text:
            continue
        indent = len(raw) - len(stripped)
        first = text[0]
        if first == "!" or first == ":":
            # "!" is a comment only at the start of a line (keys may contain "!").  In scripts
            # a column-0 "!" separates blocks, and in show run it only ever follows a top-level block.
            if first == "!" and indent <= base:
                block = None
                after_bang = True
            continue
        if indent == 0 or indent < base:
            base = 0
        effective = indent - base
        if first in "eEqQ":
            low = text.lower()
            if low in ("exit", "end", "quit") or low.startswith("exit-"):
                state.script_block = block
                _leave(state, low, effective)
                block = state.script_block
                continue
        if effective > 0 and (not stack or (after_bang and (opener(text) or not child_like(text)))):
            # top-level command shifted right (pasted documentation): a new region starts here
            # (an indented line with no parent, or one after a column-0 "!" that is not a sub-command:
            # show run never puts a column-0 "!" between a block and its children)
            stack.clear()
            block = None
            base = indent
            effective = 0
        after_bang = False
        if effective == 0:
            if (first == "b" or first == "B") and not asa_banners:
                banner = _BANNER_RE.match(text)
                if banner and banner.group(1):
                    stack.clear()
                    block = None
                    roots.append(Node(text, number, indent=0))
                    index = _skip_banner(banner.group(1), banner.group(2), items, index)
                    continue
            if block is not None and (id(block) not in indented_blocks or _block_goes_on(items, index, base)):
                # the line may be a column-0 sub-command of the open script block
                state.script_block = block
                state.base = base
                node = _place(state, text, number, effective, items, index)
                block = _open_block(state)
                if node is None:
                    continue  # attached as a column-0 child of a script block
            else:
                # _place when no script block can take the line (inlined: it runs for every line)
                stack.clear()  # every open node has indent >= 0
                node = Node(text, number, [], 0)
                roots.append(node)
                stack.append(node)
                block = node if opener(text) else None
        else:
            while stack and stack[-1].indent >= effective:
                stack.pop()
            node = Node(text, number, [], effective)
            if stack:
                parent = stack[-1]
                parent.children.append(node)
                if parent is block:
                    indented_blocks.add(id(parent))
            else:
                roots.append(node)
            stack.append(node)
        if (first == "c" or first == "C") and _CERT_RE.match(text):
            index = _skip_certificate(items, index)
            stack.pop()  # a certificate holds no commands
    return roots


def _open_block(state: _State) -> Node | None:
    """``state.script_block``; a call, because a compiler (mypyc) would keep the narrowed ``Node`` type
    of the local it is assigned to inside ``if block is not None`` and reject the ``None``."""
    return state.script_block


def _leave(state: _State, low: str, effective: int) -> None:
    """``exit`` leaves the current block, ``end`` (or a column-0 ``exit``) every block."""
    if low == "end" or effective == 0:
        state.reset()
        return
    # show run writes "exit-address-family" at the block's own indentation, a typed script
    # writes "exit" at its children's: in the second case the block is one level further up.
    last: Node | None = None
    while state.stack and state.stack[-1].indent >= effective:
        last = state.stack.pop()
    if (last is None or not last.children) and state.stack:
        state.stack.pop()
    state.script_block = None


def _place(
    state: _State, text: str, number: int, effective: int, items: Sequence[tuple[int, str]], index: int
) -> Node | None:
    """Attach a command to its parent (or the roots); returns it when it may get children."""
    stack = state.stack
    block = state.script_block
    while stack and stack[-1].indent >= effective and not (effective == 0 and stack[-1] is block):
        stack.pop()
    is_opener: bool | None = None  # computed at most once
    if effective == 0 and block is not None:
        # All three tests are pure; the cheap look-ahead goes first (in show run the next
        # line is a top-level one, which settles it without the two long regexes).
        if (id(block) not in state.indented_blocks or _block_goes_on(items, index, state.base)) and _is_child(
            text
        ):
            is_opener = _is_opener(text)
            if not is_opener:
                child = Node(text, number, [], 1)
                block.children.append(child)
                if _CERT_RE.match(text):
                    stack.append(child)
                    return child
                return None
        stack.clear()
        state.script_block = None
    node = Node(text, number, [], effective)
    if stack:
        parent = stack[-1]
        parent.children.append(node)
        if effective > 0 and parent is block:
            state.indented_blocks.add(id(parent))
    else:
        state.roots.append(node)
    stack.append(node)
    if effective == 0:
        if is_opener is None:
            is_opener = _is_opener(text)
        state.script_block = node if is_opener else None
    return node


def _block_goes_on(items: Sequence[tuple[int, str]], index: int, base: int) -> bool:
    """Whether the next command after ``index`` is indented (the open block carries on)."""
    # by index rather than over a slice: this runs after most top-level commands (no copying)
    for position in range(index, min(index + 50, len(items))):
        raw = items[position][1]
        if "\t" in raw:
            raw = raw.expandtabs(8)
        stripped = raw.lstrip(" ")
        if not stripped or stripped[0] in "!:" or not stripped.rstrip():
            continue
        return len(raw) - len(stripped) > base
    return False


def _skip_banner(delim: str, rest: str, items: Sequence[tuple[int, str]], index: int) -> int:
    """Index after the banner's closing delimiter (IOS prints ^C as two characters).

    A banner that is never closed consumes nothing, so an odd delimiter
    cannot hide the rest of the configuration.
    """
    if delim == "^" and rest.startswith("C"):
        delim, rest = "^C", rest[1:]
    if delim in rest:
        return index
    for position in range(index, len(items)):
        if delim in items[position][1]:
            return position + 1
    return index


def _skip_certificate(items: Sequence[tuple[int, str]], index: int) -> int:
    """Index after a certificate's hex lines and its ``quit``; stops before any other line."""
    position = index
    while position < len(items):
        text = items[position][1].strip()
        if text.lower() == "quit":
            return position + 1
        if text and not _HEX_RE.match(text):
            return position
        position += 1
    return position
