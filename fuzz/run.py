"""Run the atheris fuzz targets for a while and report executions and crashes.

Usage::

    python fuzz/run.py --seconds 300                  # every target, 300 s each
    python fuzz/run.py --seconds 60 --targets ios asa
    python fuzz/run.py --runs 2000                    # a fixed number of executions per target

Each target runs in its own process on a fresh corpus seeded from the
project's fixtures (``--corpus DIR`` keeps and grows one across runs).  Crash
inputs are written to ``--artifacts`` (default: a temporary folder) and
listed; the exit status is 1 when any target crashed.  Needs atheris
(``pip install -e '.[fuzz]'``).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

_EXECS = re.compile(r"stat::number_of_executed_units:\s*(\d+)")
_DONE = re.compile(r"Done (\d+) runs in (\d+) second")


def targets() -> list[str]:
    """Every ``fuzz_*.py`` next to this file, by short name (``ios``, ``asa``, ...)."""
    return sorted(p.stem.removeprefix("fuzz_") for p in HERE.glob("fuzz_*.py"))


def run_target(name: str, *, seconds: int | None, runs: int | None, corpus_root: Path, artifacts: Path,
               max_len: int = 16384) -> dict[str, object]:
    """Run one target; return its executions, wall time, crash files and exit code."""
    from harness import guarded_env, write_corpus

    corpus = corpus_root / name
    if not corpus.exists() or not any(corpus.iterdir()):
        write_corpus(name, corpus)
    out = artifacts / name
    out.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, str(HERE / f"fuzz_{name}.py"), f"-artifact_prefix={out}/", "-print_final_stats=1",
            f"-max_len={max_len}", "-timeout=30", "-rss_limit_mb=4096"]
    if seconds is not None:
        args.append(f"-max_total_time={seconds}")
    if runs is not None:
        args.append(f"-runs={runs}")
    args.append(str(corpus))
    started = time.monotonic()
    proc = subprocess.run(args, capture_output=True, text=True, env=guarded_env(), stdin=subprocess.DEVNULL, check=False)
    elapsed = time.monotonic() - started
    log = proc.stdout + proc.stderr
    (out / "libfuzzer.log").write_text(log, encoding="utf-8")
    execs = _EXECS.search(log) or _DONE.search(log)
    crashes = sorted(str(p) for p in out.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-", "leak-")))
    return {"target": name, "executions": int(execs.group(1)) if execs else 0, "seconds": round(elapsed, 1),
            "crashes": crashes, "returncode": proc.returncode, "log": str(out / "libfuzzer.log")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, help="time per target (libFuzzer -max_total_time)")
    parser.add_argument("--runs", type=int, help="executions per target (libFuzzer -runs)")
    parser.add_argument("--targets", nargs="+", choices=targets(), default=targets())
    parser.add_argument("--corpus", type=Path, help="corpus root to keep (default: a temporary folder)")
    parser.add_argument("--artifacts", type=Path, help="where crash inputs go (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON")
    args = parser.parse_args(argv)
    if args.seconds is None and args.runs is None:
        args.seconds = 60
    scratch = Path(tempfile.mkdtemp(prefix="ipsec-doctor-fuzz-run-"))
    corpus_root = args.corpus or scratch / "corpus"
    artifacts = args.artifacts or scratch / "artifacts"
    results = []
    for name in args.targets:
        result = run_target(name, seconds=args.seconds, runs=args.runs, corpus_root=corpus_root, artifacts=artifacts)
        results.append(result)
        crashes = result["crashes"]
        assert isinstance(crashes, list)
        print(f"{name:10} {result['executions']:>10,} executions in {result['seconds']:>7} s, "
              f"{len(crashes)} crash(es), exit {result['returncode']}", flush=True)
        for crash in crashes:
            print(f"           crash input: {crash}")
    total = sum(int(str(r["executions"])) for r in results)
    crashed = sum(len(r["crashes"]) for r in results if isinstance(r["crashes"], list))
    print(f"total      {total:>10,} executions, {crashed} crash(es); logs and artifacts under {artifacts}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if crashed or any(r["returncode"] not in (0,) for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
