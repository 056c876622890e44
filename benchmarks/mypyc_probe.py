"""How much would compiling the parser buy?  A probe, not a build option.

The parse target of issue 2 (≥ 10x ciscoconfparse2's lines per second) asks
about twice the speed of today's pure-Python dialects.  This script answers
"could a compiler close that gap?" with a measurement instead of a guess:

1. copies ``src/ipsec_doctor`` to a temporary directory;
2. compiles every module of ``ipsec_doctor/dialects`` (the tree builder and
   the IOS / ASA parsers, i.e. everything ``parse_config`` runs except the
   model's dataclasses) with mypyc, the compiler that ships with mypy;
3. parses the same fleet with the pure-Python package and with the compiled
   copy, each in its own process, and prints both throughputs and the ratio.

It needs mypy (the dev tools: ``pip install mypy``) and a C compiler.  Nothing
of this is installed or shipped: ipsec-doctor stays pure Python.

Usage::

    /work/venv/bin/python benchmarks/mypyc_probe.py --dir benchmarks/fleet-20x500-s1 [--repeat 3] [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def worker(directory: Path, repeat: int) -> dict[str, Any]:
    """Parse every file of the fleet ``repeat`` times; the fastest round's CPU time (files read first)."""
    from ipsec_doctor.dialects import parse_config, tree
    from ipsec_doctor.inputs import ConfigSection
    from ipsec_doctor.model import Platform

    plat_of = {"asa": Platform.ASA, "ios": Platform.IOS}
    texts = []
    for path in sorted(directory.glob("*.cfg")):
        plat = path.name.split(".")[-2]
        if plat in plat_of:
            texts.append((str(path), plat_of[plat], path.read_text(encoding="utf-8")))
    lines = sum(text.count("\n") for _, _, text in texts)
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        for name, plat, text in texts:
            parse_config(ConfigSection(name, list(enumerate(text.splitlines(), 1)), plat))
        best = min(best, time.process_time() - c0)
    return {
        "compiled": tree.__file__.endswith((".so", ".pyd")),
        "files": len(texts),
        "lines": lines,
        "cpu_s": round(best, 3),
        "lines_per_cpu_s": round(lines / best),
    }


def _run_worker(pythonpath: Path, directory: Path, repeat: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    out = subprocess.run(
        [sys.executable, __file__, "--worker", "--dir", str(directory), "--repeat", str(repeat)],
        env=env, capture_output=True, text=True, check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="pure-Python dialects vs the same dialects compiled with mypyc")
    ap.add_argument("--dir", type=Path, default=HERE / "fleet-20x500-s1", help="a fleet made by fleetgen.py")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.dir, args.repeat)))
        return 0
    mypyc = shutil.which("mypyc") or str(Path(sys.executable).with_name("mypyc"))
    if not Path(mypyc).exists() or shutil.which("cc") is None:
        print("needs mypyc (pip install mypy) and a C compiler", file=sys.stderr)
        return 2
    if not any(args.dir.glob("*.cfg")):
        print(f"no fleet in {args.dir}: run benchmarks/fleetgen.py first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ipsec-doctor-mypyc-") as tmp:
        work = Path(tmp)
        shutil.copytree(SRC / "ipsec_doctor", work / "ipsec_doctor", ignore=shutil.ignore_patterns("__pycache__"))
        modules = sorted(str(p.relative_to(work)) for p in (work / "ipsec_doctor" / "dialects").glob("*.py")
                         if p.name != "__init__.py")
        t0 = time.perf_counter()
        build = subprocess.run([mypyc, *modules], cwd=work, capture_output=True, text=True, check=False)
        build_s = time.perf_counter() - t0
        if build.returncode != 0:
            print(build.stdout[-3000:], build.stderr[-3000:], sep="\n", file=sys.stderr)
            return 1
        pure = _run_worker(SRC, args.dir, args.repeat)
        compiled = _run_worker(work, args.dir, args.repeat)
    if not compiled["compiled"] or pure["compiled"]:
        print("the compiled copy was not the one imported", file=sys.stderr)
        return 1
    ratio = round(pure["cpu_s"] / compiled["cpu_s"], 2)
    result = {"modules": len(modules), "build_s": round(build_s, 1), "pure": pure, "mypyc": compiled,
              "speedup": ratio, "load_avg": os.getloadavg()}
    print(f"pure Python : {pure['lines_per_cpu_s']:>9,} lines per CPU-s ({pure['cpu_s']} s, {pure['lines']:,} lines)")
    print(f"mypyc       : {compiled['lines_per_cpu_s']:>9,} lines per CPU-s ({compiled['cpu_s']} s;"
          f" {len(modules)} modules compiled in {build_s:.0f} s)")
    print(f"speed-up    : {ratio}x")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
