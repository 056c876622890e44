"""A synthetic :class:`Report` of any size, for the report tests (no parsing needed).

``hub_and_spoke(500)`` builds one hub with 500 spokes: every 7th tunnel fails,
every 11th depends on the initiator, every 13th is one-sided (peer not in the
snapshot); each failing tunnel carries an error finding with evidence and a fix.
"""

from __future__ import annotations

from ipaddress import IPv4Address

from ipsec_doctor.analysis import Report
from ipsec_doctor.findings import Disruption, Evidence, Finding, Fix, Severity
from ipsec_doctor.inputs import InputRecord
from ipsec_doctor.model import Device, Platform
from ipsec_doctor.pairing import Tunnel, TunnelEnd
from ipsec_doctor.verdict import TunnelVerdict


def verdict_for(i: int) -> str:
    if i % 7 == 0:
        return "fails"
    if i % 11 == 0:
        return "depends-on-initiator"
    return "up"


def hub_and_spoke(spokes: int, *, hub: str = "HUB-ASA") -> Report:
    hub_addr = IPv4Address("198.51.100.1")
    devices = [Device(hub, Platform.ASA, "hub.cfg", "9.8(4)")]
    inputs = [InputRecord("hub.cfg", "config", "asa", hub)]
    tunnels: list[Tunnel] = []
    verdicts: dict[str, TunnelVerdict] = {}
    findings: list[Finding] = []
    for i in range(1, spokes + 1):
        name = f"SPOKE-{i:04d}"
        addr = IPv4Address(int(IPv4Address("203.0.113.0")) + i)
        hub_end = TunnelEnd(hub, Platform.ASA, "outside", hub_addr, addr, "OUTSIDE_MAP", i)
        if i % 13 == 0:
            tid = f"{hub}:outside:OUTSIDE_MAP:{i} -> {addr}"
            tunnel = Tunnel(tid, "l2l", (hub_end,), one_sided=True)
            v = "unknown"
        else:
            devices.append(Device(name, Platform.IOS, f"{name.lower()}.cfg", "15.4"))
            inputs.append(InputRecord(f"{name.lower()}.cfg", "config", "ios", name))
            spoke_end = TunnelEnd(name, Platform.IOS, "GigabitEthernet0/0", addr, hub_addr, "VPN", 10)
            tid = f"{hub}:outside:OUTSIDE_MAP:{i} <-> {name}:GigabitEthernet0/0:VPN:10"
            tunnel = Tunnel(tid, "l2l", (hub_end, spoke_end))
            v = verdict_for(i)
        tunnels.append(tunnel)
        phase = "fail" if v == "fails" else ("up" if v != "unknown" else "unknown")
        states = {e.device: ("MM_WAIT_MSG6" if v == "fails" else "QM_IDLE") for e in tunnel.ends}
        verdicts[tid] = TunnelVerdict(tid, v, f"synthetic {v}", (), phase, phase, states)  # type: ignore[arg-type]
        if v == "fails":
            findings.append(
                Finding(
                    "P1-PSK", Severity.ERROR, f"Pre-shared keys differ between {hub} and {name}",
                    devices=(hub, name), tunnel=tid, detail="the keys differ",
                    evidence=(Evidence("hub.cfg", i, f"tunnel-group {addr} ipsec-attributes"),),
                    fix=(Fix(name, ("crypto isakmp key <pre-shared-key> address 198.51.100.1",), Disruption.RENEGOTIATES_TUNNEL),),
                )
            )
    devices.sort(key=lambda d: d.name)
    return Report(inputs=inputs, devices=devices, tunnels=tunnels, verdicts=verdicts, findings=findings)
