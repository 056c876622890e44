"""`ipsec-doctor inventory`: devices, crypto-map interfaces, endpoints, RA groups and pools with file:line."""

from __future__ import annotations

import json
from pathlib import Path

from ipsec_doctor.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "snapshot"

RA_ASA = """\
ASA Version 8.4(7)
hostname RA-ASA
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 192.0.2.2 255.255.255.0
ip local pool VPNPOOL 10.50.0.10-10.50.0.60 mask 255.255.255.0
access-list SPLIT standard permit 10.1.0.0 255.255.255.0
group-policy RAGP internal
group-policy RAGP attributes
 split-tunnel-policy tunnelspecified
 split-tunnel-network-list value SPLIT
tunnel-group RAVPN type remote-access
tunnel-group RAVPN general-attributes
 address-pool VPNPOOL
 default-group-policy RAGP
tunnel-group RAVPN ipsec-attributes
 ikev1 pre-shared-key Canary-RA-Key
crypto dynamic-map DYN 10 set ikev1 transform-set TS
crypto map OUT 65535 ipsec-isakmp dynamic DYN
crypto map OUT interface outside
"""


def test_inventory_json_lists_endpoints_with_file_and_line(capsys) -> None:
    assert main(["inventory", str(EXAMPLE), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    devices = {d["name"]: d for d in doc["devices"]}
    assert sorted(devices) == ["BR1-RTR", "HQ-ASA"]
    asa = devices["HQ-ASA"]
    assert asa["platform"] == "asa" and asa["version"] == "9.8(4)12"
    (ep,) = asa["tunnel_endpoints"]
    assert (ep["map"], ep["seq"], ep["peers"], ep["acl"], ep["pfs"]) == (
        "OUTSIDE_MAP", 10, ["203.0.113.10"], "BR1_CRYPTO", "group14")
    assert ep["interfaces"] == ["outside"]
    assert ep["at"].endswith("hq-asa.cfg:42")
    rtr = devices["BR1-RTR"]
    (itf,) = rtr["interfaces"]
    assert (itf["name"], itf["crypto_map"], itf["address"]) == ("GigabitEthernet0/0", "VPN", "203.0.113.10/30")
    (ep,) = rtr["tunnel_endpoints"]
    assert ep["transform_sets"] == ["AES256-SHA"] and ep["pfs"] is None


def test_inventory_text_shows_remote_access_groups_and_pools(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "ra.cfg"
    cfg.write_text(RA_ASA)
    assert main(["inventory", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "RA-ASA (asa 8.4(7))" in out
    assert "remote access tunnel-group remote-access RAVPN: VPNPOOL" in out
    assert "pool VPNPOOL 10.50.0.10-10.50.0.60 (51 addresses)" in out
    assert "dynamic-map DYN 10" in out
    assert "Canary-RA-Key" not in out


def test_inventory_without_configs_exits_2(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("hello\n")
    assert main(["inventory", str(tmp_path)]) == 2
    assert "no device configuration" in capsys.readouterr().err
