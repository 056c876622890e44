"""Fleet benchmark: end-to-end ``ipsec-doctor analyze`` on generated fleets with injected faults.

For each size (1k, 5k, 10k devices by default) it generates, with
``fleetgen.py --faults``, a fleet whose broken tunnels are listed in
``truth.json``, and a fault-free twin (``--faults 0``) of the largest size.
It then measures, each run in a fresh process:

* ``api`` — :func:`ipsec_doctor.analyze` in a worker process (wall, CPU, peak RSS by ``getrusage``);
* ``cli`` — ``ipsec-doctor analyze DIR --format json`` as a subprocess (wall, peak RSS: childrun.py);
* ``ccp2`` — ciscoconfparse2 *only parsing* the same files (``parse_fleet.py``'s worker and venv);

and scores the findings:

* **recall** — every injected fault must be found: a finding with the fault's
  catalog ID that names the broken spoke (in its devices or its tunnel);
* **false findings** — error/warning findings of the fault-free fleet, by ID,
  except :data:`GENERATOR_ISSUES` (real weaknesses the generator writes on
  purpose); plus error findings of the faulted fleet that match no fault.

Targets (recorded as met or not): 10,020 devices end to end in ≤ 0.1× the
ccp2 parse-only time, peak memory ≤ 1 GB, recall 100 %, no false findings,
and doubling the fleet (5k → 10k) at most doubles the time.

Usage::

    /work/venv/bin/python benchmarks/fleet.py                       # 1k, 5k, 10k; JSON to benchmarks/results-fleet.json
    /work/venv/bin/python benchmarks/fleet.py --sizes 1k --skip-ccp2 --jobs 2
    /work/venv/bin/python benchmarks/fleet.py --dask-speedup 10k    # 2 Dask workers vs 1 -> results-dask.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fleetgen
import parse_fleet
from childrun import run_child

SIZES = {"1k": (2, 500, 10), "5k": (10, 500, 25), "10k": (20, 500, 25)}  # hubs, spokes per hub, faults
# Findings the generator causes on purpose: the fleet really has these weaknesses.
GENERATOR_ISSUES = {
    "SEC-WEAK-DH": "profile A128 uses DH group 5 (hub policy 20 and half the spokes)",
    "SEC-WEAK-CIPHER": "every hub also offers the ESP-3DES-SHA transform set",
    "MTU-MSS": "no spoke clamps TCP MSS (`ip tcp adjust-mss`) on its tunnel-facing interface",
}
TARGET_RATIO, TARGET_PEAK_MB = 0.1, 1024


def _peak_rss_mb(usage: Any) -> float:
    return round(usage.ru_maxrss / 1024, 1)  # KiB on Linux


def _compact(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": f["id"], "severity": f["severity"], "devices": f.get("devices") or [], "tunnel": f.get("tunnel")}
            for f in findings]


# --------------------------------------------------------------------------- worker (fresh process)


def worker_api(directory: str, jobs: int) -> dict[str, Any]:
    """Runs :func:`ipsec_doctor.analyze` in this fresh process and reports its own cost."""
    c0, t0 = time.process_time(), time.perf_counter()
    from ipsec_doctor import analyze
    from ipsec_doctor.report.formats import render_report

    report = analyze([directory], jobs=jobs)
    text = render_report(report, "json", quiet=False, output=os.devnull)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    findings = json.loads(text or "{}").get("findings", [])
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"mode": "api", "jobs": jobs, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "peak_rss_mb": _peak_rss_mb(resource.getrusage(resource.RUSAGE_SELF)),
            "children_peak_rss_mb": _peak_rss_mb(children), "devices": len(report.devices),
            "findings": _compact(findings)}


# --------------------------------------------------------------------------- driver


def ensure_fleet(root: Path, size: str, faults: int | None = None, seed: int = 1) -> Path:
    hubs, per_hub, default_faults = SIZES[size]
    count = default_faults if faults is None else faults
    out = root / f"{size}-f{count}-s{seed}"
    if not (out / "truth.json").is_file():
        fleetgen.generate(out, hubs, per_hub, seed, faults=count)
    return out


def run_api(directory: Path, jobs: int) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(directory), "--jobs", str(jobs)]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"mode": "api", "error": proc.stderr.strip().splitlines()[-3:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_cli(directory: Path, jobs: int) -> dict[str, Any]:
    exe = Path(sys.executable).with_name("ipsec-doctor")
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "report.json"
        cmd = [str(exe), "analyze", str(directory), "--format", "json", "-o", str(target), "--jobs", str(jobs)]
        wall, peak_mb, code, cpu = run_child(cmd)
        findings = json.loads(target.read_text(encoding="utf-8"))["findings"] if target.is_file() else []
    return {"mode": "cli", "jobs": jobs, "exit": code, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "peak_rss_mb": round(peak_mb, 1), "findings": _compact(findings)}


def _mentions(finding: dict[str, Any], name: str) -> bool:
    return name in finding["devices"] or name in (finding.get("tunnel") or "")


def score(findings: list[dict[str, Any]], truth: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall against ``truth`` and the error findings that explain no fault."""
    missed = [t["id"] for t in truth
              if not any(f["id"] == t["catalog_id"] and _mentions(f, str(t["spoke"])) for f in findings)]
    broken = {str(t["spoke"]) for t in truth}
    unexplained = [f for f in findings if f["severity"] == "error" and not any(_mentions(f, s) for s in broken)]
    return {"faults": len(truth), "found": len(truth) - len(missed), "missed": missed,
            "recall": round((len(truth) - len(missed)) / len(truth), 4) if truth else None,
            "unexplained_errors": _by_id(unexplained)}


def _by_id(findings: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in findings:
        key = f"{f['id']}/{f['severity']}"
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


def false_findings(baseline: list[dict[str, Any]]) -> dict[str, Any]:
    loud = [f for f in baseline if f["severity"] in ("error", "warning")]
    genuine = [f for f in loud if f["id"] in GENERATOR_ISSUES]
    false = [f for f in loud if f["id"] not in GENERATOR_ISSUES]
    examples: dict[str, list[str]] = {}
    for f in false:
        bucket = examples.setdefault(f["id"], [])
        if len(bucket) < 2:
            bucket.append(f.get("tunnel") or ", ".join(f["devices"]))
    return {"false": _by_id(false), "false_total": len(false), "false_examples": examples,
            "generator_issues": _by_id(genuine)}


def _start_cluster(workers: int) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """A Dask scheduler and ``workers`` single-thread workers on 127.0.0.1 (random port, no dashboard)."""
    import socket

    from distributed import Client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).with_name("dask"))
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              **quiet)]  # type: ignore[call-overload]
    procs += [subprocess.Popen([dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny",
                                "--no-dashboard", "--memory-limit", "0"], **quiet)  # type: ignore[call-overload]
              for _ in range(workers)]
    deadline = time.monotonic() + 90
    while True:
        try:
            with Client(address, timeout=5) as client:
                client.wait_for_workers(workers, timeout=60)
            return address, procs
        except (OSError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in reversed(procs):
        proc.terminate()
    for proc in reversed(procs):
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still busy with a task: not worth waiting for
            proc.kill()
            proc.wait()


def _spin(_: object = None) -> float:
    """A pure-CPU loop: its time alone and twice at once shows how many cores are really free."""
    t0 = time.perf_counter()
    total = 0
    for i in range(12_000_000):
        total += i * i
    return round(time.perf_counter() - t0, 3)


def calibrate() -> dict[str, Any]:
    """The calibration loop alone and in two processes at once (equal times: both cores free)."""
    import multiprocessing

    alone = _spin()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pair = pool.map(_spin, [0, 1])
    return {"alone_s": alone, "two_at_once_s": pair, "load_avg": [round(x, 2) for x in os.getloadavg()]}


def _merged_devices(directory: Path, engine: Any) -> list[Any]:
    """Paths to merged devices on ``engine``: what ``analyze --scheduler`` does before pairing."""
    from ipsec_doctor.analysis import parse_devices
    from ipsec_doctor.scale.loadwork import load_parallel

    loaded, parsed = load_parallel([directory], engine)
    return parse_devices(loaded, parsed)


def dask_speedup(directory: Path, repeat: int = 3, sections: bool = False) -> dict[str, Any]:
    """Paths → merged devices on a Dask cluster of 1 and of 2 workers (best of ``repeat``), against a local run.

    The timed span is the whole fleet intake: listing the files, reading,
    classifying, splitting and parsing them in the workers (runs of files),
    unpickling the devices in the client and settling names.  ``sections``
    also times the older split (the client loads, only sections travel).
    """
    import gc

    from ipsec_doctor.analysis import parse_devices
    from ipsec_doctor.inputs import load
    from ipsec_doctor.scale import parse_sections
    from ipsec_doctor.scale.dask_engine import DaskEngine

    out: dict[str, Any] = {"calibration_before": calibrate()}
    gc.disable()  # as analyze() does for its whole run (the model is millions of acyclic objects)
    t0 = time.perf_counter()
    loaded = load([directory])
    local = parse_devices(loaded)
    out.update({"sections": len(loaded.configs), "local_load_and_parse_s": round(time.perf_counter() - t0, 3)})
    modes = ["files"] + (["sections"] if sections else [])
    for workers in (1, 2):
        address, procs = _start_cluster(workers)
        try:
            for mode in modes:
                times = []
                for _ in range(repeat):
                    with DaskEngine(address) as engine:
                        t0 = time.perf_counter()
                        if mode == "files":
                            devices = _merged_devices(directory, engine)
                        else:
                            devices = parse_devices(load([directory]), parse_sections(loaded.configs, engine))
                        times.append(time.perf_counter() - t0)
                    same = devices == local
                    del devices
                    gc.collect()
                out[f"{mode}_workers_{workers}_s"] = [round(t, 3) for t in times]
                print(f"{mode}, {workers} worker(s): {out[f'{mode}_workers_{workers}_s']} s", file=sys.stderr)
                out[f"{mode}_workers_{workers}_same"] = same
        finally:
            _stop(procs)
    for mode in modes:
        out[f"{mode}_speedup_2_over_1"] = round(min(out[f"{mode}_workers_1_s"]) / min(out[f"{mode}_workers_2_s"]), 2)
    out["speedup_2_over_1"] = out["files_speedup_2_over_1"]
    out["speedup_ok"] = out["speedup_2_over_1"] >= 1.7
    out["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    gc.enable()
    out["calibration_after"] = calibrate()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1k,5k,10k", help="comma-separated, from " + ", ".join(SIZES))
    ap.add_argument("--root", type=Path, default=Path(tempfile.gettempdir()) / "ipsec-doctor-fleets")
    ap.add_argument("--jobs", type=int, default=1, help="analyze --jobs")
    ap.add_argument("--skip-ccp2", action="store_true")
    ap.add_argument("--skip-cli", action="store_true", help="only the in-process API run")
    ap.add_argument("--json", type=Path, default=None,
                    help="where to write the results (results-fleet.json, or results-dask.json with --dask-speedup)")
    ap.add_argument("--worker", metavar="DIR", help=argparse.SUPPRESS)
    ap.add_argument("--dask-speedup", metavar="SIZE",
                    help="only measure the Dask speed-up of the fleet intake (paths to devices), 2 workers vs 1")
    ap.add_argument("--dask-sections", action="store_true",
                    help="with --dask-speedup: also time the section-only split (the client loads)")
    args = ap.parse_args(argv)
    if args.dask_speedup:
        found = dask_speedup(ensure_fleet(args.root, args.dask_speedup), sections=args.dask_sections)
        print(json.dumps(found, indent=1))
        (args.json or HERE / "results-dask.json").write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
        return 0
    if args.worker:
        print(json.dumps(worker_api(args.worker, args.jobs)))
        return 0
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    results: dict[str, Any] = {"machine": {"nproc": os.cpu_count(), "load_avg_start": os.getloadavg()},
                               "jobs": args.jobs, "sizes": {}}
    for size in sizes:
        directory = ensure_fleet(args.root, size)
        truth = json.loads((directory / "truth.json").read_text(encoding="utf-8"))["faults"]
        entry: dict[str, Any] = {"dir": str(directory), "devices": None}
        api = run_api(directory, args.jobs)
        entry["api"] = {k: v for k, v in api.items() if k != "findings"}
        entry["devices"] = api.get("devices")
        entry["score"] = score(api.get("findings", []), truth)
        if not args.skip_cli:
            cli = run_cli(directory, args.jobs)
            entry["cli"] = {k: v for k, v in cli.items() if k != "findings"}
            entry["cli_same_findings_as_api"] = cli["findings"] == api.get("findings")
        print(f"{size}: api {api.get('wall_s')} s, peak {api.get('peak_rss_mb')} MB, "
              f"recall {entry['score']['recall']}", file=sys.stderr)
        results["sizes"][size] = entry
    largest = sizes[-1]
    base_dir = ensure_fleet(args.root, largest, faults=0)
    base = run_api(base_dir, args.jobs)
    results["baseline"] = {"size": largest, "wall_s": base.get("wall_s"), **false_findings(base.get("findings", []))}
    if not args.skip_ccp2:
        py = parse_fleet.ensure_ccp2_venv()
        ccp2 = parse_fleet._run_worker_once(str(py), "ccp2", Path(results["sizes"][largest]["dir"]), False)
        results["ccp2_parse_only"] = ccp2
    _targets(results, largest)
    text = json.dumps(results, indent=1)
    (args.json or HERE / "results-fleet.json").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def _targets(results: dict[str, Any], largest: str) -> None:
    big = results["sizes"][largest]
    api = big["api"]
    targets: dict[str, Any] = {
        "peak_rss_mb": api.get("peak_rss_mb"), "peak_ok": (api.get("peak_rss_mb") or 1e9) <= TARGET_PEAK_MB,
        "recall": big["score"]["recall"], "recall_ok": all(e["score"]["recall"] in (1.0, None)
                                                            for e in results["sizes"].values()),
        "false_findings": results["baseline"]["false_total"],
        "false_ok": results["baseline"]["false_total"] == 0
        and not any(e["score"]["unexplained_errors"] for e in results["sizes"].values()),
    }
    ccp2 = results.get("ccp2_parse_only")
    if ccp2 and "parse_s" in ccp2:
        targets["ratio_wall_vs_ccp2_parse"] = round(api["wall_s"] / ccp2["parse_s"], 3)
        targets["ratio_cpu_vs_ccp2_parse"] = round(api["cpu_s"] / ccp2["cpu_s"], 3)
        targets["ratio_ok"] = targets["ratio_wall_vs_ccp2_parse"] <= TARGET_RATIO
    if "5k" in results["sizes"] and "10k" in results["sizes"]:
        five, ten = results["sizes"]["5k"]["api"], results["sizes"]["10k"]["api"]
        targets["time_10k_over_5k"] = round(ten["wall_s"] / five["wall_s"], 3)
        targets["cpu_10k_over_5k"] = round(ten["cpu_s"] / five["cpu_s"], 3)
        targets["doubling_ok"] = targets["cpu_10k_over_5k"] <= 2.0
    results["targets"] = targets
    results["machine"]["load_avg_end"] = os.getloadavg()


if __name__ == "__main__":
    raise SystemExit(main())
