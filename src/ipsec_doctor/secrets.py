"""Secrets as opaque values.

A pre-shared key, password or community is never kept as text in the model.
:class:`Secret` holds only what the diagnosis needs: whether the value is
visible (clear), hidden by the device (masked) or stored encrypted, a salted
digest to compare two clear values, and coarse strength figures for hygiene
checks.  Its ``repr``/``str`` never contain the value.

The salt is random per process: digests are comparable within one run and
meaningless outside it, so they are never written to any output.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from enum import Enum

_SALT = os.urandom(16)
_CLASSES = tuple(re.compile(p) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]"))

REDACTED = "<redacted>"


class SecretState(str, Enum):
    """How much of a secret the configuration shows."""

    CLEAR = "clear"  # the value is in the file (IOS `key 0`, ASA `more system:running-config`)
    MASKED = "masked"  # `*****`, `<removed>`, `XXXX`: present, value unknown
    ENCRYPTED = "encrypted"  # type 6 / 8 / 9, ASA `pbkdf2`/`encrypted`: present, not comparable


@dataclass(frozen=True, slots=True)
class Secret:
    """An opaque secret: compare with :meth:`same_as`, never print."""

    state: SecretState
    _digest: bytes | None = field(default=None, repr=False, compare=False)
    length: int = field(default=0, repr=False, compare=False)
    char_classes: int = field(default=0, repr=False, compare=False)
    distinct: int = field(default=0, repr=False, compare=False)
    encoding: str = field(default="", repr=False, compare=False)  # "0", "6", "7", "8", "pbkdf2", ...

    @classmethod
    def from_clear(cls, value: str, encoding: str = "0") -> Secret:
        classes = sum(1 for pattern in _CLASSES if pattern.search(value))
        return cls(
            SecretState.CLEAR,
            # keyed BLAKE2 is a MAC in its own right, and several times cheaper than HMAC-SHA256
            hashlib.blake2b(value.encode("utf-8", "surrogateescape"), key=_SALT, digest_size=32).digest(),
            len(value),
            classes,
            len(set(value)),
            encoding,
        )

    @classmethod
    def masked(cls) -> Secret:
        return cls(SecretState.MASKED)

    @classmethod
    def encrypted(cls, encoding: str) -> Secret:
        return cls(SecretState.ENCRYPTED, encoding=encoding)

    @property
    def comparable(self) -> bool:
        return self.state is SecretState.CLEAR and self._digest is not None

    def same_as(self, other: Secret) -> bool | None:
        """True / False when both values are known, None when either cannot be verified."""
        if not (self.comparable and other.comparable):
            return None
        assert self._digest is not None and other._digest is not None
        return hmac.compare_digest(self._digest, other._digest)

    @property
    def fingerprint(self) -> bytes | None:
        """Salted digest, for grouping equal keys inside one run (never output)."""
        return self._digest

    def __str__(self) -> str:
        return f"<secret {self.state.value}>"

    __repr__ = __str__


_MASK_RE = re.compile(r"^(?:\*+|<removed>|<redacted>|X{4,}|x{4,}|\*\*\*\*\*\*\*\*)$")


def type7_decode(encoded: str) -> str | None:
    """Decode a Cisco type-7 string (a reversible obfuscation, not encryption).

    Returns None when the text is not valid type 7.  The constant below is the
    well-known public Vigenère key that IOS uses for `service password-encryption`.
    """
    xlat = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"
    if len(encoded) < 4 or len(encoded) % 2 or not encoded[:2].isdecimal():
        return None
    try:
        seed = int(encoded[:2])
        out = []
        for i in range(2, len(encoded), 2):
            byte = int(encoded[i : i + 2], 16)
            out.append(chr(byte ^ ord(xlat[(seed + (i - 2) // 2) % len(xlat)])))
    except (ValueError, IndexError):
        return None
    return "".join(out)


def secret_from_token(value: str, encoding: str | None = None) -> Secret:
    """Build a :class:`Secret` from the token(s) a device printed.

    ``encoding`` is the type number printed before the value (`key 6 ...`,
    `password 7 ...`) or a keyword such as ``pbkdf2``/``encrypted``.
    """
    if _MASK_RE.match(value):
        return Secret.masked()
    if encoding in (None, "0", ""):
        return Secret.from_clear(value, "0")
    if encoding == "7":
        decoded = type7_decode(value)
        if decoded is not None:
            return Secret.from_clear(decoded, "7")
        return Secret.encrypted("7")
    return Secret.encrypted(encoding)
