"""Every check documents itself: its module docstring has the four sections, and its ID is in the catalog."""

from __future__ import annotations

import importlib

import pytest

from ipsec_doctor.checks import CHECK_MODULES, registry
from ipsec_doctor.knowledge import kb

SECTIONS = ("What it does", "Why it breaks", "Example", "Fix")


@pytest.mark.parametrize("module", CHECK_MODULES)
def test_check_module_docstring_has_every_section(module: str) -> None:
    doc = importlib.import_module(f"ipsec_doctor.checks.{module}").__doc__ or ""
    missing = [s for s in SECTIONS if s not in doc]
    assert not missing, f"{module}: missing {missing}"


def test_every_registered_check_names_a_catalog_entry() -> None:
    ids = set(kb.ids())
    checks = registry()
    assert len(checks) == len(CHECK_MODULES)
    assert set(checks) <= ids
