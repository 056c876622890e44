"""``--jobs N``: config sections parsed in worker processes give the report of a local run."""

from __future__ import annotations

import importlib.util
import json
import pickle
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ipsec_doctor.analysis import analyze, diagnose, merge_findings, parse_devices
from ipsec_doctor.cli import main
from ipsec_doctor.inputs import load
from ipsec_doctor.scale import LocalEngine, ProcessEngine, parse_sections
from ipsec_doctor.scale.parallel import chunk_evenly
from ipsec_doctor.secrets import SecretState

ROOT = Path(__file__).resolve().parents[1]


def _fleetgen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fleetgen_for_tests", ROOT / "benchmarks" / "fleetgen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 ASA hubs x 6 IOS spokes, one spoke per fault kind broken (PSK mismatch among them)."""
    out = tmp_path_factory.mktemp("fleet")
    _fleetgen().generate(out, 2, 6, 7, faults=5)
    return out


def _ids(findings: list[object]) -> list[tuple[object, ...]]:
    return [f.identity() for f in findings]  # type: ignore[attr-defined]


def test_parallel_jobs_json_report_is_byte_identical(fleet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"report-{jobs}.json"
        code = main(["analyze", str(fleet), "--format", "json", "--jobs", jobs, "-o", str(target)])
        assert code == 1  # the injected faults are errors
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    ids = {f["id"] for f in json.loads(outputs[0])["findings"] if f["severity"] == "error"}
    assert {"P1-PSK", "P1-POLICY", "P2-PFS", "NAT-EXEMPT"} <= ids


def test_psk_digests_from_spawned_workers_compare_like_a_local_run(fleet: Path) -> None:
    # spawn (not fork): each worker starts with its own random salt, so only the salt the task
    # carries can make its digests comparable with the parent's
    loaded = load([fleet])
    local = parse_devices(loaded)
    with ProcessEngine(2, start_method="spawn") as engine:
        remote = parse_devices(load([fleet]), parse_sections(loaded.configs, engine))
    assert [d.name for d in remote] == [d.name for d in local]
    assert remote == local
    _t1, _v1, local_findings = diagnose(local)
    _t2, _v2, remote_findings = diagnose(remote)
    assert _ids(merge_findings(remote_findings)) == _ids(merge_findings(local_findings))
    psk = [f for f in merge_findings(remote_findings) if f.id == "P1-PSK"]
    assert len(psk) == 1  # exactly the injected mismatch; equal keys from different workers still match
    local_keys = _clear_keys(local)
    remote_keys = _clear_keys(remote)
    assert len(local_keys) == len(remote_keys) >= 12
    assert all(a.same_as(b) is True for a, b in zip(local_keys, remote_keys))


def _clear_keys(devices: list[object]) -> list[object]:
    keys = [k.secret for d in devices for k in d.pre_shared_keys]  # type: ignore[attr-defined]
    keys += [g.ikev1_psk for d in devices for g in d.tunnel_groups.values() if g.ikev1_psk]  # type: ignore[attr-defined]
    return [k for k in keys if k.state is SecretState.CLEAR]


def test_devices_with_secrets_and_sources_survive_pickling(fleet: Path) -> None:
    devices = parse_devices(load([fleet]))
    copy = pickle.loads(pickle.dumps(devices))
    assert copy == devices
    keys = _clear_keys(copy)
    assert keys and all(a.same_as(b) is True for a, b in zip(keys, _clear_keys(devices)))
    assert all(repr(k) == "<secret clear>" for k in keys)
    assert type(copy[0].crypto_maps) is type(devices[0].crypto_maps)  # read-only proxies stay read-only
    entries = [e for d in copy for m in d.crypto_maps.values() for e in m.entries]
    assert entries and all(e.source.file.endswith(".cfg") and e.source.line > 0 for e in entries)


def test_analyze_api_with_jobs_matches_local(fleet: Path) -> None:
    local = analyze([fleet])
    parallel = analyze([fleet], jobs=2)
    assert _ids(parallel.findings) == _ids(local.findings)
    assert [t.id for t in parallel.tunnels] == [t.id for t in local.tunnels]
    assert [r.device for r in parallel.inputs] == [r.device for r in local.inputs]


def test_sections_are_chunked_contiguously_by_weight() -> None:
    chunks = chunk_evenly(list(range(10)), 3, lambda i: 1)
    assert [x for c in chunks for x in c] == list(range(10))
    assert len(chunks) == 3 and max(map(len, chunks)) - min(map(len, chunks)) <= 1
    assert chunk_evenly([], 4, lambda i: 1) == []
    assert LocalEngine().map(abs, [-1, 2]) == [1, 2]
