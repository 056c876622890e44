"""Route-based VPNs: VTI / GRE pairing, VTI facing a crypto map or GRE (VTI-PAIR), routing into the tunnel (VTI-ROUTE)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipsec_doctor import analyze

FIXTURES = Path(__file__).parent / "fixtures" / "vti"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CONFIGS = SHARED / "realworld" / "configs"


def _one(name: str):  # type: ignore[no-untyped-def]
    report = analyze([FIXTURES / name])
    assert len(report.tunnels) == 1, [t.id for t in report.tunnels]
    return report, report.tunnels[0], report.verdicts[report.tunnels[0].id]


@pytest.mark.parametrize("name", ["ios-ios-up", "asa-ios-up"])
def test_vti_pairs_by_tunnel_source_and_destination_and_comes_up(name: str) -> None:
    report, tunnel, verdict = _one(name)
    assert tunnel.kind == "vti" and not tunnel.one_sided
    assert all(e.crypto_map is None and e.profile for e in tunnel.ends)
    assert (verdict.verdict, verdict.ike_version) == ("up", 2)
    assert not [f for f in report.findings if f.id.startswith("VTI-")]


def test_asa_vti_tunnel_source_interface_resolves_to_the_outside_address() -> None:
    _, tunnel, _ = _one("asa-ios-up")
    asa = tunnel.end("HQ-ASA")
    assert asa is not None and str(asa.local_address) == "203.0.113.10" and asa.interface == "Tunnel1"


def test_vti_facing_a_crypto_map_is_paired_and_fails_with_vti_pair() -> None:
    report, tunnel, verdict = _one("ios-vti-cmap")
    assert tunnel.kind == "vti"
    assert {e.crypto_map for e in tunnel.ends} == {None, "VPN"}
    assert verdict.verdict == "fails" and "tunnel interface facing a crypto map" in verdict.summary
    found = [f for f in report.findings if f.id == "VTI-PAIR"]
    assert len(found) == 1 and found[0].severity.value == "error"
    assert "any <-> any" in found[0].detail and "VPN-ACL" in found[0].detail
    assert not [f for f in report.findings if f.id == "P2-MIRROR"]
    commands = found[0].fix[0].commands
    assert commands[:3] == ("crypto ipsec profile IPSEC-V2", " set transform-set TS-V2", " set ikev2-profile PROF-V2")
    assert "interface Tunnel0" in commands and " tunnel destination 192.0.2.1" in commands
    assert "no crypto map VPN 10 ipsec-isakmp" in commands


def test_vti_facing_gre_fails_with_vti_pair_and_sets_ipsec_mode() -> None:
    report, _, verdict = _one("ios-vti-gre")
    assert "tunnel modes differ" in verdict.summary
    found = [f for f in report.findings if f.id == "VTI-PAIR"]
    assert len(found) == 1
    assert [(x.device, x.commands) for x in found[0].fix] == [("R2", ("interface Tunnel0", " tunnel mode ipsec ipv4"))]
    assert found[0].fix[0].disruption.value == "drops-tunnel"


def test_missing_route_into_the_vti_is_reported_on_the_router_with_the_exact_route() -> None:
    report, _, verdict = _one("ios-ios-noroute")
    assert verdict.verdict == "up"
    found = [f for f in report.findings if f.id == "VTI-ROUTE"]
    assert [f.devices for f in found] == [("R1", "R2")]
    assert "10.1.1.0/24 leaves through GigabitEthernet0/0 by the default route" in found[0].detail
    assert [x.commands for x in found[0].fix] == [("ip route 10.1.1.0 255.255.255.0 Tunnel0",)]


def test_missing_route_on_asa_vti_uses_the_tunnel_nameif_and_peer_tunnel_address() -> None:
    report, _, _ = _one("asa-ios-noroute")
    found = [f for f in report.findings if f.id == "VTI-ROUTE"]
    assert len(found) == 1 and "HQ-ASA does not route" in found[0].title
    assert [x.commands for x in found[0].fix] == [("route vti 192.168.20.0 255.255.255.0 172.16.0.2",)]


@pytest.mark.skipif(not CONFIGS.is_dir(), reason="../shared/realworld/configs is not present")
def test_realworld_iclexi_ikev2_vti_pair_is_up_and_routed() -> None:
    report = analyze([CONFIGS / "iClexi__VPN-IKEv2-Route-Based" / "configs"])
    assert [t.id for t in report.tunnels] == ["R1:Tunnel0 <-> R2:Tunnel0"]
    verdict = report.verdicts["R1:Tunnel0 <-> R2:Tunnel0"]
    assert (verdict.verdict, verdict.ike_version, report.tunnels[0].kind) == ("up", 2, "vti")
    assert not [f for f in report.findings if f.id.startswith(("VTI-", "V2-"))]


@pytest.mark.skipif(not CONFIGS.is_dir(), reason="../shared/realworld/configs is not present")
def test_realworld_dmvpn_multipoint_gre_is_not_paired_point_to_point() -> None:
    report = analyze([CONFIGS / "NGMunia__Dual-Hub-DMVPN" / "Configs"])
    # Paired hub ↔ spoke through NHRP (kind dmvpn), never as point-to-point GRE/VTI.
    assert sorted(t.id for t in report.tunnels) == ["R1:Tunnel0 <-> R3:Tunnel0", "R1:Tunnel0 <-> R4:Tunnel0",
                                                    "R2:Tunnel1 <-> R3:Tunnel1", "R2:Tunnel1 <-> R4:Tunnel1"]
    assert {t.kind for t in report.tunnels} == {"dmvpn"}
    wildcard = sorted(f.devices[0] for f in report.findings if f.id == "SEC-WILDCARD-PSK")
    assert wildcard == ["R1", "R2", "R3", "R4"]
    assert not [f for f in report.findings if f.id.startswith(("VTI-", "V2-"))]


@pytest.mark.skipif(not CONFIGS.is_dir(), reason="../shared/realworld/configs is not present")
def test_realworld_lhr_border_vtis_to_aws_are_one_sided_and_not_judged() -> None:
    report = analyze([CONFIGS / "batfish__batfish" / "networks" / "hybrid-cloud-aws" / "configs"])
    assert sorted(t.id for t in report.tunnels) == ["lhr-border-02:Tunnel1 <-> 52.27.166.152",
                                                    "lhr-border-02:Tunnel2 <-> 52.39.121.126"]
    assert all(t.kind == "vti" and t.one_sided for t in report.tunnels)
    assert all(v.verdict == "unknown" for v in report.verdicts.values())
    assert not [f for f in report.findings if f.id.startswith(("VTI-", "V2-"))]
    sec = {f.id for f in report.findings if f.id.startswith("SEC-")}
    assert {"SEC-WEAK-DH", "SEC-WEAK-HASH"} <= sec
