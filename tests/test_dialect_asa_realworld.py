"""The ASA/PIX dialect over the real-world corpus (../shared/realworld/configs).

Every ASA/PIX file listed in SOURCES.md parses without an exception; the
ParseProblem count per file is pinned (each one was read by hand: sanitised
addresses such as ``xxx.xxx.45.196`` or ``206.X.X.1``, names the sanitiser
removed, snippets that reference undefined names); and facts checked by hand
against the files are asserted for the main samples.
"""

from __future__ import annotations

from ipaddress import ip_address, ip_network
from pathlib import Path

import pytest
from asa_fixture_helpers import parse_file

from ipsec_doctor.model import Device, Platform
from ipsec_doctor.secrets import SecretState

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CONFIGS = SHARED / "realworld" / "configs"

pytestmark = pytest.mark.skipif(not (CONFIGS / "SOURCES.md").is_file(), reason="../shared/realworld not present")

# file → problems expected (moffie21 bundles hold IOS + ASA sections: only "no exception" is checked)
PROBLEM_COUNTS: dict[str, int | None] = {
    "moffie21__GNS3_ASA-IPsec-VPN/GNS3_ASA+IPsec-VPN_LA-configs": None,
    "moffie21__GNS3_ASA-IPsec-VPN/GNS3_ASA+IPsec-VPN_SD-configs": None,
    "fwbuilder__fwbuilder/src/unit_tests/PIXImporterTest/test_data/pix7.test": 0,
    "fwbuilder__fwbuilder/src/unit_tests/PIXImporterTest/test_data/pix7-nat.test": 0,
    "averagesecurityguy__prometheus/sample_configs/asa1.txt": 7,
    "averagesecurityguy__prometheus/sample_configs/asa2.txt": 12,
    "averagesecurityguy__prometheus/sample_configs/asa5.txt": 0,
    "averagesecurityguy__prometheus/sample_configs/ipv6_test.txt": 0,
    "averagesecurityguy__prometheus/sample_configs/pix1.txt": 0,
    "iSOcH__wosm/asa_config_labor.txt": 0,
    "iSOcH__wosm/asa_config.txt": 0,
    "Azure__Azure-vpn-config-samples/Cisco/Current/ASA/ASA_9.1_and_above_Show_running-config.txt": 4,
    "networktocode__ntc-templates/tests/cisco_asa/show_running-config_all_crypto_map/"
    "cisco_asa_show_running-config_all_crypto_map.raw": 0,
    "networktocode__ntc-templates/tests/cisco_asa/show_running-config_crypto_map/"
    "cisco_asa_show_running-config_crypto_map.raw": 2,
    "networktocode__ntc-templates/tests/cisco_asa/show_running-config_tunnel-group/"
    "cisco_asa_show_running-config_tunnel-group.raw": 0,
    "networktocode__ntc-templates/tests/cisco_asa/show_running-config_crypto_ikev1/"
    "cisco_asa_show_running-config_crypto_ikev1.raw": 0,
    "networktocode__ntc-templates/tests/cisco_asa/show_running-config_ipsec/"
    "cisco_asa_show_running-config_ipsec.raw": 0,
    "mpenning__ciscoconfparse/tests/fixtures/configs/sample_01.asa": 2,
    "stephenpaynter__Home-Lab-Backups/ASA.txt": 0,
}


def _asa_pix_rows() -> list[tuple[str, Platform]]:
    rows = []
    for line in (CONFIGS / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `") and ("| asa |" in line or "| pix |" in line):
            rows.append((line.split("`")[1], Platform.PIX6 if "| pix |" in line else Platform.ASA))
    return rows


def _device(rel: str) -> Device:
    platform = dict(_asa_pix_rows()).get(rel, Platform.ASA)
    return parse_file(CONFIGS / rel, platform)


def test_asa_realworld_every_asa_and_pix_file_is_listed_and_pinned() -> None:
    assert sorted(rel for rel, _ in _asa_pix_rows()) == sorted(PROBLEM_COUNTS)


@pytest.mark.parametrize("rel", sorted(PROBLEM_COUNTS))
def test_asa_realworld_file_parses_with_pinned_problem_count(rel: str) -> None:
    device = _device(rel)
    expected = PROBLEM_COUNTS[rel]
    if expected is not None:
        assert len(device.problems) == expected, [(p.line, p.message) for p in device.problems]
    for problem in device.problems:
        assert problem.line > 0 and problem.message


def test_asa_realworld_prometheus_asa1_remote_access_and_nat0() -> None:
    d = _device("averagesecurityguy__prometheus/sample_configs/asa1.txt")
    assert (d.name, d.version_tuple) == ("pppfw01", (8, 0, 2))
    assert [e.interface for e in d.ike.enabled_interfaces] == ["wlan0", "wan0"]
    assert d.ike.nat_traversal and d.ike.nat_traversal_keepalive == 120
    assert [(p.priority, p.encryption, p.authentication) for p in d.ikev1_policies] == [
        (5, "3des", "pre-share"), (10, "des", "pre-share")]
    assert d.crypto_maps["wan0_map"].entries[0].dynamic_map == "SYSTEM_DEFAULT_CRYPTO_MAP"
    assert len(d.dynamic_maps["SYSTEM_DEFAULT_CRYPTO_MAP"][0].transform_sets) == 10
    assert d.nat_rules[0].kind == "asa-nat0" and d.nat_rules[0].acl == "nonat"
    assert d.tunnel_groups["consultants"].ikev1_psk.state is SecretState.MASKED  # type: ignore[union-attr]
    assert d.names["collab.xyz.com_int"].kind == "name"


def test_asa_realworld_prometheus_asa2_version_70_without_vpn() -> None:
    d = _device("averagesecurityguy__prometheus/sample_configs/asa2.txt")
    assert (d.name, d.version_tuple) == ("WRH-ASA", (7, 0, 6))
    assert d.crypto_maps == {} and d.ikev1_policies == ()
    assert not d.ike.nat_traversal and d.ike.nat_traversal_defaulted
    assert d.nat_rules[0].acl == "inside_nat0_outbound"
    assert d.interface("dmz").security_level == 40  # type: ignore[union-attr]
    assert "MAIL-PUB" in d.names and d.names["MAIL-PUB"].networks == ()


def test_asa_realworld_isoch_asa_config_84_remote_access() -> None:
    d = _device("iSOcH__wosm/asa_config.txt")
    assert d.version_tuple == (8, 4, 2)
    (p,) = d.ikev1_policies
    assert (p.priority, p.encryption, p.hash, p.group, p.lifetime) == (65535, "aes-256", "sha", 2, 43200)
    assert d.dynamic_maps["outside_dyn_map"][0].transform_sets == ("ESP-3DES-SHA",)
    assert d.interface("outside").crypto_map == "outside_map"  # type: ignore[union-attr]
    assert d.pools["VPN-ADMIN"].size == 126
    exempt = d.nat_rules[0]
    assert exempt.kind == "asa-twice" and exempt.identity
    assert exempt.real_destination == (ip_network("10.0.99.0/24"),)
    gp = d.group_policies["VPN_USERS_GROUP"]
    assert gp.get("split-tunnel-network-list").value == "SPLIT_TUNNEL_LIST"  # type: ignore[union-attr]


def test_asa_realworld_azure_91_l2l_with_placeholders() -> None:
    d = _device("Azure__Azure-vpn-config-samples/Cisco/Current/ASA/ASA_9.1_and_above_Show_running-config.txt")
    assert d.version_tuple == (9, 2, 2, 4)
    (e,) = d.crypto_maps["azure-crypto-map"].entries
    assert e.match_acl == "azure-vpn-acl" and e.transform_sets == ("azure-ipsec-proposal-set",)
    assert e.peers[0].raw == "104.X.X.X" and e.peers[0].address is None
    assert d.transform_sets["azure-ipsec-proposal-set"].key == ("esp-aes", 256, "esp-sha-hmac", None)
    assert d.ipsec_lifetime_seconds == 3600 and d.ipsec_lifetime_kilobytes == 102400000
    tg = d.tunnel_groups["104.X.X.X"]
    assert tg.type == "ipsec-l2l" and tg.ikev1_psk.state is SecretState.MASKED  # type: ignore[union-attr]
    assert d.nat_rules[0].identity and d.nat_rules[0].real_destination == (ip_network("10.0.0.0/16"),)
    mss = d.setting("sysopt connection tcpmss")
    assert mss is not None and mss.value == "1350"


def test_asa_realworld_fwbuilder_pix7_crypto_map_without_acl_or_interface() -> None:
    d = _device("fwbuilder__fwbuilder/src/unit_tests/PIXImporterTest/test_data/pix7.test")
    assert d.platform is Platform.ASA and d.version_tuple == (7, 2, 1)
    (e,) = d.crypto_maps["spdemap"].entries
    assert e.match_acl is None and e.peers[0].address == ip_address("192.0.2.254")
    assert d.bindings == ()
    assert [(p.priority, p.encryption, p.group, p.lifetime) for p in d.ikev1_policies] == [
        (21, "des", 1, 3600), (65535, "3des", 2, 86400)]
    assert d.interface("dmz20").name == "Ethernet0.102"  # type: ignore[union-attr]


def test_asa_realworld_fwbuilder_pix7_nat_forms() -> None:
    d = _device("fwbuilder__fwbuilder/src/unit_tests/PIXImporterTest/test_data/pix7-nat.test")
    assert d.nat_rules[0].kind == "asa-nat0" and d.nat_rules[0].acl == "EXEMPT"
    kinds = {r.kind for r in d.nat_rules}
    assert {"asa-nat0", "asa-static", "asa-dynamic"} <= kinds
    assert d.nat_rules[1].real_source == (ip_network("10.1.1.16/28"),)
    assert d.nat_rules[1].mapped_source == (ip_network("10.0.0.16/28"),)


def test_asa_realworld_stephenpaynter_asav_without_vpn() -> None:
    d = _device("stephenpaynter__Home-Lab-Backups/ASA.txt")
    assert (d.name, d.version_tuple) == ("ASA", (9, 14, 1))
    assert d.crypto_maps == {} and d.tunnel_groups == {} and d.ike.enabled_interfaces == ()
    assert d.interface("MGMT").primary_address is not None  # type: ignore[union-attr]
    assert str(d.interface("MGMT").primary_address) == "192.168.1.155/24"  # type: ignore[union-attr]


def test_asa_realworld_asa5_names_in_interface_address_and_ikev2_policies() -> None:
    d = _device("averagesecurityguy__prometheus/sample_configs/asa5.txt")
    assert d.interface("inside").primary_address is not None  # type: ignore[union-attr]
    assert [p.priority for p in d.ikev2_proposals] == [1, 10, 20, 30, 40]
    assert d.nat_rules[0].kind == "asa-twice" and d.nat_rules[0].identity


def test_asa_realworld_ntc_snippets_show_run_all_noise_is_quiet() -> None:
    d = _device("networktocode__ntc-templates/tests/cisco_asa/show_running-config_all_crypto_map/"
                "cisco_asa_show_running-config_all_crypto_map.raw")
    entry = d.crypto_maps["WAN1_CMAP"].entries[0]
    assert entry.transform_sets == ("ESP-AES-256-SHA", "ESP-AES-192-SHA") and entry.phase1_mode == "main"
    assert d.problems == ()
