"""Typed results of the show-command parsers.

Every record is a frozen dataclass carrying ``line``: the 1-based line number
of the user's file where the record starts, so an observation can point back
at the evidence.  Addresses stay strings: show output is often anonymised
(``x.x.x.x``) and a parser must not drop a record because of it.  Counters
are ``int``; a value that was not printed is ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..model import ParseProblem, Platform


def _empty_map() -> Mapping:  # type: ignore[type-arg]
    return MappingProxyType({})


# --------------------------------------------------------------------------- IKE


@dataclass(frozen=True, slots=True)
class IsakmpSa:
    """One IKEv1 SA row of ``show crypto isakmp sa [detail]`` (ASA or IOS).

    ``layout`` names the variant read: ``asa-table`` (8.x one row per peer),
    ``asa-block`` (9.x ``1 IKE Peer:`` blocks), ``ios`` (``dst src state``)
    or ``ios-detail`` (``C-id Local Remote ...``).
    """

    line: int
    peer: str
    state: str  # as printed (MM_WAIT_MSG_6, QM_IDLE, AM_Active ...)
    layout: str
    local: str | None = None  # IOS `src` / detail `Local`
    index: int | None = None  # ASA row number
    sa_type: str | None = None  # ASA: L2L | User
    role: str | None = None  # ASA: initiator | responder (table: Init/Resp)
    rekey: bool | None = None
    conn_id: int | None = None
    slot: int | None = None
    status: str | None = None  # IOS: ACTIVE | STDBY | (deleted)
    ipv6: bool = False
    ivrf: str | None = None
    encryption: str | None = None
    hash: str | None = None
    authentication: str | None = None
    dh_group: int | None = None
    lifetime: str | None = None
    capabilities: str | None = None

    @property
    def state_key(self) -> str:
        """The state normalised for lookups (upper case)."""
        return self.state.upper()


@dataclass(frozen=True, slots=True)
class Ikev2Sa:
    """One IKEv2 SA of ``show crypto ikev2 sa`` (IOS or ASA)."""

    line: int
    tunnel_id: int
    local: str
    remote: str
    status: str  # READY | IN-NEG | DELETE ...
    local_port: int | None = None
    remote_port: int | None = None
    fvrf: str | None = None
    ivrf: str | None = None
    role: str | None = None  # ASA: INITIATOR | RESPONDER
    session_status: str | None = None  # ASA `Session-id:1, Status:UP-ACTIVE`
    session_id: int | None = None
    encryption: str | None = None
    keysize: int | None = None
    prf: str | None = None
    hash: str | None = None
    dh_group: int | None = None
    auth_sign: str | None = None
    auth_verify: str | None = None
    lifetime: int | None = None
    active_time: int | None = None
    ipv6: bool = False


# --------------------------------------------------------------------------- IPsec SAs


@dataclass(frozen=True, slots=True)
class Ident:
    """A proxy identity ``(addr/mask/prot/port)``."""

    addr: str
    mask: str
    prot: int | None
    port: int | None


@dataclass(frozen=True, slots=True)
class IpsecSa:
    """One SA under ``inbound esp sas:`` / ``outbound esp sas:``."""

    line: int
    direction: str  # inbound | outbound
    protocol: str  # esp | ah | pcp
    spi: str  # 0x... upper-case hex
    spi_int: int | None = None
    transform: str | None = None
    settings: str | None = None  # in use settings ={Tunnel, }
    conn_id: int | None = None
    flow_id: str | None = None
    crypto_map: str | None = None
    lifetime_kb: int | None = None
    lifetime_sec: int | None = None
    iv_size: int | None = None
    replay_detection: bool | None = None
    status: str | None = None  # IOS: ACTIVE(ACTIVE)


@dataclass(frozen=True, slots=True)
class IpsecFlow:
    """One flow (proxy-identity pair) of ``show crypto ipsec sa``, with its counters and SAs.

    A flow with no SA (``current outbound spi: 0x0(0)``) is kept: it says the
    crypto ACL matched but phase 2 never came up.
    """

    line: int
    interface: str | None
    crypto_map: str | None = None
    seq: int | None = None
    local_addr: str | None = None
    protected_vrf: str | None = None
    acl: str | None = None  # ASA: the `access-list ...` line of the entry
    local_ident: Ident | None = None
    remote_ident: Ident | None = None
    current_peer: str | None = None
    peer_port: int | None = None
    dynamic_peer: str | None = None
    counters: Mapping[str, int] = field(default_factory=_empty_map)
    local_endpoint: str | None = None
    remote_endpoint: str | None = None
    local_endpoint_port: int | None = None
    remote_endpoint_port: int | None = None
    path_mtu: int | None = None
    plaintext_mtu: int | None = None
    media_mtu: int | None = None
    ip_mtu: int | None = None
    ip_mtu_idb: str | None = None
    ipsec_overhead: int | None = None
    current_outbound_spi: str | None = None  # 0x... ; "0x0" when no SA
    current_inbound_spi: str | None = None
    pfs: bool | None = None
    dh_group: str | None = None
    sas: tuple[IpsecSa, ...] = ()

    @property
    def encaps(self) -> int | None:
        return self.counters.get("encaps")

    @property
    def decaps(self) -> int | None:
        return self.counters.get("decaps")

    @property
    def has_sa(self) -> bool:
        """Whether an SA exists for the flow (an outbound SPI other than 0, or any SA listed)."""
        if self.sas:
            return True
        spi = self.current_outbound_spi
        if spi is None or not _is_hex(spi):
            return False
        return int(spi, 16) != 0


def _is_hex(text: str | None) -> bool:
    if not text:
        return False
    try:
        int(text, 16)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- IOS crypto session


@dataclass(frozen=True, slots=True)
class SessionIkeSa:
    """``IKEv1 SA: local A/500 remote B/500 Active`` (or ``IKE SA`` / ``IKEv2 SA``)."""

    line: int
    version: str  # IKE | IKEv1 | IKEv2
    local: str
    remote: str
    status: str  # Active | Inactive
    local_port: int | None = None
    remote_port: int | None = None
    session_id: int | None = None
    capabilities: str | None = None
    conn_id: int | None = None
    lifetime: str | None = None


@dataclass(frozen=True, slots=True)
class SessionFlow:
    """``IPSEC FLOW: permit ip A/M B/M`` with its SA count and packet counters."""

    line: int
    action: str
    protocol: str
    src: str
    dst: str
    src_mask: str | None = None
    dst_mask: str | None = None
    active_sas: int | None = None
    origin: str | None = None
    decrypted: int | None = None
    decrypt_drops: int | None = None
    encrypted: int | None = None
    encrypt_drops: int | None = None
    inbound_life: str | None = None  # KB/sec as printed
    outbound_life: str | None = None


@dataclass(frozen=True, slots=True)
class CryptoSession:
    """One ``Interface:`` block of ``show crypto session [detail]``."""

    line: int
    interface: str
    status: str | None = None  # UP-ACTIVE | UP-IDLE | UP-NO-IKE | DOWN | DOWN-NEGOTIATING
    peer: str | None = None
    peer_port: int | None = None
    profile: str | None = None
    uptime: str | None = None
    fvrf: str | None = None
    ivrf: str | None = None
    phase1_id: str | None = None
    description: str | None = None
    ike_sas: tuple[SessionIkeSa, ...] = ()
    flows: tuple[SessionFlow, ...] = ()


# --------------------------------------------------------------------------- ASA vpn-sessiondb


@dataclass(frozen=True, slots=True)
class VpnSummaryRow:
    """A ``Name : active : cumulative : peak [: inactive]`` row of ``show vpn-sessiondb [summary]``."""

    line: int
    table: str  # sessions | tunnels
    name: str
    active: int
    cumulative: int | None = None
    peak: int | None = None
    inactive: int | None = None
    depth: int = 0  # indentation level: 1 for a sub-row (`  IKEv1 IPsec` under `Site-to-Site VPN`)


@dataclass(frozen=True, slots=True)
class VpnSummary:
    line: int
    rows: tuple[VpnSummaryRow, ...] = ()
    total_active_inactive: int | None = None
    total_cumulative: int | None = None
    capacity: int | None = None
    load_percent: int | None = None
    totals_active: int | None = None
    totals_cumulative: int | None = None


@dataclass(frozen=True, slots=True)
class VpnSubBlock:
    """A detail sub-block (``IKE:``, ``IKEv1:``, ``IPsec:``, ``NAC:`` ...) as label → value."""

    line: int
    kind: str
    fields: Mapping[str, str] = field(default_factory=_empty_map)

    def get(self, label: str) -> str | None:
        return self.fields.get(label)

    @property
    def local_addr(self) -> str | None:
        return self.fields.get("Local Addr")

    @property
    def remote_addr(self) -> str | None:
        return self.fields.get("Remote Addr")

    @property
    def pfs_group(self) -> str | None:
        return self.fields.get("PFS Group")

    @property
    def rekey_interval(self) -> str | None:
        return self.fields.get("Rekey Int (T)")

    @property
    def rekey_left(self) -> str | None:
        return self.fields.get("Rekey Left(T)")


@dataclass(frozen=True, slots=True)
class VpnSession:
    """One session of ``show vpn-sessiondb [detail] l2l | ra-ikev1-ipsec | anyconnect``.

    ``fields`` keeps every ``Label : value`` of the session header verbatim;
    the properties give the ones the diagnosis uses.
    """

    line: int
    session_type: str | None
    fields: Mapping[str, str] = field(default_factory=_empty_map)
    counts: Mapping[str, int] = field(default_factory=_empty_map)  # IKE Sessions / IPsec Tunnels ...
    blocks: tuple[VpnSubBlock, ...] = ()

    @property
    def connection(self) -> str | None:
        return self.fields.get("Connection") or None

    @property
    def username(self) -> str | None:
        return self.fields.get("Username") or None

    @property
    def index(self) -> int | None:
        return _int_or_none(self.fields.get("Index"))

    @property
    def ip_addr(self) -> str | None:
        return self.fields.get("IP Addr") or self.fields.get("Public IP") or None

    @property
    def protocol(self) -> str | None:
        return self.fields.get("Protocol")

    @property
    def encryption(self) -> str | None:
        return self.fields.get("Encryption")

    @property
    def hashing(self) -> str | None:
        return self.fields.get("Hashing")

    @property
    def bytes_tx(self) -> int | None:
        return _int_or_none(self.fields.get("Bytes Tx"))

    @property
    def bytes_rx(self) -> int | None:
        return _int_or_none(self.fields.get("Bytes Rx"))

    @property
    def duration(self) -> str | None:
        return self.fields.get("Duration")

    @property
    def login_time(self) -> str | None:
        return self.fields.get("Login Time")


def _int_or_none(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    return int(text) if text.isdecimal() else None


# --------------------------------------------------------------------------- platform and firewall state


@dataclass(frozen=True, slots=True)
class AspCounter:
    """One ``Description (name)   N`` line of ``show asp drop``."""

    line: int
    section: str  # frame | flow
    name: str  # the counter's short name, e.g. vpn-context-expired (may be cut by the ASA)
    description: str
    count: int


@dataclass(frozen=True, slots=True)
class AspDrop:
    line: int
    counters: tuple[AspCounter, ...] = ()
    last_clearing: Mapping[str, str] = field(default_factory=_empty_map)  # section → "Never" / time

    def find(self, text: str) -> AspCounter | None:
        """The first counter whose name or description equals ``text`` (case-insensitive)."""
        wanted = text.lower()
        for counter in self.counters:
            if counter.name.lower() == wanted or counter.description.lower() == wanted:
                return counter
        return None


@dataclass(frozen=True, slots=True)
class SysoptSetting:
    """``[no] sysopt <option> [value]`` as listed by ``show running-config all sysopt``."""

    line: int
    option: str  # e.g. "connection permit-vpn", "connection tcpmss"
    enabled: bool
    value: str | None = None  # "1380", "minimum 0", an interface name ...


@dataclass(frozen=True, slots=True)
class CermResource:
    line: int
    name: str  # "Tx Bandwidth(in kbps)", "Number of tunnels" ...
    maximum: int | None
    available: int | None


@dataclass(frozen=True, slots=True)
class CermInfo:
    """``show platform cerm-information`` (ISR G2 export restrictions)."""

    line: int
    enabled: bool | None = None
    resources: tuple[CermResource, ...] = ()
    counters: Mapping[str, int] = field(default_factory=_empty_map)  # statistics lines: label → value
    counter_lines: Mapping[str, int] = field(default_factory=_empty_map)  # label → line number

    def resource(self, word: str) -> CermResource | None:
        """The resource whose name contains ``word`` (case-insensitive): ``tx``, ``tunnels``, ``tls``."""
        wanted = word.lower()
        for resource in self.resources:
            if wanted in resource.name.lower():
                return resource
        return None


@dataclass(frozen=True, slots=True)
class ManagementAccess:
    """``show management-access``: the interface named, or None when not configured."""

    line: int
    interface: str | None


ShowRecord = (
    IsakmpSa
    | Ikev2Sa
    | IpsecFlow
    | CryptoSession
    | VpnSummary
    | VpnSession
    | AspDrop
    | SysoptSetting
    | CermInfo
    | ManagementAccess
)


@dataclass(frozen=True, slots=True)
class ShowResult:
    """What one show command's output held.

    ``command`` is the canonical command key (see :data:`~ipsec_doctor.show.registry.COMMANDS`),
    None when neither the hint nor the content identified it.  ``notes`` list the
    lines that were skipped (never fatal).  ``lines`` counts the lines read.
    """

    command: str | None
    platform: Platform | None
    records: tuple[ShowRecord, ...] = ()
    notes: tuple[ParseProblem, ...] = ()
    file: str = ""
    device_hint: str | None = None
    first_line: int = 0
    typed_command: str | None = None  # the command as typed at the prompt, when known

    def of_type(self, kind: type) -> tuple:  # type: ignore[type-arg]
        """The records of one dataclass type, in file order."""
        return tuple(record for record in self.records if isinstance(record, kind))
