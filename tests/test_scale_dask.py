"""``--scheduler``: a real Dask scheduler and two workers on 127.0.0.1 give the report of a local run."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from test_scale_jobs import _fleetgen
from test_scale_logs import _mixed_log

from ipsec_doctor.cli import main
from ipsec_doctor.dialects import parse_config
from ipsec_doctor.inputs import load
from ipsec_doctor.logs import LogScanner
from ipsec_doctor.scale.dask_engine import DaskEngine, DaskUnavailable
from ipsec_doctor.scale.loadwork import list_inputs, load_on_engine, worth_splitting
from ipsec_doctor.scale.logrange import scan_partitioned

FIXTURES = Path(__file__).parent / "fixtures" / "logs"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _dask_command() -> list[str]:
    script = Path(sys.executable).with_name("dask")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "distributed.cli.dask_scheduler"]  # pragma: no cover - unusual installs


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scheduler and two single-thread workers, all on 127.0.0.1, torn down after the module."""
    if not Path(sys.executable).with_name("dask").exists():
        pytest.skip("the `dask` command is not installed next to this Python")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("dask-logs")
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    dask = _dask_command()
    procs = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=(logs / "scheduler.log").open("w"), env=env)]
    try:
        for n in range(2):
            procs.append(subprocess.Popen(
                [*dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--nworkers", "1",
                 "--no-dashboard", "--no-nanny", "--memory-limit", "0", "--name", f"w{n}"],
                stdout=subprocess.DEVNULL, stderr=(logs / f"worker{n}.log").open("w"), env=env))
        from distributed import Client

        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(2, timeout=60)
                break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    pytest.skip("the Dask test cluster did not start: " + (logs / "scheduler.log").read_text()[-300:])
                time.sleep(0.5)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small fleet with every fault kind, plus device logs."""
    out = tmp_path_factory.mktemp("fleet-and-logs")
    _fleetgen().generate(out, 2, 6, 11, faults=5)
    for log in sorted(FIXTURES.iterdir()):
        shutil.copy(log, out / f"zz-{log.name}")
    return out


def test_dask_cluster_report_is_byte_identical_to_a_local_run(cluster: str, inputs: Path, tmp_path: Path) -> None:
    local, remote = tmp_path / "local.json", tmp_path / "dask.json"
    assert main(["analyze", str(inputs), "--format", "json", "--events", "all", "-o", str(local)]) == 1
    assert main(["analyze", str(inputs), "--format", "json", "--events", "all", "--scheduler", cluster,
                 "-o", str(remote)]) == 1
    assert remote.read_bytes() == local.read_bytes()
    assert b'"P1-PSK"' in local.read_bytes() and b'"events"' in local.read_bytes()


def test_dask_scans_byte_ranges_of_one_big_log_like_one_scan(cluster: str, tmp_path: Path) -> None:
    path = _mixed_log(tmp_path)
    scanner = LogScanner()
    expected = list(scanner.scan(path, "big.log"))
    with DaskEngine(cluster) as engine:
        assert engine.workers == 2
        merged = scan_partitioned(path, "big.log", executor=engine, parts=6, min_bytes=1024)
    assert merged.events == expected
    assert merged.lines == scanner.lines


def test_unreachable_scheduler_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(DaskUnavailable, match="cannot reach"):
        DaskEngine(address, timeout=1)
    assert main(["analyze", str(FIXTURES), "--scheduler", address]) == 2
    assert "Dask scheduler" in capsys.readouterr().err


def test_dask_workers_load_and_parse_runs_of_files_like_a_local_load(cluster: str, inputs: Path) -> None:
    local = load([inputs, inputs / "missing.cfg"])
    local_devices = [parse_config(section) for section in local.configs]
    with DaskEngine(cluster) as engine:
        listing = list_inputs([inputs, inputs / "missing.cfg"])
        assert worth_splitting([p for p, problem in listing if problem is None], engine.workers)
        remote, devices = load_on_engine(listing, engine)
    assert remote.inputs == local.inputs and remote.inputs[-1].kind == "error"
    assert [(c.file, c.name_hint) for c in remote.configs] == [(c.file, c.name_hint) for c in local.configs]
    assert remote.texts == local.texts and any(t.kind == "log" for t in remote.texts)
    assert devices == local_devices and len(devices) == 14
