"""ASA and PIX defaults that ``show running-config`` hides, per software generation.

Every version difference the ASA dialect cares about lives in
:data:`GENERATIONS`; the parser asks :func:`generation_for` once and reads
the row.  References (what each default rests on):

* IKEv1 policy defaults (ASA 7.x–9.x): encryption 3des, hash sha,
  authentication rsa-sig, group 2, lifetime 86400 s — Cisco ASA Series
  Command Reference, ``crypto ikev1 policy`` / ``crypto isakmp policy`` and
  the "IKEv1 Policy Keywords" table of the ASA CLI configuration guide
  ("If you do not specify a value for a specific parameter, the default
  value takes effect"; lifetime default 86,400 s).  The authentication
  default is the point sources disagree on most (some quiz material calls
  pre-share the default); rsa-sig is what the command reference lists.
* PIX 6.x ``isakmp policy`` defaults: des, sha, rsa-sig, group 1, 86400 s —
  Cisco PIX Firewall Command Reference 6.3, ``isakmp policy``.
* NAT-T: disabled by default in the 7.0 "Cisco Security Appliance Command
  Line Configuration Guide" (OL-6721-01, "Enabling IPSec over NAT-T": "This
  feature is disabled by default"); enabled by default from 8.0 on, where
  ``show running-config`` prints nothing; PIX 6 needs ``isakmp
  nat-traversal``.  Keepalive 20 s.
* IKE identity: ``auto`` by default on ASA (ASA VPN CLI guide,
  "Determining an ID Method for IKEv1 and IKEv2 ISAKMP Peers"); PIX 6
  default ``address``.
* IPsec SA lifetime: 28,800 s and 4,608,000 KB on ASA/PIX (ASA CLI guide,
  "Changing IPsec SA Lifetimes": "The default lifetimes are 28,800 seconds
  (eight hours) and 4,608,000 kilobytes").
* ``set pfs`` without a group means group 2 on ASA (crypto map set pfs,
  command reference).
* Tunnel-group keepalive (DPD): L2L threshold 10 retry 2, remote access
  threshold 300 retry 2 (``tunnel-group DefaultL2LGroup ipsec-attributes``
  as shown by ``show running-config all``).
* ``sysopt connection permit-vpn``: on by default since 7.1 (listed by
  ``show running-config all``); PIX 6 ``sysopt connection permit-ipsec`` is
  off by default.  ASA 7.0 still used the ``permit-ipsec`` name (default on
  there is unverified and recorded as on, like 7.1).
* ``sysopt connection tcpmss`` default 1380; ``preserve-vpn-flows`` off.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Platform


@dataclass(frozen=True, slots=True)
class IkeDefaults:
    encryption: str
    hash: str
    authentication: str
    group: int
    lifetime: int


@dataclass(frozen=True, slots=True)
class AsaGeneration:
    """What one software generation does when the configuration says nothing."""

    key: str  # pix6 | asa70 | asa7 | asa80 | asa83 | asa84
    min_version: tuple[int, ...]
    ike: IkeDefaults
    nat_traversal: bool
    nat_traversal_keepalive: int
    identity: str
    ipsec_lifetime_seconds: int
    ipsec_lifetime_kilobytes: int
    pfs_default_group: int
    l2l_keepalive: tuple[int, int]  # threshold, retry
    ra_keepalive: tuple[int, int]
    sysopt_defaults: tuple[tuple[str, bool, str | None], ...]  # name, enabled, value
    object_nat: bool  # 8.3+: object / twice NAT, real addresses in ACLs
    ikev1_keyword: bool  # 8.4+: `crypto ikev1 ...`, `set ikev1 transform-set`


_ASA_IKE = IkeDefaults("3des", "sha", "rsa-sig", 2, 86400)
_PIX6_IKE = IkeDefaults("des", "sha", "rsa-sig", 1, 86400)

_ASA_SYSOPT: tuple[tuple[str, bool, str | None], ...] = (
    ("sysopt connection permit-vpn", True, None),
    ("sysopt connection preserve-vpn-flows", False, None),
    ("sysopt connection tcpmss", True, "1380"),
)
_ASA70_SYSOPT: tuple[tuple[str, bool, str | None], ...] = (
    ("sysopt connection permit-ipsec", True, None),
    ("sysopt connection tcpmss", True, "1380"),
)
_PIX6_SYSOPT: tuple[tuple[str, bool, str | None], ...] = (
    ("sysopt connection permit-ipsec", False, None),
    ("sysopt connection tcpmss", True, "1380"),
)


def _asa(key: str, min_version: tuple[int, ...], *, natt: bool, object_nat: bool, ikev1: bool,
         sysopt: tuple[tuple[str, bool, str | None], ...] = _ASA_SYSOPT) -> AsaGeneration:
    return AsaGeneration(
        key=key, min_version=min_version, ike=_ASA_IKE, nat_traversal=natt, nat_traversal_keepalive=20,
        identity="auto", ipsec_lifetime_seconds=28800, ipsec_lifetime_kilobytes=4608000, pfs_default_group=2,
        l2l_keepalive=(10, 2), ra_keepalive=(300, 2), sysopt_defaults=sysopt, object_nat=object_nat,
        ikev1_keyword=ikev1,
    )


PIX6 = AsaGeneration(
    key="pix6", min_version=(0,), ike=_PIX6_IKE, nat_traversal=False, nat_traversal_keepalive=20,
    identity="address", ipsec_lifetime_seconds=28800, ipsec_lifetime_kilobytes=4608000, pfs_default_group=2,
    l2l_keepalive=(10, 2), ra_keepalive=(300, 2), sysopt_defaults=_PIX6_SYSOPT, object_nat=False,
    ikev1_keyword=False,
)

# ASA (and PIX 7/8, which run the same software), newest first.
GENERATIONS: tuple[AsaGeneration, ...] = (
    _asa("asa84", (8, 4), natt=True, object_nat=True, ikev1=True),
    _asa("asa83", (8, 3), natt=True, object_nat=True, ikev1=False),
    _asa("asa80", (8, 0), natt=True, object_nat=False, ikev1=False),
    _asa("asa7", (7, 1), natt=False, object_nat=False, ikev1=False),
    _asa("asa70", (7, 0), natt=False, object_nat=False, ikev1=False, sysopt=_ASA70_SYSOPT),
)

# A file without a version line: assume the syntax it uses tells the generation
# (`crypto ikev1` → 8.4+); the parser upgrades the guess when it sees 8.4 keywords.
UNKNOWN_ASA = GENERATIONS[0]


def generation_for(platform: Platform, version: tuple[int, ...]) -> AsaGeneration:
    """The defaults row for ``platform`` at ``version`` (empty tuple = unknown).

    >>> generation_for(Platform.ASA, (8, 2, 5)).key
    'asa80'
    >>> generation_for(Platform.PIX6, (6, 3, 5)).key
    'pix6'
    """
    if platform is Platform.PIX6 and (not version or version < (7,)):
        return PIX6
    if not version:
        return UNKNOWN_ASA
    for gen in GENERATIONS:
        if version >= gen.min_version:
            return gen
    return GENERATIONS[-1]


# --------------------------------------------------------------------------- vocabulary

# ASA transform names → (esp_encryption, key bits) in the vocabulary the IOS dialect uses.
ESP_ENCRYPTION: dict[str, tuple[str, int | None]] = {
    "esp-des": ("esp-des", None),
    "esp-3des": ("esp-3des", None),
    "esp-aes": ("esp-aes", 128),
    "esp-aes-128": ("esp-aes", 128),
    "esp-aes-192": ("esp-aes", 192),
    "esp-aes-256": ("esp-aes", 256),
    "esp-null": ("esp-null", None),
    "esp-gcm": ("esp-gcm", 128),
    "esp-gcm-128": ("esp-gcm", 128),
    "esp-gcm-192": ("esp-gcm", 192),
    "esp-gcm-256": ("esp-gcm", 256),
    "esp-gmac": ("esp-gmac", 128),
    "esp-gmac-256": ("esp-gmac", 256),
}

ESP_INTEGRITY: dict[str, str | None] = {
    "esp-sha-hmac": "esp-sha-hmac",
    "esp-md5-hmac": "esp-md5-hmac",
    "esp-sha256-hmac": "esp-sha256-hmac",
    "esp-sha384-hmac": "esp-sha384-hmac",
    "esp-sha512-hmac": "esp-sha512-hmac",
    "esp-none": None,
}

# IKEv1 policy encryption keywords as ASA/PIX print them → the model's vocabulary.
IKE_ENCRYPTION: dict[str, str] = {
    "des": "des", "3des": "3des", "aes": "aes", "aes-128": "aes", "aes-192": "aes-192", "aes-256": "aes-256",
}

IKE_HASH: dict[str, str] = {"md5": "md5", "sha": "sha", "sha1": "sha", "sha-1": "sha", "sha256": "sha256",
                            "sha384": "sha384", "sha512": "sha512"}

IKE_AUTHENTICATION: dict[str, str] = {
    "pre-share": "pre-share", "rsa-sig": "rsa-sig", "crack": "crack", "rsa-encr": "rsa-encr",
}
