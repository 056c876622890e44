"""The state → catalog table (knowledge/show_signatures.toml) and the observations built from it."""

from __future__ import annotations

import copy

from ipsec_doctor.knowledge.kb import ids
from ipsec_doctor.show import observe, parse_show
from ipsec_doctor.show.signatures import (
    TOPICS,
    check_signatures,
    load_signature_data,
    lookup,
    signatures,
)


def test_show_signatures_file_is_valid() -> None:
    data = load_signature_data()
    assert check_signatures(data) == []
    assert {item["topic"] for item in data["signature"]} == set(TOPICS)


def test_show_signature_candidates_are_catalog_ids() -> None:
    known = set(ids())
    used = {c for signature in signatures().values() for c in signature.candidates}
    assert used <= known, used - known
    assert {"P1-PSK", "P2-ONEWAY", "PLAT-ASPEXPIRED", "PLAT-CERM", "FW-SYSOPT", "FW-PRESERVE"} <= used


def test_show_signature_schema_rejects_bad_tables() -> None:
    data = load_signature_data()
    bad = copy.deepcopy(data)
    bad["signature"][0]["topic"] = "isakmp-mood"
    assert any("isakmp-mood" in e for e in check_signatures(bad))
    bad = copy.deepcopy(data)
    bad["signature"][1]["candidates"] = ["p1 psk"]
    assert any("does not match" in e for e in check_signatures(bad))
    bad = copy.deepcopy(data)
    bad["signature"].append(dict(bad["signature"][1]))
    assert any("listed twice" in e for e in check_signatures(bad))
    bad = copy.deepcopy(data)
    bad["signature"][0]["candidates"] = ["P1-PSK"]  # a healthy state with a candidate
    assert any("healthy" in e for e in check_signatures(bad))
    bad = copy.deepcopy(data)
    bad["signature"][1]["candidates"] = []
    assert any("needs at least one candidate" in e for e in check_signatures(bad))
    bad = copy.deepcopy(data)
    bad["signature"][1]["colour"] = "red"
    assert any("unknown field" in e for e in check_signatures(bad))


def test_show_state_table_maps_the_documented_states() -> None:
    expected = {
        "MM_WAIT_MSG2": ("P1-ENABLE", "P1-POLICY", "FW-PORTS"),
        "MM_WAIT_MSG3": ("P1-POLICY", "P1-NATT"),
        "MM_WAIT_MSG5": ("P1-POLICY", "P1-NATT"),
        "MM_WAIT_MSG4": ("TG-NAME",),
        "MM_WAIT_MSG6": ("P1-PSK",),
        "MM_WAIT_MSG_6": ("P1-PSK",),
        "mm_wait_msg_6": ("P1-PSK",),
        "MM_NO_STATE": ("P1-ENABLE", "P1-POLICY", "FW-PORTS"),
        "MM_KEY_EXCH": ("P1-PSK",),
        "AG_INIT_EXCH": ("P1-AGGR",),
        "CONF_XAUTH": ("TG-IOSXAUTH",),
    }
    for state, candidates in expected.items():
        signature = lookup("isakmp-state", state)
        assert signature is not None and signature.candidates == candidates, state
    for healthy in ("MM_ACTIVE", "QM_IDLE", "AM_Active"):
        assert lookup("isakmp-state", healthy).healthy  # type: ignore[union-attr]
    assert lookup("session-status", "UP-ACTIVE").healthy  # type: ignore[union-attr]
    assert lookup("asp-drop", "Expired VPN context").candidates == ("PLAT-ASPEXPIRED",)  # type: ignore[union-attr]


def test_show_every_rule_value_emitted_by_observe_is_in_the_table() -> None:
    rules = {
        ("ipsec-traffic", v) for v in ("both-ways", "encaps-zero", "decaps-zero", "no-sa")
    } | {("cerm", "limit-reached"), ("cerm", "limits-enforced"), ("management-access", "none"),
         ("management-access", "set")} | {
        ("sysopt", v) for v in ("permit-vpn-on", "permit-vpn-off", "preserve-vpn-flows-on", "preserve-vpn-flows-off")
    }
    for topic, value in rules:
        assert lookup(topic, value) is not None, (topic, value)


def test_show_conf_xauth_for_a_remote_access_peer_is_not_tg_iosxauth() -> None:
    text = "    IKE Peer        Type Dir  Rky State\n1   198.51.100.40   User Resp No  CONF_XAUTH\n"
    observation = observe(parse_show(text, "asa", "show crypto isakmp sa"))[0]
    assert observation.value == "CONF_XAUTH"
    assert observation.id is None
    assert "not LAN-to-LAN" in observation.detail


def test_show_conf_xauth_on_ios_keeps_the_candidate_with_a_caveat() -> None:
    text = "dst             src             state          conn-id slot status\n" \
           "203.0.113.10    192.0.2.1       CONF_XAUTH           3    0 ACTIVE\n"
    observation = observe(parse_show(text, "ios", "show crypto isakmp sa"))[0]
    assert observation.id == "TG-IOSXAUTH"
    assert "LAN-to-LAN" in observation.detail


def test_show_unknown_state_is_an_observation_without_candidates() -> None:
    text = "dst             src             state          conn-id slot status\n" \
           "203.0.113.10    192.0.2.1       MM_FUTURE_STATE      3    0 ACTIVE\n"
    observation = observe(parse_show(text, "ios", "show crypto isakmp sa"))[0]
    assert (observation.kind, observation.id, observation.candidates) == ("isakmp-state", None, ())
    assert "not in the signature table" in observation.detail


def test_show_management_access_absent_points_at_fw_mgmt() -> None:
    observation = observe(parse_show("", "asa", "show management-access"))[0]
    assert (observation.topic, observation.value, observation.id) == ("management-access", "none", "FW-MGMT")
