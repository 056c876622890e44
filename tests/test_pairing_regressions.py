"""Pairing and verdict regressions found on the real-world corpus, each pinned on a small fixture of our own.

* DMVPN: a spoke's NHRP server (``ip nhrp nhs T nbma N`` or ``nhs T`` + ``map T N``)
  pairs its multipoint tunnel with the hub whose tunnel source is N (kind ``dmvpn``).
* GRE whose packets a crypto map encrypts (``permit gre host A host B``) follows
  that crypto-map tunnel's verdict instead of "plain GRE".
* A shut-down tunnel interface fails.
* A template's placeholder ``tunnel destination 203.0.113.X`` is a one-sided tunnel to ``?``.
* A ``show running-config crypto map`` excerpt lists its static entries as one-sided tunnels.

Fixtures: tests/fixtures/pairing/ (documentation addresses only).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ipsec_doctor import analyze
from ipsec_doctor.analysis import Report
from ipsec_doctor.report.json_report import render_json

FIXTURES = Path(__file__).parent / "fixtures" / "pairing"


def _verdicts(report: Report) -> dict[str, tuple[str, str, str]]:
    return {k: (v.phase1_status, v.phase2_status, v.verdict) for k, v in report.verdicts.items()}


# --------------------------------------------------------------------------- DMVPN


def test_dmvpn_nhrp_nhs_and_map_are_parsed_into_the_tunnel_settings() -> None:
    report = analyze([FIXTURES / "dmvpn"])
    tunnels = {d.name: d.interface("Tunnel0").tunnel for d in report.devices}  # type: ignore[union-attr]
    spoke1, spoke2, hub = tunnels["SPOKE1"], tunnels["SPOKE2"], tunnels["HUB"]
    assert spoke1 is not None and spoke2 is not None and hub is not None
    assert [(str(t), str(n)) for t, n in spoke1.nhrp_nhs] == [("172.16.0.1", "203.0.113.1")]
    assert [(str(t), n) for t, n in spoke2.nhrp_nhs] == [("172.16.0.1", None)]
    # `ip nhrp map multicast 203.0.113.1` is not a tunnel-address mapping
    assert [(str(t), str(n)) for t, n in spoke2.nhrp_maps] == [("172.16.0.1", "203.0.113.1")]
    assert (hub.nhrp_nhs, hub.nhrp_network_id, spoke1.nhrp_network_id) == ((), 100, 100)


def test_dmvpn_hub_pairs_with_each_spoke_whose_nhs_nbma_is_the_hub_tunnel_source_and_comes_up() -> None:
    report = analyze([FIXTURES / "dmvpn"])
    assert _verdicts(report) == {
        "HUB:Tunnel0 <-> SPOKE1:Tunnel0": ("up", "up", "up"),
        "HUB:Tunnel0 <-> SPOKE2:Tunnel0": ("up", "up", "up"),
    }
    for tunnel in report.tunnels:
        hub = tunnel.end("HUB")
        assert tunnel.kind == "dmvpn" and not tunnel.one_sided
        assert hub is not None and hub.dynamic and str(hub.local_address) == "203.0.113.1"
        assert hub.profile == "DMVPN-PROF"
    # SPOKE1 takes its address by DHCP: its end has no local address, the hub's wildcard key still applies.
    spoke1 = report.tunnels[0].end("SPOKE1")
    assert spoke1 is not None and spoke1.local_address is None and str(spoke1.peer_address) == "203.0.113.1"
    assert report.verdicts["HUB:Tunnel0 <-> SPOKE1:Tunnel0"].directions[0].initiator == "SPOKE1"
    assert not [f for f in report.findings if f.severity.value == "error"]
    document = json.loads(render_json(report))
    assert {t["kind"] for t in document["tunnels"]} == {"dmvpn"}


def test_dmvpn_spoke_alone_lists_a_one_sided_tunnel_to_the_hub_nbma_address() -> None:
    report = analyze([FIXTURES / "dmvpn" / "spoke2.cfg"])
    assert [(t.id, t.kind, t.one_sided) for t in report.tunnels] == [
        ("SPOKE2:Tunnel0 <-> 203.0.113.1", "dmvpn", True)]
    assert report.verdicts["SPOKE2:Tunnel0 <-> 203.0.113.1"].verdict == "unknown"


def test_dmvpn_hub_alone_has_no_tunnel() -> None:
    assert analyze([FIXTURES / "dmvpn" / "hub.cfg"]).tunnels == []


def test_dmvpn_spoke_pairs_with_the_hub_tunnel_that_owns_the_nhs_address(tmp_path: Path) -> None:
    # Two multipoint tunnels on the hub share one source: the NHS address picks Tunnel1.
    hub = (FIXTURES / "dmvpn" / "hub.cfg").read_text()
    hub = hub.replace("interface GigabitEthernet0/0\n", "interface Tunnel1\n ip address 172.17.0.1 255.255.255.0\n"
                      " ip nhrp network-id 200\n tunnel source GigabitEthernet0/0\n tunnel mode gre multipoint\n"
                      " tunnel key 200\n tunnel protection ipsec profile DMVPN-PROF\n!\n"
                      "interface GigabitEthernet0/0\n", 1)
    spoke = (FIXTURES / "dmvpn" / "spoke1.cfg").read_text()
    spoke = spoke.replace("ip nhrp nhs 172.16.0.1 nbma", "ip nhrp nhs 172.17.0.1 nbma").replace(
        " ip address 172.16.0.11 255.255.255.0", " ip address 172.17.0.11 255.255.255.0")
    (tmp_path / "hub.cfg").write_text(hub)
    (tmp_path / "spoke1.cfg").write_text(spoke)
    report = analyze([tmp_path])
    assert [t.id for t in report.tunnels] == ["HUB:Tunnel1 <-> SPOKE1:Tunnel0"]


# --------------------------------------------------------------------------- GRE over a crypto map


def test_gre_encrypted_by_a_crypto_map_follows_the_crypto_map_tunnel_verdict() -> None:
    report = analyze([FIXTURES / "gre-over-cmap"])
    cmap_id = "EAST:GigabitEthernet0/0:VPN:10 <-> WEST:GigabitEthernet0/0:VPN:10"
    gre_id = "EAST:Tunnel10 <-> WEST:Tunnel10"
    assert _verdicts(report) == {cmap_id: ("up", "up", "up"), gre_id: ("up", "up", "up")}
    gre = next(t for t in report.tunnels if t.id == gre_id)
    assert gre.kind == "gre" and gre.protected_by is not None and gre.protected_by.id == cmap_id
    verdict = report.verdicts[gre_id]
    assert verdict.summary.startswith("GRE protected by crypto map VPN seq 10: comes up")
    assert verdict.predicted_state == {"EAST": "QM_IDLE", "WEST": "QM_IDLE"}
    document = json.loads(render_json(report))
    assert next(t for t in document["tunnels"] if t["id"] == gre_id)["protected_by"] == cmap_id


def test_gre_not_matched_by_the_crypto_acl_stays_plain_gre(tmp_path: Path) -> None:
    for name in ("east.cfg", "west.cfg"):
        text = (FIXTURES / "gre-over-cmap" / name).read_text()
        # The crypto ACLs now protect the LANs, not the GRE packets between the tunnel endpoints.
        text = text.replace("permit gre host 192.0.2.1 host 198.51.100.2", "permit ip 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255")
        text = text.replace("permit gre host 198.51.100.2 host 192.0.2.1", "permit ip 10.2.2.0 0.0.0.255 10.1.1.0 0.0.0.255")
        (tmp_path / name).write_text(text)
    report = analyze([tmp_path])
    gre = next(t for t in report.tunnels if t.id == "EAST:Tunnel10 <-> WEST:Tunnel10")
    assert gre.protected_by is None
    verdict = report.verdicts[gre.id]
    assert verdict.verdict == "unknown" and verdict.summary.startswith("plain GRE: not protected by IPsec")


# --------------------------------------------------------------------------- shut-down tunnel


def test_shut_down_tunnel_interface_fails_with_no_sa_on_either_end() -> None:
    report = analyze([FIXTURES / "vti-shut"])
    verdict = report.verdicts["R1:Tunnel0 <-> R2:Tunnel0"]
    assert (verdict.verdict, verdict.phase1_status, verdict.phase2_status) == ("fails", "unknown", "unknown")
    assert verdict.summary.startswith("Tunnel0 on R1 is shut down; once enabled it comes up")
    assert verdict.predicted_state == {"R1": "(no SA)", "R2": "(no SA)"}


def test_shut_down_tunnel_alone_fails_even_without_the_other_end() -> None:
    report = analyze([FIXTURES / "vti-shut" / "r1.cfg"])
    verdict = report.verdicts["R1:Tunnel0 <-> 198.51.100.2"]
    assert (verdict.verdict, verdict.summary) == ("fails", "Tunnel0 on R1 is shut down")


def test_enabled_twin_of_the_shut_down_tunnel_comes_up(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "vti-shut" / "r2.cfg", tmp_path / "r2.cfg")
    text = (FIXTURES / "vti-shut" / "r1.cfg").read_text().replace(" shutdown\n", "")
    (tmp_path / "r1.cfg").write_text(text)
    assert analyze([tmp_path]).verdicts["R1:Tunnel0 <-> R2:Tunnel0"].verdict == "up"


# --------------------------------------------------------------------------- placeholders and excerpts


def test_route_based_template_with_placeholder_destination_is_one_sided_to_unknown_peer() -> None:
    report = analyze([FIXTURES / "placeholder"])
    assert [(t.id, t.kind, t.one_sided) for t in report.tunnels] == [
        ("isr-route-based:Tunnel1 <-> ?", "vti", True)]
    end = report.tunnels[0].ends[0]
    assert (end.local_address, end.peer_address, end.profile) == (None, None, "cloud-vti")
    assert report.verdicts["isr-route-based:Tunnel1 <-> ?"].verdict == "unknown"


def test_crypto_map_excerpt_binding_to_an_undefined_interface_lists_one_sided_entries() -> None:
    report = analyze([FIXTURES / "excerpt"])
    assert [d.partial for d in report.devices] == [True]
    assert sorted(t.id for t in report.tunnels) == [
        "asa-crypto-map-excerpt:outside:EDGE_MAP:10 <-> 198.51.100.10",
        "asa-crypto-map-excerpt:outside:EDGE_MAP:20 <-> ?",  # `set peer BRANCH-TWO`: a name not defined here
    ]
    for tunnel in report.tunnels:
        assert tunnel.one_sided and tunnel.ends[0].local_address is None
        assert report.verdicts[tunnel.id].verdict == "unknown"
