"""Remote-access, keepalive, MSS and platform checks: platform variants and exact fix commands.

The failing/passing snapshots live in tests/checks/<ID>/; these tests cover
what differs per platform and version (ASA 8.2 vs 8.4+/9.x, IOS, PIX 6).
"""

from __future__ import annotations

from ipsec_doctor.checks import Context, registry
from ipsec_doctor.dialects import parse_config
from ipsec_doctor.findings import Finding, Severity
from ipsec_doctor.inputs import ConfigSection
from ipsec_doctor.model import Platform


def run_check(catalog_id: str, text: str, platform: Platform) -> list[Finding]:
    section = ConfigSection("snap.cfg", list(enumerate(text.splitlines(), 1)), platform)
    device = parse_config(section)
    return list(registry()[catalog_id](Context([device])))


ASA_RA = """\
ASA Version {version}
hostname HQ-ASA
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.2 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.10.0.1 255.255.255.0
ip local pool RAPOOL 10.20.0.10-10.20.0.200 mask 255.255.255.0
{extra}
group-policy RA-GP internal
group-policy RA-GP attributes
{attrs}
tunnel-group RA-USERS type remote-access
tunnel-group RA-USERS general-attributes
 address-pool RAPOOL
 default-group-policy RA-GP
{general}
"""


def asa(version: str = "9.8(4)", extra: str = "", attrs: str = " vpn-tunnel-protocol ikev1", general: str = "") -> str:
    return ASA_RA.format(version=version, extra=extra, attrs=attrs, general=general)


IOS_EZVPN = """\
version 15.4
hostname EZ-RTR
crypto isakmp policy 10
 encr aes 256
 authentication pre-share
 group 14
 lifetime {lifetime}
crypto isakmp client configuration group REMOTE
 key ezCanaryKey
 dns 192.168.50.53
 domain corp.example
 pool EZPOOL
 acl {acl}
{group_extra}
interface GigabitEthernet0/0
 ip address 198.51.100.2 255.255.255.0
 ip nat outside
interface GigabitEthernet0/1
 ip address 192.168.50.1 255.255.255.0
 ip nat inside
ip local pool EZPOOL {pool}
{extra}
"""


def ios(lifetime: int = 86400, acl: str = "SPLIT", group_extra: str = " split-dns corp.example",
        pool: str = "10.30.0.10 10.30.0.100", extra: str = "") -> str:
    return IOS_EZVPN.format(lifetime=lifetime, acl=acl, group_extra=group_extra, pool=pool, extra=extra)


IOS_SPLIT_OK = "ip access-list extended SPLIT\n permit ip 192.168.50.0 0.0.0.255 any"


# --------------------------------------------------------------------------- RA-SPLITACL


def test_asa_split_list_naming_missing_acl_is_an_error_with_standard_acl_fix() -> None:
    found = run_check("RA-SPLITACL", asa(attrs=" split-tunnel-policy tunnelspecified\n"
                                               " split-tunnel-network-list value NOSUCH"), Platform.ASA)
    assert [f.severity for f in found] == [Severity.ERROR]
    assert found[0].fix[0].commands == ("access-list NOSUCH standard permit 10.10.0.0 255.255.255.0",)


def test_asa_split_list_inherited_policy_from_dfltgrppolicy_is_checked() -> None:
    text = asa(extra="access-list SPLIT extended permit ip 10.10.0.0 255.255.255.0 any\n"
                     "group-policy DfltGrpPolicy attributes\n split-tunnel-policy tunnelspecified",
               attrs=" split-tunnel-network-list value SPLIT")
    found = run_check("RA-SPLITACL", text, Platform.ASA)
    assert [f.severity for f in found] == [Severity.WARNING]
    assert "split-tunnel-network-list value SPLIT-STD" in " ".join(found[0].fix[0].commands)


def test_ios_split_acl_with_source_any_disables_split_tunnelling() -> None:
    text = ios(extra="ip access-list extended SPLIT\n permit ip any 10.30.0.0 0.0.0.255")
    found = run_check("RA-SPLITACL", text, Platform.IOS)
    assert [f.severity for f in found] == [Severity.WARNING]
    assert found[0].fix[0].commands == (
        "ip access-list extended REMOTE-SPLIT",
        " permit ip 192.168.50.0 0.0.0.255 any",
        "crypto isakmp client configuration group REMOTE",
        " acl REMOTE-SPLIT",
    )
    assert run_check("RA-SPLITACL", ios(extra=IOS_SPLIT_OK), Platform.IOS) == []


def test_ios_split_acl_that_does_not_exist_is_an_error() -> None:
    found = run_check("RA-SPLITACL", ios(acl="MISSING"), Platform.IOS)
    assert [(f.severity, f.key) for f in found] == [(Severity.ERROR, "REMOTE missing")]


# --------------------------------------------------------------------------- RA-SPLITPOL


def test_asa_explicit_tunnelall_with_split_list_is_reported_as_ignored() -> None:
    found = run_check("RA-SPLITPOL", asa(attrs=" split-tunnel-policy tunnelall\n"
                                               " split-tunnel-network-list value SPLIT"), Platform.ASA)
    assert len(found) == 1 and "its split-tunnel-policy is tunnelall" in found[0].detail
    assert found[0].fix[0].commands == ("group-policy RA-GP attributes", " split-tunnel-policy tunnelspecified")


def test_asa_excludespecified_for_easy_vpn_hardware_clients_is_info() -> None:
    text = asa(attrs=" split-tunnel-policy excludespecified\n split-tunnel-network-list value LOCAL\n nem enable")
    found = run_check("RA-SPLITPOL", text, Platform.ASA)
    assert [f.severity for f in found] == [Severity.INFO]
    assert " split-tunnel-policy tunnelspecified" in found[0].fix[0].commands
    plain = asa(attrs=" split-tunnel-policy excludespecified\n split-tunnel-network-list value LOCAL")
    assert run_check("RA-SPLITPOL", plain, Platform.ASA) == []


# --------------------------------------------------------------------------- RA-DNS / RA-SPLITDNS


def test_asa_bound_policy_without_dns_gets_dns_server_fix_with_device_domain() -> None:
    found = run_check("RA-DNS", "domain-name corp.example\n" + asa(), Platform.ASA)
    assert len(found) == 1
    assert found[0].fix[0].commands == (
        "group-policy RA-GP attributes", " dns-server value <dns-server>", " default-domain value corp.example",
    )
    with_dns = asa(attrs=" dns-server value 10.10.0.53")
    assert run_check("RA-DNS", with_dns, Platform.ASA) == []


def test_asa_dns_inherited_from_dfltgrppolicy_counts() -> None:
    text = asa(extra="group-policy DfltGrpPolicy attributes\n dns-server value 10.10.0.53")
    assert run_check("RA-DNS", text, Platform.ASA) == []


def test_ios_client_group_with_split_acl_and_dns_but_no_split_dns_is_info() -> None:
    found = run_check("RA-SPLITDNS", ios(group_extra="", extra=IOS_SPLIT_OK), Platform.IOS)
    assert [f.severity for f in found] == [Severity.INFO]
    assert found[0].fix[0].commands == ("crypto isakmp client configuration group REMOTE", " split-dns corp.example")
    assert run_check("RA-SPLITDNS", ios(extra=IOS_SPLIT_OK), Platform.IOS) == []


# --------------------------------------------------------------------------- RA-POOLSIZE


def test_asa_pool_missing_is_an_error() -> None:
    text = asa(general=" address-pool RAPOOL OTHERPOOL").replace(" address-pool RAPOOL\n", "", 1)
    found = run_check("RA-POOLSIZE", text, Platform.ASA)
    assert [(f.severity, f.key) for f in found] == [(Severity.ERROR, "missing OTHERPOOL tunnel-group RA-USERS")]


def test_asa_group_policy_address_pools_overrides_tunnel_group_pool() -> None:
    text = asa(extra="ip local pool GPPOOL 10.21.0.1-10.21.0.250 mask 255.255.255.0",
               attrs=" address-pools value GPPOOL")
    found = run_check("RA-POOLSIZE", text, Platform.ASA)
    assert [f.severity for f in found] == [Severity.INFO]
    assert "takes precedence" in found[0].detail and "GPPOOL" in found[0].detail


def test_asa_session_limit_larger_than_pools_is_a_warning() -> None:
    found = run_check("RA-POOLSIZE", asa(extra="vpn-sessiondb max-session-limit 450"), Platform.ASA)
    assert [(f.severity, f.key) for f in found] == [(Severity.WARNING, "session-limit")]
    assert "191 addresses" in found[0].detail
    assert " address-pool RAPOOL RAPOOL-2" in found[0].fix[0].commands


def test_ios_small_pool_fix_uses_ios_pool_syntax() -> None:
    found = run_check("RA-POOLSIZE", ios(pool="10.30.0.10 10.30.0.12", extra=IOS_SPLIT_OK), Platform.IOS)
    assert [f.severity for f in found] == [Severity.WARNING]
    assert found[0].fix[0].commands == ("no ip local pool EZPOOL 10.30.0.10 10.30.0.12",
                                        "ip local pool EZPOOL 10.30.0.10 10.30.0.254")


# --------------------------------------------------------------------------- RA-POOLNETBC


def test_asa_pool_spanning_two_subnets_is_split_and_listed_in_order() -> None:
    text = asa().replace("10.20.0.10-10.20.0.200 mask 255.255.255.0", "10.20.0.1-10.20.1.254 mask 255.255.255.0")
    found = run_check("RA-POOLNETBC", text, Platform.ASA)
    assert [f.severity for f in found] == [Severity.ERROR]
    assert found[0].fix[0].commands == (
        "no ip local pool RAPOOL 10.20.0.1-10.20.1.254 mask 255.255.255.0",
        "ip local pool RAPOOL 10.20.0.1-10.20.0.254 mask 255.255.255.0",
        "ip local pool RAPOOL-2 10.20.1.1-10.20.1.254 mask 255.255.255.0",
        "tunnel-group RA-USERS general-attributes",
        " address-pool RAPOOL RAPOOL-2",
    )


def test_ios_pool_with_client_group_netmask_including_broadcast_is_an_error() -> None:
    text = ios(pool="10.30.0.1 10.30.0.255", group_extra=" split-dns corp.example\n netmask 255.255.255.0",
               extra=IOS_SPLIT_OK)
    found = run_check("RA-POOLNETBC", text, Platform.IOS)
    assert [f.severity for f in found] == [Severity.ERROR]
    assert found[0].fix[0].commands == ("no ip local pool EZPOOL 10.30.0.1 10.30.0.255",
                                        "ip local pool EZPOOL 10.30.0.1 10.30.0.254")
    without_mask = ios(pool="10.30.0.1 10.30.0.255", extra=IOS_SPLIT_OK)
    assert run_check("RA-POOLNETBC", without_mask, Platform.IOS) == []


# --------------------------------------------------------------------------- RA-SIMUL


def test_asa_simultaneous_logins_default_three_is_info_and_explicit_two_is_warning() -> None:
    default = run_check("RA-SIMUL", asa(), Platform.ASA)
    assert [f.severity for f in default] == [Severity.INFO]
    assert default[0].fix[0].commands == ("group-policy RA-GP attributes", " vpn-simultaneous-logins 20")
    low = run_check("RA-SIMUL", asa(attrs=" vpn-simultaneous-logins 2"), Platform.ASA)
    assert [f.severity for f in low] == [Severity.WARNING]
    assert run_check("RA-SIMUL", asa(attrs=" vpn-simultaneous-logins 5"), Platform.ASA) == []


def test_asa_user_with_zero_simultaneous_logins_is_an_error() -> None:
    text = asa(attrs=" vpn-simultaneous-logins 5", extra="username bob attributes\n vpn-simultaneous-logins 0")
    found = run_check("RA-SIMUL", text, Platform.ASA)
    assert [(f.severity, f.key) for f in found] == [(Severity.ERROR, "user bob")]


# --------------------------------------------------------------------------- RA-IDLE


def test_asa_l2l_tunnel_group_inherits_default_idle_timeout() -> None:
    text = asa(attrs=" vpn-idle-timeout none", extra="tunnel-group 198.51.100.7 type ipsec-l2l")
    found = run_check("RA-IDLE", text, Platform.ASA)
    assert [f.key for f in found] == ["DfltGrpPolicy"]
    assert "Site-to-site tunnel(s) 198.51.100.7" in found[0].detail
    assert found[0].fix[0].commands == ("group-policy DfltGrpPolicy attributes", " vpn-idle-timeout none")


def test_ios_low_sa_idle_time_is_a_warning_citing_the_line() -> None:
    found = run_check("RA-IDLE", ios(extra="crypto ipsec security-association idle-time 120"), Platform.IOS)
    assert [f.severity for f in found] == [Severity.WARNING]
    assert found[0].evidence[0].text == "crypto ipsec security-association idle-time 120"
    assert found[0].fix[0].commands == ("no crypto ipsec security-association idle-time",)
    assert run_check("RA-IDLE", ios(extra="crypto ipsec security-association idle-time 3600"), Platform.IOS) == []


# --------------------------------------------------------------------------- RA-XAUTHRADIUS


def test_asa_undefined_authentication_server_group_is_an_error() -> None:
    found = run_check("RA-XAUTHRADIUS", asa(general=" authentication-server-group NOPE"), Platform.ASA)
    assert [f.severity for f in found] == [Severity.ERROR]
    assert found[0].fix[0].commands[0] == "aaa-server NOPE protocol radius"


def test_asa_radius_host_without_timeout_is_info_and_xauth_off_is_skipped() -> None:
    extra = "aaa-server RAD protocol radius\naaa-server RAD (inside) host 10.10.0.7"
    found = run_check("RA-XAUTHRADIUS", asa(extra=extra, general=" authentication-server-group RAD"), Platform.ASA)
    assert [f.severity for f in found] == [Severity.INFO]
    assert found[0].fix[0].commands[0] == (
        "test aaa-server authentication RAD host 10.10.0.7 username <user> password <password>")
    no_xauth = asa(extra=extra, general=" authentication-server-group RAD") + (
        "tunnel-group RA-USERS ipsec-attributes\n isakmp ikev1-user-authentication none\n")
    assert run_check("RA-XAUTHRADIUS", no_xauth, Platform.ASA) == []


# --------------------------------------------------------------------------- P1-MAXLIFE


def _policy(prefix: str, lifetime: str) -> str:
    return f"{prefix} 10\n authentication pre-share\n encryption aes-256\n hash sha\n group 2\n lifetime {lifetime}"


def test_asa_82_maxlife_fix_uses_crypto_isakmp_policy() -> None:
    text = asa(version="8.2(5)", extra=_policy("crypto isakmp policy", "14400"))
    found = run_check("P1-MAXLIFE", text, Platform.ASA)
    assert found[0].fix[0].commands == ("crypto isakmp policy 10 lifetime none",)
    assert found[0].caution and "weakens security" in found[0].caution


def test_asa_9x_maxlife_fix_uses_ikev1_policy_block_and_offers_re_xauth_disable() -> None:
    text = asa(extra=_policy("crypto ikev1 policy", "14400"), attrs=" re-xauth enable")
    found = run_check("P1-MAXLIFE", text, Platform.ASA)
    assert [fx.commands for fx in found[0].fix] == [
        ("crypto ikev1 policy 10", " lifetime none"),
        ("group-policy RA-GP attributes", " re-xauth disable"),
    ]
    assert run_check("P1-MAXLIFE", asa(extra=_policy("crypto ikev1 policy", "none")), Platform.ASA) == []


def test_pix6_maxlife_fix_uses_lifetime_zero() -> None:
    text = ("PIX Version 6.3(5)\nhostname PIX\nnameif ethernet0 outside security0\n"
            "ip local pool VPN 10.40.0.1-10.40.0.100\n"
            "crypto ipsec transform-set TS esp-3des esp-sha-hmac\n"
            "crypto dynamic-map DYN 10 set transform-set TS\n"
            "crypto map M 65535 ipsec-isakmp dynamic DYN\n"
            "isakmp policy 10 authentication pre-share\nisakmp policy 10 lifetime 86400\n")
    found = run_check("P1-MAXLIFE", text, Platform.PIX6)
    assert found[0].fix[0].commands == ("isakmp policy 10 lifetime 0",)


def test_ios_client_groups_with_short_lifetime_get_86400() -> None:
    found = run_check("P1-MAXLIFE", ios(lifetime=3600, extra=IOS_SPLIT_OK), Platform.IOS)
    assert found[0].fix[0].commands == ("crypto isakmp policy 10", " lifetime 86400")
    assert run_check("P1-MAXLIFE", ios(extra=IOS_SPLIT_OK), Platform.IOS) == []


# --------------------------------------------------------------------------- P1-KEEPALIVE


L2L_TG = "tunnel-group 198.51.100.7 type ipsec-l2l\ntunnel-group 198.51.100.7 ipsec-attributes\n"


def test_asa_l2l_keepalive_disable_is_a_warning_on_82_and_9x() -> None:
    for version, psk in (("8.2(5)", " pre-shared-key l2lCanary"), ("9.8(4)", " ikev1 pre-shared-key l2lCanary")):
        text = asa(version=version, extra=L2L_TG + psk + "\n isakmp keepalive disable")
        found = run_check("P1-KEEPALIVE", text, Platform.ASA)
        assert [f.key for f in found] == ["198.51.100.7"]
        assert found[0].fix[0].commands == ("tunnel-group 198.51.100.7 ipsec-attributes",
                                            " isakmp keepalive threshold 15 retry 10")
        assert "l2lCanary" not in repr(found)


def test_asa_remote_access_keepalive_disable_is_left_alone() -> None:
    text = asa() + "tunnel-group RA-USERS ipsec-attributes\n isakmp keepalive disable\n"
    assert run_check("P1-KEEPALIVE", text, Platform.ASA) == []


def test_ios_isakmp_profile_keepalive_counts_as_dpd() -> None:
    text = ios(extra=IOS_SPLIT_OK + "\ncrypto isakmp profile RA\n match identity group REMOTE\n keepalive 20 retry 5")
    assert run_check("P1-KEEPALIVE", text, Platform.IOS) == []
    found = run_check("P1-KEEPALIVE", ios(extra=IOS_SPLIT_OK), Platform.IOS)
    assert found[0].fix[0].commands == ("crypto isakmp keepalive 15",)


# --------------------------------------------------------------------------- MTU-MSS


VTI = """\
version 15.4
hostname HUB
crypto ipsec profile PROF
 set transform-set TS
interface GigabitEthernet0/0
 ip address 198.51.100.2 255.255.255.0
interface Tunnel{n}
 ip address 172.16.0.1 255.255.255.252
 tunnel source GigabitEthernet0/0
 tunnel destination 203.0.113.9
{mode} tunnel protection ipsec profile PROF
{mss}"""


def test_ios_vti_without_adjust_mss_gets_1360_and_gre_gets_1350() -> None:
    vti = run_check("MTU-MSS", VTI.format(n=1, mode=" tunnel mode ipsec ipv4\n", mss=""), Platform.IOS)
    assert vti[0].fix[0].commands == ("interface Tunnel1", " ip tcp adjust-mss 1360")
    gre = run_check("MTU-MSS", VTI.format(n=2, mode="", mss=""), Platform.IOS)
    assert gre[0].fix[0].commands == ("interface Tunnel2", " ip tcp adjust-mss 1350")
    ok = VTI.format(n=1, mode=" tunnel mode ipsec ipv4\n", mss=" ip tcp adjust-mss 1360")
    assert run_check("MTU-MSS", ok, Platform.IOS) == []


def test_ios_crypto_map_clamp_on_lan_interface_counts_but_too_high_value_does_not() -> None:
    base = ("hostname R\ncrypto map VPN 10 ipsec-isakmp\n set peer 203.0.113.2\n match address A\n"
            "interface GigabitEthernet0/0\n ip address 198.51.100.2 255.255.255.0\n crypto map VPN\n"
            "interface GigabitEthernet0/1\n ip address 192.168.50.1 255.255.255.0\n ip tcp adjust-mss {v}\n")
    assert run_check("MTU-MSS", base.format(v=1360), Platform.IOS) == []
    found = run_check("MTU-MSS", base.format(v=1452), Platform.IOS)
    assert "clamps MSS to 1452" in found[0].detail


def test_asa_tcpmss_raised_or_zero_is_a_warning_and_minimum_line_is_not_misread() -> None:
    for value in ("1460", "0"):
        found = run_check("MTU-MSS", asa(extra=f"sysopt connection tcpmss {value}"), Platform.ASA)
        assert found[0].fix[0].commands == ("sysopt connection tcpmss 1380",)
    show_all = "sysopt connection tcpmss 1380\nsysopt connection tcpmss minimum 0"
    assert run_check("MTU-MSS", asa(extra=show_all), Platform.ASA) == []


# --------------------------------------------------------------------------- PLAT-LOWMEM


def test_asa_logging_queue_zero_on_unknown_model_is_info() -> None:
    found = run_check("PLAT-LOWMEM", asa(extra="logging queue 0"), Platform.ASA)
    assert [f.severity for f in found] == [Severity.INFO]
    assert found[0].fix[0].commands == ("logging queue 512",)
    assert run_check("PLAT-LOWMEM", asa(extra="logging queue 1024"), Platform.ASA) == []
