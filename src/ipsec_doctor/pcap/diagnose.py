"""Where each IKE exchange stops, mapped to catalog IDs with the frames that show it.

Rules, per session (one IKE SA attempt):

* first message (MM1 / AM1 / IKE_SA_INIT) never answered → ``P1-ENABLE``
  (candidate ``FW-PORTS``), naming the silent side;
* cleartext ``NO_PROPOSAL_CHOSEN`` before phase 1 completes → ``P1-POLICY``
  with the offer; during phase 2 (quick mode, CREATE_CHILD_SA, ESP/AH
  notify) → ``P2-TRANSFORM`` (candidate ``P2-PFS``);
* ``INVALID_ID_INFORMATION`` / ``TS_UNACCEPTABLE`` → ``P2-MIRROR``;
* MM5 retransmitted without MM6, MM5 answered by an (encrypted)
  informational, or a cleartext ``PAYLOAD_MALFORMED`` / ``INVALID_HASH_INFORMATION`` /
  ``AUTHENTICATION_FAILED`` → ``P1-PSK``; an IKE_AUTH response that carries
  only a notify is a ``P1-PSK`` candidate;
* NAT-D hashes that do not match the packet → a NAT between the peers; when
  NAT-T is not then used (no UDP 4500, plain ESP) → ``P1-NATT``;
* quick mode started but never answered, or answered only by an encrypted
  informational → ``P2-TRANSFORM`` candidate (``P2-PFS``, ``P2-MIRROR``);

and per address pair: ESP in one direction only → ``P2-ONEWAY``; IKE
fragments, fragmented IP or IKE datagrams above 1400 bytes → ``MTU-MSS``.
A notify inside encrypted payloads cannot be read (no keys): those rules say
so and lower the confidence to ``candidate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Evidence, Finding, Severity
from ..redact import redact_line
from .timeline import EspFlow, Message, Session

PHASE1_DONE = {"MM6", "AM3", "IKE_AUTH response"}
ONEWAY_MIN_PACKETS = 3


@dataclass(slots=True)
class Verdict:
    """A finding in the making: catalog ID, cause, the frames that show it."""

    id: str
    detail: str
    frames: list[Message | tuple[int, str]]
    confidence: str = "observed"
    candidates: tuple[str, ...] = ()
    severity: Severity | None = None
    key: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def session_stop(session: Session) -> str:
    """Plain words for where the exchange got to."""
    originals = session.originals()
    if not originals:
        return "no message"
    last = originals[-1]
    labels = session.labels()
    if not session.from_side(False):
        count = len(session.messages)
        return f"{originals[0].label} sent {count} time(s), never answered by {session.responder}"
    if session.version == 1:
        if "QM3" in labels:
            return "phase 1 and quick mode complete (QM3 seen)"
        if "MM6" in labels or "AM3" in labels:
            return "phase 1 complete" + ("; quick mode started (" + _last_qm(session) + ")" if "QM1" in labels
                                         else "")
    else:
        done = [m for m in originals if m.label == "IKE_AUTH response"]
        if done and done[-1].ike.first_inner != "N":
            return "IKE_AUTH complete"
    # trailing informational messages answer the real last step: name that step, then the answer
    trailing = 0
    while trailing < len(originals) - 1 and originals[-1 - trailing].label == "INFO":
        trailing += 1
    answer = ""
    if trailing:
        infos = originals[len(originals) - trailing:]
        last = originals[-1 - trailing]
        notes = sorted({n.name for m in infos for n in m.ike.notifies})
        what = f"INFO N({', '.join(notes)})" if notes else f"{len(infos)} encrypted INFO"
        answer = f"; answered by {what} from {infos[0].src}"
    repeats = sum(1 for m in session.messages if m.retransmit_of is not None and m.label == last.label)
    tail = f", retransmitted {repeats} time(s)" if repeats else ""
    return f"stops at {last.label} from {last.src}{tail}{answer}"


def _last_qm(session: Session) -> str:
    qms = [m.label for m in session.originals() if m.label.startswith("QM")]
    return qms[-1] if qms else "QM1"


def judge_session(session: Session) -> list[Verdict]:
    """Every verdict about one session (usually none or one)."""
    out: list[Verdict] = []
    msgs = session.messages
    responder_msgs = session.from_side(False)
    labels = session.labels()
    first = msgs[0] if msgs else None
    if first is None:
        return out
    key = f"pcap {session.key}"
    # -- silence
    if not responder_msgs and first.from_initiator:
        sent = [m for m in msgs if m.label == first.label]
        confidence = "observed" if len(sent) > 1 else "candidate"
        port = first.dport
        out.append(Verdict(
            "P1-ENABLE",
            f"{session.initiator} sent {first.message_id} {len(sent)} time(s) to {session.responder} UDP {port}; "
            f"{session.responder} never answered. The responder does not listen for IKE on that address "
            f"(ISAKMP not enabled there), or UDP {port} is filtered on the way.",
            list(sent[:6]), confidence, ("FW-PORTS",), key=key,
            extra={"silent": session.responder, "port": port}))
        return out
    # -- cleartext notifies
    phase1_done = bool(labels & PHASE1_DONE)
    for m in msgs:
        if m.retransmit_of is not None:
            continue
        for note in m.ike.notifies:
            verdict = _notify_verdict(session, m, note.type, note.name, note.protocol, phase1_done, key)
            if verdict is not None:
                out.append(verdict)
    if out:
        return out
    # -- IKEv1 phase 1 stops at MM5
    if session.version == 1 and "MM5" in labels and "MM6" not in labels:
        mm5 = [m for m in msgs if m.label == "MM5"]
        infos = [m for m in responder_msgs if m.label == "INFO" and m.frame > mm5[0].frame]
        if len(mm5) > 1 or infos:
            answered = (f"; {session.responder} answered with {len(infos)} encrypted informational message(s) "
                        "(typically N(PAYLOAD_MALFORMED): it could not decrypt MM5)") if infos else ""
            candidates = ("FW-PORTS",) if not infos and mm5[0].dport == 4500 else ("P1-IDENTITY",)
            out.append(Verdict(
                "P1-PSK",
                f"Main mode reached MM5 (the first encrypted message) and stopped: {session.initiator} sent MM5 "
                f"{len(mm5)} time(s), no MM6 came back{answered}. Keys derived from different pre-shared keys "
                "make MM5 undecryptable.",
                [*mm5[:4], *infos[:2]], "observed", candidates, key=key))
            return out
    # -- IKEv2: IKE_AUTH response that is only a notify
    if session.version == 2:
        for m in msgs:
            if m.label == "IKE_AUTH response" and m.ike.first_inner == "N" and m.retransmit_of is None:
                out.append(Verdict(
                    "P1-PSK",
                    f"{m.src} answered IKE_AUTH with an encrypted message whose first payload is a notify: an "
                    "error such as AUTHENTICATION_FAILED (mismatched pre-shared keys) or NO_PROPOSAL_CHOSEN. "
                    "The notify itself is encrypted; the responder's log names it.",
                    [m], "candidate", ("P1-IDENTITY", "P2-TRANSFORM"), key=key))
                return out
    # -- IKEv1 quick mode never completes
    if session.version == 1 and phase1_done and "QM1" in labels and "QM2" not in labels:
        qm1 = [m for m in msgs if m.label == "QM1"]
        infos = [m for m in responder_msgs if m.label == "INFO" and m.frame > qm1[0].frame]
        if len(qm1) > 1 or infos:
            out.append(Verdict(
                "P2-TRANSFORM",
                f"Phase 1 completed but quick mode stops at QM1 ({len(qm1)} time(s) sent"
                + (f", answered by {len(infos)} encrypted informational message(s)" if infos else ", no answer")
                + "). The responder rejected the phase 2 proposal (transform set, PFS group) or the proxy "
                "identities; the reason is inside the encrypted payloads.",
                [*qm1[:4], *infos[:2]], "candidate", ("P2-PFS", "P2-MIRROR"), key=key))
    return out


def _notify_verdict(session: Session, m: Message, ntype: int, name: str, protocol: str, phase1_done: bool,
                    key: str) -> Verdict | None:
    phase2 = phase1_done or protocol in ("ESP", "AH") or m.ike.exchange in (32, 36) or \
        (session.version == 2 and m.ike.exchange == 35 and ntype in (14, 38))
    offer = "; ".join(p.text() for p in session.offered) or "not visible"
    if ntype == 14 and not phase2:
        chosen = session.chosen
        return Verdict(
            "P1-POLICY",
            f"{m.src} rejected every phase 1 proposal with NO_PROPOSAL_CHOSEN ({m.message_id}). "
            f"Offered by {session.initiator}: {offer}. Accepted by {session.responder}: "
            f"{chosen.text() if chosen else 'none (its policies are not in the capture)'}.",
            _with_offer(session, m), key=key, extra={"offered": offer})
    if ntype == 14:
        offer2 = _phase2_offer(session)
        return Verdict(
            "P2-TRANSFORM",
            f"{m.src} rejected the phase 2 proposal with NO_PROPOSAL_CHOSEN ({m.message_id}). "
            f"Offered: {offer2}. The transform sets or the PFS groups of the peers differ.",
            _with_phase2(session, m), candidates=("P2-PFS",), key=key, extra={"offered": offer2})
    if ntype in (18, 38):
        return Verdict(
            "P2-MIRROR",
            f"{m.src} sent {name} ({m.message_id}): the proxy identities / traffic selectors proposed by "
            f"{session.initiator} do not match its crypto ACL.",
            _with_phase2(session, m), candidates=() if phase1_done or ntype == 38 else ("P1-IDENTITY",), key=key)
    if ntype in (16, 23, 24):
        return Verdict(
            "P1-PSK",
            f"{m.src} sent {name} ({m.message_id}): it could not decrypt or verify its peer's authentication "
            "message, the usual sign of different pre-shared keys.",
            [m], candidates=("P1-IDENTITY",), key=key)
    if ntype == 17 and session.version == 2:
        later = [x for x in session.messages if x.frame > m.frame and x.label == "IKE_AUTH response"]
        if later:
            return None  # the initiator retried with the group the responder asked for, and got through
        group = int.from_bytes(_notify_data(m, 17)[:2], "big") if _notify_data(m, 17) else 0
        return Verdict(
            "P2-PFS" if phase2 else "P1-POLICY",
            f"{m.src} answered INVALID_KE_PAYLOAD ({m.message_id}): it wants DH group {group or '?'}, the "
            "initiator's KE was for another group, and the exchange did not complete.",
            [m], candidates=("P1-POLICY",) if phase2 else (), key=key)
    return None


def _notify_data(m: Message, ntype: int) -> bytes:
    for note in m.ike.notifies:
        if note.type == ntype:
            return note.data
    return b""


def _with_offer(session: Session, m: Message) -> list[Message | tuple[int, str]]:
    offers = [x for x in session.messages if x.label in ("MM1", "AM1", "IKE_SA_INIT request")
              and x.retransmit_of is None]
    return [*offers[:2], m]


def _phase2_offer(session: Session) -> str:
    for m in session.messages:
        if m.from_initiator and m.ike.proposals and m.ike.exchange in (32, 35, 36):
            return "; ".join(p.text() for p in m.ike.proposals)
    return "not visible (encrypted)"


def _with_phase2(session: Session, m: Message) -> list[Message | tuple[int, str]]:
    offers = [x for x in session.messages if x.from_initiator and x.ike.exchange in (32, 35, 36)
              and x.retransmit_of is None and x.frame < m.frame]
    return [*offers[-1:], m]


def judge_nat(session: Session) -> Verdict | None:
    """A NAT between the peers (NAT-D mismatch) that NAT-T then did not handle."""
    translated = [c for c in session.nat if c.sender_translated or c.receiver_translated]
    if not translated:
        return None
    later = [m for m in session.messages if m.frame > translated[0].frame]
    floated = any(4500 in (m.sport, m.dport) for m in later)
    who = "; ".join(
        f"frame {c.frame}: " + " and ".join(
            part for part, hit in ((f"the source of {c.sender} is translated", c.sender_translated),
                                   ("the destination is translated", c.receiver_translated)) if hit)
        for c in translated[:3])
    if floated:
        # NAT-T did its job (or a peer forced UDP encapsulation by faking NAT-D, as strongSwan's
        # encap=yes does): nothing to fix.  The checks stay visible in the events.
        return None
    frames: list[Message | tuple[int, str]] = [m for m in session.messages if m.frame in {c.frame for c in translated}]
    stop = "the exchange continues on UDP 500" if later else "the capture ends before NAT-T could switch ports"
    return Verdict("P1-NATT", f"A NAT sits between {session.initiator} and {session.responder} ({who}), but "
                   f"{stop}: NAT-Traversal is not in use, so ESP will not pass the translator.",
                   [*frames, *later[:1]], "observed" if later else "candidate", key=f"pcap {session.key} nat",
                   extra={"natt": "not used"})


def judge_esp(flows: list[EspFlow]) -> list[Verdict]:
    """ESP seen in one direction only, per address pair."""
    by_pair: dict[tuple[str, str], dict[tuple[str, str], list[EspFlow]]] = {}
    for flow in flows:
        pair = tuple(sorted((flow.src, flow.dst)))
        by_pair.setdefault(pair, {}).setdefault((flow.src, flow.dst), []).append(flow)  # type: ignore[arg-type]
    out: list[Verdict] = []
    for pair, directions in sorted(by_pair.items()):
        if len(directions) != 1:
            continue
        (src, dst), group = next(iter(directions.items()))
        count = sum(f.packets for f in group)
        if count < ONEWAY_MIN_PACKETS:
            continue
        spis = ", ".join(f"0x{f.spi} ({f.packets} packets{', UDP 4500' if f.encapsulated else ''})" for f in group)
        evidence: list[Message | tuple[int, str]] = []
        for f in group[:3]:
            evidence.append((f.first_frame, f"first ESP packet {src} -> {dst} SPI 0x{f.spi}"))
            evidence.append((f.last_frame, f"last ESP packet {src} -> {dst} SPI 0x{f.spi} ({f.packets} in all)"))
        out.append(Verdict(
            "P2-ONEWAY",
            f"ESP flows from {src} to {dst} only: {spis}; nothing comes back from {dst}. The far end decrypts "
            "but does not encrypt the answers (routing, NAT exemption or its crypto ACL), or drops the packets.",
            evidence, key=f"pcap esp {pair[0]} {pair[1]}", extra={"direction": f"{src} -> {dst}", "packets": count,
                                                                 "addresses": (src, dst)}))
    return out


def judge_mtu(sessions: list[Session], flows: list[EspFlow], stray: list[int]) -> list[Verdict]:
    """IKE fragments, fragmented IP and IKE datagrams above 1400 bytes, per address pair."""
    by_pair: dict[tuple[str, str], list[Message | tuple[int, str]]] = {}
    for session in sessions:
        for m in session.messages:
            if m.large:
                by_pair.setdefault(tuple(sorted((m.src, m.dst))), []).append(m)  # type: ignore[arg-type]
    for flow in flows:
        for frame in flow.fragmented_frames[:3]:
            by_pair.setdefault(tuple(sorted((flow.src, flow.dst))), []).append(  # type: ignore[arg-type]
                (frame, f"IP-fragmented ESP {flow.src} -> {flow.dst} SPI 0x{flow.spi}"))
    out: list[Verdict] = []
    for pair, items in sorted(by_pair.items()):
        out.append(Verdict(
            "MTU-MSS",
            f"Between {pair[0]} and {pair[1]}: {len(items)} packet(s) are IKE fragments, IP fragments or IKE "
            "messages above 1400 bytes. A path that drops fragments (or a small MTU) loses them: large IKE "
            "messages (certificates) and full-size ESP packets need IKE fragmentation, a lower MTU or TCP MSS "
            "clamping.",
            items[:6], "observed", severity=Severity.WARNING, key=f"pcap mtu {pair[0]} {pair[1]}",
            extra={"addresses": pair}))
    if stray and not out:
        out.append(Verdict("MTU-MSS", f"{len(stray)} IP fragment(s) were never completed in the capture: "
                           "the rest of those datagrams was lost before the capture point.",
                           [(f, "IP fragment without its other parts") for f in stray[:6]], "candidate",
                           severity=Severity.WARNING, key="pcap mtu stray"))
    return out


def to_finding(verdict: Verdict, file: str) -> Finding:
    """A :class:`Finding` with ``pcap`` evidence (frame numbers as line numbers)."""
    from ..knowledge.kb import entry

    try:
        item = entry(verdict.id)
        title, severity = item.title, item.severity
    except KeyError:  # a catalog without this ID: still report, under its ID
        title, severity = verdict.id, Severity.WARNING
    evidence: list[Evidence] = []
    for part in verdict.frames:
        if isinstance(part, Message):
            evidence.append(Evidence(file, part.frame, redact_line(part.describe()), "pcap"))
        else:
            evidence.append(Evidence(file, part[0], redact_line(part[1]), "pcap"))
    ordered = tuple(sorted(dict.fromkeys(evidence), key=lambda e: e.line))
    return Finding(
        id=verdict.id, severity=verdict.severity or severity, title=title, detail=redact_line(verdict.detail),
        evidence=ordered, confidence=verdict.confidence, candidates=verdict.candidates,
        key=verdict.key, extra={"source": "pcap", **verdict.extra},
    )
