"""Random edits of real configs never make a dialect raise (property-based)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipsec_doctor.dialects import parse_config
from ipsec_doctor.inputs import ConfigSection
from ipsec_doctor.model import Platform

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {
    Platform.ASA: (ROOT / "examples" / "snapshot" / "hq-asa.cfg").read_text().splitlines(),
    Platform.IOS: (ROOT / "examples" / "snapshot" / "br1-rtr.cfg").read_text().splitlines(),
}
TOKENS = ["crypto", "map", "set", "peer", "10", "65535", "ipsec-isakmp", "dynamic", "access-list", "permit", "ip",
          "host", "any", "object", "object-group", "nat", "(inside,outside)", "source", "static", "255.255.255.0",
          "0.0.0.255", "10.0.0.0", "eq", "range", "tunnel-group", "ipsec-attributes", "pre-shared-key", "*****",
          "isakmp", "policy", "lifetime", "group", "pfs", "transform-set", "esp-aes", "256", "interface", "nameif",
          "-1", "99999999999", "", " ", "!", "^C", "exit", "end", "quit", "route", "ip", "address", "dhcp"]

edit = st.tuples(
    st.sampled_from(["insert", "delete", "replace", "indent", "tokens"]),
    st.integers(min_value=0, max_value=200),
    st.lists(st.sampled_from(TOKENS), min_size=0, max_size=8),
)


def _apply(lines: list[str], edits: list[tuple[str, int, list[str]]]) -> list[str]:
    out = list(lines)
    for op, pos, words in edits:
        i = pos % (len(out) + 1)
        text = " ".join(words)
        if op == "insert":
            out.insert(i, text)
        elif op == "delete" and out:
            out.pop(min(i, len(out) - 1))
        elif op == "replace" and out:
            out[min(i, len(out) - 1)] = text
        elif op == "indent" and out:
            out[min(i, len(out) - 1)] = " " + out[min(i, len(out) - 1)]
        elif op == "tokens" and out:
            j = min(i, len(out) - 1)
            out[j] = out[j] + " " + text
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(platform=st.sampled_from([Platform.ASA, Platform.IOS, Platform.PIX6]), edits=st.lists(edit, max_size=12))
def test_random_edits_of_a_config_never_raise(platform: Platform, edits: list[tuple[str, int, list[str]]]) -> None:
    seed = SEEDS[Platform.IOS if platform is Platform.IOS else Platform.ASA]
    lines = _apply(seed, edits)
    device = parse_config(ConfigSection("fuzz.cfg", list(enumerate(lines, 1)), platform))
    assert device.platform is platform or (platform is Platform.PIX6 and device.platform is Platform.ASA)
    assert all(p.line >= 0 for p in device.problems)


def test_non_ascii_digits_are_reported_not_raised() -> None:
    """Regression: `str.isdigit` accepts '²', which `int()` rejects; sequence numbers must not crash."""
    text = "hostname R\nip access-list extended X\n ² permit ip any any\naccess-list ² permit any\ncrypto map M ² ipsec-isakmp\n"
    for platform in Platform:
        device = parse_config(ConfigSection("u.cfg", list(enumerate(text.splitlines(), 1)), platform))
        assert device.problems
