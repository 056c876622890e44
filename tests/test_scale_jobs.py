"""``--jobs N``: config sections parsed in worker processes give the report of a local run."""

from __future__ import annotations

import copyreg
import importlib.util
import ipaddress
import json
import pickle
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ipsec_doctor.analysis import analyze, diagnose, merge_findings, parse_devices
from ipsec_doctor.cli import main
from ipsec_doctor.dialects import parse_config
from ipsec_doctor.inputs import ConfigSection, load
from ipsec_doctor.model import Source
from ipsec_doctor.scale import LocalEngine, ProcessEngine, parse_sections
from ipsec_doctor.scale.loadwork import list_inputs, load_on_engine, load_parallel, worth_splitting
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


# --------------------------------------------------------------------------- loading in the workers


@pytest.fixture(scope="module")
def mixed_inputs(fleet: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The fleet plus captures, bundles, scripts, show output and logs, and a path that does not exist."""
    out = tmp_path_factory.mktemp("mixed")
    for name in sorted((ROOT / "tests" / "fixtures" / "inputs").iterdir()):
        shutil.copy(name, out / name.name)
    for name in sorted((ROOT / "tests" / "fixtures" / "logs").iterdir()):
        shutil.copy(name, out / f"log-{name.name}")
    (out / "empty.txt").write_text("", encoding="utf-8")
    return [str(fleet), str(out / "missing.cfg"), str(out)]


def _section_heads(configs: list[ConfigSection]) -> list[tuple[object, ...]]:
    return [(c.file, c.platform, c.name_hint, c.script) for c in configs]


def test_fleet_loaded_and_parsed_by_worker_runs_of_files_equals_a_local_load(mixed_inputs: list[str]) -> None:
    local = load(mixed_inputs)
    local_devices = [parse_config(section) for section in local.configs]
    seen: list[str] = []
    with ProcessEngine(2, start_method="spawn") as engine:
        listing = list_inputs(mixed_inputs)
        remote, devices = load_on_engine(listing, engine, progress=seen.append)
    assert remote.inputs == local.inputs  # kinds, platforms, device hints, problems with their lines
    assert [r.kind for r in remote.inputs][:1] == ["config"] and "error" in [r.kind for r in remote.inputs]
    assert _section_heads(remote.configs) == _section_heads(local.configs)
    assert all(c.lines == [] for c in remote.configs)  # parsed in the workers: the lines never came back
    assert remote.texts == local.texts and {t.kind for t in remote.texts} == {"show", "log"}
    assert devices == local_devices and len(devices) >= 14
    assert seen == [path for path, problem in listing if problem is None]


def test_forced_platform_problems_are_the_same_when_files_load_in_workers(fleet: Path) -> None:
    local = load([fleet], platform="junos")
    with ProcessEngine(2) as engine:
        remote, devices = load_on_engine(list_inputs([fleet]), engine, platform="junos")
    messages = [p.message for r in remote.inputs for p in r.problems]
    assert remote.inputs == local.inputs
    assert any("unknown platform 'junos' ignored" in m for m in messages)
    assert [d.name for d in devices] == [parse_config(c).name for c in local.configs]


def test_runs_of_files_are_used_only_when_they_can_balance_the_workers() -> None:
    assert worth_splitting([f"f{i}" for i in range(8)], 2, [100] * 8) is True
    assert worth_splitting(["a", "b", "c"], 2, [1, 1, 1]) is False  # fewer than 2 files per worker
    assert worth_splitting(["big", "b", "c", "d"], 2, [1000, 1, 1, 1]) is False  # one file outweighs a share
    assert worth_splitting(["a", "b"], 1, [5, 5]) is True


def test_single_bundle_input_keeps_the_section_path(tmp_path: Path) -> None:
    bundle = ROOT / "tests" / "fixtures" / "inputs" / "multi_device_boxes.txt"
    local = load([bundle])
    with ProcessEngine(2) as engine:
        loaded, devices = load_parallel([bundle], engine)
    assert [c.lines for c in loaded.configs] == [c.lines for c in local.configs]  # loaded here, lines kept
    assert len(devices) == len(local.configs) >= 2
    assert devices == [parse_config(c) for c in local.configs]


def test_analyze_with_jobs_on_mixed_inputs_gives_the_local_report(mixed_inputs: list[str]) -> None:
    files = [path for path, problem in list_inputs(mixed_inputs) if problem is None]
    assert worth_splitting(files, 2)  # so analyze takes the worker-load path
    local = analyze(mixed_inputs, events="all")
    parallel = analyze(mixed_inputs, events="all", jobs=2)
    assert _ids(parallel.findings) == _ids(local.findings)
    assert parallel.inputs == local.inputs
    assert parallel.devices == local.devices
    assert parallel.events == local.events and parallel.events


def test_networks_and_interfaces_survive_the_fast_pickling() -> None:
    values = [ipaddress.ip_network("10.1.0.0/24"), ipaddress.ip_network("0.0.0.0/0"),
              ipaddress.ip_network("2001:db8::/32"), ipaddress.ip_network("fe80::%eth0/64"),
              ipaddress.ip_interface("10.1.0.1/24"), ipaddress.ip_interface("2001:db8::1/64"),
              ipaddress.ip_interface("fe80::1%2/64"), ipaddress.ip_address("192.0.2.1")]
    copy = pickle.loads(pickle.dumps(values))
    assert copy == values
    assert [str(v) for v in copy] == ["10.1.0.0/24", "0.0.0.0/0", "2001:db8::/32", "fe80::%eth0/64", "10.1.0.1/24",
                                      "2001:db8::1/64", "fe80::1%2/64", "192.0.2.1"]
    assert [type(v) for v in copy] == [type(v) for v in values]


def test_model_values_pickle_as_constructor_calls() -> None:
    source = Source("hub.cfg", 12, "crypto map VPN 10 ipsec-isakmp")
    reducer = copyreg.dispatch_table[Source]  # registered when ipsec_doctor.scale is imported
    assert reducer(source) == (Source, ("hub.cfg", 12, "crypto map VPN 10 ipsec-isakmp"))
    assert pickle.loads(pickle.dumps(source)) == source
    assert copyreg.dispatch_table[ipaddress.IPv4Network](ipaddress.ip_network("10.0.0.0/8")) == (
        ipaddress.IPv4Network, ((167772160, 8),))
