"""The log signature knowledge base: schema, catalog links and every example line."""

from __future__ import annotations

import copy
import re

import jsonschema
import pytest

from ipsec_doctor.knowledge import all_entries, ids
from ipsec_doctor.logs import LogScanner, check_signatures, scan, signatures
from ipsec_doctor.logs.signatures import SIGNATURES_SCHEMA, load_signature_data

EXAMPLES = [(sig.name, sig.id, example) for sig in signatures() for example in sig.examples]


def test_log_signatures_toml_is_valid_for_jsonschema_and_the_code_schema() -> None:
    data = load_signature_data()
    jsonschema.validate(data, SIGNATURES_SCHEMA)
    assert check_signatures(data) == []
    assert len(data["signature"]) >= 55


def test_every_signature_names_catalog_ids() -> None:
    known = set(ids())
    for sig in signatures():
        assert sig.id in known, sig.name
        assert set(sig.candidates) <= known, sig.name
        assert sig.id not in sig.candidates, sig.name


@pytest.mark.parametrize(("name", "catalog_id", "line"), EXAMPLES, ids=[f"{n}:{i}" for i, (n, _, _) in enumerate(EXAMPLES)])
def test_signature_example_line_yields_exactly_its_signature(name: str, catalog_id: str, line: str) -> None:
    events = list(scan([line], file="example.log"))
    assert [(e.signature, e.id) for e in events] == [(name, catalog_id)]
    assert events[0].file == "example.log"
    assert events[0].line == 1
    assert events[0].platform in ("asa", "ios", "vpnclient", "anyconnect")


def test_signature_examples_all_match_in_one_stream_with_the_same_results() -> None:
    # the prefilter must find every example line inside a block as well as alone
    lines = [line for _, _, line in EXAMPLES]
    events = list(scan(lines))
    assert [e.signature for e in events] == [name for name, _, _ in EXAMPLES]
    assert [e.line for e in events] == list(range(1, len(EXAMPLES) + 1))


def _bad(mutate) -> list[str]:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(load_signature_data())
    mutate(data["signature"])
    return check_signatures(data)


def test_signature_check_rejects_unknown_ids_bad_regex_and_text_only_without_anchor() -> None:
    assert any("NOPE-ID is not a catalog ID" in p for p in _bad(lambda s: s[0].update(id="NOPE-ID")))
    assert any("bad regex" in p for p in _bad(lambda s: s[0].update(regex="(unclosed")))
    assert any("duplicate name" in p for p in _bad(lambda s: s[1].update(name=s[0]["name"])))
    anchorless = {"name": "x-only-regex", "id": "P1-PSK", "regex": "abc", "examples": ["abc def", "abc ghi"]}
    assert any("needs 'contains' or 'anchor'" in p for p in _bad(lambda s: s.append(anchorless)))
    assert any("unknown field" in p for p in _bad(lambda s: s[0].update(bogus=1)))
    assert any("expected a string or a list" in p for p in _bad(lambda s: s[0].update(message=[1])))


# Catalog symptoms that are device/client messages (not show states or prose) must all be recognised.
_MESSAGE_LIKE = re.compile(
    r"^%|Reason 4\d\d|\[IKEv1\]|IKE message|HASH payload|Hash verification|Failed to authenticate|"
    r"Aggressive Mode negotiator|mismatched pre-shared key|NO_PROPOSAL_CHOSEN notify message|PeerTblEntry|"
    r"peer table failed|Payload ID|correlator|decapsulated inner|network or broadcast|Simultaneous logins|"
    r"maximum tunnel count|PEER_DELETE|64-bit VA|protocol 50|bind to port|low on memory|entry incomplete|"
    r"Command rejected|anti-replay|AG_INIT_EXCH"
)


def _message_symptoms() -> list[tuple[str, str]]:
    return [(e.id, s) for e in all_entries() for s in e.symptoms if _MESSAGE_LIKE.search(s)]


@pytest.mark.parametrize(("catalog_id", "symptom"), _message_symptoms())
def test_catalog_message_symptom_is_recognised_as_its_entry(catalog_id: str, symptom: str) -> None:
    events = list(scan([symptom]))
    assert len(events) == 1, symptom
    event = events[0]
    assert catalog_id == event.id or catalog_id in event.candidates or event.id in _related(catalog_id), (
        symptom,
        event.id,
        event.candidates,
    )


def _related(catalog_id: str) -> set[str]:
    # an entry that is itself a list of candidates (RA-REASON433) stands for its members
    from ipsec_doctor.knowledge import entry

    return {other.id for other in all_entries() if catalog_id in other.candidates} | set(entry(catalog_id).candidates)


def test_message_symptoms_cover_the_briefs_log_evidence() -> None:
    covered = {catalog_id for catalog_id, _ in _message_symptoms()}
    for catalog_id in ("P1-LIFETIME", "NAT-EXEMPT", "P2-MIRROR", "CM-DYNORDER", "P2-NOPEER", "TG-PROTO", "P1-POLICY",
                       "P2-REPLAY", "P2-NOHASH", "P2-KEYACQ", "TG-MODECFG", "PLAT-FAILOVER", "RA-SVCLARGE",
                       "FW-IDSICMP", "FW-LICENSE", "NAT-ASYM", "P1-NO-SA", "PLAT-CERM", "PLAT-HWERR", "FW-WSCALE",
                       "PLAT-TRUNK", "P1-PSK", "TG-NAME", "RA-POOLNETBC", "RA-SIMUL", "P1-MAXLIFE", "RA-IDLE",
                       "RA-VA64", "P1-NATT", "P1-ENABLE", "PLAT-LOWMEM", "P2-ACLREF", "RA-REASON433"):
        assert catalog_id in covered, catalog_id


def test_7139xx_messages_are_classified_by_text_not_by_id() -> None:
    lines = [
        "%ASA-5-713904: Group = DefaultRAGroup, IP = 198.51.100.44, Client is using an unsupported Transaction Mode v2 version.  Tunnel terminated.",
        "%ASA-5-713904: IP = 203.0.113.10, Received an un-encrypted NO_PROPOSAL_CHOSEN notify message, dropping",
        "%ASA-3-713902: Group = 203.0.113.10, IP = 203.0.113.10, QM FSM error (P2 struct &0x1, mess id 0x2)!",
        "%ASA-5-713904: IP = 203.0.113.10, Received encrypted packet with no matching SA, dropping",
    ]
    assert [e.id for e in scan(lines)] == ["TG-MODECFG", "P1-POLICY", "CM-DYNORDER", None]


def test_first_matching_signature_wins_default_l2l_group_before_plain_bad_key() -> None:
    lines = [
        "[IKEv1]: Group = DefaultL2LGroup, IP = 198.51.100.7, ERROR, had problems decrypting packet, probably due to mismatched pre-shared key.  Aborting",
        "[IKEv1]: Group = 198.51.100.7, IP = 198.51.100.7, ERROR, had problems decrypting packet, probably due to mismatched pre-shared key.  Aborting",
    ]
    events = list(scan(lines))
    assert [(e.id, e.candidates) for e in events] == [("TG-NAME", ("P1-PSK",)), ("P1-PSK", ())]
    assert events[0].fields["peer"] == "198.51.100.7"


def test_scanner_reports_engine_and_counts() -> None:
    scanner = LogScanner(engine="re")
    events = list(scanner.scan(["noise", "%ASA-3-713063: IKE Peer address not configured for destination 0.0.0.0"]))
    assert scanner.engine_used == "re"
    assert (scanner.lines, scanner.candidates, len(events)) == (2, 1, 1)
