"""Wall time, CPU time and peak RSS of one benchmark subprocess (shared by fleet.py and logs_bench.py).

The ``ru_maxrss`` that ``wait4`` reports for a child is not only the child's own peak: Linux keeps the
high-water mark of the memory the child was forked from (the benchmark process, which may hold a
scan's blocks or a fleet's findings) until the child's exec.  GNU time's ``%M`` comes from the same
counter, but GNU time is forked from a small process, so it is used when installed; without it the
``wait4`` figure is reported (an upper bound).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

GNU_TIME = Path("/usr/bin/time")


def run_child(cmd: list[str]) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS (MB), exit status and CPU seconds (user + system) of ``cmd``."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wrapped = [str(GNU_TIME), "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME.exists() else cmd
        t0 = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
        if wrapped is not cmd:
            # "%M" is the file's last number (a "Command exited with non-zero status N" line may precede it)
            numbers = [word for word in rss.read().split() if word.isdigit()]
            peak_mb = int(numbers[-1]) / 1024 if numbers else peak_mb
    return wall, peak_mb, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime
