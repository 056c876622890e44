"""A pasted CLI session (prompt + command + output, three times) through inputs.load and the registry."""

from __future__ import annotations

from pathlib import Path

from ipsec_doctor.inputs import load
from ipsec_doctor.model import Platform
from ipsec_doctor.show import observe_sections, parse_sections
from ipsec_doctor.show.records import AspDrop, IsakmpSa

SESSION = Path(__file__).parent / "fixtures" / "show" / "pasted_session" / "input.txt"


def test_show_pasted_session_parts_are_each_recognised_and_parsed() -> None:
    loaded = load([str(SESSION)])
    assert [t.command for t in loaded.texts] == ["show crypto isakmp sa", "show cry ipsec sa", "show asp drop"]
    results = parse_sections(loaded.texts)
    assert [r.command for r in results] == ["show crypto isakmp sa", "show crypto ipsec sa", "show asp drop"]
    assert all(r.platform is Platform.ASA and r.device_hint == "HQ-ASA" for r in results)
    assert all(r.notes == () for r in results), [n.message for r in results for n in r.notes]
    isakmp, ipsec, asp = results
    (sa,) = isakmp.of_type(IsakmpSa)
    assert (sa.peer, sa.state, sa.line) == ("203.0.113.10", "MM_WAIT_MSG_6", 9)
    assert ipsec.records == ()  # "There are no ipsec sas"
    (drop,) = asp.of_type(AspDrop)
    assert drop.find("Expired VPN context").count == 77  # type: ignore[union-attr]
    assert drop.find("vpn-context-expired").line == 19  # type: ignore[union-attr]
    assert drop.last_clearing == {"frame": "Never", "flow": "Never"}


def test_show_pasted_session_observations_point_at_the_users_lines() -> None:
    observations = observe_sections(load([str(SESSION)]).texts)
    found = [(o.value, o.id, o.source.line, o.device_hint) for o in observations]
    assert found == [
        ("MM_WAIT_MSG_6", "P1-PSK", 9, "HQ-ASA"),
        ("vpn-context-expired", "PLAT-ASPEXPIRED", 19, "HQ-ASA"),
    ]
    psk = observations[0]
    assert psk.source.file == str(SESSION)
    assert psk.source.text == "1   IKE Peer: 203.0.113.10"
    assert psk.peer == "203.0.113.10"
