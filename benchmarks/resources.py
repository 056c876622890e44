"""Bounded resources: peak memory and time of ipsec-doctor on a large snapshot and a large log.

Measurements (each in a fresh child process, so ``ru_maxrss`` is that run's own peak RSS):

* ``fleet-analyze``: ``ipsec-doctor analyze FLEET --format json -o FILE`` end to end on the
  fleet of ``fleetgen.py`` (20 hubs x 500 spokes = 10,020 config files by default);
* ``log-analyze``: ``ipsec-doctor analyze BIG.log --format json -o FILE`` on a generated log
  (1 GiB by default), i.e. what the command line does with such a file today;
* ``log-load``: ``ipsec_doctor.inputs.load([BIG.log])`` alone;
* ``log-scan``: when ``ipsec_doctor.logs`` exists, its streaming reader over the whole file
  (``logs.scan(path)``), counting events.

``--tracemalloc`` repeats each measurement with tracemalloc on, to report the peak of Python
allocations as well (slower).  Usage::

    python benchmarks/resources.py                       # everything, defaults
    python benchmarks/resources.py --log-mb 64 --hubs 2  # a quick run
    python benchmarks/resources.py --json benchmarks/results-resources.json
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CHILD = r"""
import json, resource, sys, time, tracemalloc
kind, path, out, trace = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
if trace:
    tracemalloc.start()
started = time.perf_counter()
detail = {}
if kind in ("fleet-analyze", "log-analyze"):
    from ipsec_doctor.cli import main
    detail["exit_status"] = main(["analyze", path, "--format", "json", "-o", out])
    doc = json.load(open(out, encoding="utf-8"))
    detail["devices"] = len(doc["devices"])
    detail["tunnels"] = len(doc["tunnels"])
    detail["findings"] = len(doc["findings"])
    detail["inputs"] = len(doc["inputs"])
    detail["input_problems"] = sorted({p["message"] for i in doc["inputs"] for p in i["problems"]})[:3]
elif kind == "log-load":
    from ipsec_doctor.inputs import load
    loaded = load([path])
    detail["input_kind"] = loaded.inputs[0].kind
    detail["lines_kept"] = sum(len(t.lines) for t in loaded.texts)
    detail["problems"] = [p.message for p in loaded.inputs[0].problems]
elif kind == "log-scan":
    from ipsec_doctor.logs import LogScanner
    scanner = LogScanner()
    events = sum(1 for _ in scanner.scan(path))
    detail.update(events=events, lines=scanner.lines, candidates=scanner.candidates, engine=scanner.engine_used)
seconds = time.perf_counter() - started
result = {"kind": kind, "seconds": round(seconds, 2),
          "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), **detail}
if trace:
    result["tracemalloc_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
print(json.dumps(result))
"""

_LOG_LINES = (
    "{ts} {host} : %ASA-5-713041: IP = {ip}, IKE Initiator: New Phase 1, Intf inside, IKE Peer {ip}",
    "{ts} {host} : %ASA-3-713902: Group = {ip}, IP = {ip}, Removing peer from peer table failed, no match!",
    "{ts} {host} : %ASA-5-713092: Group = {ip}, IP = {ip}, Failure during phase 1 rekeying attempt due to collision",
    "{ts} {host} : %ASA-6-302013: Built inbound TCP connection {n} for outside:{ip}/443 to inside:10.1.2.3/{p}",
    "{ts} {host} : %ASA-4-713903: IP = {ip}, Error: Unable to remove PeerTblEntry",
    "{ts} {host} : %ASA-6-305011: Built dynamic TCP translation from inside:10.1.1.{o}/{p} to outside:{ip}/{p}",
    "{ts} {host}: %CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at {ip}",
    ("{ts} {host}: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr={ip}, "
    "prot=50, spi=0x{n:x}({n}), srcaddr=10.2.0.{o}"),
    "{ts} {host} : %ASA-6-106015: Deny TCP (no connection) from {ip}/{p} to 10.1.0.{o}/443 flags RST on outside",
)


def generate_log(path: Path, megabytes: int, seed: int = 7) -> Path:
    """Write ``megabytes`` MiB of ASA/IOS syslog (VPN and ordinary traffic lines) to ``path``; reuse if present."""
    target = megabytes * 2**20
    if path.exists() and path.stat().st_size >= target:
        return path
    rng = random.Random(seed)
    blocks = []
    for b in range(16):  # 16 different 1 MiB blocks, written in turn
        lines, size = [], 0
        while size < 2**20:
            line = rng.choice(_LOG_LINES).format(
                ts=f"Mar {1 + b % 28:2d} {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}",
                host=rng.choice(("hq-asa", "br1-rtr", "dc-asa")),
                ip=f"203.0.113.{rng.randrange(1, 255)}",
                n=rng.randrange(1, 2**31),
                p=rng.randrange(1024, 65535),
                o=rng.randrange(1, 255),
            )
            lines.append(line)
            size += len(line) + 1
        blocks.append(("\n".join(lines) + "\n").encode("ascii"))
    written = 0
    with path.open("wb") as handle:
        while written < target:
            block = blocks[(written // 2**20) % len(blocks)]
            handle.write(block)
            written += len(block)
    return path


def generate_fleet(out: Path, hubs: int, spokes: int) -> Path:
    if not (out / "fleet.json").exists():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "fleetgen.py"),
                "--out",
                str(out),
                "--hubs",
                str(hubs),
                "--spokes-per-hub",
                str(spokes),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def measure(kind: str, path: Path, out: Path, *, trace: bool) -> dict[str, object]:
    """Run one measurement in a fresh child; return its JSON line as a dict."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path), str(out), "1" if trace else "0"],
        capture_output=True,
        text=True,
        env=env, check=False,
    )
    if proc.returncode != 0:
        return {"kind": kind, "error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("/tmp/ipsec-doctor-resources"),
        help="where the fleet and the log are generated (reused across runs)",
    )
    parser.add_argument("--hubs", type=int, default=20)
    parser.add_argument("--spokes-per-hub", type=int, default=500)
    parser.add_argument("--log-mb", type=int, default=1024, help="size of the generated log in MiB")
    parser.add_argument("--skip-fleet", action="store_true")
    parser.add_argument("--skip-log", action="store_true")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure the peak of Python allocations")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[str, Path]] = []
    if not args.skip_fleet:
        t0 = time.perf_counter()
        fleet = generate_fleet(args.work / f"fleet-{args.hubs}x{args.spokes_per_hub}", args.hubs, args.spokes_per_hub)
        files = len(json.loads((fleet / "fleet.json").read_text())["files"])
        print(f"fleet: {files} files in {fleet} ({time.perf_counter() - t0:.1f} s to make)", flush=True)
        jobs.append(("fleet-analyze", fleet))
    if not args.skip_log:
        t0 = time.perf_counter()
        log = generate_log(args.work / f"big-{args.log_mb}mb.log", args.log_mb)
        print(f"log: {log.stat().st_size:,} bytes in {log} ({time.perf_counter() - t0:.1f} s to make)", flush=True)
        jobs += [("log-analyze", log), ("log-load", log)]
        if importlib.util.find_spec("ipsec_doctor.logs") is not None:
            jobs.append(("log-scan", log))
    results = []
    for kind, path in jobs:
        for trace in (False, True) if args.tracemalloc else (False,):
            result = measure(kind, path, args.work / f"{kind}.json", trace=trace)
            results.append(result)
            print(json.dumps(result), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
