"""Pairing: tunnels found by index from crypto maps and tunnel interfaces."""

from __future__ import annotations

import time
from ipaddress import IPv4Address

from builders import device, entry, itf

from ipsec_doctor.model import Platform, TunnelSettings
from ipsec_doctor.pairing import find_tunnels


def _hq(peers: list[str], *, addr: str = "198.51.100.2/24") -> object:
    return device(
        "HQ-ASA", Platform.ASA,
        interfaces=(itf("GigabitEthernet0/0", addr, "outside"),),
        maps={"OUTSIDE_MAP": [entry("OUTSIDE_MAP", 10, peers)]},
        bindings=[("OUTSIDE_MAP", "outside")],
    )


def _br(peers: list[str], *, name: str = "BR-RTR", addr: str = "203.0.113.10/24") -> object:
    return device(
        name,
        interfaces=(itf("GigabitEthernet0/0", addr),),
        maps={"VPN": [entry("VPN", 10, peers)]},
        bindings=[("VPN", "GigabitEthernet0/0")],
    )


def test_static_to_static_tunnel_id_matches_output_contract() -> None:
    tunnels = find_tunnels([_br(["198.51.100.2"]), _hq(["203.0.113.10"])])
    assert [t.id for t in tunnels] == ["BR-RTR:GigabitEthernet0/0:VPN:10 <-> HQ-ASA:outside:OUTSIDE_MAP:10"]
    t = tunnels[0]
    assert t.kind == "l2l" and not t.one_sided and not t.nat_between
    hq = t.end("HQ-ASA")
    assert hq is not None
    assert hq.local_address == IPv4Address("198.51.100.2") and hq.peer_address == IPv4Address("203.0.113.10")
    assert t.as_dict()["ends"][0]["crypto_map"] == "VPN"  # type: ignore[index]


def test_static_entry_whose_peer_is_absent_is_one_sided() -> None:
    tunnels = find_tunnels([_hq(["192.0.2.77"])])
    assert [t.id for t in tunnels] == ["HQ-ASA:outside:OUTSIDE_MAP:10 <-> 192.0.2.77"]
    assert tunnels[0].one_sided and tunnels[0].remote_device is None


def test_peer_device_without_entry_for_us_is_named_as_remote_device() -> None:
    br = device("BR-RTR", interfaces=(itf("GigabitEthernet0/0", "203.0.113.10/24"),))
    tunnels = find_tunnels([_hq(["203.0.113.10"]), br])
    assert len(tunnels) == 1
    assert tunnels[0].one_sided and tunnels[0].remote_device == "BR-RTR"


def test_static_spoke_pairs_with_dynamic_map_on_hub() -> None:
    hub = device(
        "HUB", Platform.ASA,
        interfaces=(itf("GigabitEthernet0/0", "198.51.100.1/24", "outside"),),
        maps={"OUT": [entry("OUT", 65535, (), match_acl=None, dynamic_map="DYN")]},
        dynamic_maps={"DYN": [entry("DYN", 10, (), match_acl=None, is_dynamic=True)]},
        bindings=[("OUT", "outside")],
    )
    spokes = [_br(["198.51.100.1"], name=f"SPOKE{i}", addr=f"203.0.113.{i}/24") for i in (1, 2)]
    tunnels = find_tunnels([hub, *spokes])
    assert [t.id for t in tunnels] == [
        "HUB:outside:DYN:10 <-> SPOKE1:GigabitEthernet0/0:VPN:10",
        "HUB:outside:DYN:10 <-> SPOKE2:GigabitEthernet0/0:VPN:10",
    ]
    hub_end = tunnels[0].end("HUB")
    assert hub_end is not None and hub_end.dynamic and hub_end.peer_address == IPv4Address("203.0.113.1")


def test_nat_between_peers_when_remote_sits_on_private_address() -> None:
    # BR-RTR is behind NAT: its interface is 10.0.0.2, HQ knows it as 203.0.113.10.
    tunnels = find_tunnels([_hq(["203.0.113.10"]), _br(["198.51.100.2"], addr="10.0.0.2/24")])
    assert len(tunnels) == 1
    t = tunnels[0]
    assert t.nat_between and not t.one_sided
    assert t.id == "BR-RTR:GigabitEthernet0/0:VPN:10 <-> HQ-ASA:outside:OUTSIDE_MAP:10"


def test_backup_peer_list_pairs_each_present_peer() -> None:
    hq = _hq(["203.0.113.10", "203.0.113.20"])
    a = _br(["198.51.100.2"], name="BR-A", addr="203.0.113.10/24")
    b = _br(["198.51.100.2"], name="BR-B", addr="203.0.113.20/24")
    tunnels = find_tunnels([hq, a, b])
    assert [t.id for t in tunnels] == [
        "BR-A:GigabitEthernet0/0:VPN:10 <-> HQ-ASA:outside:OUTSIDE_MAP:10",
        "BR-B:GigabitEthernet0/0:VPN:10 <-> HQ-ASA:outside:OUTSIDE_MAP:10",
    ]


def test_backup_peer_absent_does_not_add_one_sided_tunnel_when_primary_pairs() -> None:
    tunnels = find_tunnels([_hq(["203.0.113.10", "192.0.2.99"]), _br(["198.51.100.2"])])
    assert len(tunnels) == 1 and not tunnels[0].one_sided


def _vti(name: str, src: str, dst: str, mode: str = "ipsec ipv4") -> object:
    return device(
        name,
        interfaces=(
            itf("GigabitEthernet0/0", f"{src}/24"),
            itf("Tunnel0", None, tunnel=TunnelSettings(source_interface="GigabitEthernet0/0",
                                                         destination=IPv4Address(dst), mode=mode,
                                                         protection_profile="PROF")),
        ),
    )


def test_vti_pairs_by_tunnel_source_and_destination() -> None:
    tunnels = find_tunnels([_vti("R2", "192.0.2.2", "192.0.2.1"), _vti("R1", "192.0.2.1", "192.0.2.2")])
    assert [(t.id, t.kind) for t in tunnels] == [("R1:Tunnel0 <-> R2:Tunnel0", "vti")]
    assert tunnels[0].ends[0].profile == "PROF"


def test_gre_tunnel_with_wrong_destination_is_one_sided() -> None:
    tunnels = find_tunnels([_vti("R1", "192.0.2.1", "192.0.2.2", "gre ip"), _vti("R2", "192.0.2.2", "192.0.2.9",
                                                                               "gre ip")])
    assert sorted((t.id, t.kind, t.remote_device) for t in tunnels) == [
        ("R1:Tunnel0 <-> 192.0.2.2", "gre", "R2"),
        ("R2:Tunnel0 <-> 192.0.2.9", "gre", None),
    ]


def test_pairing_five_thousand_devices_is_linear() -> None:
    devices = []
    for i in range(2500):
        a = f"100.{i // 250}.{i % 250}.1"
        b = f"101.{i // 250}.{i % 250}.1"
        devices.append(_br([b], name=f"A{i:04d}", addr=f"{a}/30"))
        devices.append(_br([a], name=f"B{i:04d}", addr=f"{b}/30"))
    start = time.perf_counter()
    tunnels = find_tunnels(devices)
    elapsed = time.perf_counter() - start
    assert len(tunnels) == 2500
    assert not any(t.one_sided for t in tunnels)
    assert elapsed < 1.0
