"""ipsec-doctor: diagnose Cisco IPsec VPNs from configs, show output and logs."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "analyze"]


def analyze(paths, *, platform=None, **options):  # type: ignore[no-untyped-def]
    """Analyse files or directories and return a :class:`~ipsec_doctor.analysis.Report`.

    >>> report = analyze(["examples/"])          # doctest: +SKIP
    >>> [f.id for f in report.findings]          # doctest: +SKIP
    """
    from .analysis import analyze as _analyze

    return _analyze(paths, platform=platform, **options)  # options: events=, symptoms=, progress=
