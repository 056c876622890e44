"""Proof against a real IKE implementation: replay a tunnel in strongSwan.

``ipsec-doctor lab SNAPSHOT [--tunnel ID] [--pcap FILE]`` (Linux, root)
translates both ends of a paired crypto-map tunnel — IKE version, ISAKMP
policies / IKEv2 proposals, pre-shared keys (as stand-ins, see
:mod:`.translate`), address identities, transform sets with PFS, the
proxy identities of the crypto ACLs (one CHILD_SA per permit entry, as a
Cisco initiator proposes them), lifetimes as rekey times — into two swanctl
configurations, runs two ``charon`` daemons in two network namespaces
(:mod:`.runner`), initiates from each end that may initiate, and compares
what strongSwan did with the tool's own prediction
(:func:`ipsec_doctor.verdict.negotiate_tunnel`).

Out of the lab's reach — where Cisco and strongSwan semantics differ, the
lab says so instead of guessing:

* the ISAKMP lifetime rule (a Cisco IKEv1 responder refuses a proposal whose
  lifetime is longer than its own; strongSwan does not compare lifetimes);
* IOS defaults whose contents depend on the release (the IKEv2 default
  proposal and transform set);
* XAUTH asked by a crypto map shared with remote access (Cisco only);
* aggressive mode specifics (Cisco's key lookup by peer group name);
* certificates, FQDN / key-id identities, masked or encrypted keys
  (equality cannot be reproduced);
* route-based tunnels (VTI, GRE, DMVPN), NAT between the peers, IPv6,
  transport mode, AH / compression, crypto ACLs with protocol ranges or
  more than 8 selector pairs;
* IKEv1 proxy identities that overlap the responder's mirrored crypto ACL
  only in part (a subset ACL): a Cisco IKEv1 responder refuses them,
  strongSwan's IKEv1 responder narrows them and comes up (measured: the
  raw replay disagreed on exactly these cases);
* any predicted failure outside P1-POLICY, P1-PSK, P2-TRANSFORM, P2-PFS,
  P2-MIRROR, V2-PROPOSAL and V2-PSK (IKE not enabled, tunnel-group naming,
  identity checks…): those are Cisco behaviours strongSwan does not model.

Known semantic gaps that *are* replayed and reported as they come:
an IKEv1 main-mode key mismatch makes strongSwan's responder fail to decrypt
MM5 and the initiator give up after its retransmissions (a Cisco pair ends
the same way, at phase 1; charon's retransmissions are shortened so this
takes seconds); with
IKEv2 asymmetric keys (``pre-shared-key local`` / ``remote``) charon
verifies the peer with either of its two keys, where IOS uses only the
remote one (a peer signing with our *local* key passes in the lab only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..model import Device
from ..pairing import Tunnel
from .runner import Attempt, LabRun, lab_available, run_plan
from .translate import LabPlan, OutOfReach, plan_tunnel

__all__ = ["Attempt", "LabOutcome", "LabPlan", "OutOfReach", "lab_available", "plan_tunnel", "render_text",
           "replay_tunnel", "run_plan"]


@dataclass(frozen=True, slots=True)
class LabOutcome:
    """The lab's answer for one tunnel: what was predicted, what strongSwan did, whether they agree."""

    tunnel: str
    ike_version: int
    predicted: str  # the tool's verdict: up | fails | depends-on-initiator | unknown
    attempts: tuple[Attempt, ...] = ()
    agreements: tuple[bool, ...] = ()  # one per attempt
    out_of_reach: str | None = None
    error: str | None = None
    pcap: str | None = None

    @property
    def agrees(self) -> bool | None:
        if self.out_of_reach or self.error or not self.attempts:
            return None
        return all(self.agreements)


def _predicted_direction(prediction: object, initiator: str) -> tuple[str, int | None]:
    for d in getattr(prediction, "directions", ()):
        if d.initiator == initiator:
            return d.outcome, d.failed_phase
    return "unknown", None


def replay_tunnel(tunnel: Tunnel, devices: Sequence[Device] | Mapping[str, Device], pcap: str | None = None,
                  progress: Callable[[str], None] | None = None) -> LabOutcome:
    """Predict, replay in strongSwan, compare (per initiator: outcome and failing phase)."""
    from ..verdict import negotiate_tunnel

    by_name = devices if isinstance(devices, Mapping) else {d.name: d for d in devices}
    prediction = negotiate_tunnel(tunnel, by_name)
    tid, version, predicted = tunnel.id, prediction.ike_version, prediction.verdict
    if prediction.verdict == "unknown":
        return LabOutcome(tid, version, predicted,
                          out_of_reach=f"the tool cannot predict this tunnel ({prediction.summary})")
    try:
        plan = plan_tunnel(tunnel, by_name, prediction)
    except OutOfReach as exc:
        return LabOutcome(tid, version, predicted, out_of_reach=str(exc))
    run: LabRun = run_plan(plan, pcap=pcap, progress=progress)
    agreements = []
    for a in run.attempts:
        outcome, phase = _predicted_direction(prediction, a.initiator)
        agreements.append(outcome == a.outcome and phase == a.failed_phase)
    return LabOutcome(tid, version, predicted, attempts=tuple(run.attempts), agreements=tuple(agreements), error=run.error,
                      pcap=run.pcap)


def _words(outcome: str, phase: int | None) -> str:
    return "up" if outcome == "up" else f"fails at phase {phase}" if phase else outcome


def render_text(outcomes: Sequence[LabOutcome], predictions: Mapping[str, object] | None = None) -> str:
    """Plain text report (no secret can be in it: keys are never part of an outcome)."""
    out: list[str] = []
    for o in outcomes:
        out.append(f"tunnel {o.tunnel} (IKEv{o.ike_version}): predicted {o.predicted}")
        if o.out_of_reach:
            out.append(f"  out of the lab's reach: {o.out_of_reach}")
        if o.error:
            out.append(f"  lab error: {o.error}")
        for a, ok in zip(o.attempts, o.agreements):
            out.append(f"  {a.initiator} initiates: strongSwan {_words(a.outcome, a.failed_phase)} "
                       f"(IKE SA {'up' if a.ike_up else 'down'}, CHILD SA {'up' if a.child_up else 'down'}, "
                       f"{a.seconds:.1f} s) — {'agrees with' if ok else 'DISAGREES with'} the prediction")
            for line in a.log[:12]:
                out.append(f"    {line}")
        if o.pcap:
            out.append(f"  capture: {o.pcap}")
    return "\n".join(out) + "\n"
