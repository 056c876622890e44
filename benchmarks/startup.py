"""Start-up benchmark: how long a user waits for the smallest commands.

Measures, each in a fresh process and ``--repeat`` times (min / median / max):

* ``ipsec-doctor --version`` (target < 150 ms);
* ``ipsec-doctor analyze examples/snapshot`` — two devices, text report (target < 0.5 s);

and lists the modules that ``python -X importtime`` says a plain
``import ipsec_doctor.cli`` pulls in, so a heavy optional dependency
(rich, Dask, the process pool, Netmiko, Hyperscan) that is imported eagerly
shows up by name.

Usage::

    /work/venv/bin/python benchmarks/startup.py --repeat 7 --json benchmarks/results-startup.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("rich", "dask", "distributed", "concurrent.futures.process", "multiprocessing", "netmiko", "hyperscan",
         "jsonschema", "ipsec_doctor.scale", "ipsec_doctor.lab", "ipsec_doctor.pcap")
TARGETS = {"version": 0.150, "analyze_snapshot": 0.5}


def _runs(cmd: list[str], repeat: int) -> dict[str, Any]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return {"min_s": round(min(times), 4), "median_s": round(statistics.median(times), 4),
            "max_s": round(max(times), 4), "runs": len(times)}


def eager_imports(module: str = "ipsec_doctor.cli") -> dict[str, Any]:
    """Cumulative import time (µs) of ``module`` and the heavy modules it pulls in at import."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], check=False,
                          capture_output=True, text=True)
    rows = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = [p.strip() for p in line[len("import time:"):].split("|")]
        if parts[1].isdigit():
            rows[parts[2]] = int(parts[1])
    heavy = sorted(name for name in rows if any(name == h or name.startswith(h + ".") for h in HEAVY))
    return {"module": module, "cumulative_us": rows.get(module), "modules": len(rows), "heavy_imported": heavy}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    exe = str(Path(sys.executable).with_name("ipsec-doctor"))
    results: dict[str, Any] = {"load_avg_start": os.getloadavg()}
    results["python_noop"] = _runs([sys.executable, "-c", "pass"], args.repeat)
    results["version"] = _runs([exe, "--version"], args.repeat)
    results["analyze_snapshot"] = _runs([exe, "analyze", "examples/snapshot"], args.repeat)
    results["imports"] = eager_imports()
    results["targets"] = {name: {"target_s": limit, "median_s": results[name]["median_s"],
                                 "met_by_median": results[name]["median_s"] < limit,
                                 "met_by_min": results[name]["min_s"] < limit}
                          for name, limit in TARGETS.items()}
    results["load_avg_end"] = os.getloadavg()
    text = json.dumps(results, indent=1)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
