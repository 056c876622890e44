"""The command tree: indentation, scripts, lost indentation, banners, certificates, comments."""

from __future__ import annotations

from pathlib import Path

from ipsec_doctor.dialects.tree import Node, build_tree
from ipsec_doctor.inputs import load

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"


def _tree(name: str, *, asa_banners: bool = False) -> list[Node]:
    return build_tree(load([FIXTURES / name]).configs[0].lines, asa_banners=asa_banners)


def _find(roots: list[Node], prefix: str) -> list[Node]:
    return [node for node in roots if node.text.startswith(prefix)]


def _children(node: Node) -> list[str]:
    return [child.text for child in node.children]


def test_tree_indented_show_run_nests_children_under_their_parent() -> None:
    roots = _tree("ios_show_run_prompt.txt")
    policy = _find(roots, "crypto isakmp policy 10")[0]
    assert _children(policy) == ["encr aes 256", "authentication pre-share", "group 14"]
    assert [n.line for n in _find(roots, "crypto isakmp key")] == [13]


def test_tree_unindented_script_with_exit_keeps_block_children() -> None:
    roots = _tree("ios_script.txt")
    policy = _find(roots, "crypto isakmp policy 10")[0]
    assert _children(policy) == ["encr aes 256", "hash sha", "authentication pre-share", "group 14"]
    cmap = _find(roots, "crypto map CMAP 10")[0]
    assert _children(cmap) == ["set peer 198.51.100.2", "match address 101"]
    interfaces = _find(roots, "interface GigabitEthernet0/0")
    assert [_children(i) for i in interfaces] == [
        ["ip address 203.0.113.1 255.255.255.0", "no shutdown"],
        ["crypto map CMAP"],
    ]
    assert _find(roots, "access-list 101")[0].children == []


def test_tree_unindented_script_without_exit_closes_block_on_a_non_child_line() -> None:
    lines = ["crypto isakmp policy 10", "encr aes", "group 14", "crypto isakmp key k address 1.1.1.1", "set peer 1.1.1.1"]
    roots = build_tree(list(enumerate(lines, 1)))
    assert [(r.text.split()[0:3], len(r.children)) for r in roots] == [
        (["crypto", "isakmp", "policy"], 2),
        (["crypto", "isakmp", "key"], 0),
        (["set", "peer", "1.1.1.1"], 0),
    ]


def test_tree_lost_indentation_inside_an_indented_block_is_repaired() -> None:
    roots = _tree("lost_indent_asa.txt", asa_banners=True)
    policy = _find(roots, "crypto isakmp policy 10")[0]
    assert _children(policy) == ["authentication pre-share", "encryption 3des", "hash sha", "group 2", "lifetime 86400"]
    group_policy = _find(roots, "group-policy GP attributes")[0]
    assert _children(group_policy) == ["vpn-tunnel-protocol IPSec", "dns-server value 10.0.0.53", "default-domain value example.net"]
    # a top-level command that merely looks like a sub-command stays top level after an indented block
    assert [n.text for n in _find(roots, "timeout")] == ["timeout xlate 3:00"]


def test_tree_top_level_lines_shifted_by_one_space_are_top_level() -> None:
    roots = _tree("doc_shifted_ios.txt")
    texts = [r.text for r in roots]
    assert "crypto isakmp policy 1" in texts
    assert "crypto map static-map 1 ipsec-isakmp dynamic dynmap" in texts
    assert _children(_find(roots, "crypto isakmp policy 1")[0]) == ["encryption 3des", "authentication pre-share", "group 2"]
    assert _children(_find(roots, "crypto dynamic-map dynmap 1")[0]) == ["set transform-set vpn1", "reverse-route"]
    assert _children(_find(roots, "interface FastEthernet0")[0]) == ["ip address 192.1.12.2 255.255.255.0", "crypto map static-map"]
    assert _children(_find(roots, "interface Vlan1")[0]) == ["ip address 192.168.1.1 255.255.255.0"]


def test_tree_banners_and_certificates_are_skipped_and_bang_is_a_comment_only_at_line_start() -> None:
    roots = _tree("ios_banners_certs.txt")
    texts = [r.text for r in roots]
    assert [r.line for r in roots if r.text.startswith("banner")] == [3, 4, 8]
    assert not any(t.startswith(("interface Fake0", "IPSec VPN lab", "(this line")) for t in texts)
    assert [r.line for r in roots if r.text.startswith("crypto isakmp policy")] == [17]  # not the banner's line 5
    chain = _find(roots, "crypto pki certificate chain")[0]
    assert _children(chain) == ["certificate self-signed 01"] and chain.children[0].children == []
    assert _children(_find(roots, "crypto isakmp policy 10")[0]) == ["encr aes", "authentication pre-share"]
    key_line = _find(roots, "crypto isakmp key")[0]
    assert key_line.line == 20 and key_line.text.endswith("address 0.0.0.0")


def test_tree_asa_one_line_banners_are_plain_commands() -> None:
    roots = _tree("asa_show_run.txt", asa_banners=True)
    assert [r.line for r in roots if r.text.startswith("banner motd")] == [16, 17]
    chain = _find(roots, "crypto ca certificate chain")[0]
    assert _children(chain) == ["certificate 3a1b2c"]
    assert _find(roots, "crypto ikev1 enable")[0].line == 29  # the certificate's quit did not eat it


def test_tree_unclosed_banner_does_not_swallow_the_configuration() -> None:
    lines = ["banner motd ~", "welcome", "crypto isakmp policy 10", " encr aes"]
    roots = build_tree(list(enumerate(lines, 1)))
    assert [r.line for r in roots] == [1, 2, 3]
    assert _children(roots[2]) == ["encr aes"]


def test_tree_certificate_block_without_quit_stops_at_the_next_command() -> None:
    lines = ["crypto pki certificate chain TP", " certificate 01", "  3082 0201", "crypto isakmp policy 5", " hash sha"]
    roots = build_tree(list(enumerate(lines, 1)))
    assert [r.text for r in roots] == ["crypto pki certificate chain TP", "crypto isakmp policy 5"]
    assert _children(roots[1]) == ["hash sha"]


def test_tree_indented_exit_leaves_only_the_current_block() -> None:
    lines = ["router bgp 65000", " address-family ipv4", "  network 10.0.0.0", " exit-address-family", " neighbor 1.1.1.1 remote-as 1"]
    roots = build_tree(list(enumerate(lines, 1)))
    assert _children(roots[0]) == ["address-family ipv4", "neighbor 1.1.1.1 remote-as 1"]
