"""Cisco IOS / IOS-XE defaults that ``show running-config`` does not print.

The IOS dialect fills these into the model and records which attributes came
from here (``IkePolicy.defaulted``, ``IkeSettings.*_defaulted``) so that a
finding can say "not configured: the default applies".

References (facts, restated in our words):

* Cisco IOS Security Command Reference, ``crypto isakmp policy`` and the
  policy sub-commands ``encryption``, ``hash``, ``authentication``,
  ``group``, ``lifetime``: the defaults are DES, SHA-1, RSA signatures,
  Diffie-Hellman group 1 (768 bit) and 86,400 seconds.  ``show crypto
  isakmp policy`` prints the same values as the "Default protection suite".
  Because they are defaults, ``show running-config`` prints no ``encryption``
  line for DES and no ``hash`` line for SHA.
* IOS-XE 16.x/17.x: Cisco deprecated DES, 3DES, MD5 and DH groups 1/2/5 and
  later releases refuse to configure some of them, but we could not verify
  from a primary source that the *implicit* sub-command defaults of a
  ``crypto isakmp policy`` changed; the classic values are therefore used for
  every version.  (Unverified for IOS-XE 17.x: treat a finding that rests on
  a defaulted attribute there with care.)
* ``crypto ipsec security-association lifetime``: 3,600 seconds and
  4,608,000 kilobytes.
* ``set pfs`` without a group uses group 1 (768 bit).
* IPsec NAT Transparency (NAT-T, UDP 4500) is on by default since
  IOS 12.2(13)T; ``no crypto ipsec nat-transparency udp-encapsulation``
  turns it off.  NAT keepalives are off unless ``crypto isakmp nat keepalive``.
* ISAKMP runs on every interface unless ``no crypto isakmp enable``.
* ``crypto isakmp identity`` defaults to ``address``.
* A transform ``esp-aes`` without a key size is AES-128 (``esp-gcm`` /
  ``esp-gmac`` likewise default to 128-bit keys).
* ``crypto isakmp key ... address 0.0.0.0`` with no mask is printed by
  ``show running-config`` for the wildcard key ``address 0.0.0.0 0.0.0.0``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# `crypto isakmp policy N` sub-command defaults (IKEv1), in the model's spelling.
IOS_ISAKMP_POLICY_DEFAULTS: Mapping[str, str | int] = MappingProxyType(
    {
        "encryption": "des",
        "hash": "sha",
        "authentication": "rsa-sig",
        "group": 1,
        "lifetime": 86400,
    }
)

IOS_IPSEC_LIFETIME_SECONDS = 3600
IOS_IPSEC_LIFETIME_KILOBYTES = 4608000

# `set pfs` with no group keyword.
IOS_PFS_DEFAULT_GROUP = 1

IOS_NAT_TRAVERSAL_DEFAULT = True
IOS_ISAKMP_ENABLED_DEFAULT = True
IOS_ISAKMP_IDENTITY_DEFAULT = "address"

# Key size of a cipher transform written without one.
IOS_TRANSFORM_DEFAULT_KEY_BITS: Mapping[str, int] = MappingProxyType(
    {"esp-aes": 128, "esp-gcm": 128, "esp-gmac": 128}
)

# `interface Tunnel N` without `tunnel mode`.
IOS_TUNNEL_MODE_DEFAULT = "gre ip"
