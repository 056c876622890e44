"""Every real-world sample loads without an exception and is classified as SOURCES.md says.

Skipped when ../shared/realworld is absent (the project's own tests do not need it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipsec_doctor.dialects.tree import build_tree
from ipsec_doctor.inputs import load
from ipsec_doctor.inputs.load import load_lines
from ipsec_doctor.inputs import InputRecord, Loaded
from ipsec_doctor.inputs.reader import RawFile, decode_into
from ipsec_doctor.model import Platform

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REALWORLD = SHARED / "realworld"
CONFIGS = REALWORLD / "configs"
FIXTURES = Path(__file__).parent / "fixtures" / "inputs"

_ROW = re.compile(r"^\| `([^`]+)` \| `[^`]+` \| (ios|asa|pix) \|")


def _expected_platforms() -> dict[str, str]:
    expected: dict[str, str] = {}
    for line in (CONFIGS / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        found = _ROW.match(line)
        if found:
            # "pix" in SOURCES.md covers PIX 6 and PIX 7/8; the corpus's PIX files are all 7.x/8.x (ASA code)
            platform = found.group(2)
            expected[found.group(1)] = "asa" if platform == "pix" else platform
    return expected


needs_realworld = pytest.mark.skipif(not CONFIGS.is_dir(), reason="../shared/realworld not present")


@needs_realworld
def test_inputs_realworld_configs_classify_as_their_sources_platform() -> None:
    expected = _expected_platforms()
    assert len(expected) == 41
    loaded = load([CONFIGS])
    records = {Path(r.file).relative_to(CONFIGS).as_posix(): r for r in loaded.inputs}
    mismatches = {
        name: (records[name].kind, records[name].platform)
        for name, platform in expected.items()
        if (records[name].kind, records[name].platform) != ("config", platform)
    }
    assert mismatches == {}
    for section in loaded.configs:
        assert section.lines, section.file
        build_tree(section.lines, asa_banners=section.platform is not Platform.IOS)


@needs_realworld
def test_inputs_realworld_moffie_bundles_split_into_named_asas() -> None:
    folder = CONFIGS / "moffie21__GNS3_ASA-IPsec-VPN"
    la = load([folder / "GNS3_ASA+IPsec-VPN_LA-configs"]).configs
    sd = load([folder / "GNS3_ASA+IPsec-VPN_SD-configs"]).configs
    assert len(la) >= 5 and len(sd) >= 3
    assert [c.name_hint for c in la if c.platform is Platform.ASA] == ["LA_ASA1", "LA_ASA2"]
    assert [c.name_hint for c in sd if c.platform is Platform.ASA] == ["SD_ASA"]
    assert {c.name_hint for c in la if c.platform is Platform.IOS} >= {"ISP_3650_R", "LA_3650"}


@needs_realworld
def test_inputs_realworld_show_and_log_folders_classify_as_show_and_log() -> None:
    show = load([REALWORLD / "show"])
    for record in show.inputs:
        name = Path(record.file).name
        if not name.endswith(".txt"):
            continue
        expected = "config" if "running-config" in name else "show"
        assert (name, record.kind) == (name, expected)
    logs = load([REALWORLD / "logs"])
    for record in logs.inputs:
        if record.file.endswith(".log"):
            assert (Path(record.file).name, record.kind) == (Path(record.file).name, "log")


@needs_realworld
def test_inputs_realworld_scripts_are_marked_as_scripts() -> None:
    scripts = load([CONFIGS / "iClexi__VPN-IKEv1-Policy-Based", CONFIGS / "iClexi__VPN-IKEv2-Route-Based"]).configs
    assert [c.script for c in scripts] == [True, True, True, True]
    shows = load([CONFIGS / "NGMunia__Dual-Hub-DMVPN"]).configs
    assert [c.script for c in shows] == [False, False, False, False]


def _load_bytes(data: bytes) -> Loaded:
    """load() on in-memory bytes without its per-file guard, so a bug raises here."""
    raw = RawFile("fuzz.txt")
    decode_into(raw, data)
    loaded = Loaded()
    if raw.kind is None:
        load_lines("fuzz.txt", raw.lines, None, loaded, InputRecord("fuzz.txt", "unknown"))
    for section in loaded.configs:
        build_tree(section.lines, asa_banners=section.platform is not Platform.IOS)
    return loaded


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_inputs_random_bytes_never_raise(data: bytes) -> None:
    loaded = _load_bytes(data)
    assert isinstance(loaded.configs, list)


_SEED_LINES = (FIXTURES / "asa_show_run.txt").read_text().splitlines() + (
    FIXTURES / "ios_banners_certs.txt"
).read_text().splitlines()
_EDIT_LINES = st.sampled_from(
    ["", "!", "end", "exit", " exit", "banner motd ^C", "^C", "banner login #", "#", " certificate 01", "  quit",
     "HQ-ASA# show run", "R1(config)#int g0/0", "====", "hostname X", "version 15.2", "\t\tencr aes", " ",
     "conf t", "int", "interface", "ip addr", ": end", "\x00", "\ufeff"]
) | st.text(max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_SEED_LINES)), st.integers(0, 2), _EDIT_LINES), max_size=12))
def test_inputs_random_line_edits_of_a_real_config_never_raise(edits: list[tuple[int, int, str]]) -> None:
    lines = list(_SEED_LINES)
    for position, action, text in edits:
        position = min(position, len(lines))
        if action == 0:
            lines.insert(position, text)
        elif action == 1 and position < len(lines):
            del lines[position]
        elif position < len(lines):
            lines[position] = text
    loaded = _load_bytes("\n".join(lines).encode("utf-8"))
    assert all(section.lines for section in loaded.configs)
