"""The knowledge base: every catalog ID present, schema-valid, explainable."""

from __future__ import annotations

import copy
import dataclasses
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ipsec_doctor.findings import Disruption, Severity
from ipsec_doctor.knowledge import kb
from ipsec_doctor.knowledge.schema import CATALOG_SCHEMA, validate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CATALOG_MD = SHARED / "spec" / "CATALOG.md"

# Committed copy of the IDs in shared/spec/CATALOG.md, so the test runs without ../shared.
DOCUMENT_IDS = (
    "P1-NATT", "P1-ENABLE", "P1-POLICY", "P1-LIFETIME", "P1-MAXLIFE", "P1-KEEPALIVE", "P1-PSK",
    "P1-IDENTITY", "P1-NO-SA", "P1-CLEAR", "P1-REKEY18H", "P1-AGGR",
    "P2-PFS", "P2-TRANSFORM", "P2-NOHASH", "P2-MIRROR", "P2-OVERLAP", "P2-ACLREF", "P2-ONEWAY",
    "P2-REPLAY", "P2-NOPEER", "P2-KEYACQ",
    "CM-DYNORDER", "CM-ONEDYN", "CM-NAMECASE", "CM-ONEPERIF", "CM-UNAPPLIED", "CM-RECREATE",
    "CM-BACKUP", "CM-DISABLE", "CM-ASPDUP",
    "TG-NAME", "TG-PROTO", "TG-IOSXAUTH", "TG-EZVPN", "TG-MODECFG",
    "NAT-EXEMPT", "NAT-PORTS", "NAT-MATCH", "NAT-ASYM", "NAT-XLATE", "NAT-DMZ",
    "RT-REMOTE", "RT-RRI", "RT-POOLOVERLAP",
    "FW-SYSOPT", "FW-PORTS", "FW-PINGSRC", "FW-MGMT", "FW-INTRA", "FW-THREAT", "FW-IDSICMP",
    "FW-LICENSE", "FW-WSCALE", "FW-PRESERVE",
    "RA-SPLITACL", "RA-SPLITPOL", "RA-DNS", "RA-SPLITDNS", "RA-LOCALLAN", "RA-POOLSIZE",
    "RA-POOLNETBC", "RA-SIMUL", "RA-IDLE", "RA-XAUTHRADIUS", "RA-REASON433", "RA-VA64",
    "RA-WIN7DATACARD", "RA-SVCLARGE",
    "MTU-MSS", "MTU-LATENCY",
    "PLAT-CERM", "PLAT-LOWMEM", "PLAT-HWERR", "PLAT-TRUNK", "PLAT-FAILOVER", "PLAT-ASPEXPIRED",
)  # fmt: skip

PROJECT_IDS = (
    "SEC-WEAK-CIPHER", "SEC-WEAK-HASH", "SEC-WEAK-DH", "SEC-AGGR-PSK", "SEC-WILDCARD-PSK",
    "SEC-KEY-REUSE", "SEC-WEAK-PSK", "SEC-NO-INTEGRITY", "SEC-IKEV1",
    "V2-PROPOSAL", "V2-PSK", "V2-IDENTITY", "VTI-PAIR", "VTI-ROUTE", "IN-PARSE", "IN-UNPAIRED",
)  # fmt: skip

ALL_IDS = DOCUMENT_IDS + PROJECT_IDS
ROW_ID = re.compile(r"^\| ([A-Z0-9]+(?:-[A-Z0-9]+)+) \|", re.M)


def catalog_md_rows() -> dict[str, str]:
    """ID → its table row in CATALOG.md (skips the test when ../shared is absent)."""
    if not CATALOG_MD.is_file():
        pytest.skip("../shared/spec/CATALOG.md not present")
    text = CATALOG_MD.read_text(encoding="utf-8")
    return {m.group(1): text[m.start() : text.find("\n", m.start())] for m in ROW_ID.finditer(text)}


def a_valid_entry() -> dict[str, Any]:
    return copy.deepcopy(kb.load_catalog_data()["P1-PSK"])


# ───────────────────────── coverage ─────────────────────────


def test_catalog_has_every_id_of_the_source_document() -> None:
    missing = [i for i in DOCUMENT_IDS if i not in kb.ids()]
    assert missing == []


def test_catalog_has_the_project_ids_beyond_the_document() -> None:
    missing = [i for i in PROJECT_IDS if i not in kb.ids()]
    assert missing == []
    assert len(kb.ids()) == len(set(kb.ids())) == len(ALL_IDS)


def test_committed_id_list_matches_the_tables_of_CATALOG_md() -> None:
    assert tuple(catalog_md_rows()) == DOCUMENT_IDS


def test_catalog_has_every_id_parsed_from_CATALOG_md() -> None:
    parsed = catalog_md_rows()
    assert sorted(set(parsed) - set(kb.ids())) == []


@pytest.mark.parametrize("catalog_id", ALL_IDS)
def test_entry_has_what_why_symptoms_or_checks_and_fix(catalog_id: str) -> None:
    item = kb.entry(catalog_id)
    assert item.id == catalog_id
    assert len(item.title) >= 5 and "\n" not in item.title
    assert len(item.what) >= 20 and len(item.why) >= 20
    assert item.symptoms or item.checks
    assert item.fix and all(commands for _, commands in item.fix)
    assert set(item.fixes) <= set(item.platforms)
    assert isinstance(item.severity, Severity) and isinstance(item.disruption, Disruption)


def test_ids_keep_file_order_grouped_by_section() -> None:
    order = kb.ids()
    assert order[0] == "P1-NATT"
    assert order.index("P1-AGGR") < order.index("P2-PFS") < order.index("PLAT-ASPEXPIRED") < order.index("SEC-IKEV1")


def test_symptoms_quote_the_document_messages_verbatim() -> None:
    rows = catalog_md_rows()
    missing: list[tuple[str, str]] = []
    for catalog_id, row in rows.items():
        symptoms = " ".join(kb.entry(catalog_id).symptoms)
        for quoted in re.findall(r"`(%[A-Z][^`]+)`", row):
            if quoted not in symptoms:
                missing.append((catalog_id, quoted))
    assert missing == []


def test_device_message_symptoms_are_kept_verbatim_for_known_ids() -> None:
    assert "%CRYPTO-4-IKMP_NO_SA: IKE message from x.x.x.x has no SA" in kb.entry("P1-NO-SA").symptoms
    assert any("%ASA-3-713206" in s for s in kb.entry("TG-PROTO").symptoms)
    assert "MM_WAIT_MSG4" in " ".join(kb.entry("TG-NAME").symptoms)


def test_fixes_that_drop_tunnels_carry_a_caution() -> None:
    dropping = (Disruption.DROPS_TUNNEL, Disruption.DROPS_ALL_TUNNELS)
    silent = [e.id for e in kb.all_entries() if e.disruption in dropping and not e.caution]
    assert silent == []


def test_clearing_all_sas_is_classed_as_dropping_all_tunnels() -> None:
    assert kb.entry("P1-CLEAR").disruption is Disruption.DROPS_ALL_TUNNELS
    assert kb.entry("CM-RECREATE").disruption is Disruption.DROPS_ALL_TUNNELS
    assert "every tunnel" in (kb.entry("P1-CLEAR").caution or "")


def test_ambiguous_symptoms_list_candidates_and_how_to_tell_them_apart() -> None:
    reason433 = kb.entry("RA-REASON433")
    assert set(reason433.candidates) == {"RA-POOLNETBC", "RA-XAUTHRADIUS", "FW-THREAT", "P2-TRANSFORM"}
    assert reason433.distinguish
    assert "P1-POLICY" in kb.entry("P1-ENABLE").candidates


def test_dated_statements_of_the_document_carry_corrections() -> None:
    assert "RFC 3706" in (kb.entry("P1-KEEPALIVE").correction or "")
    assert "RFC 2409" in (kb.entry("P2-PFS").correction or "")


@pytest.mark.parametrize("catalog_id", ["SEC-WEAK-CIPHER", "SEC-WEAK-HASH", "SEC-WEAK-DH"])
def test_SEC_entries_cite_cisco_next_generation_cryptography(catalog_id: str) -> None:
    item = kb.entry(catalog_id)
    assert any("Next Generation Cryptography" in ref for ref in item.references)
    assert item.checks == ("config",)


def test_SEC_WEAK_DH_names_the_groups_to_avoid_and_to_use() -> None:
    text = kb.entry("SEC-WEAK-DH").what + kb.entry("SEC-WEAK-DH").why
    for group in ("1", "2", "5", "24", "14", "19", "20", "21"):
        assert re.search(rf"\b{group}\b", text), group


# ───────────────────────── keys and placeholders ─────────────────────────


def test_fix_commands_use_placeholders_never_a_literal_key() -> None:
    literal = re.compile(r"(?:isakmp key|pre-shared-key(?: local| remote)?)\s+(?!<|local\b|remote\b)(\S+)")
    offenders = [
        (e.id, command)
        for e in kb.all_entries()
        for _, commands in e.fix
        for command in commands
        if literal.search(command.replace("pre-shared-key <", "<"))
    ]
    assert offenders == []


def test_fix_for_fills_placeholders_but_never_the_pre_shared_key() -> None:
    filled = kb.entry("P1-PSK").fix_for("ios", {"peer": "192.0.2.1", "pre-shared-key": "s3cr3t"})
    assert filled[1] == "crypto isakmp key <pre-shared-key> address 192.0.2.1"
    assert not any("s3cr3t" in line for line in filled)


def test_fix_for_unknown_platform_is_empty() -> None:
    assert kb.entry("TG-NAME").fix_for("ios") == ()


# ───────────────────────── schema ─────────────────────────


def test_shipped_catalog_passes_the_schema_and_cross_entry_rules() -> None:
    assert kb.check_catalog(kb.load_catalog_data()) == []


def test_schema_rejects_an_entry_missing_a_required_field() -> None:
    broken = a_valid_entry()
    del broken["why"]
    assert validate({"P1-PSK": broken}) == ["$.P1-PSK: missing required field 'why'"]


def test_schema_rejects_a_bad_severity() -> None:
    broken = a_valid_entry()
    broken["severity"] = "critical"
    problems = validate({"P1-PSK": broken})
    assert len(problems) == 1 and problems[0].startswith("$.P1-PSK.severity: 'critical' is not one of")


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda e: e.__setitem__("disruption", "maybe"), "disruption"),
        (lambda e: e.__setitem__("checks", ["guess"]), "checks[0]"),
        (lambda e: e.__setitem__("checks", []), "checks"),
        (lambda e: e.__setitem__("fix", {"junos": ["set security ike"]}), "fix.junos"),
        (lambda e: e.__setitem__("fix", {}), "fix"),
        (lambda e: e.__setitem__("what", "short"), "what"),
        (lambda e: e.__setitem__("title", "two\nlines"), "title"),
        (lambda e: e.__setitem__("symptoms", "one string"), "symptoms"),
        (lambda e: e.__setitem__("sympotms", ["typo"]), "sympotms"),
    ],
)
def test_schema_rejects_a_broken_field(mutate: Any, where: str) -> None:
    broken = a_valid_entry()
    mutate(broken)
    problems = validate({"P1-PSK": broken})
    assert problems and problems[0].startswith(f"$.P1-PSK.{where}")


def test_schema_rejects_a_malformed_id() -> None:
    problems = validate({"p1 psk": a_valid_entry()})
    assert problems and problems[0].startswith("$.p1 psk: name")


def test_cross_entry_rules_reject_unknown_candidates_and_fix_for_unlisted_platform() -> None:
    broken = a_valid_entry()
    broken["candidates"] = ["P9-NOPE"]
    broken["fix"]["anyconnect"] = ["! reinstall"]
    problems = kb.check_catalog({"P1-PSK": broken})
    assert "$.P1-PSK.candidates: P9-NOPE is not a catalog ID" in problems
    assert "$.P1-PSK.fix.anyconnect: platform not listed in platforms" in problems


def test_jsonschema_accepts_the_catalog_toml_as_dict() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(CATALOG_SCHEMA)
    jsonschema.Draft202012Validator.check_schema(CATALOG_SCHEMA)
    assert [e.message for e in validator.iter_errors(kb.load_catalog_data())] == []


def test_jsonschema_and_our_validator_agree_on_broken_entries() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(CATALOG_SCHEMA)
    for field, value in [("severity", "fatal"), ("platforms", ["ios", "ios"]), ("references", []), ("extra", 1)]:
        broken = a_valid_entry()
        broken[field] = value
        assert list(validator.iter_errors({"P1-PSK": broken})), field
        assert validate({"P1-PSK": broken}), field


# ───────────────────────── entries and explain ─────────────────────────


def test_entries_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        kb.entry("P1-PSK").title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("catalog_id", ALL_IDS)
def test_explain_renders_every_section_of(catalog_id: str) -> None:
    item = kb.entry(catalog_id)
    text = kb.render_explain(catalog_id)
    assert isinstance(text, str)
    assert text.startswith(f"{catalog_id}: {item.title}\n")
    headings = ["What it is", "Why it breaks", "How it shows", "How to fix", "Disruption"]
    if item.caution:
        headings.append("Caution")
    if item.correction:
        headings.append("Correction")
    if item.candidates:
        headings.append("Other possible causes")
    positions = [text.find("\n" + h) for h in headings]
    assert -1 not in positions and positions[:5] == sorted(positions[:5])
    for _, commands in item.fix:
        for command in commands:
            assert f"      {command}\n" in text
    assert f"  {item.disruption.value}: " in text


def test_explain_wraps_prose_to_the_width_but_keeps_commands_and_messages_whole() -> None:
    text = kb.render_explain("P1-PSK", width=60)
    assert isinstance(text, str)
    prose = text.split("How it shows")[0]
    assert max(len(line) for line in prose.splitlines()[3:]) <= 60
    assert "  - Hash verification failed... possibly be configured with invalid group password.\n" in text


def test_explain_accepts_lower_case_ids() -> None:
    text = kb.render_explain("p2-pfs")
    assert isinstance(text, str) and text.startswith("P2-PFS: ")


def test_explain_of_an_unknown_id_is_a_value_with_close_suggestions() -> None:
    result = kb.render_explain("P1-PKS")
    assert isinstance(result, kb.UnknownId)
    assert "P1-PSK" in result.suggestions
    assert "unknown catalog ID 'P1-PKS'" in str(result) and "P1-PSK" in str(result)


def test_explain_of_a_section_prefix_suggests_its_ids() -> None:
    result = kb.lookup("NAT")
    assert isinstance(result, kb.UnknownId)
    assert {"NAT-EXEMPT", "NAT-DMZ"} <= set(result.suggestions)


def test_explain_of_gibberish_is_a_value_without_suggestions() -> None:
    result = kb.render_explain("")
    assert isinstance(result, kb.UnknownId) and result.suggestions == ()


def test_importing_ipsec_doctor_does_not_load_the_catalog() -> None:
    code = (
        "import ipsec_doctor, ipsec_doctor.knowledge as k\n"
        "from ipsec_doctor.knowledge import kb\n"
        "print(kb._catalog.cache_info().currsize)\n"
        "kb.ids()\n"
        "print(kb._catalog.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "1"]


def test_every_registered_check_names_a_catalog_id() -> None:
    from ipsec_doctor.checks import registry

    unknown = [catalog_id for catalog_id in registry() if catalog_id not in kb.ids()]
    assert unknown == []
    assert isinstance(kb.lookup("P1-PSK"), kb.CatalogEntry)
