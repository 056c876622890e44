"""Checks: one module per catalog ID.

A check is a function ``run(ctx) -> Iterable[Finding]`` registered with
:func:`check`.  Its module docstring is its documentation (what it does, why
it breaks, example, fix).  Modules are listed in :data:`CHECK_MODULES`
(explicit, so the order and the start-up cost are known).

The :class:`Context` gives a check everything the model and the negotiation
know; checks never read configuration text.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding
from ..model import Device

CheckFn = Callable[["Context"], Iterable[Finding]]

_REGISTRY: dict[str, CheckFn] = {}

# Module names under ipsec_doctor.checks, one per catalog ID (P1-PSK → p1_psk).
CHECK_MODULES: tuple[str, ...] = ("cm_dynorder", "cm_namecase", "cm_onedyn", "cm_oneperif", "cm_unapplied", "fw_intra", "fw_mgmt", "fw_ports", "fw_preserve", "fw_sysopt", "in_unpaired", "mtu_mss", "nat_dmz", "nat_exempt", "nat_match", "nat_ports", "p1_enable", "p1_identity", "p1_keepalive", "p1_lifetime", "p1_maxlife", "p1_natt", "p1_policy", "p1_psk", "p2_aclref", "p2_keyacq", "p2_mirror", "p2_nohash", "p2_nopeer", "p2_overlap", "p2_pfs", "p2_transform", "plat_lowmem", "ra_dns", "ra_idle", "ra_poolnetbc", "ra_poolsize", "ra_simul", "ra_splitacl", "ra_splitdns", "ra_splitpol", "ra_xauthradius", "rt_pooloverlap", "rt_remote", "rt_rri", "sec_aggr_psk", "sec_ikev1", "sec_key_reuse", "sec_no_integrity", "sec_weak_cipher", "sec_weak_dh", "sec_weak_hash", "sec_weak_psk", "sec_wildcard_psk", "tg_ezvpn", "tg_iosxauth", "tg_name", "tg_proto", "v2_identity", "v2_proposal", "v2_psk", "vti_pair", "vti_route")


def check(catalog_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as the check for ``catalog_id``."""

    def register(fn: CheckFn) -> CheckFn:
        if catalog_id in _REGISTRY and _REGISTRY[catalog_id] is not fn:
            raise RuntimeError(f"two checks registered for {catalog_id}")
        _REGISTRY[catalog_id] = fn
        fn.catalog_id = catalog_id  # type: ignore[attr-defined]
        return fn

    return register


def registry() -> dict[str, CheckFn]:
    """All checks, importing their modules on first use."""
    for name in CHECK_MODULES:
        importlib.import_module(f"{__name__}.{name}")
    return dict(sorted(_REGISTRY.items()))


@dataclass
class Context:
    """What a check can read: devices, tunnels and their negotiation verdicts."""

    devices: list[Device]
    tunnels: list[Any] = field(default_factory=list)  # pairing.Tunnel
    verdicts: dict[str, Any] = field(default_factory=dict)  # tunnel id → negotiate.TunnelVerdict

    def __post_init__(self) -> None:
        self.by_name: dict[str, Device] = {d.name: d for d in self.devices}

    def device(self, name: str) -> Device | None:
        return self.by_name.get(name)
