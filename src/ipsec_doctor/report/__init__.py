"""Reporters: they format a :class:`~ipsec_doctor.analysis.Report`; they decide nothing."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    An interrupted run never leaves a half-written report behind.  Only a
    regular file (or a new one) is replaced that way: ``-o /dev/null``, a
    FIFO or ``/dev/stdout`` is written into, never renamed over (renaming a
    file onto /dev/null would replace the device with a file).  A symbolic
    link keeps pointing where it did: the file it names is the one replaced.
    """
    target = Path(path)
    try:
        mode = target.stat().st_mode  # follows links
    except OSError:
        mode = None  # a new file (or an error the temporary file will report)
    if mode is not None and not stat.S_ISREG(mode):
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        return
    if target.is_symlink():
        target = target.resolve()
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
