"""The parse speed-ups answer exactly what the slow forms they replace answer."""

from __future__ import annotations

import random
from ipaddress import IPv4Address, IPv4Network

from ipsec_doctor.dialects import tree
from ipsec_doctor.dialects.common import ipv4_int, mask_to_prefix, network_from_mask, wildcard_to_prefix

_LINES = [
    "crypto map CMAP 10 ipsec-isakmp", "crypto map CMAP 10", "crypto isakmp key k address 1.1.1.1",
    "crypto isakmp policy 10", "CRYPTO ISAKMP POLICY 10", "crypto  ikev2 profile P", "crypto dynamic-map D 10",
    "crypto dynamic-map D 10 x", "crypto ipsec client ezvpn E", "interface Gi0/0", "ip access-list extended A",
    "ip route 0.0.0.0 0.0.0.0 1.1.1.1", "ip nat inside", "ip nat inside source list X", "webvpn", "webvpnx",
    "control-plane", "hostname R1", "set peer 1.1.1.1", "10 permit ip any any", "no shutdown", "no ip address",
    "identity local address 1.1.1.1", "\u212aey chain K", "\u0130nterface x", "\u017fet peer 1.1.1.1",
    "\u0131p route 1.1.1.1", "key\tchain K", "crypto\u00a0map M 1 ipsec-isakmp", "", "x", "9", "\u0663 x",
]


def _cases() -> list[str]:
    rng = random.Random(7)
    words = sorted({w for line in _LINES for w in line.split()})
    cases = list(_LINES)
    for _ in range(3000):
        line = " ".join(rng.choice(words) for _ in range(rng.randint(1, 5)))
        cases.append("".join(c.upper() if rng.random() < 0.2 else c for c in line))
    return cases


def test_tree_block_opener_fast_match_equals_the_block_openers_regex() -> None:
    cases = _cases()
    expected = [bool(tree.BLOCK_OPENERS.match(t)) for t in cases]
    assert [tree._is_opener(t) for t in cases] == expected
    assert any(expected) and not all(expected)


def test_tree_child_prefix_fast_match_equals_the_child_prefixes_regex() -> None:
    cases = _cases()
    expected = [bool(tree.CHILD_PREFIXES.match(t)) for t in cases]
    assert [tree._is_child(t) for t in cases] == expected
    assert any(expected) and not all(expected)


def test_ipv4_int_accepts_exactly_what_ipaddress_accepts() -> None:
    rng = random.Random(11)
    tokens = ["1.2.3.4", "01.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5",
              "1.2.3.4\n", "1.2.3.\u0663", " 1.2.3.4", "1.2.3.4/8", ""]
    for _ in range(5000):
        tokens.append(".".join(rng.choice(["0", "00", "7", "07", "255", "256", "1000", "", "a"]) for _ in range(4)))

    def reference(token: str) -> int | None:
        try:
            return int(IPv4Address(token))
        except ValueError:
            return None

    assert [ipv4_int(t) for t in tokens] == [reference(t) for t in tokens]


def test_mask_helpers_keep_their_results() -> None:
    assert mask_to_prefix("255.255.255.0") == 24
    assert mask_to_prefix("255.0.255.0") is None
    assert mask_to_prefix("0.0.0.0") == 0
    assert wildcard_to_prefix("0.0.0.255") == 24
    assert wildcard_to_prefix("0.0.255.0") is None
    assert network_from_mask("10.1.2.3", "0.0.255.255", wildcard=True) == IPv4Network("10.1.0.0/16")
    assert network_from_mask("10.1.2.3", "255.255.255.255") == IPv4Network("10.1.2.3/32")
    assert network_from_mask("10.1.2.300", "255.0.0.0") is None
