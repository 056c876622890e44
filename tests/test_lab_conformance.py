"""Conformance: the tool's per-initiator prediction against strongSwan's real outcome.

A generated matrix of IOS⇄IOS and ASA⇄IOS pairs (IKEv1 and IKEv2): all
matching, key mismatch, encryption / hash / DH group mismatch, transform set
and PFS mismatch, crypto ACLs not mirrored and a subset.  Each case is
replayed in two charon daemons (ipsec_doctor.lab) and every initiation must
end as predicted: up, or failing at the predicted phase.

Needs root, ``ip netns``, charon, swanctl and kernel-libipsec; skipped with
the reason otherwise.  ``IPSEC_DOCTOR_LAB_SUMMARY=FILE`` writes the agreement
figures as JSON (benchmarks/README.md quotes them).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ipsec_doctor.analysis import parse_devices
from ipsec_doctor.inputs import load
from ipsec_doctor.lab import LabOutcome, lab_available, replay_tunnel
from ipsec_doctor.pairing import find_tunnels

A_ADDR, B_ADDR = "192.0.2.1", "198.51.100.2"
A_LAN, B_LAN = "10.1.1.0", "10.2.2.0"


@dataclass
class Side:
    """One end's knobs, in neutral words; the renderers spell them per platform and IKE version."""

    key: str = "Lab-Key-4711-shared"
    enc: str = "aes256"  # aes256 | aes128 | 3des
    hash: str = "sha1"  # sha1 | sha256 | md5
    group: int = 14
    esp: str = "aes256"  # aes256 | 3des
    esp_hash: str = "sha1"
    pfs: int | None = None
    local_net: str = ""
    local_mask: str = "255.255.255.0"
    remote_net: str = ""
    extra: dict[str, str] = field(default_factory=dict)


_IOS_V1_ENC = {"aes256": "aes 256", "aes128": "aes", "3des": "3des"}
_IOS_V1_HASH = {"sha1": "sha", "sha256": "sha256", "md5": "md5"}
_IOS_ESP = {"aes256": "esp-aes 256", "3des": "esp-3des"}
_IOS_ESP_HASH = {"sha1": "esp-sha-hmac", "sha256": "esp-sha256-hmac", "md5": "esp-md5-hmac"}
_ASA_V1_ENC = {"aes256": "aes-256", "aes128": "aes", "3des": "3des"}
_ASA_V1_HASH = {"sha1": "sha", "sha256": "sha-256", "md5": "md5"}
_ASA_ESP = {"aes256": "esp-aes-256", "3des": "esp-3des"}
_IOS_V2_ENC = {"aes256": "aes-cbc-256", "aes128": "aes-cbc-128", "3des": "3des"}
_V2_INTEG = {"sha1": "sha1", "sha256": "sha256", "md5": "md5"}
_ASA_V2_ENC = {"aes256": "aes-256", "aes128": "aes", "3des": "3des"}
_ASA_V2_ESP = {"aes256": "aes-256", "3des": "3des"}
_ASA_V2_ESP_HASH = {"sha1": "sha-1", "sha256": "sha-256", "md5": "md5"}


def _wild(mask: str) -> str:
    return ".".join(str(255 - int(o)) for o in mask.split("."))


def ios_config(name: str, me: str, peer: str, s: Side, version: int) -> str:
    pfs = f" set pfs group{s.pfs}\n" if s.pfs else ""
    acl = (f"ip access-list extended VPN-ACL\n permit ip {s.local_net} {_wild(s.local_mask)} "
           f"{s.remote_net} 0.0.0.255\n")
    ts = f"crypto ipsec transform-set TS {_IOS_ESP[s.esp]} {_IOS_ESP_HASH[s.esp_hash]}\n mode tunnel\n"
    itf = f"interface GigabitEthernet0/0\n ip address {me} 255.255.255.0\n crypto map VPN\n"
    if version == 1:
        return (f"version 15.4\nhostname {name}\n!\ncrypto isakmp policy 10\n encr {_IOS_V1_ENC[s.enc]}\n"
                f" hash {_IOS_V1_HASH[s.hash]}\n authentication pre-share\n group {s.group}\n!\n"
                f"crypto isakmp key {s.key} address {peer}\n!\n{ts}!\ncrypto map VPN 10 ipsec-isakmp\n"
                f" set peer {peer}\n set transform-set TS\n{pfs} match address VPN-ACL\n!\n{itf}!\n{acl}!\nend\n")
    return (f"version 15.4\nhostname {name}\n!\ncrypto ikev2 proposal PROP\n encryption {_IOS_V2_ENC[s.enc]}\n"
            f" integrity {_V2_INTEG[s.hash]}\n group {s.group}\n!\ncrypto ikev2 policy POL\n proposal PROP\n!\n"
            f"crypto ikev2 keyring KR\n peer PEER\n  address {peer}\n  pre-shared-key {s.key}\n!\n"
            f"crypto ikev2 profile PROF\n match identity remote address {peer} 255.255.255.255\n"
            f" authentication remote pre-share\n authentication local pre-share\n keyring local KR\n!\n{ts}!\n"
            f"crypto map VPN 10 ipsec-isakmp\n set peer {peer}\n set transform-set TS\n{pfs}"
            f" set ikev2-profile PROF\n match address VPN-ACL\n!\n{itf}!\n{acl}!\nend\n")


def asa_config(name: str, me: str, peer: str, s: Side, version: int) -> str:
    head = (f": Saved\nASA Version 9.8(4)\n!\nhostname {name}\n!\ninterface GigabitEthernet0/0\n nameif outside\n"
            f" security-level 0\n ip address {me} 255.255.255.0\n!\n"
            f"access-list VPN-ACL extended permit ip {s.local_net} {s.local_mask} {s.remote_net} 255.255.255.0\n")
    pfs = f"crypto map outside_map 10 set pfs group{s.pfs}\n" if s.pfs else ""
    cmap = (f"crypto map outside_map 10 match address VPN-ACL\ncrypto map outside_map 10 set peer {peer}\n")
    group = f"tunnel-group {peer} type ipsec-l2l\ntunnel-group {peer} ipsec-attributes\n"
    if version == 1:
        return (head + f"crypto ipsec ikev1 transform-set TS {_ASA_ESP[s.esp]} {_IOS_ESP_HASH[s.esp_hash]}\n"
                + cmap + "crypto map outside_map 10 set ikev1 transform-set TS\n" + pfs
                + "crypto map outside_map interface outside\ncrypto ikev1 enable outside\n"
                f"crypto ikev1 policy 10\n authentication pre-share\n encryption {_ASA_V1_ENC[s.enc]}\n"
                f" hash {_ASA_V1_HASH[s.hash]}\n group {s.group}\n lifetime 86400\n"
                + group + f" ikev1 pre-shared-key {s.key}\n: end\n")
    return (head + f"crypto ipsec ikev2 ipsec-proposal ESP\n protocol esp encryption {_ASA_V2_ESP[s.esp]}\n"
            f" protocol esp integrity {_ASA_V2_ESP_HASH[s.esp_hash]}\n"
            + cmap + "crypto map outside_map 10 set ikev2 ipsec-proposal ESP\n" + pfs
            + "crypto map outside_map interface outside\n"
            f"crypto ikev2 policy 10\n encryption {_ASA_V2_ENC[s.enc]}\n integrity {_V2_INTEG[s.hash]}\n"
            f" group {s.group}\n prf {_V2_INTEG[s.hash]}\n lifetime seconds 86400\ncrypto ikev2 enable outside\n"
            + group + f" ikev2 remote-authentication pre-shared-key {s.key}\n"
            f" ikev2 local-authentication pre-shared-key {s.key}\n: end\n")


# name → what B changes (A keeps the defaults).
MUTATIONS: dict[str, dict[str, object]] = {
    "match": {},
    "key-mismatch": {"key": "Other-Key-0815-wrong"},
    "encryption-mismatch": {"enc": "aes128"},
    "hash-mismatch": {"hash": "sha256"},
    "dh-group-mismatch": {"group": 2},
    "transform-mismatch": {"esp": "3des"},
    "pfs-mismatch": {"pfs": 14},
    "ts-not-mirrored": {"remote_net": "10.9.9.0"},
    "ts-subset": {"local_net": "10.2.2.0", "local_mask": "255.255.255.128"},
}


@dataclass(frozen=True)
class Case:
    pair: str  # ios-ios | asa-ios
    version: int
    mutation: str

    @property
    def id(self) -> str:
        return f"ikev{self.version}-{self.pair}-{self.mutation}"

    def write(self, root: Path) -> Path:
        a = Side(local_net=A_LAN, remote_net=B_LAN)
        b = Side(local_net=B_LAN, remote_net=A_LAN)
        for k, v in MUTATIONS[self.mutation].items():
            setattr(b, k, v)
        folder = root / self.id
        folder.mkdir(parents=True)
        render_a = asa_config if self.pair == "asa-ios" else ios_config
        (folder / "a.cfg").write_text(render_a("SITE-A", A_ADDR, B_ADDR, a, self.version), encoding="utf-8")
        (folder / "b.cfg").write_text(ios_config("SITE-B", B_ADDR, A_ADDR, b, self.version), encoding="utf-8")
        return folder


CASES = [Case(pair, v, m) for v in (1, 2) for pair in ("ios-ios", "asa-ios") for m in MUTATIONS]


def _replay(case: Case, root: Path) -> tuple[Case, LabOutcome]:
    devices = parse_devices(load([str(case.write(root))]))
    tunnels = [t for t in find_tunnels(devices) if not t.one_sided]
    assert len(tunnels) == 1, f"{case.id}: the generated pair must form one tunnel"
    return case, replay_tunnel(tunnels[0], devices)


def test_generated_pairs_parse_into_one_tunnel_with_the_expected_prediction(tmp_path: Path) -> None:
    from ipsec_doctor.verdict import negotiate_tunnel

    expected_fail = {"key-mismatch", "encryption-mismatch", "hash-mismatch", "dh-group-mismatch",
                     "transform-mismatch", "ts-not-mirrored"}
    for case in CASES:
        devices = parse_devices(load([str(case.write(tmp_path)), ]))
        tunnels = [t for t in find_tunnels(devices) if not t.one_sided]
        assert len(tunnels) == 1, case.id
        verdict = negotiate_tunnel(tunnels[0], devices)
        assert verdict.ike_version == case.version, case.id
        if case.mutation == "match":
            assert verdict.verdict == "up", (case.id, verdict.summary)
        elif case.mutation in expected_fail:
            assert verdict.verdict == "fails", (case.id, verdict.summary)
        elif case.mutation == "ts-subset":
            assert verdict.verdict in ("depends-on-initiator", "up"), (case.id, verdict.summary)


@pytest.mark.skipif(lab_available() is not None, reason=f"strongSwan lab unavailable: {lab_available()}")
def test_strongswan_outcome_agrees_with_the_prediction_for_every_generated_pair(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda c: _replay(c, tmp_path), CASES))
    summary: dict[str, dict[str, object]] = {}
    disagreements: list[str] = []
    for case, outcome in results:
        assert outcome.error is None, (case.id, outcome.error)
        row = summary.setdefault(f"IKEv{case.version}", {"cases": 0, "agree": 0, "out_of_reach": 0,
                                                          "disagree": []})
        row["cases"] += 1  # type: ignore[operator]
        if outcome.out_of_reach:
            row["out_of_reach"] += 1  # type: ignore[operator]
            continue
        assert outcome.attempts, case.id
        if outcome.agrees:
            row["agree"] += 1  # type: ignore[operator]
        else:
            detail = "; ".join(f"{a.initiator}: strongSwan {a.outcome} (phase {a.failed_phase})"
                               for a in outcome.attempts)
            row["disagree"].append(case.id)  # type: ignore[union-attr]
            disagreements.append(f"{case.id}: predicted {outcome.predicted}; {detail}; log: "
                                 + " | ".join(outcome.attempts[0].log[-4:]))
    target = os.environ.get("IPSEC_DOCTOR_LAB_SUMMARY")
    if target:
        Path(target).write_text(json.dumps({"summary": summary, "disagreements": disagreements}, indent=2),
                                encoding="utf-8")
    print(json.dumps(summary, indent=2))
    for text in disagreements:
        print("DISAGREES", text)
    # No key may reach any report line.
    for _, outcome in results:
        for attempt in outcome.attempts:
            assert not any("Lab-Key-4711" in ln or "Other-Key-0815" in ln for ln in attempt.log)
    assert sum(r["cases"] for r in summary.values()) == len(CASES)  # type: ignore[misc]
    assert not disagreements, "\n".join(disagreements)


def _leftovers() -> tuple[list[str], list[str]]:
    import subprocess
    import tempfile

    names = subprocess.run(["ip", "netns", "list"], check=False, capture_output=True, text=True).stdout.split()
    temp = Path(tempfile.gettempdir())
    return ([n for n in names if n.startswith("ipsecdoc-")],
            [p.name for p in temp.glob("ipsec-doctor-lab-*")])


@pytest.mark.skipif(lab_available() is not None, reason=f"strongSwan lab unavailable: {lab_available()}")
def test_lab_pcap_keeps_the_ike_exchange_captured_inside_the_namespace(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("tcpdump") is None:
        pytest.skip("tcpdump is not installed")
    devices = parse_devices(load([str(Case("ios-ios", 2, "key-mismatch").write(tmp_path))]))
    tunnel = next(t for t in find_tunnels(devices) if not t.one_sided)
    pcap = tmp_path / "lab.pcap"
    outcome = replay_tunnel(tunnel, devices, pcap=str(pcap))
    assert outcome.pcap == str(pcap) and outcome.agrees is True
    text = subprocess.run(["tcpdump", "-nr", str(pcap)], check=False, capture_output=True, text=True).stdout
    assert "ikev2_init" in text and "ikev2_auth" in text
    assert any("AUTHENTICATION_FAILED" in ln or "MAC mismatched" in ln for a in outcome.attempts for ln in a.log)
    assert _leftovers() == ([], [])


@pytest.mark.skipif(lab_available() is not None, reason=f"strongSwan lab unavailable: {lab_available()}")
def test_lab_tears_everything_down_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipsec_doctor.lab import runner

    started: list[int] = []
    real_start = runner._Daemon.start

    def start(self: runner._Daemon) -> None:
        real_start(self)
        assert self.proc is not None
        started.append(self.proc.pid)

    def interrupted(*_args: object, **_kw: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(runner._Daemon, "start", start)
    monkeypatch.setattr(runner, "_attempt", interrupted)
    devices = parse_devices(load([str(Case("ios-ios", 1, "match").write(tmp_path))]))
    tunnel = next(t for t in find_tunnels(devices) if not t.one_sided)
    with pytest.raises(KeyboardInterrupt):
        replay_tunnel(tunnel, devices)
    assert len(started) == 2
    for pid in started:  # both charons are gone (reaped by the runner)
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    assert _leftovers() == ([], [])
