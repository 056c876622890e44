"""Predicted `show crypto isakmp sa` state per tunnel end, in each platform's own words.

The mapping follows the source document's show-output semantics (see
CATALOG.md, "Show-output semantics") for the direction that fails — the one
the engineer is troubleshooting — or the steady state when the tunnel is up:

| cause (catalog ID)                       | initiator ASA        | initiator IOS | responder ASA | responder IOS |
|------------------------------------------|----------------------|---------------|---------------|---------------|
| up, or phase 2 fails after phase 1        | MM_ACTIVE            | QM_IDLE       | MM_ACTIVE     | QM_IDLE       |
| no answer: P1-ENABLE, P1-POLICY, P1-LIFETIME | MM_WAIT_MSG2     | MM_NO_STATE   | (no SA)       | (no SA)       |
| wrong peer / tunnel-group (TG-NAME)       | MM_WAIT_MSG4         | MM_KEY_EXCH   | MM_WAIT_MSG3  | MM_KEY_EXCH   |
| keys or identities differ (P1-PSK, P1-IDENTITY) | MM_WAIT_MSG6 ¹ | MM_KEY_EXCH   | MM_WAIT_MSG5  | MM_KEY_EXCH   |
| aggressive mode refused (P1-AGGR)         | AG_INIT_EXCH         | AG_INIT_EXCH  | (no SA)       | (no SA)       |
| XAUTH asked of an L2L peer (TG-IOSXAUTH)  | the IOS end that asks shows CONF_XAUTH; the other end MM_ACTIVE / QM_IDLE |

¹ The document prints ``MM_WAIT_MSG_6`` (its example is ASA 7.x era
output); ASA 8.x and later print ``MM_WAIT_MSG6``.  We print the underscore
form for ASA before 8.0 and PIX 6 and the plain form otherwise — an
assumption from published outputs of each era, not a verified table.

The responder states for TG-NAME and the IOS equivalents are the usual
observations, not guarantees: a device may already have deleted the SA when
the engineer looks.  ``(no SA)`` means the device keeps no ISAKMP SA for the
peer.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Platform
from .pairing import TunnelEnd
from .verdict import TunnelVerdict

__all__ = ["NO_SA", "predict_states", "predict_states_v2"]

NO_SA = "(no SA)"

# cause → (initiator ASA, initiator IOS, responder ASA, responder IOS)
_TABLE: dict[str, tuple[str, str, str, str]] = {
    "UP": ("MM_ACTIVE", "QM_IDLE", "MM_ACTIVE", "QM_IDLE"),
    "NO_ANSWER": ("MM_WAIT_MSG2", "MM_NO_STATE", NO_SA, NO_SA),
    "TG-NAME": ("MM_WAIT_MSG4", "MM_KEY_EXCH", "MM_WAIT_MSG3", "MM_KEY_EXCH"),
    "AUTH": ("MM_WAIT_MSG6", "MM_KEY_EXCH", "MM_WAIT_MSG5", "MM_KEY_EXCH"),
    "P1-AGGR": ("AG_INIT_EXCH", "AG_INIT_EXCH", NO_SA, NO_SA),
}
_CAUSE = {
    "P1-ENABLE": "NO_ANSWER", "P1-POLICY": "NO_ANSWER", "P1-LIFETIME": "NO_ANSWER",
    "TG-NAME": "TG-NAME", "P1-PSK": "AUTH", "P1-IDENTITY": "AUTH", "P1-AGGR": "P1-AGGR",
}


def _asa_like(end: TunnelEnd) -> bool:
    return end.platform in (Platform.ASA, Platform.PIX6)


def _pick(row: tuple[str, str, str, str], end: TunnelEnd, initiator: bool) -> str:
    state = row[(0 if _asa_like(end) else 1) + (0 if initiator else 2)]
    if state == "MM_WAIT_MSG6" and (end.platform is Platform.PIX6 or
                                    (end.version_tuple and end.version_tuple < (8, 0))):
        return "MM_WAIT_MSG_6"
    return state


def predict_states(verdict: TunnelVerdict, ends: Sequence[TunnelEnd]) -> dict[str, str]:
    """Device name → the state `show crypto isakmp sa` should show for this tunnel.

    Ends whose state cannot be predicted (verdict unknown, one-sided tunnel)
    are left out.
    """
    if verdict.verdict == "unknown" or not verdict.directions:
        return {}
    if getattr(verdict, "ike_version", 1) == 2:
        return predict_states_v2(verdict, ends)
    direction = verdict.failing or verdict.directions[0]
    failure = direction.phase1.failure if direction.phase1.status == "fail" else None
    out: dict[str, str] = {}
    for end in ends:
        initiator = end.device == direction.initiator
        if failure is not None and failure.catalog_id == "TG-IOSXAUTH":
            asking = end.device == failure.device and end.platform is Platform.IOS
            out[end.device] = "CONF_XAUTH" if asking else _pick(_TABLE["UP"], end, initiator)
            continue
        if failure is not None and failure.catalog_id == "P1-ENABLE" and failure.device == direction.initiator:
            out[end.device] = NO_SA  # the initiator cannot even send the first message
            continue
        cause = "UP" if failure is None else _CAUSE.get(failure.catalog_id, "NO_ANSWER")
        out[end.device] = _pick(_TABLE[cause], end, initiator)
    return out


# --------------------------------------------------------------------------- IKEv2: `show crypto ikev2 sa`
#
# IOS prints the IKE SA ``Status`` READY (established), IN-NEG (negotiating)
# or DELETE (being torn down); the ASA prints UP-ACTIVE when the IKE SA is up
# and NEGOTIATING while the exchange is unanswered.  The table gives the
# state an engineer usually sees for each stage at which IKEv2 fails — the
# usual observation from published outputs, not a verified table.
#
# | stage (failure ID)                       | initiator ASA | initiator IOS | responder ASA | responder IOS |
# |------------------------------------------|---------------|---------------|---------------|---------------|
# | up                                       | UP-ACTIVE     | READY         | UP-ACTIVE     | READY         |
# | IKE_SA_INIT refused (V2-PROPOSAL, enable) | NEGOTIATING  | IN-NEG        | (no SA)       | (no SA)       |
# | IKE_AUTH refused (V2-PSK, V2-IDENTITY)   | NEGOTIATING   | IN-NEG        | (no SA)       | DELETE        |
# | child SA refused (proposal, selectors)   | NEGOTIATING   | DELETE        | (no SA)       | DELETE        |

_V2_TABLE: dict[str, tuple[str, str, str, str]] = {
    "UP": ("UP-ACTIVE", "READY", "UP-ACTIVE", "READY"),
    "INIT": ("NEGOTIATING", "IN-NEG", NO_SA, NO_SA),
    "AUTH": ("NEGOTIATING", "IN-NEG", NO_SA, "DELETE"),
    "CHILD": ("NEGOTIATING", "DELETE", NO_SA, "DELETE"),
}


def predict_states_v2(verdict: TunnelVerdict, ends: Sequence[TunnelEnd]) -> dict[str, str]:
    """Device name → the ``Status`` `show crypto ikev2 sa` should show for an IKEv2 tunnel."""
    direction = verdict.failing or verdict.directions[0]
    failure = direction.failure
    if failure is None:
        stage = "UP"
    elif direction.failed_phase == 2:
        stage = "CHILD"
    elif failure.catalog_id in ("V2-PSK", "V2-IDENTITY"):
        stage = "AUTH"
    else:
        stage = "INIT"
    row = _V2_TABLE[stage]
    out: dict[str, str] = {}
    for end in ends:
        initiator = end.device == direction.initiator
        out[end.device] = row[(0 if _asa_like(end) else 1) + (0 if initiator else 2)]
    return out
