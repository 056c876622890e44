"""Mutable state shared by the ASA/PIX parsing modules while one section is read.

The ASA dialect is split by command family (objects, ACLs, NAT, crypto,
tunnel-groups); each family's handlers receive this builder, add what they
understood to its collections and report what they did not.  The builder is
turned into the frozen :class:`~ipsec_doctor.model.Device` at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import (
    AaaServer,
    AclEntry,
    AddressPool,
    CryptoMapBinding,
    CryptoMapEntry,
    GroupPolicy,
    IkeEnable,
    IkePolicy,
    Ikev2Proposal,
    Interface,
    InterfaceAcl,
    IpsecProfile,
    IpsecProposal,
    ManagementPermit,
    NatRule,
    NetworkObject,
    ObjectGroup,
    ParseProblem,
    PreSharedKey,
    ServiceObject,
    Setting,
    Source,
    StaticRoute,
    TransformSet,
    User,
)
from ..redact import redact_line
from .defaults_asa import AsaGeneration
from .tree import Node

if TYPE_CHECKING:
    from .asa_objects import Operand  # asa_objects imports this module


def _secretish(text: str) -> bool:
    """True when ``text`` may carry a secret: every redaction pattern needs one of these words.

    Plain substring tests are ~10x faster than a case-insensitive regex, and most lines fail them.
    """
    low = text.lower()
    return ("key" in low or "pass" in low or "secret" in low or "commun" in low or "auth" in low
            or "psk" in low or "snmp" in low or "aaa" in low or "-pw" in low)


@dataclass(slots=True)
class RawGroup:
    """An object-group as written; members are resolved lazily (groups may nest or come later)."""

    name: str
    kind: str
    proto: str | None  # `object-group service NAME tcp|udp|tcp-udp`
    node: Node


@dataclass(slots=True)
class AclBuild:
    name: str
    kind: str
    source: Source
    entries: list[AclEntry] = field(default_factory=list)


@dataclass(slots=True)
class MapEntryBuild:
    """A crypto map sequence being collected from one-line commands."""

    map_name: str
    seq: int
    is_dynamic: bool
    source: Source
    values: dict[str, object] = field(default_factory=dict)
    attr_sources: dict[str, Source] = field(default_factory=dict)

    def freeze(self) -> CryptoMapEntry:
        return CryptoMapEntry(
            map_name=self.map_name, seq=self.seq, is_dynamic=self.is_dynamic, source=self.source,
            attr_sources=dict(self.attr_sources), **self.values,  # type: ignore[arg-type]
        )


@dataclass(slots=True)
class Builder:
    file: str
    gen: AsaGeneration
    problems: list[ParseProblem] = field(default_factory=list)
    hostname: str | None = None
    hostname_source: Source | None = None
    domain: str | None = None
    interfaces: dict[str, dict[str, object]] = field(default_factory=dict)  # hardware name → fields
    interface_order: list[str] = field(default_factory=list)
    mtu: dict[str, int] = field(default_factory=dict)  # nameif → mtu (ASA global `mtu IF N`)
    names: dict[str, NetworkObject] = field(default_factory=dict)
    masked_names: set[str] = field(default_factory=set)  # defined, but with no usable address
    network_objects: dict[str, NetworkObject] = field(default_factory=dict)
    service_objects: dict[str, ServiceObject] = field(default_factory=dict)
    raw_groups: dict[str, RawGroup] = field(default_factory=dict)
    groups: dict[str, ObjectGroup] = field(default_factory=dict)  # resolved, memo
    operands: dict[tuple[str, str | None], Operand | None] = field(default_factory=dict)  # read_address memo
    network_keys: dict[int, tuple[object, tuple[int, int, int]]] = field(default_factory=dict)  # id → (net, key)
    resolving: set[str] = field(default_factory=set)
    acls: dict[str, AclBuild] = field(default_factory=dict)
    ike_enables: list[IkeEnable] = field(default_factory=list)
    ike: dict[str, object] = field(default_factory=dict)
    ike_sources: dict[str, Source] = field(default_factory=dict)
    ike_policies: dict[tuple[int, int], dict[str, object]] = field(default_factory=dict)  # (version, prio)
    ikev1_policies: list[IkePolicy] = field(default_factory=list)
    ikev2_proposals: list[Ikev2Proposal] = field(default_factory=list)
    psks: list[PreSharedKey] = field(default_factory=list)
    transform_sets: dict[str, TransformSet] = field(default_factory=dict)
    ipsec_proposals: dict[str, IpsecProposal] = field(default_factory=dict)
    ipsec_profiles: dict[str, IpsecProfile] = field(default_factory=dict)
    map_entries: dict[tuple[bool, str, int], MapEntryBuild] = field(default_factory=dict)
    map_sources: dict[str, Source] = field(default_factory=dict)
    bindings: list[CryptoMapBinding] = field(default_factory=list)
    ipsec_lifetime_seconds: int | None = None
    ipsec_lifetime_kilobytes: int | None = None
    replay_window: int | None = None
    tunnel_groups: dict[str, dict[str, object]] = field(default_factory=dict)
    group_policies: dict[str, GroupPolicy] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    pools: dict[str, AddressPool] = field(default_factory=dict)
    aaa_servers: list[AaaServer] = field(default_factory=list)
    aaa_protocols: dict[str, str] = field(default_factory=dict)
    nat_rules: list[NatRule] = field(default_factory=list)
    routes: list[StaticRoute] = field(default_factory=list)
    dynamic_routing: list[Source] = field(default_factory=list)
    settings: dict[str, Setting] = field(default_factory=dict)
    management_access: str | None = None
    management_access_source: Source | None = None
    same_security_intra: bool = False
    same_security_inter: bool = False
    threat_detection: list[Source] = field(default_factory=list)
    logging_queue: int | None = None
    logging_queue_source: Source | None = None
    interface_acls: list[InterfaceAcl] = field(default_factory=list)  # access-group
    management_permits: list[ManagementPermit] = field(default_factory=list)  # ssh/telnet/http/icmp

    # ----------------------------------------------------------------- sources and problems

    def src(self, node: Node) -> Source:
        """The element's origin, with any secret on the line redacted."""
        text = node.text
        # `_secretish`, inlined: this runs once per element.  Every redaction pattern needs one of
        # these words; most lines have none and skip the patterns.
        low = text.lower()
        if ("key" in low or "pass" in low or "secret" in low or "commun" in low or "auth" in low
                or "psk" in low or "snmp" in low or "aaa" in low or "-pw" in low):
            text = redact_line(text)
        return Source(self.file, node.line, text)

    def problem(self, node: Node, message: str) -> None:
        self.problems.append(ParseProblem(self.file, node.line, message))

    def unrecognised(self, node: Node, family: str) -> None:
        """A line of a VPN-relevant command family that the dialect did not understand."""
        self.problem(node, f"unrecognised {family} line ignored: {redact_line(node.text)}")

    # ----------------------------------------------------------------- interfaces

    def interface_by_nameif(self, nameif: str) -> dict[str, object] | None:
        for fields in self.interfaces.values():
            if fields.get("nameif") == nameif:
                return fields
        return None

    def interface_fields(self, name: str, node: Node) -> dict[str, object]:
        fields = self.interfaces.get(name)
        if fields is None:
            fields = {"name": name, "source": self.src(node)}
            self.interfaces[name] = fields
            self.interface_order.append(name)
        return fields

    def frozen_interfaces(self) -> tuple[Interface, ...]:
        result = []
        for name in self.interface_order:
            fields = dict(self.interfaces[name])
            nameif = fields.get("nameif")
            if isinstance(nameif, str) and nameif in self.mtu and "mtu" not in fields:
                fields["mtu"] = self.mtu[nameif]
            if isinstance(fields.get("addresses"), list):
                fields["addresses"] = tuple(fields["addresses"])  # type: ignore[arg-type]
            result.append(Interface(**fields))  # type: ignore[arg-type]
        return tuple(result)
