"""The neutral VPN model.

Every dialect (IOS, ASA, PIX 6) turns configuration text into these frozen
dataclasses and nothing else reads raw configuration afterwards.  Each
element remembers where it came from (:class:`Source`) so that findings can
point at a file and line.  Platform defaults that ``show running-config``
hides are made explicit by the dialects; the names of the attributes that
were filled in from defaults are kept (``defaulted``) so that a finding can
say "not configured, default applies".

Addresses are :mod:`ipaddress` objects.  Secrets are :class:`Secret` values
that never print their text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface, IPv6Network
from types import MappingProxyType
from typing import Any, Literal

from .secrets import Secret

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network
IPInterface = IPv4Interface | IPv6Interface

ANY4 = IPv4Network("0.0.0.0/0")

_EMPTY: Mapping[str, Any] = MappingProxyType({})  # shared by every empty table field, whatever its value type


def frozen_map(d: dict | None = None) -> Mapping:  # type: ignore[type-arg]
    """A read-only view used for the model's name-indexed collections."""
    if not d:
        return _EMPTY  # read-only, so every empty collection can share one view
    return MappingProxyType(dict(d))


class Platform(str, Enum):
    IOS = "ios"
    ASA = "asa"
    PIX6 = "pix6"


@dataclass(frozen=True, slots=True)
class Source:
    """Where an element was read: file, 1-based line, and the (redacted) line text."""

    file: str
    line: int
    text: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


NO_SOURCE = Source("", 0, "")


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A line that was not understood (or input that could not be used)."""

    file: str
    line: int
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "message": self.message}


# --------------------------------------------------------------------------- interfaces


@dataclass(frozen=True, slots=True)
class TunnelSettings:
    """`interface Tunnel N` settings (GRE, VTI, DMVPN)."""

    source_interface: str | None = None  # `tunnel source Gi0/0` (canonical interface name)
    source_address: IPAddress | None = None  # `tunnel source 192.0.2.1`
    destination: IPAddress | None = None
    destination_name: str | None = None  # hostname destinations
    mode: str = "gre ip"  # IOS default; `ipsec ipv4` for VTI, `gre multipoint` for DMVPN
    protection_profile: str | None = None
    protection_shared: bool = False
    source: Source = NO_SOURCE
    # DMVPN (NHRP): `ip nhrp nhs T nbma N` → (T, N) (N None when only a `map` gives it),
    # `ip nhrp map T N` → (T, N), `ip nhrp network-id ID`.
    nhrp_nhs: tuple[tuple[IPAddress | None, IPAddress | None], ...] = ()  # tunnel IP None: `nhs dynamic`
    nhrp_maps: tuple[tuple[IPAddress, IPAddress], ...] = ()
    nhrp_network_id: int | None = None


@dataclass(frozen=True, slots=True)
class Interface:
    name: str  # canonical full name (GigabitEthernet0/0); ASA hardware name
    nameif: str | None = None  # ASA/PIX logical name used by crypto/nat/route commands
    security_level: int | None = None
    addresses: tuple[IPInterface, ...] = ()  # primary first
    dhcp: bool = False
    pppoe: bool = False
    shutdown: bool = False
    description: str | None = None
    crypto_map: str | None = None  # IOS `crypto map M` under the interface; ASA from the binding
    nat_role: Literal["inside", "outside"] | None = None  # IOS `ip nat inside|outside`
    tcp_adjust_mss: int | None = None
    mtu: int | None = None
    vrf: str | None = None
    tunnel: TunnelSettings | None = None
    source: Source = NO_SOURCE

    @property
    def primary_address(self) -> IPInterface | None:
        return self.addresses[0] if self.addresses else None

    @property
    def local_name(self) -> str:
        """The name the device's own crypto/NAT/route commands use for this interface."""
        return self.nameif or self.name


# --------------------------------------------------------------------------- objects and ACLs


PortRanges = tuple[tuple[int, int], ...]  # inclusive ranges; empty tuple = no port restriction


@dataclass(frozen=True, slots=True)
class Service:
    """One protocol with optional port ranges (None = any port)."""

    protocol: str  # "ip" (any), "tcp", "udp", "icmp", "esp", "gre", a number, ...
    src_ports: PortRanges | None = None
    dst_ports: PortRanges | None = None

    @property
    def any_protocol(self) -> bool:
        return self.protocol in ("ip", "ipv4", "ipv6", "any")

    @property
    def has_ports(self) -> bool:
        return self.src_ports is not None or self.dst_ports is not None


SERVICE_IP = Service("ip")


@dataclass(frozen=True, slots=True)
class NetworkObject:
    """ASA `object network` (value already resolved) or `name` entry."""

    name: str
    networks: tuple[IPNetwork, ...] = ()
    fqdn: str | None = None
    kind: Literal["host", "subnet", "range", "fqdn", "name", "unknown"] = "unknown"
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class ServiceObject:
    name: str
    services: tuple[Service, ...] = ()
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class ObjectGroup:
    """ASA `object-group`; ``networks``/``services``/``protocols`` are fully resolved (nesting flattened)."""

    name: str
    kind: Literal["network", "service", "protocol", "icmp-type", "user", "other"]
    networks: tuple[IPNetwork, ...] = ()
    services: tuple[Service, ...] = ()
    protocols: tuple[str, ...] = ()
    ports: PortRanges = ()  # `object-group service NAME tcp` + `port-object`
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class AclEntry:
    """One ACE, with object-groups expanded.

    The ACE matches a packet when its protocol/ports match one of ``services``,
    its source is inside one of ``sources`` and its destination inside one of
    ``destinations``.  A standard ACL entry has ``destinations == (ANY4,)`` and
    its networks in ``sources``.
    """

    action: Literal["permit", "deny"]
    services: tuple[Service, ...]
    sources: tuple[IPNetwork, ...]
    destinations: tuple[IPNetwork, ...]
    inactive: bool = False
    sequence: int | None = None
    unresolved: tuple[str, ...] = ()  # names that did not resolve (reported as problems too)
    source: Source = NO_SOURCE

    @property
    def has_ports(self) -> bool:
        return any(s.has_ports for s in self.services)


@dataclass(frozen=True, slots=True)
class AccessList:
    name: str
    kind: Literal["standard", "extended", "webtype", "ethertype", "unknown"] = "extended"
    entries: tuple[AclEntry, ...] = ()
    source: Source = NO_SOURCE

    @property
    def active_entries(self) -> tuple[AclEntry, ...]:
        return tuple(e for e in self.entries if not e.inactive)


# --------------------------------------------------------------------------- IKE


@dataclass(frozen=True, slots=True)
class IkePolicy:
    """IKEv1 ISAKMP policy with the platform's defaults filled in.

    encryption: des, 3des, aes, aes-192, aes-256; hash: md5, sha, sha256,
    sha384, sha512; authentication: pre-share, rsa-sig, rsa-encr, crack;
    group: DH group number; lifetime: seconds (0 = unlimited on ASA `lifetime none`).
    """

    priority: int
    encryption: str
    hash: str
    authentication: str
    group: int
    lifetime: int
    defaulted: frozenset[str] = frozenset()
    source: Source = NO_SOURCE
    attr_sources: Mapping[str, Source] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Ikev2Proposal:
    """IOS `crypto ikev2 proposal` or ASA `crypto ikev2 policy` (which carries priority and lifetime)."""

    name: str
    encryption: tuple[str, ...] = ()
    integrity: tuple[str, ...] = ()
    prf: tuple[str, ...] = ()
    groups: tuple[int, ...] = ()
    priority: int | None = None  # ASA policy number
    lifetime: int | None = None
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class Ikev2Policy:
    """IOS `crypto ikev2 policy`: which proposals apply to which local addresses."""

    name: str
    proposals: tuple[str, ...] = ()
    match_local_addresses: tuple[IPAddress, ...] = ()
    match_fvrf: str | None = None
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class PreSharedKey:
    """A key bound to a peer (IOS `crypto isakmp key`, keyring entries, PIX `isakmp key`).

    ``peer`` is a network (host /32 for one address, 0.0.0.0/0 for a wildcard);
    ``peer_name`` a hostname key.  ``direction`` is ``both`` except for IKEv2
    asymmetric keys (``local``/``remote``).
    """

    secret: Secret
    peer: IPNetwork | None = None
    peer_name: str | None = None
    no_xauth: bool = False
    keyring: str | None = None
    ike_version: int = 1
    direction: Literal["both", "local", "remote"] = "both"
    source: Source = NO_SOURCE
    keyring_peer: str | None = None  # IOS `crypto ikev2 keyring` → `peer NAME` block holding the key


@dataclass(frozen=True, slots=True)
class Keyring:
    """IOS `crypto keyring` / `crypto ikev2 keyring` (its keys are also in Device.pre_shared_keys)."""

    name: str
    ike_version: int = 1
    local_address: str | None = None
    vrf: str | None = None
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class IsakmpProfile:
    """IOS `crypto isakmp profile` / `crypto ikev2 profile`."""

    name: str
    ike_version: int = 1
    keyrings: tuple[str, ...] = ()
    match_identities: tuple[str, ...] = ()  # raw `match identity ...` arguments
    match_addresses: tuple[IPNetwork, ...] = ()
    self_identity: str | None = None
    local_address: str | None = None
    auth_local: tuple[str, ...] = ()
    auth_remote: tuple[str, ...] = ()
    client_authentication_list: str | None = None
    isakmp_authorization_list: str | None = None
    client_configuration_address: str | None = None
    virtual_template: int | None = None
    keepalive: int | None = None
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class Keepalive:
    """Dead peer detection: IOS `crypto isakmp keepalive S [R] [periodic]`, ASA tunnel-group `isakmp keepalive`."""

    enabled: bool
    interval: int | None = None  # seconds (ASA: threshold)
    retry: int | None = None
    periodic: bool = False
    defaulted: bool = False
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class IkeEnable:
    """IKE enabled on an interface (ASA/PIX: per interface and version)."""

    interface: str  # nameif
    ike_version: int = 1
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class IkeSettings:
    """Device-wide IKE settings with defaults made explicit.

    ``enabled_everywhere``: IOS runs ISAKMP on all interfaces unless
    ``no crypto isakmp enable``; ASA/PIX need an explicit enable per interface
    (``enabled_interfaces``).
    """

    enabled_everywhere: bool = False
    enabled_interfaces: tuple[IkeEnable, ...] = ()
    nat_traversal: bool = True
    nat_traversal_keepalive: int | None = None
    nat_traversal_defaulted: bool = True
    identity: str = "address"  # address | hostname | auto | dn | key-id
    identity_defaulted: bool = True
    keepalive: Keepalive | None = None  # IOS global DPD
    aggressive_mode_disabled: bool = False
    invalid_spi_recovery: bool = False
    source: Source = NO_SOURCE  # the line that set nat-traversal / enable, when any
    attr_sources: Mapping[str, Source] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]

    def enabled_on(self, interface: str, ike_version: int = 1) -> bool:
        if self.enabled_everywhere:
            return True
        return any(e.interface == interface and e.ike_version == ike_version for e in self.enabled_interfaces)


# --------------------------------------------------------------------------- IPsec


@dataclass(frozen=True, slots=True)
class TransformSet:
    """IKEv1 transform set.  ``esp_encryption`` e.g. esp-aes 256 → ("esp-aes", 256)."""

    name: str
    transforms: tuple[str, ...]  # normalised tokens as written, e.g. ("esp-aes 256", "esp-sha-hmac")
    esp_encryption: str | None = None  # esp-des, esp-3des, esp-aes, esp-aes-192, esp-aes-256, esp-null, esp-gcm...
    esp_key_bits: int | None = None
    esp_integrity: str | None = None  # esp-md5-hmac, esp-sha-hmac, esp-sha256-hmac, esp-none, ...
    ah: str | None = None
    compression: str | None = None
    mode: Literal["tunnel", "transport"] = "tunnel"
    source: Source = NO_SOURCE

    @property
    def key(self) -> tuple[str | None, int | None, str | None, str | None]:
        """What has to be equal on both ends for phase 2 to agree."""
        return (self.esp_encryption, self.esp_key_bits, self.esp_integrity, self.ah)


@dataclass(frozen=True, slots=True)
class IpsecProposal:
    """IKEv2 IPsec proposal (ASA `crypto ipsec ikev2 ipsec-proposal`)."""

    name: str
    encryption: tuple[str, ...] = ()
    integrity: tuple[str, ...] = ()
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class IpsecProfile:
    """IOS/ASA `crypto ipsec profile` (used by `tunnel protection`)."""

    name: str
    transform_sets: tuple[str, ...] = ()
    ikev2_proposals: tuple[str, ...] = ()
    pfs_group: int | None = None
    lifetime_seconds: int | None = None
    ikev2_profile: str | None = None
    isakmp_profile: str | None = None
    responder_only: bool = False
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class Peer:
    """A `set peer` target: an address, or a name that may not resolve (masked or a hostname)."""

    raw: str
    address: IPAddress | None = None
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class CryptoMapEntry:
    """One sequence of a static crypto map, or of a dynamic map.

    ``pfs_group``: the DH group for PFS or None when PFS is off (the dialect
    resolves `set pfs` without a group to the platform default: group 1 on
    IOS, group 2 on ASA).  ``lifetime_*`` None means the global default.
    ``dynamic_map`` is set on a static map entry that points at a dynamic map
    (`crypto map M 65535 ipsec-isakmp dynamic D`).
    """

    map_name: str
    seq: int
    is_dynamic: bool = False  # an entry of a `crypto dynamic-map`
    dynamic_map: str | None = None
    manual: bool = False
    match_acl: str | None = None
    peers: tuple[Peer, ...] = ()
    transform_sets: tuple[str, ...] = ()
    ikev2_proposals: tuple[str, ...] = ()
    pfs_group: int | None = None
    lifetime_seconds: int | None = None
    lifetime_kilobytes: int | None = None
    reverse_route: bool = False
    nat_t_disable: bool = False
    phase1_mode: Literal["main", "aggressive"] = "main"
    isakmp_profile: str | None = None
    ikev2_profile: str | None = None
    connection_type: str | None = None
    trustpoint: str | None = None
    source: Source = NO_SOURCE
    attr_sources: Mapping[str, Source] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]

    def src(self, attr: str) -> Source:
        """The line that set ``attr`` (e.g. "peer", "pfs", "match"), else the entry's first line."""
        return self.attr_sources.get(attr, self.source)


@dataclass(frozen=True, slots=True)
class CryptoMap:
    """A static crypto map (all sequences) with IOS map-level settings."""

    name: str
    entries: tuple[CryptoMapEntry, ...] = ()
    client_authentication_list: str | None = None
    isakmp_authorization_list: str | None = None
    client_configuration_address: str | None = None  # initiate | respond
    local_address: str | None = None
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class CryptoMapBinding:
    """A crypto map applied to an interface (IOS interface sub-command, ASA `crypto map M interface IF`)."""

    map_name: str
    interface: str  # the device's own name for it (ASA nameif, IOS full interface name)
    source: Source = NO_SOURCE


# --------------------------------------------------------------------------- ASA tunnel-groups and policies


@dataclass(frozen=True, slots=True)
class Attribute:
    """A group-policy / username attribute: name (normalised), value text, line."""

    name: str
    value: str
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class TunnelGroup:
    name: str
    type: str | None = None  # ipsec-l2l | remote-access | ipsec-ra | webvpn
    address_pools: tuple[str, ...] = ()
    default_group_policy: str | None = None
    authentication_server_group: str | None = None
    ikev1_psk: Secret | None = None
    ikev2_local_psk: Secret | None = None
    ikev2_remote_psk: Secret | None = None
    keepalive: Keepalive | None = None
    ikev1_user_authentication: str | None = None  # e.g. "none"
    peer_id_validate: str | None = None
    trustpoint: str | None = None
    source: Source = NO_SOURCE
    attr_sources: Mapping[str, Source] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]

    def src(self, attr: str) -> Source:
        return self.attr_sources.get(attr, self.source)


@dataclass(frozen=True, slots=True)
class GroupPolicy:
    """ASA group-policy.  ``attributes`` keyed by normalised name (e.g. ``vpn-tunnel-protocol``)."""

    name: str
    kind: Literal["internal", "external"] = "internal"
    attributes: Mapping[str, Attribute] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    source: Source = NO_SOURCE

    def get(self, name: str) -> Attribute | None:
        return self.attributes.get(name)


@dataclass(frozen=True, slots=True)
class User:
    name: str
    attributes: Mapping[str, Attribute] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class ClientGroup:
    """IOS Easy VPN / remote-access `crypto isakmp client configuration group G`."""

    name: str
    key: Secret | None = None
    pool: str | None = None
    acl: str | None = None  # split tunnel ACL
    dns: tuple[str, ...] = ()
    domain: str | None = None
    split_dns: tuple[str, ...] = ()
    max_logins: int | None = None
    netmask: IPv4Address | None = None  # `netmask M`: the mask pushed with pool addresses
    source: Source = NO_SOURCE
    attr_sources: Mapping[str, Source] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class AaaServer:
    group: str
    protocol: str | None = None  # radius | tacacs+ | ldap | ...
    host: str | None = None
    interface: str | None = None
    timeout: int | None = None
    source: Source = NO_SOURCE


# --------------------------------------------------------------------------- NAT and routing


@dataclass(frozen=True, slots=True)
class NatRule:
    """A NAT rule in any of the platforms' forms, in configuration order.

    kind:
      ios-list / ios-route-map   `ip nat inside source list|route-map X interface|pool ... [overload]`
      ios-static                 `ip nat inside source static ...`
      asa-nat0                   `nat (if) 0 access-list ACL` (exemption, ASA < 8.3 and PIX)
      asa-dynamic                `nat (if) N ...` with `global (if) N ...`
      asa-static                 `static (real,mapped) ...` (ASA < 8.3)
      asa-twice                  ASA ≥ 8.3 manual NAT (section 1, or 3 with `after-auto`)
      asa-object                 ASA ≥ 8.3 object NAT (section 2)

    For ASA ≥ 8.3 the address sets are resolved: ``real_source``/``mapped_source``
    and ``real_destination``/``mapped_destination`` (None = any).
    ``identity`` is True when every translated value equals the real one (an exemption).
    """

    kind: str
    order: int
    section: int | None = None  # ASA ≥ 8.3: 1 manual, 2 object, 3 after-auto
    real_interface: str | None = None
    mapped_interface: str | None = None
    acl: str | None = None
    route_map: str | None = None
    nat_id: int | None = None
    pool_or_interface: str | None = None
    overload: bool = False
    static: bool = False
    real_source: tuple[IPNetwork, ...] | None = None
    mapped_source: tuple[IPNetwork, ...] | None = None
    real_destination: tuple[IPNetwork, ...] | None = None
    mapped_destination: tuple[IPNetwork, ...] | None = None
    service: tuple[str, ...] = ()
    identity: bool = False
    inactive: bool = False
    object_name: str | None = None
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class RouteMapEntry:
    seq: int
    action: Literal["permit", "deny"]
    match_acls: tuple[str, ...] = ()
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class RouteMap:
    name: str
    entries: tuple[RouteMapEntry, ...] = ()
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class StaticRoute:
    prefix: IPNetwork
    next_hop: IPAddress | None = None
    interface: str | None = None  # ASA nameif / IOS interface name
    distance: int = 1
    vrf: str | None = None
    tunneled: bool = False
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class InterfaceAcl:
    """An ACL applied to an interface.

    ASA/PIX ``access-group ACL in|out interface IF [control-plane]`` (``interface``
    is the nameif); IOS ``ip access-group ACL in|out`` under the interface
    (``interface`` is the canonical full name).
    """

    acl: str
    interface: str
    direction: Literal["in", "out"] = "in"
    control_plane: bool = False  # ASA: filters traffic *to* the box, not through it
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class ManagementPermit:
    """ASA/PIX management access lines: ``ssh|telnet|http NET MASK IF``, ``icmp permit|deny NET MASK [type] IF``."""

    service: str  # ssh | telnet | http | icmp
    network: IPNetwork
    interface: str  # nameif
    action: Literal["permit", "deny"] = "permit"
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class AddressPool:
    """`ip local pool NAME first[-last] [mask M]` (ASA) or `ip local pool NAME first last` (IOS)."""

    name: str
    first: IPAddress
    last: IPAddress
    mask: IPv4Address | None = None
    source: Source = NO_SOURCE

    @property
    def size(self) -> int:
        return int(self.last) - int(self.first) + 1


@dataclass(frozen=True, slots=True)
class Setting:
    """A boolean/valued global setting with its default made explicit (sysopt, etc.)."""

    name: str
    enabled: bool
    value: str | None = None
    defaulted: bool = False
    source: Source = NO_SOURCE


# --------------------------------------------------------------------------- device


@dataclass(frozen=True, slots=True)
class Device:
    """Everything the diagnosis knows about one device."""

    name: str
    platform: Platform
    file: str
    version: str | None = None
    version_tuple: tuple[int, ...] = ()
    hostname_source: Source | None = None
    domain: str | None = None
    interfaces: tuple[Interface, ...] = ()
    names: Mapping[str, NetworkObject] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    network_objects: Mapping[str, NetworkObject] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    service_objects: Mapping[str, ServiceObject] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    object_groups: Mapping[str, ObjectGroup] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    acls: Mapping[str, AccessList] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    ike: IkeSettings = field(default_factory=IkeSettings)
    ikev1_policies: tuple[IkePolicy, ...] = ()
    ikev2_proposals: tuple[Ikev2Proposal, ...] = ()  # IOS proposals and ASA ikev2 policies
    ikev2_policies: tuple[Ikev2Policy, ...] = ()
    pre_shared_keys: tuple[PreSharedKey, ...] = ()
    keyrings: tuple[Keyring, ...] = ()
    isakmp_profiles: tuple[IsakmpProfile, ...] = ()
    transform_sets: Mapping[str, TransformSet] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    ipsec_proposals: Mapping[str, IpsecProposal] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    ipsec_profiles: Mapping[str, IpsecProfile] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    crypto_maps: Mapping[str, CryptoMap] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    dynamic_maps: Mapping[str, tuple[CryptoMapEntry, ...]] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    bindings: tuple[CryptoMapBinding, ...] = ()
    ipsec_lifetime_seconds: int = 3600  # global `crypto ipsec security-association lifetime seconds`
    ipsec_lifetime_kilobytes: int = 4608000
    ipsec_idle_time: int | None = None
    replay_window: int | None = None
    tunnel_groups: Mapping[str, TunnelGroup] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    group_policies: Mapping[str, GroupPolicy] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    users: Mapping[str, User] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    client_groups: Mapping[str, ClientGroup] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    aaa_servers: tuple[AaaServer, ...] = ()
    nat_rules: tuple[NatRule, ...] = ()
    route_maps: Mapping[str, RouteMap] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    routes: tuple[StaticRoute, ...] = ()
    dynamic_routing: tuple[Source, ...] = ()  # `router ospf 1`, ... lines
    pools: Mapping[str, AddressPool] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    settings: Mapping[str, Setting] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    management_access: str | None = None
    management_access_source: Source | None = None
    same_security_intra: bool = False
    same_security_inter: bool = False
    threat_detection: tuple[Source, ...] = ()
    logging_queue: int | None = None
    logging_queue_source: Source | None = None
    interface_acls: tuple[InterfaceAcl, ...] = ()  # access-group / ip access-group
    management_permits: tuple[ManagementPermit, ...] = ()  # ASA ssh/telnet/http/icmp lines
    problems: tuple[ParseProblem, ...] = ()
    # The configuration is an excerpt (e.g. `show running-config crypto map`) — no hostname/version
    # header and no interface section — so absence of a command proves nothing.
    partial: bool = False

    # ----------------------------------------------------------------- lookups

    def interface(self, local_name: str) -> Interface | None:
        """Find an interface by the name the device's own commands use (nameif, or full name)."""
        for itf in self.interfaces:
            if itf.local_name == local_name or itf.name == local_name:
                return itf
        lowered = local_name.lower()
        for itf in self.interfaces:
            if itf.local_name.lower() == lowered or itf.name.lower() == lowered:
                return itf
        return None

    def setting(self, name: str) -> Setting | None:
        return self.settings.get(name)

    def version_at_least(self, *parts: int) -> bool:
        """True when the parsed version is ≥ ``parts``; unknown versions count as recent."""
        if not self.version_tuple:
            return True
        return self.version_tuple >= parts

    def static_entries(self) -> tuple[CryptoMapEntry, ...]:
        return tuple(e for m in self.crypto_maps.values() for e in m.entries)


# Last, once every class exists: cheaper construction of the frozen values (see _quick_init).
from ._quick_init import quicken as _quicken

_quicken(globals(), __name__)
