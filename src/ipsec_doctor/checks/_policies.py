"""ISAKMP policy comparison helpers for P1-POLICY and P1-LIFETIME.

The negotiation says *that* no policy matched and names the attribute; the
fixes also need *which* pair of policies came closest and which side's offer
is the weaker one (the side that should change, so that a fix never lowers
the stronger end's security).
"""

from __future__ import annotations

from ..model import IkePolicy

_ENCRYPTION_RANK = {"des": 0, "3des": 1, "aes": 2, "aes-192": 3, "aes-256": 4}
_HASH_RANK = {"md5": 0, "sha": 1, "sha256": 2, "sha384": 3, "sha512": 4}
# DH groups by strength (24 is a 2048-bit MODP group with a small subgroup: weaker than 14).
_GROUP_RANK = {1: 0, 2: 1, 5: 2, 24: 3, 14: 4, 15: 5, 19: 6, 16: 7, 20: 8, 21: 9}

CRYPTO_ATTRS = ("encryption", "hash", "authentication", "group")


def differing(a: IkePolicy, b: IkePolicy) -> list[str]:
    """The attributes (other than lifetime) on which two policies differ."""
    out = [x for x in ("encryption", "hash", "authentication") if getattr(a, x).lower() != getattr(b, x).lower()]
    if a.group != b.group:
        out.append("group")
    return out


def strength(p: IkePolicy) -> tuple[int, int, int]:
    return (_ENCRYPTION_RANK.get(p.encryption.lower(), 0), _HASH_RANK.get(p.hash.lower(), 0),
            _GROUP_RANK.get(p.group, 0))


def closest_pair(a: tuple[IkePolicy, ...], b: tuple[IkePolicy, ...]) -> tuple[IkePolicy, IkePolicy] | None:
    """The pair (one of ``a``, one of ``b``) with the fewest differing attributes, by priority."""
    best: tuple[int, int, int, IkePolicy, IkePolicy] | None = None
    for pa in sorted(a, key=lambda p: p.priority):
        for pb in sorted(b, key=lambda p: p.priority):
            rank = (len(differing(pa, pb)), pa.priority, pb.priority)
            if best is None or rank < best[:3]:
                best = (*rank, pa, pb)
    return (best[3], best[4]) if best is not None else None


def describe(p: IkePolicy) -> str:
    """``policy 10: aes-256, sha, pre-share, group 14, lifetime 86400 s`` with defaults marked."""

    def mark(attr: str, text: str) -> str:
        return f"{text} (default)" if attr in p.defaulted else text

    life = "unlimited" if p.lifetime == 0 else f"{p.lifetime} s"
    parts = [mark("encryption", p.encryption), mark("hash", p.hash), mark("authentication", p.authentication),
             mark("group", f"group {p.group}"), mark("lifetime", f"lifetime {life}")]
    return f"policy {p.priority}: " + ", ".join(parts)


def matching_except_lifetime(a: tuple[IkePolicy, ...], b: tuple[IkePolicy, ...]) -> list[tuple[IkePolicy, IkePolicy]]:
    """Pairs whose encryption, hash, authentication and group agree."""
    return [(pa, pb) for pa in sorted(a, key=lambda p: p.priority) for pb in sorted(b, key=lambda p: p.priority)
            if not differing(pa, pb)]
