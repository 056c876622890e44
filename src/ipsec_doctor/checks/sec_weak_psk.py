"""SEC-WEAK-PSK — a visible pre-shared key is short or of low variety.

What it does
    Per device, looks at every pre-shared key whose value the file shows
    (IOS ``crypto isakmp key``, keyrings, IKEv2 keyrings, ASA tunnel-group
    keys from ``more system:running-config``, IOS client-group keys) and
    reports the short ones (fewer than 12 characters) and the low-variety
    ones (fewer than 6 distinct characters, or one character class only
    under 20 characters).  Only length and variety are used; the key is
    never printed.  Masked and encrypted keys cannot be judged.

Why it breaks
    It weakens rather than breaks: captured IKE exchanges (and aggressive
    mode answers) allow offline guessing, and short keys fall quickly.

Example
    ``crypto isakmp key cisco123 address 198.51.100.2``.

Fix
    A random key of 20 or more characters of mixed classes, entered on
    both peers in the same window (commands use ``<pre-shared-key>``).
    Disruption: renegotiates.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, Severity
from . import Context, check
from ._sec import Place, device_finding, key_uses, weak_key

CATALOG_ID = "SEC-WEAK-PSK"


@check(CATALOG_ID)
def run(ctx: Context) -> Iterable[Finding]:
    """One warning per device with weak visible keys, listing every place (never the key)."""
    for device in ctx.devices:
        places = []
        for use in key_uses(device):
            why = weak_key(use.secret)
            if why is not None:
                places.append(Place(f"{use.where} for {use.peer} ({why})", use.source, use.lines,
                                     "use a random key of 20+ characters; the peer needs the same key"))
        if places:
            yield device_finding(CATALOG_ID, Severity.WARNING, device, "short or low-variety pre-shared keys",
                                 places, "Such keys can be guessed offline from a captured exchange.")
