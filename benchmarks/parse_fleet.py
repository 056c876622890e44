"""Parse-throughput benchmark: ipsec-doctor's dialects against ciscoconfparse2.

One run generates (or reuses) the hub-and-spoke fleet of ``fleetgen.py`` and
measures, each in a fresh subprocess so that peak RSS belongs to one tool:

* ``ours``      — ``ipsec_doctor.dialects.parse_config`` on a ConfigSection
                  built from each file (platform from the file name);
* ``ours-load`` — ``ipsec_doctor.inputs.load.load`` (decode, classify, split)
                  then ``parse_config`` on every section, when ``load`` exists;
* ``ccp2``      — ``CiscoConfParse(lines, syntax="asa"|"ios")`` per file.

ciscoconfparse2 is GPL-3.0: it is never a dependency of ipsec-doctor.  It is
installed on demand into ``benchmarks/.venv-ccp2`` (gitignored) from
``benchmarks/requirements-ccp2.txt`` and runs only in a subprocess of that
virtualenv.  This file is its worker too (``--worker ccp2``), so the worker
part imports nothing but the standard library.

For "ours" and "ccp2" the files are read into memory first and only the
parse loop is timed (``parse_s``); "ours+load" includes reading the files,
as the CLI would.  Parse results are dropped after each file in all modes
unless ``--retain`` is given.  Wall time and process CPU time are both
reported: on a shared machine the CPU figure is the steadier one.
``--repeat N`` runs N interleaved rounds and keeps each tool's fastest.

Usage::

    /work/venv/bin/python benchmarks/parse_fleet.py                # 20 x 500, all three
    /work/venv/bin/python benchmarks/parse_fleet.py --repeat 3 --json benchmarks/results-20x500.json
    /work/venv/bin/python benchmarks/parse_fleet.py --dir benchmarks/fleet --skip-ccp2
    /work/venv/bin/python benchmarks/parse_fleet.py --dir benchmarks/fleet-20x500-s1 --tree --skip-load  # + tree only
"""

from __future__ import annotations

import argparse
import json
import os
import platform as _platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-ccp2"
REQUIREMENTS = HERE / "requirements-ccp2.txt"
TARGET_RATIO = 10.0


# --------------------------------------------------------------------------- shared helpers


def _peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux (bytes on macOS); the benchmark targets Linux.
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / (1024 * 1024) if sys.platform == "darwin" else kib / 1024, 1)


def _fleet_files(directory: Path) -> list[tuple[Path, str]]:
    """(path, platform) in manifest order; platform from the `.asa.cfg` / `.ios.cfg` suffix."""
    manifest = directory / "fleet.json"
    if manifest.is_file():
        names = [str(f["file"]) for f in json.loads(manifest.read_text(encoding="utf-8"))["files"]]
    else:
        names = sorted(p.name for p in directory.glob("*.cfg"))
    out: list[tuple[Path, str]] = []
    for name in names:
        plat = "asa" if name.endswith(".asa.cfg") else "ios" if name.endswith(".ios.cfg") else ""
        if plat:
            out.append((directory / name, plat))
    return out


def _read_all(files: list[tuple[Path, str]]) -> tuple[list[tuple[str, str, str]], float]:
    t0 = time.perf_counter()
    texts = [(str(p), plat, p.read_text(encoding="utf-8")) for p, plat in files]
    return texts, time.perf_counter() - t0


def _result(
    tool: str, version: str, files: int, lines: int, parse_s: float, cpu_s: float, **extra: Any
) -> dict[str, Any]:
    return {
        "tool": tool,
        "version": version,
        "files": files,
        "lines": lines,
        "parse_s": round(parse_s, 3),
        "lines_per_s": round(lines / parse_s) if parse_s > 0 else None,
        # CPU time of the process: much less disturbed than wall time by other load on the machine
        "cpu_s": round(cpu_s, 3),
        "lines_per_cpu_s": round(lines / cpu_s) if cpu_s > 0 else None,
        "peak_rss_mb": _peak_rss_mb(),
        **extra,
    }


# --------------------------------------------------------------------------- workers


def worker_ccp2(directory: Path, retain: bool) -> dict[str, Any]:
    """Runs inside benchmarks/.venv-ccp2: ciscoconfparse2 over every file."""
    import ciscoconfparse2  # type: ignore[import-not-found]
    from ciscoconfparse2 import CiscoConfParse  # type: ignore[import-not-found]

    try:
        from importlib.metadata import version

        ver = version("ciscoconfparse2")
    except ImportError:  # PackageNotFoundError; metadata missing: report what the module says
        ver = str(getattr(ciscoconfparse2, "__version__", "?"))
    texts, read_s = _read_all(_fleet_files(directory))
    kept: list[object] = []
    lines = objs = 0
    c0, t0 = time.process_time(), time.perf_counter()
    for _name, plat, text in texts:
        cfg = text.splitlines()
        lines += len(cfg)
        parsed = CiscoConfParse(cfg, syntax=plat)
        objs += len(parsed.objs)
        if retain:
            kept.append(parsed)
    parse_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    return _result("ciscoconfparse2", ver, len(texts), lines, parse_s, cpu_s, read_s=round(read_s, 3), objects=objs)


def worker_ours(directory: Path, retain: bool) -> dict[str, Any]:
    """ipsec-doctor: ConfigSection per file, then dialects.parse_config."""
    import ipsec_doctor
    from ipsec_doctor.dialects import parse_config
    from ipsec_doctor.inputs import ConfigSection
    from ipsec_doctor.model import Platform

    plat_of = {"asa": Platform.ASA, "ios": Platform.IOS}
    texts, read_s = _read_all(_fleet_files(directory))
    kept: list[object] = []
    lines = problems = 0
    c0, t0 = time.process_time(), time.perf_counter()
    for name, plat, text in texts:
        numbered = list(enumerate(text.splitlines(), 1))
        lines += len(numbered)
        device = parse_config(ConfigSection(name, numbered, plat_of[plat]))
        problems += len(getattr(device, "problems", ()) or ())
        if retain:
            kept.append(device)
    parse_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    return _result(
        "ipsec-doctor",
        str(getattr(ipsec_doctor, "__version__", "dev")),
        len(texts),
        lines,
        parse_s,
        cpu_s,
        read_s=round(read_s, 3),
        parse_problems=problems,
    )


def worker_ours_load(directory: Path, retain: bool) -> dict[str, Any]:
    """ipsec-doctor: inputs.load.load over all paths (reads, classifies) then parse_config."""
    import ipsec_doctor
    from ipsec_doctor.dialects import parse_config
    from ipsec_doctor.inputs.load import load  # type: ignore[import-not-found]

    files = _fleet_files(directory)
    paths: list[str | Path] = [p for p, _ in files]
    expected = {str(p): plat for p, plat in files}
    kept: list[object] = []
    c0, t0 = time.process_time(), time.perf_counter()
    loaded = load(paths)
    t_load = time.perf_counter() - t0
    lines = 0
    for section in loaded.configs:
        lines += len(section.lines)
        device = parse_config(section)
        if retain:
            kept.append(device)
    total_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    # Classification check: every file must come back as a config of the platform in its name.
    wrong = sum(1 for rec in loaded.inputs if rec.kind != "config" or rec.platform != expected.get(str(rec.file)))
    return _result(
        "ipsec-doctor (load+parse)",
        str(getattr(ipsec_doctor, "__version__", "dev")),
        len(loaded.inputs),
        lines,
        total_s,
        cpu_s,
        load_s=round(t_load, 3),
        sections=len(loaded.configs),
        misclassified=wrong,
    )


def profile_ours(directory: Path, top: int) -> None:
    """cProfile the ipsec-doctor parse loop (files read first) and print the top functions by own time."""
    import cProfile
    import pstats

    from ipsec_doctor.dialects import parse_config
    from ipsec_doctor.inputs import ConfigSection
    from ipsec_doctor.model import Platform

    plat_of = {"asa": Platform.ASA, "ios": Platform.IOS}
    texts, _ = _read_all(_fleet_files(directory))
    prof = cProfile.Profile()
    prof.enable()
    for name, plat, text in texts:
        parse_config(ConfigSection(name, list(enumerate(text.splitlines(), 1)), plat_of[plat]))
    prof.disable()
    pstats.Stats(prof).strip_dirs().sort_stats("tottime").print_stats(top)


def worker_tree(directory: Path, retain: bool) -> dict[str, Any]:
    """ipsec-doctor's line tree only (``dialects.tree.build_tree``): the same kind of work as ccp2's parse."""
    import ipsec_doctor
    from ipsec_doctor.dialects.tree import build_tree

    texts, read_s = _read_all(_fleet_files(directory))
    kept: list[object] = []
    lines = 0
    c0, t0 = time.process_time(), time.perf_counter()
    for _name, plat, text in texts:
        numbered = list(enumerate(text.splitlines(), 1))
        lines += len(numbered)
        roots = build_tree(numbered, asa_banners=plat == "asa")
        if retain:
            kept.append(roots)
    parse_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    return _result("ipsec-doctor (tree only)", str(getattr(ipsec_doctor, "__version__", "dev")), len(texts), lines,
                   parse_s, cpu_s, read_s=round(read_s, 3))


WORKERS = {"ccp2": worker_ccp2, "ours": worker_ours, "ours-load": worker_ours_load, "tree": worker_tree}


# --------------------------------------------------------------------------- driver


def ensure_ccp2_venv() -> Path:
    """Create benchmarks/.venv-ccp2 with the pinned ciscoconfparse2 when missing; return its python."""
    py = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if py.exists():
        probe = subprocess.run([str(py), "-c", "import ciscoconfparse2"], check=False, capture_output=True)
        if probe.returncode == 0:
            return py
    if not py.exists():
        print(f"creating {VENV} (benchmark-only, GPL tool isolated from the project) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True)
    return py


def run_rounds(jobs: list[tuple[str, str]], directory: Path, retain: bool, repeat: int) -> list[dict[str, Any]]:
    """Run every (python, mode) job once per round, ``repeat`` rounds, each run in a fresh process.

    Rounds interleave the tools so that, on a shared machine, each round's
    tools see about the same background load; per tool the fastest run is
    reported (as ``timeit`` does) and every run's lines/s is kept in
    ``runs_lines_per_s``, in round order.
    """
    runs: dict[str, list[dict[str, Any]]] = {mode: [] for _, mode in jobs}
    for _ in range(max(repeat, 1)):
        for python, mode in jobs:
            runs[mode].append(_run_worker_once(python, mode, directory, retain))
    out: list[dict[str, Any]] = []
    for _, mode in jobs:
        ok = [r for r in runs[mode] if "error" not in r]
        if not ok:
            out.append(runs[mode][0])
            continue
        best = dict(max(ok, key=lambda r: r["lines_per_s"] or 0))
        best["runs_lines_per_s"] = [r.get("lines_per_s") for r in runs[mode]]
        best["runs_lines_per_cpu_s"] = [r.get("lines_per_cpu_s") for r in runs[mode]]
        best["best_lines_per_cpu_s"] = max((r.get("lines_per_cpu_s") or 0) for r in ok)
        out.append(best)
    return out


def _run_worker_once(python: str, mode: str, directory: Path, retain: bool) -> dict[str, Any]:
    cmd = [python, str(Path(__file__).resolve()), "--worker", mode, "--dir", str(directory)]
    if retain:
        cmd.append("--retain")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
        return {"tool": mode, "error": f"worker exited {proc.returncode}", "stderr": tail}
    res: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    res["process_wall_s"] = round(wall, 3)
    return res


def _fmt(v: Any, spec: str = "") -> str:
    if v is None:
        return "-"
    return format(v, spec) if spec else str(v)


def print_table(results: list[dict[str, Any]]) -> None:
    head = ("tool", "files", "lines", "parse s", "lines/s", "cpu s", "lines/cpu-s", "peak RSS MiB", "process s")
    rows = [head]
    for r in results:
        if "error" in r:
            rows.append((r["tool"], "ERROR", r["error"], "", "", "", "", "", ""))
            continue
        rows.append(
            (
                f"{r['tool']} {r['version']}",
                _fmt(r["files"], ","),
                _fmt(r["lines"], ","),
                _fmt(r["parse_s"], ".2f"),
                _fmt(r["lines_per_s"], ","),
                _fmt(r["cpu_s"], ".2f"),
                _fmt(r["lines_per_cpu_s"], ","),
                _fmt(r["peak_rss_mb"], ".1f"),
                _fmt(r.get("process_wall_s"), ".2f"),
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(head))]
    for k, row in enumerate(rows):
        print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="ipsec-doctor vs ciscoconfparse2 parse throughput on a generated fleet")
    ap.add_argument("--hubs", type=int, default=20)
    ap.add_argument("--spokes-per-hub", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", type=Path, help="reuse this fleet directory (generated there when empty)")
    ap.add_argument("--skip-ccp2", action="store_true", help="do not run ciscoconfparse2")
    ap.add_argument("--skip-load", action="store_true", help="do not run the load+parse figure")
    ap.add_argument("--retain", action="store_true", help="keep every parse result alive (peak RSS of a whole fleet)")
    ap.add_argument("--repeat", type=int, default=1, help="run each measurement N times, report the fastest")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--tree", action="store_true", help="also time the line tree alone (what ccp2's parse builds)")
    ap.add_argument("--profile", type=int, metavar="N", help="only cProfile the ipsec-doctor parse; print the top N")
    ap.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:  # subprocess side: print one JSON line
        print(json.dumps(WORKERS[args.worker](args.dir, args.retain)))
        return 0

    directory: Path = args.dir or HERE / f"fleet-{args.hubs}x{args.spokes_per_hub}-s{args.seed}"
    if not (directory / "fleet.json").is_file():
        sys.path.insert(0, str(HERE))
        from fleetgen import generate

        t0 = time.perf_counter()
        m = generate(directory, args.hubs, args.spokes_per_hub, args.seed)
        print(
            f"generated {m['devices']:,} devices / {m['lines']:,} lines in {time.perf_counter() - t0:.1f} s -> {directory}"
        )
    else:
        print(f"reusing {directory}")
    if args.profile:
        profile_ours(directory, args.profile)
        return 0

    jobs = [(sys.executable, "ours")]
    try:
        import ipsec_doctor.inputs.load  # noqa: F401

        has_load = True
    except ImportError:
        has_load = False
    if has_load and not args.skip_load:
        jobs.append((sys.executable, "ours-load"))
    if args.tree:
        jobs.append((sys.executable, "tree"))
    if not args.skip_ccp2:
        jobs.append((str(ensure_ccp2_venv()), "ccp2"))
    results = run_rounds(jobs, directory, args.retain, args.repeat)

    print()
    if args.repeat > 1:
        print(f"fastest of {args.repeat} interleaved rounds")
    print_table(results)
    ours = results[0]
    theirs = next((r for r in results if r.get("tool") == "ciscoconfparse2"), None)
    summary: dict[str, Any] = {}
    if theirs and "error" not in ours and "error" not in theirs:
        if ours["lines"] != theirs["lines"]:
            print(f"WARNING: line counts differ: ours {ours['lines']} vs ccp2 {theirs['lines']}")
        ratio = ours["lines_per_s"] / theirs["lines_per_s"]
        # the same ratio within each round (same background load), for a noisy machine
        per_round = [
            round(o / t, 2) if o and t else None
            for o, t in zip(ours["runs_lines_per_s"], theirs["runs_lines_per_s"], strict=True)
        ]
        ours_cpu, theirs_cpu = ours.get("best_lines_per_cpu_s"), theirs.get("best_lines_per_cpu_s")
        cpu_ratio = (
            ours_cpu / theirs_cpu if ours_cpu and theirs_cpu else ours["lines_per_cpu_s"] / theirs["lines_per_cpu_s"]
        )
        summary = {
            "ratio_ours_over_ccp2": round(ratio, 2),
            "ratio_cpu_ours_over_ccp2": round(cpu_ratio, 2),
            "ratio_per_round": per_round,
            "target": TARGET_RATIO,
            "meets_target": ratio >= TARGET_RATIO,
        }
        print(
            f"\nratio per round (wall): {per_round}"
            f"\nratio ours/ccp2 (lines per CPU second, best runs): {cpu_ratio:.1f}x"
            f"\nratio ours/ccp2 (parse lines/s, fastest runs): {ratio:.1f}x  (target >= {TARGET_RATIO:.0f}x: {'met' if ratio >= TARGET_RATIO else 'NOT met'})"
        )
    if args.json:
        doc = {
            "machine": {"nproc": os.cpu_count(), "python": sys.version.split()[0], "platform": _platform.platform()},
            "fleet": str(directory),
            "retain": args.retain,
            "repeat": args.repeat,
            "results": results,
            **summary,
        }
        args.json.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
