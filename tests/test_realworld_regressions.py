"""Regressions for false findings first seen on the real-world corpus, on small fixtures of our own.

Each test names the corpus pattern it stands for (see tests/realworld_expected.toml);
none of them needs ../shared.
"""

from __future__ import annotations

from pathlib import Path

from ipsec_doctor.analysis import Report, analyze
from ipsec_doctor.checks import Context, registry
from ipsec_doctor.dialects import parse_config
from ipsec_doctor.findings import Finding, Severity
from ipsec_doctor.inputs import ConfigSection
from ipsec_doctor.model import Device, Platform

FIXTURES = Path(__file__).parent / "fixtures" / "regressions"


def parse(name: str, platform: Platform, text: str | None = None) -> Device:
    body = (FIXTURES / name).read_text() if text is None else text
    return parse_config(ConfigSection(name, list(enumerate(body.splitlines(), 1)), platform))


def run(catalog_id: str, *devices: Device) -> list[Finding]:
    return list(registry()[catalog_id](Context(list(devices))))


def errors(report: Report) -> list[tuple[str, str]]:
    return sorted((f.id, f.title) for f in report.findings if f.severity is Severity.ERROR)


# --------------------------------------------------------------------------- RT-REMOTE


def test_asa_route_with_placeholder_gateway_keeps_its_interface_and_reports_the_line() -> None:
    asa = parse("asa_placeholder_gateway.cfg", Platform.ASA)
    default = [r for r in asa.routes if r.prefix.prefixlen == 0]
    assert len(default) == 1
    assert default[0].interface == "outside" and default[0].next_hop is None
    assert any(p.line == default[0].source.line and "route" in p.message for p in asa.problems)


def test_rt_remote_accepts_a_default_route_whose_gateway_is_a_placeholder() -> None:
    asa = parse("asa_placeholder_gateway.cfg", Platform.ASA)
    assert run("RT-REMOTE", asa) == []


def test_rt_remote_cannot_verify_a_template_with_a_placeholder_crypto_interface() -> None:
    router = parse("ios_template_placeholder.cfg", Platform.IOS)
    found = run("RT-REMOTE", router)
    assert [(f.severity, f.key) for f in found] == [
        (Severity.INFO, "<NameOfYourOutsideInterface> 192.168.0.0/16")]
    assert "placeholder" in found[0].detail and "show ip route 192.168.0.0" in found[0].detail


def test_rt_remote_cannot_verify_a_crypto_interface_that_gets_its_address_by_dhcp() -> None:
    text = (FIXTURES / "ios_template_placeholder.cfg").read_text().replace(
        "interface <NameOfYourOutsideInterface>", "hostname EDGE\ninterface GigabitEthernet0/0\n ip address dhcp")
    found = run("RT-REMOTE", parse("dhcp.cfg", Platform.IOS, text))
    assert [f.severity for f in found] == [Severity.INFO]
    assert "DHCP" in found[0].detail


def test_rt_remote_still_reports_an_addressed_crypto_interface_with_no_route() -> None:
    text = (FIXTURES / "ios_template_placeholder.cfg").read_text().replace(
        "interface <NameOfYourOutsideInterface>",
        "hostname EDGE\ninterface GigabitEthernet0/0\n ip address 203.0.113.5 255.255.255.0")
    found = run("RT-REMOTE", parse("static.cfg", Platform.IOS, text))
    assert [(f.severity, f.title) for f in found] == [
        (Severity.ERROR, "192.168.0.0/16 is not routed out of GigabitEthernet0/0 on EDGE")]


# --------------------------------------------------------------------------- pools (RT-POOLOVERLAP, NAT-DMZ)


def _pool_asa(referenced: str) -> Device:
    text = (FIXTURES / "asa_unreferenced_pool.cfg").read_text().replace("{pool}", referenced)
    return parse("pool-asa.cfg", Platform.ASA, text)


def test_rt_pooloverlap_ignores_a_pool_that_nothing_references() -> None:
    asa = _pool_asa("OTHER")
    assert "spare" in asa.pools
    assert run("RT-POOLOVERLAP", asa) == []
    assert run("NAT-DMZ", asa) == []


def test_rt_pooloverlap_reports_the_same_pool_once_a_tunnel_group_uses_it() -> None:
    found = run("RT-POOLOVERLAP", _pool_asa("spare"))
    assert [(f.severity, f.key) for f in found] == [(Severity.ERROR, "spare")]
    assert "192.168.1.0/24 (the connected network of management)" in found[0].detail


# --------------------------------------------------------------------------- excerpts (Device.partial)


def test_show_running_config_sections_are_marked_partial_and_whole_configs_are_not() -> None:
    assert parse("asa_excerpt_crypto_map.txt", Platform.ASA).partial
    assert parse("asa_excerpt_tunnel_group.txt", Platform.ASA).partial
    assert parse("ios_excerpt_crypto.txt", Platform.IOS).partial
    assert not parse("asa_placeholder_gateway.cfg", Platform.ASA).partial
    assert not parse("ios_gre_over_crypto_map.cfg", Platform.IOS).partial


def test_crypto_map_excerpt_gives_no_error_and_p1_enable_cannot_be_verified() -> None:
    report = analyze([FIXTURES / "asa_excerpt_crypto_map.txt"])
    assert errors(report) == []
    enable = [f for f in report.findings if f.id == "P1-ENABLE"]
    assert [(f.severity, f.title.startswith("Cannot verify from an excerpt")) for f in enable] == [
        (Severity.INFO, True)]
    assert "excerpt" in enable[0].detail


def test_tunnel_group_excerpt_gives_no_error_or_absence_warning() -> None:
    report = analyze([FIXTURES / "asa_excerpt_tunnel_group.txt"])
    assert errors(report) == []
    by_id = {f.id: f for f in report.findings}
    assert by_id["RA-POOLSIZE"].severity is Severity.INFO
    assert "RA-POOL" in by_id["RA-POOLSIZE"].title
    assert all(f.severity is Severity.INFO for f in report.findings if f.id in ("RA-DNS", "SEC-AGGR-PSK"))


def test_ios_crypto_excerpt_gives_no_error() -> None:
    report = analyze([FIXTURES / "ios_excerpt_crypto.txt"])
    assert errors(report) == []


# --------------------------------------------------------------------------- wording


def test_p1_policy_detail_says_a_missing_policy_once() -> None:
    report = analyze([FIXTURES / "nopolicy"])
    found = [f for f in report.findings if f.id == "P1-POLICY"]
    assert len(found) == 1
    assert found[0].detail.count("R1 has no ISAKMP policy") == 1
    assert "R2 offers policy 10" in found[0].detail


def test_p2_mirror_names_the_orientation_when_both_acls_are_identical() -> None:
    report = analyze([FIXTURES / "mirror_same"])
    found = [f for f in report.findings if f.id == "P2-MIRROR"]
    assert len(found) == 1
    detail = found[0].detail
    assert "both ends list 10.1.1.1/32 -> 10.2.2.2/32 ip" in detail
    assert "the peer must list the mirror 10.2.2.2/32 -> 10.1.1.1/32 ip" in detail
    assert "only R1 protects" not in detail and "only R2 protects" not in detail


# --------------------------------------------------------------------------- MTU-MSS


def test_mtu_mss_points_at_the_gre_tunnel_carried_by_a_crypto_map_and_counts_gre() -> None:
    router = parse("ios_gre_over_crypto_map.cfg", Platform.IOS)
    found = run("MTU-MSS", router)
    assert [f.key for f in found] == ["Tunnel100"]
    assert "− 24 (GRE)" in found[0].detail and "= 1355" in found[0].detail
    assert found[0].fix[0].commands == ("interface Tunnel100", " ip tcp adjust-mss 1350")


def test_mtu_mss_keeps_the_physical_interface_when_the_crypto_map_also_protects_other_traffic() -> None:
    text = (FIXTURES / "ios_gre_over_crypto_map.cfg").read_text().replace(
        "access-list 101 permit gre host 203.0.113.5 host 198.51.100.9",
        "access-list 101 permit gre host 203.0.113.5 host 198.51.100.9\n"
        "access-list 101 permit ip 10.5.5.0 0.0.0.255 10.9.9.0 0.0.0.255")
    found = run("MTU-MSS", parse("gre-mixed.cfg", Platform.IOS, text))
    assert sorted(f.key for f in found) == ["GigabitEthernet0/0", "Tunnel100"]
