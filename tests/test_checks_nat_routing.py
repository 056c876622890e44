"""NAT, routing and firewall checks across platforms and versions (ASA 8.2 / 8.4+ / 9.x, PIX 6, IOS).

The fixture folders under tests/checks/ hold one failing snapshot and its fixed
twin per check; these tests vary the platform and pin the exact fix commands.
"""

from __future__ import annotations

from pathlib import Path

from ipsec_doctor.checks import Context, registry
from ipsec_doctor.dialects import parse_config
from ipsec_doctor.inputs import ConfigSection
from ipsec_doctor.model import Device, Platform
from ipsec_doctor.natsim import crypto_flows, evaluate, ordered_rules
from ipsec_doctor.routing import egress_for

CHECKS = Path(__file__).parent / "checks"


def parse(text: str, platform: Platform, file: str = "dev.cfg") -> Device:
    return parse_config(ConfigSection(file, list(enumerate(text.splitlines(), 1)), platform))


def fixture(case: str, name: str) -> str:
    return (CHECKS / case / name).read_text()


def run(catalog_id: str, *devices: Device):  # type: ignore[no-untyped-def]
    return list(registry()[catalog_id](Context(list(devices))))


def net(text: str):  # type: ignore[no-untyped-def]
    from ipaddress import ip_network

    return ip_network(text)


ASA84_PAT = fixture("NAT-EXEMPT/fail", "hq-asa.cfg")
ASA82_NONAT = fixture("NAT-PORTS/pass", "hq-asa.cfg")
IOS_NO_DENY = fixture("NAT-EXEMPT/fail", "br1-rtr.cfg")

PIX6 = """PIX Version 6.3(5)
nameif ethernet0 outside security0
nameif ethernet1 inside security100
hostname BR2-PIX
access-list VPN-ACL permit ip 10.4.4.0 255.255.255.0 10.1.1.0 255.255.255.0
{nonat}ip address outside 198.51.100.4 255.255.255.0
ip address inside 10.4.4.1 255.255.255.0
{nat}route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
{sysopt}crypto ipsec transform-set TS esp-3des esp-sha-hmac
crypto map VPN 10 ipsec-isakmp
crypto map VPN 10 match address VPN-ACL
crypto map VPN 10 set peer 203.0.113.2
crypto map VPN 10 set transform-set TS
crypto map VPN interface outside
isakmp enable outside
isakmp key s3cr3tkey address 203.0.113.2 netmask 255.255.255.255
isakmp policy 10 authentication pre-share
isakmp policy 10 encryption 3des
isakmp policy 10 hash sha
isakmp policy 10 group 2
"""


# --------------------------------------------------------------------------- natsim and routing


def test_natsim_asa84_object_pat_translates_the_vpn_flow() -> None:
    asa = parse(ASA84_PAT, Platform.ASA)
    outcome = evaluate(asa, net("10.1.1.0/24"), net("10.2.2.0/24"), "inside", "outside")
    assert [p.verdict for p in outcome.pieces] == ["translated"]
    assert outcome.pieces[0].rule is not None and outcome.pieces[0].rule.kind == "asa-object"


def test_natsim_asa84_twice_nat_section1_wins_over_object_nat() -> None:
    exempt = "nat (inside,outside) source static obj-inside obj-inside destination static obj-remote obj-remote\n"
    asa = parse(ASA84_PAT.replace("route outside", exempt + "route outside", 1), Platform.ASA)
    kinds = [r.kind for r in ordered_rules(asa)]
    assert kinds == ["asa-twice", "asa-object"]
    assert evaluate(asa, net("10.1.1.0/24"), net("10.2.2.0/24"), "inside", "outside").fully_exempt


def test_natsim_asa84_after_auto_rule_comes_after_object_nat() -> None:
    exempt = "nat (inside,outside) after-auto source static obj-inside obj-inside destination static obj-remote obj-remote\n"
    asa = parse(ASA84_PAT.replace("route outside", exempt + "route outside", 1), Platform.ASA)
    outcome = evaluate(asa, net("10.1.1.0/24"), net("10.2.2.0/24"), "inside", "outside")
    assert [p.verdict for p in outcome.pieces] == ["translated"]


def test_natsim_asa82_nat0_comes_before_dynamic_nat() -> None:
    asa = parse(ASA82_NONAT, Platform.ASA)
    assert [r.kind for r in ordered_rules(asa)][:1] == ["asa-nat0"]
    assert evaluate(asa, net("10.1.1.0/24"), net("10.2.2.0/24"), "inside", "outside").fully_exempt


def test_natsim_ios_partial_exemption_is_split_into_pieces() -> None:
    ios = parse(fixture("NAT-MATCH/fail", "br1-rtr.cfg"), Platform.IOS)
    outcome = evaluate(ios, net("10.2.2.0/24"), net("10.1.0.0/16"), "GigabitEthernet0/1", "GigabitEthernet0/0")
    verdicts = sorted({p.verdict for p in outcome.pieces})
    assert verdicts == ["exempt", "translated"]
    exempt = outcome.flows("exempt")
    assert exempt.equals(evaluate(ios, net("10.2.2.0/24"), net("10.1.1.0/24"), "GigabitEthernet0/1",
                                  "GigabitEthernet0/0").flows("exempt"))


def test_natsim_ios_without_nat_outside_on_crypto_interface_translates_nothing() -> None:
    ios = parse(IOS_NO_DENY.replace(" ip nat outside\n", ""), Platform.IOS)
    outcome = evaluate(ios, net("10.2.2.0/24"), net("10.1.1.0/24"), "GigabitEthernet0/1", "GigabitEthernet0/0")
    assert [p.verdict for p in outcome.pieces] == ["not-matched"]


def test_natsim_crypto_flows_follow_bound_entries() -> None:
    asa = parse(ASA84_PAT, Platform.ASA)
    flows = crypto_flows(asa)
    assert [(f.map_name, f.seq, f.interface, str(f.local), str(f.remote)) for f in flows] == [
        ("VPN", 10, "outside", "10.1.1.0/24", "10.2.2.0/24")]


def test_routing_longest_prefix_and_distance_tie_break() -> None:
    ios = parse(IOS_NO_DENY.replace(
        "ip route 0.0.0.0 0.0.0.0 198.51.100.1\n",
        "ip route 0.0.0.0 0.0.0.0 198.51.100.1\nip route 10.1.0.0 255.255.0.0 10.2.2.254 5\n"
        "ip route 10.1.0.0 255.255.0.0 198.51.100.1 10\n"), Platform.IOS)
    found = egress_for(ios, net("10.1.1.0/24"))
    assert (found.verdict, found.interface, found.route.distance if found.route else None) == (
        "route", "GigabitEthernet0/1", 5)
    assert egress_for(ios, net("10.2.2.128/25")).connected is not None
    assert egress_for(ios, net("8.8.8.0/24")).interface == "GigabitEthernet0/0"


def test_routing_dynamic_protocol_without_covering_route_is_unverifiable() -> None:
    ios = parse(IOS_NO_DENY.replace("ip route 0.0.0.0 0.0.0.0 198.51.100.1\n",
                                    "router ospf 1\n network 10.2.2.0 0.0.0.255 area 0\n"), Platform.IOS)
    assert egress_for(ios, net("10.1.1.0/24")).verdict == "unverifiable"
    plain = parse(IOS_NO_DENY.replace("ip route 0.0.0.0 0.0.0.0 198.51.100.1\n", ""), Platform.IOS)
    assert egress_for(plain, net("10.1.1.0/24")).verdict == "none"


# --------------------------------------------------------------------------- NAT-EXEMPT


def test_NAT_EXEMPT_asa84_fix_is_identity_twice_nat_with_existing_objects() -> None:
    [finding] = run("NAT-EXEMPT", parse(ASA84_PAT, Platform.ASA))
    assert finding.severity.value == "error"
    assert finding.fix[0].commands == (
        ("nat (inside,outside) 1 source static obj-inside obj-inside destination static obj-remote obj-remote "
         "no-proxy-arp route-lookup"),)
    assert "clear xlate" in (finding.caution or "")


def test_NAT_EXEMPT_asa9_without_objects_builds_them() -> None:
    text = ASA84_PAT.replace("object network obj-remote\n subnet 10.2.2.0 255.255.255.0\n", "")
    [finding] = run("NAT-EXEMPT", parse(text.replace("ASA Version 9.8(4)", "ASA Version 9.12(4)"), Platform.ASA))
    assert finding.fix[0].commands == (
        "object network NET-10_1_1_0-24", " subnet 10.1.1.0 255.255.255.0",
        "object network NET-10_2_2_0-24", " subnet 10.2.2.0 255.255.255.0",
        ("nat (inside,outside) 1 source static NET-10_1_1_0-24 NET-10_1_1_0-24 destination static "
         "NET-10_2_2_0-24 NET-10_2_2_0-24 no-proxy-arp route-lookup"),
    )


def test_NAT_EXEMPT_asa82_dynamic_nat_gets_nat0_acl() -> None:
    text = ASA82_NONAT.replace("nat (inside) 0 access-list NONAT\n", "").replace(
        "access-list NONAT extended permit ip 10.1.1.0 255.255.255.0 10.2.2.0 255.255.255.0\n", "")
    [finding] = run("NAT-EXEMPT", parse(text, Platform.ASA))
    assert finding.fix[0].commands == (
        "access-list NONAT extended permit ip 10.1.1.0 255.255.255.0 10.2.2.0 255.255.255.0",
        "nat (inside) 0 access-list NONAT",
    )


def test_NAT_EXEMPT_asa82_names_an_exemption_acl_that_no_nat0_binds() -> None:
    text = ASA82_NONAT.replace("nat (inside) 0 access-list NONAT\n", "")
    [finding] = run("NAT-EXEMPT", parse(text, Platform.ASA))
    assert "ACL NONAT would exempt this traffic" in finding.detail
    assert finding.fix[0].commands == ("nat (inside) 0 access-list NONAT",)


def test_NAT_EXEMPT_asa82_existing_nat0_acl_is_extended_not_replaced() -> None:
    text = ASA82_NONAT.replace("10.2.2.0 255.255.255.0\nnat (inside) 0", "10.9.9.0 255.255.255.0\nnat (inside) 0", 1)
    [finding] = run("NAT-EXEMPT", parse(text, Platform.ASA))
    assert finding.fix[0].commands == (
        "access-list NONAT extended permit ip 10.1.1.0 255.255.255.0 10.2.2.0 255.255.255.0",)


def test_NAT_EXEMPT_pix6_untranslated_traffic_is_dropped_and_fix_has_no_extended_keyword() -> None:
    pix = parse(PIX6.format(nonat="", nat="nat (inside) 1 10.4.4.0 255.255.255.0\nglobal (outside) 1 interface\n",
                            sysopt="sysopt connection permit-ipsec\n"), Platform.PIX6)
    [finding] = run("NAT-EXEMPT", pix)
    assert finding.fix[0].commands == (
        "access-list NONAT permit ip 10.4.4.0 255.255.255.0 10.1.1.0 255.255.255.0",
        "nat (inside) 0 access-list NONAT",
    )
    fixed = parse(PIX6.format(
        nonat="access-list NONAT permit ip 10.4.4.0 255.255.255.0 10.1.1.0 255.255.255.0\n",
        nat="nat (inside) 0 access-list NONAT\nnat (inside) 1 10.4.4.0 255.255.255.0\nglobal (outside) 1 interface\n",
        sysopt="sysopt connection permit-ipsec\n"), Platform.PIX6)
    assert run("NAT-EXEMPT", fixed) == []


def test_NAT_EXEMPT_ios_deny_goes_above_the_permit_of_the_nat_acl() -> None:
    [finding] = run("NAT-EXEMPT", parse(IOS_NO_DENY, Platform.IOS))
    assert finding.fix[0].commands == ("ip access-list extended 120", " 5 deny ip 10.2.2.0 0.0.0.255 10.1.1.0 0.0.0.255")
    assert "clear ip nat translation" in (finding.caution or "")


def test_NAT_EXEMPT_ios_route_map_targets_the_acl_of_the_permit_entry() -> None:
    text = IOS_NO_DENY.replace("ip nat inside source list 120 interface GigabitEthernet0/0 overload\n",
                               "route-map NONAT permit 10\n match ip address 120\n!\n"
                               "ip nat inside source route-map NONAT interface GigabitEthernet0/0 overload\n")
    [finding] = run("NAT-EXEMPT", parse(text, Platform.IOS))
    assert finding.fix[0].commands[0] == "ip access-list extended 120"
    fixed = text.replace("access-list 120 permit", "access-list 120 deny ip 10.2.2.0 0.0.0.255 10.1.1.0 0.0.0.255\n"
                                                   "access-list 120 permit")
    assert run("NAT-EXEMPT", parse(fixed, Platform.IOS)) == []


# --------------------------------------------------------------------------- NAT-PORTS / NAT-MATCH / NAT-DMZ


def test_NAT_PORTS_ios_deny_with_port_is_rewritten_in_place() -> None:
    text = fixture("NAT-EXEMPT/pass", "br1-rtr.cfg").replace(
        "access-list 120 deny ip 10.2.2.0 0.0.0.255 10.1.1.0 0.0.0.255",
        "access-list 120 deny tcp 10.2.2.0 0.0.0.255 10.1.1.0 0.0.0.255 eq 23")
    [finding] = run("NAT-PORTS", parse(text, Platform.IOS))
    assert finding.fix[0].commands == (
        "ip access-list extended 120", " no 10", " 10 deny ip 10.2.2.0 0.0.0.255 10.1.1.0 0.0.0.255")


def test_NAT_MATCH_asa84_partial_exemption_lists_the_gap() -> None:
    text = ASA84_PAT.replace(
        "access-list VPN-ACL extended permit ip 10.1.1.0 255.255.255.0 10.2.2.0 255.255.255.0",
        "access-list VPN-ACL extended permit ip 10.1.1.0 255.255.255.0 10.2.0.0 255.255.0.0")
    text = text.replace("route outside", "nat (inside,outside) source static obj-inside obj-inside destination "
                                         "static obj-remote obj-remote\nroute outside", 1)
    [finding] = run("NAT-MATCH", parse(text, Platform.ASA))
    assert finding.extra["uncovered"] == ["10.1.1.0/24 -> 10.2.0.0/23 ip", "10.1.1.0/24 -> 10.2.3.0-10.2.255.255 ip"]
    assert finding.fix[0].commands[-1] == (
        "nat (inside,outside) 1 source static obj-inside obj-inside destination static NET-10_2_0_0-16 "
        "NET-10_2_0_0-16 no-proxy-arp route-lookup")
    assert run("NAT-EXEMPT", parse(text, Platform.ASA)) == []


def test_NAT_DMZ_asa82_fix_binds_a_nat0_acl_on_the_dmz() -> None:
    text = fixture("NAT-DMZ/fail", "hq-asa.cfg")
    asa = parse(text.replace("ASA Version 9.8(4)", "ASA Version 8.2(5)").replace(
        "nat (inside,outside) source static obj-inside obj-inside destination static obj-vpnpool obj-vpnpool "
        "no-proxy-arp route-lookup\nobject network obj-inside\n nat (inside,outside) dynamic interface\n"
        "object network obj-dmznet\n nat (dmz,outside) dynamic interface\n",
        "access-list inside_nat0_outbound extended permit ip 10.1.1.0 255.255.255.0 192.168.1.0 255.255.255.0\n"
        "nat (inside) 0 access-list inside_nat0_outbound\nnat (inside) 1 10.1.1.0 255.255.255.0\n"
        "nat (dmz) 1 10.3.3.0 255.255.255.0\nglobal (outside) 1 interface\n").replace(
        " set ikev1 transform-set", " set transform-set").replace("ikev1 pre-shared-key", "pre-shared-key"),
        Platform.ASA)
    [finding] = run("NAT-DMZ", asa)
    assert finding.fix[0].commands == (
        "access-list dmz_nat0_outbound extended permit ip 10.3.3.0 255.255.255.0 192.168.1.0 255.255.255.0",
        "nat (dmz) 0 access-list dmz_nat0_outbound",
    )


def test_NAT_DMZ_asa84_fix_creates_objects_named_after_the_config() -> None:
    text = fixture("NAT-DMZ/fail", "hq-asa.cfg").replace(
        "object network obj-dmznet\n subnet 10.3.3.0 255.255.255.0\n", "").replace(
        "object network obj-dmznet\n nat (dmz,outside) dynamic interface\n",
        "nat (any,outside) after-auto source dynamic any interface\n")
    [finding] = run("NAT-DMZ", parse(text, Platform.ASA))
    assert finding.fix[0].commands == (
        "object network obj-dmz", " subnet 10.3.3.0 255.255.255.0",
        "nat (dmz,outside) 1 source static obj-dmz obj-dmz destination static obj-vpnpool obj-vpnpool",
    )


# --------------------------------------------------------------------------- routing checks


def test_RT_REMOTE_asa_route_via_inside_gets_route_outside_fix() -> None:
    text = fixture("FW-PRESERVE/fail", "hq-asa.cfg").replace(
        "route outside 0.0.0.0", "route inside 10.2.2.0 255.255.255.0 10.1.1.254 1\nroute outside 0.0.0.0")
    [finding] = run("RT-REMOTE", parse(text, Platform.ASA))
    assert finding.severity.value == "error"
    assert [f.commands for f in finding.fix] == [
        ("route outside 10.2.2.0 255.255.255.0 203.0.113.1",), ("crypto map VPN 10 set reverse-route",)]


def test_RT_REMOTE_dynamic_routing_without_static_is_info() -> None:
    text = IOS_NO_DENY.replace("ip route 0.0.0.0 0.0.0.0 198.51.100.1\n", "router eigrp 10\n network 10.0.0.0\n")
    [finding] = run("RT-REMOTE", parse(text, Platform.IOS))
    assert finding.severity.value == "info" and "show ip route 10.1.1.0" in finding.detail


def test_RT_REMOTE_no_route_at_all_is_error_with_ios_route() -> None:
    text = IOS_NO_DENY.replace("ip route 0.0.0.0 0.0.0.0 198.51.100.1\n", "")
    [finding] = run("RT-REMOTE", parse(text, Platform.IOS))
    assert "no route" in finding.detail
    assert finding.fix[0].commands == ("ip route 10.1.1.0 255.255.255.0 GigabitEthernet0/0",)


def test_RT_RRI_ios_ra_dynamic_map_without_reverse_route() -> None:
    text = IOS_NO_DENY.replace(
        "interface GigabitEthernet0/0",
        "crypto dynamic-map DYN 10\n set transform-set TS\n!\ncrypto map VPN 65535 ipsec-isakmp dynamic DYN\n!\n"
        "interface GigabitEthernet0/0").replace("ip route 0.0.0.0", "ip local pool RAPOOL 192.168.60.10 192.168.60.50\n"
                                                                    "ip route 0.0.0.0")
    [finding] = run("RT-RRI", parse(text, Platform.IOS))
    assert finding.fix[0].commands == ("crypto dynamic-map DYN 10", " reverse-route")


def test_RT_POOLOVERLAP_ios_pool_fix_uses_ios_syntax() -> None:
    text = IOS_NO_DENY.replace("ip route 0.0.0.0", "ip local pool RAPOOL 10.2.2.100 10.2.2.150\nip route 0.0.0.0")
    [finding] = run("RT-POOLOVERLAP", parse(text, Platform.IOS))
    assert finding.fix[0].commands == ("no ip local pool RAPOOL", "ip local pool RAPOOL 192.168.255.193 192.168.255.243")


# --------------------------------------------------------------------------- firewall checks


def test_FW_SYSOPT_pix6_permit_ipsec_off_by_default_without_outside_acl() -> None:
    pix = parse(PIX6.format(
        nonat="access-list NONAT permit ip 10.4.4.0 255.255.255.0 10.1.1.0 255.255.255.0\n",
        nat="nat (inside) 0 access-list NONAT\n", sysopt=""), Platform.PIX6)
    [finding] = run("FW-SYSOPT", pix)
    assert finding.severity.value == "error" and "off by default" in finding.detail
    assert finding.fix[0].commands == ("sysopt connection permit-ipsec",)
    assert finding.fix[1].commands == ("access-list outside_access_in permit ip 10.1.1.0 255.255.255.0 10.4.4.0 255.255.255.0",
                                       "access-group outside_access_in in interface outside")


def test_FW_SYSOPT_acl_permitting_the_decrypted_flows_is_info() -> None:
    text = fixture("FW-SYSOPT/fail", "hq-asa.cfg").replace(
        "access-group OUTSIDE-IN", "access-list OUTSIDE-IN extended permit ip 10.2.2.0 255.255.255.0 10.1.1.0 "
                                   "255.255.255.0\naccess-group OUTSIDE-IN")
    [finding] = run("FW-SYSOPT", parse(text, Platform.ASA))
    assert finding.severity.value == "info" and finding.fix == ()


def test_FW_PORTS_asa_interface_acl_does_not_filter_ike_to_the_box() -> None:
    text = fixture("FW-SYSOPT/fail", "hq-asa.cfg")
    assert run("FW-PORTS", parse(text, Platform.ASA)) == []
    cp = text.replace("access-group OUTSIDE-IN in interface outside",
                      "access-group OUTSIDE-IN in interface outside control-plane")
    [finding] = run("FW-PORTS", parse(cp, Platform.ASA))
    assert finding.fix[0].commands[0] == (
        "access-list OUTSIDE-IN line 1 extended permit udp host 198.51.100.2 host 203.0.113.2 eq isakmp")


def test_FW_PORTS_ios_natt_off_requires_esp_only() -> None:
    text = fixture("FW-PORTS/fail", "br1-rtr.cfg").replace(
        " permit tcp any any established\n",
        " permit tcp any any established\n permit udp host 203.0.113.2 host 198.51.100.2 eq isakmp\n").replace(
        "crypto isakmp key", "no crypto ipsec nat-transparency udp-encapsulation\ncrypto isakmp key")
    [finding] = run("FW-PORTS", parse(text, Platform.IOS))
    assert finding.fix[0].commands == ("ip access-list extended OUTSIDE-IN",
                                       " 5 permit esp host 203.0.113.2 host 198.51.100.2")


def test_FW_MGMT_inside_address_in_crypto_acl_without_mgmt_lines_is_info() -> None:
    [finding] = run("FW-MGMT", parse(fixture("FW-PRESERVE/fail", "hq-asa.cfg"), Platform.ASA))
    assert finding.severity.value == "info" and finding.fix[0].commands == ("management-access inside",)


def test_FW_INTRA_pool_to_spoke_traffic_needs_intra_interface() -> None:
    text = fixture("FW-PRESERVE/fail", "hq-asa.cfg").replace(
        "access-list VPN-ACL extended permit ip 10.1.1.0 255.255.255.0 10.2.2.0 255.255.255.0",
        "access-list VPN-ACL extended permit ip 10.1.1.0 255.255.255.0 10.2.2.0 255.255.255.0\n"
        "access-list VPN-ACL extended permit ip 192.168.1.0 255.255.255.0 10.2.2.0 255.255.255.0").replace(
        "crypto map VPN interface", "ip local pool VPNPOOL 192.168.1.10-192.168.1.200 mask 255.255.255.0\n"
                                    "crypto map VPN interface")
    [finding] = run("FW-INTRA", parse(text, Platform.ASA))
    assert "address pool VPNPOOL" in finding.detail


def test_FW_PRESERVE_is_info_and_never_on_ios() -> None:
    [finding] = run("FW-PRESERVE", parse(fixture("FW-PRESERVE/fail", "hq-asa.cfg"), Platform.ASA))
    assert finding.severity.value == "info"
    assert run("FW-PRESERVE", parse(IOS_NO_DENY, Platform.IOS)) == []
