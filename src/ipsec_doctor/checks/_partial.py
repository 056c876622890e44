"""Excerpts: what a check may conclude from a configuration that is only a section.

A ``show running-config crypto map`` or ``show running-config tunnel-group``
excerpt (``Device.partial``) shows some commands but not the rest of the
device, so the absence of a command in it proves nothing.  Checks whose
conclusion rests on something *missing* (an ``enable`` line, a pool, an ACL,
a tunnel-group, a binding, a route, a NAT exemption …) either skip excerpts
(:func:`skip_excerpts`) or turn their findings about excerpts into info
"cannot verify" findings (:func:`excerpt_downgrade`, :func:`downgrade`).
Findings based on what the excerpt *does* show are left alone by checks that
apply :func:`downgrade` only where the missing part matters.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator

from ..findings import Finding, Severity
from ..model import Device
from . import Context

CheckFn = Callable[[Context], Iterable[Finding]]

EXCERPT_NOTE = (
    "The configuration of {devices} is an excerpt (no hostname/version header and no interfaces), so a "
    "command it does not show may well be configured; check the full running configuration before acting."
)


def is_excerpt(device: Device | None) -> bool:
    """True when ``device`` was read from a configuration excerpt."""
    return bool(device is not None and getattr(device, "partial", False))


def _excerpts_named(ctx: Context, names: Iterable[str]) -> list[str]:
    return [n for n in names if is_excerpt(ctx.device(n))]


def downgrade(finding: Finding, excerpt_names: Iterable[str]) -> Finding:
    """``finding`` as an info "cannot verify from an excerpt" finding (unchanged when names is empty)."""
    names = list(excerpt_names)
    if not names or (finding.severity is Severity.INFO and finding.title.startswith("Cannot verify")):
        return finding
    note = EXCERPT_NOTE.format(devices=", ".join(names))
    return dataclasses.replace(
        finding,
        severity=Severity.INFO,
        title=f"Cannot verify from an excerpt: {finding.title}",
        detail=f"{finding.detail} {note}".strip(),
    )


def excerpt_downgrade(fn: CheckFn) -> CheckFn:
    """Decorator: every finding naming an excerpt device becomes info "cannot verify"."""

    @functools.wraps(fn)
    def wrapper(ctx: Context) -> Iterator[Finding]:
        for finding in fn(ctx):
            yield downgrade(finding, _excerpts_named(ctx, finding.devices))

    return wrapper


def skip_excerpts(fn: CheckFn) -> CheckFn:
    """Decorator: findings naming an excerpt device are dropped (advice that would only be noise)."""

    @functools.wraps(fn)
    def wrapper(ctx: Context) -> Iterator[Finding]:
        for finding in fn(ctx):
            if not _excerpts_named(ctx, finding.devices):
                yield finding

    return wrapper
