"""Which reporter runs for ``--format`` (kept out of cli.py so the CLI stays small)."""

from __future__ import annotations

import sys
from typing import IO

from ..analysis import Report

ANALYZE_FORMATS = ("text", "json", "html", "sarif")
DIFF_FORMATS = ("text", "json", "html")


def render_report(report: Report, fmt: str, *, quiet: bool = False, output: str | None = None,
                  stdout: IO[str] | None = None) -> str | None:
    """The report text for ``fmt``; None when it was printed to the terminal already (rich view)."""
    if fmt == "json":
        from .json_report import render_json

        return render_json(report)
    if fmt == "html":
        from .html import render_html

        return render_html(report)
    if fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(report)
    stream = stdout if stdout is not None else sys.stdout
    if output is None:
        from .terminal import use_rich

        if use_rich(stream):
            from .terminal import render_rich

            render_rich(report, stream, quiet=quiet)
            return None
    from .text import render_text

    return render_text(report, quiet=quiet)


def render_diff(before: Report, after: Report, fmt: str) -> tuple[str, bool]:
    """(the diff text for ``fmt``, whether the change breaks a tunnel)."""
    from .diff import diff_reports, render_diff_html, render_diff_json, render_diff_text

    d = diff_reports(before, after)
    renderer = {"json": render_diff_json, "html": render_diff_html}.get(fmt, render_diff_text)
    return renderer(d), d.breaks
