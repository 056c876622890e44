"""Reading ASA/PIX fixture files into devices for the dialect tests."""

from __future__ import annotations

from pathlib import Path

from ipsec_doctor.dialects.asa import parse_asa
from ipsec_doctor.inputs import ConfigSection
from ipsec_doctor.model import Device, Platform

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def section_from_text(text: str, platform: Platform = Platform.ASA, file: str = "test.cfg") -> ConfigSection:
    return ConfigSection(file, list(enumerate(text.splitlines(), 1)), platform)


def parse_text(text: str, platform: Platform = Platform.ASA) -> Device:
    return parse_asa(section_from_text(text, platform))


def parse_file(path: Path, platform: Platform = Platform.ASA) -> Device:
    text = path.read_text(encoding="utf-8", errors="replace")
    return parse_asa(section_from_text(text, platform, path.name))


def parse_fixture(name: str, platform: Platform = Platform.ASA) -> Device:
    return parse_file(FIXTURES / name, platform)
