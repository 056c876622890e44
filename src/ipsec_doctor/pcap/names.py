"""Number → name tables for ISAKMP (RFC 2407/2408/2409/3947) and IKEv2 (RFC 7296).

The names follow the RFC registries (IANA "Internet Key Exchange (IKE)
Attributes" and "IKEv2 Parameters"), written the way an engineer reads them in
a device debug; the vendor-ID values are the published ones.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- header

EXCHANGES_V1: dict[int, str] = {
    1: "base", 2: "main", 3: "auth-only", 4: "aggressive", 5: "informational",
    6: "transaction", 32: "quick", 33: "new-group",
}
EXCHANGES_V2: dict[int, str] = {34: "IKE_SA_INIT", 35: "IKE_AUTH", 36: "CREATE_CHILD_SA", 37: "INFORMATIONAL"}

PAYLOADS_V1: dict[int, str] = {
    1: "SA", 2: "P", 3: "T", 4: "KE", 5: "ID", 6: "CERT", 7: "CR", 8: "HASH", 9: "SIG", 10: "NONCE",
    11: "N", 12: "D", 13: "VID", 14: "ATTR", 20: "NAT-D", 21: "NAT-OA", 130: "NAT-D", 131: "NAT-OA",
    132: "FRAG",
}
PAYLOADS_V2: dict[int, str] = {
    33: "SA", 34: "KE", 35: "IDi", 36: "IDr", 37: "CERT", 38: "CERTREQ", 39: "AUTH", 40: "NONCE", 41: "N",
    42: "D", 43: "V", 44: "TSi", 45: "TSr", 46: "SK", 47: "CP", 48: "EAP", 53: "SKF",
}

# --------------------------------------------------------------------------- notify

NOTIFY_ERRORS_V1: dict[int, str] = {
    1: "INVALID_PAYLOAD_TYPE", 2: "DOI_NOT_SUPPORTED", 3: "SITUATION_NOT_SUPPORTED", 4: "INVALID_COOKIE",
    5: "INVALID_MAJOR_VERSION", 6: "INVALID_MINOR_VERSION", 7: "INVALID_EXCHANGE_TYPE", 8: "INVALID_FLAGS",
    9: "INVALID_MESSAGE_ID", 10: "INVALID_PROTOCOL_ID", 11: "INVALID_SPI", 12: "INVALID_TRANSFORM_ID",
    13: "ATTRIBUTES_NOT_SUPPORTED", 14: "NO_PROPOSAL_CHOSEN", 15: "BAD_PROPOSAL_SYNTAX",
    16: "PAYLOAD_MALFORMED", 17: "INVALID_KEY_INFORMATION", 18: "INVALID_ID_INFORMATION",
    19: "INVALID_CERT_ENCODING", 20: "INVALID_CERTIFICATE", 21: "CERT_TYPE_UNSUPPORTED",
    22: "INVALID_CERT_AUTHORITY", 23: "INVALID_HASH_INFORMATION", 24: "AUTHENTICATION_FAILED",
    25: "INVALID_SIGNATURE", 26: "ADDRESS_NOTIFICATION", 27: "NOTIFY_SA_LIFETIME",
    28: "CERTIFICATE_UNAVAILABLE", 29: "UNSUPPORTED_EXCHANGE_TYPE", 30: "UNEQUAL_PAYLOAD_LENGTHS",
    24576: "RESPONDER_LIFETIME", 24577: "REPLAY_STATUS", 24578: "INITIAL_CONTACT",
    36136: "R_U_THERE", 36137: "R_U_THERE_ACK",
}
NOTIFY_V2: dict[int, str] = {
    1: "UNSUPPORTED_CRITICAL_PAYLOAD", 4: "INVALID_IKE_SPI", 5: "INVALID_MAJOR_VERSION", 7: "INVALID_SYNTAX",
    9: "INVALID_MESSAGE_ID", 11: "INVALID_SPI", 14: "NO_PROPOSAL_CHOSEN", 17: "INVALID_KE_PAYLOAD",
    24: "AUTHENTICATION_FAILED", 34: "SINGLE_PAIR_REQUIRED", 35: "NO_ADDITIONAL_SAS",
    36: "INTERNAL_ADDRESS_FAILURE", 37: "FAILED_CP_REQUIRED", 38: "TS_UNACCEPTABLE", 39: "INVALID_SELECTORS",
    43: "TEMPORARY_FAILURE", 44: "CHILD_SA_NOT_FOUND",
    16384: "INITIAL_CONTACT", 16385: "SET_WINDOW_SIZE", 16386: "ADDITIONAL_TS_POSSIBLE",
    16387: "IPCOMP_SUPPORTED", 16388: "NAT_DETECTION_SOURCE_IP", 16389: "NAT_DETECTION_DESTINATION_IP",
    16390: "COOKIE", 16391: "USE_TRANSPORT_MODE", 16392: "HTTP_CERT_LOOKUP_SUPPORTED", 16393: "REKEY_SA",
    16394: "ESP_TFC_PADDING_NOT_SUPPORTED", 16395: "NON_FIRST_FRAGMENTS_ALSO", 16396: "MOBIKE_SUPPORTED",
    16397: "ADDITIONAL_IP4_ADDRESS", 16398: "ADDITIONAL_IP6_ADDRESS", 16399: "NO_ADDITIONAL_ADDRESSES",
    16400: "UPDATE_SA_ADDRESSES", 16401: "COOKIE2", 16402: "NO_NATS_ALLOWED", 16403: "AUTH_LIFETIME",
    16404: "MULTIPLE_AUTH_SUPPORTED", 16405: "ANOTHER_AUTH_FOLLOWS", 16406: "REDIRECT_SUPPORTED",
    16407: "REDIRECT", 16408: "REDIRECTED_FROM", 16418: "CHILDLESS_IKEV2_SUPPORTED",
    16419: "QUICK_CRASH_DETECTION", 16420: "IKEV2_MESSAGE_ID_SYNC_SUPPORTED",
    16430: "IKEV2_FRAGMENTATION_SUPPORTED", 16431: "SIGNATURE_HASH_ALGORITHMS",
}
NAT_DETECTION_SOURCE_IP = 16388
NAT_DETECTION_DESTINATION_IP = 16389

PROTOCOLS: dict[int, str] = {1: "ISAKMP", 2: "AH", 3: "ESP", 4: "IPCOMP"}

# --------------------------------------------------------------------------- IKEv1 SA attributes

# Phase 1 (ISAKMP DOI) attribute types, and their value names where they are enumerations.
P1_ATTRS: dict[int, str] = {
    1: "encryption", 2: "hash", 3: "auth", 4: "group", 11: "life-type", 12: "lifetime", 14: "key-length",
}
P1_VALUES: dict[int, dict[int, str]] = {
    1: {1: "des", 2: "idea", 3: "blowfish", 4: "rc5", 5: "3des", 6: "cast", 7: "aes"},
    2: {1: "md5", 2: "sha", 3: "tiger", 4: "sha256", 5: "sha384", 6: "sha512"},
    3: {1: "pre-share", 2: "dss-sig", 3: "rsa-sig", 4: "rsa-encr", 5: "rsa-rev-encr",
        65001: "xauth-init-pre-share", 65002: "xauth-resp-pre-share", 65005: "xauth-init-rsa",
        65006: "xauth-resp-rsa"},
    11: {1: "seconds", 2: "kilobytes"},
}
# Phase 2 (IPsec DOI, RFC 2407) ESP/AH transform IDs and attributes.
ESP_TRANSFORMS: dict[int, str] = {
    1: "esp-des-iv64", 2: "esp-des", 3: "esp-3des", 4: "esp-rc5", 5: "esp-idea", 6: "esp-cast",
    7: "esp-blowfish", 9: "esp-3idea", 11: "esp-null", 12: "esp-aes", 13: "esp-aes-ctr",
    18: "esp-gcm-8", 19: "esp-gcm-12", 20: "esp-gcm", 23: "esp-aes-gmac",
}
AH_TRANSFORMS: dict[int, str] = {2: "ah-md5", 3: "ah-sha", 4: "ah-des", 5: "ah-sha256", 6: "ah-sha384",
                                 7: "ah-sha512"}
P2_ATTRS: dict[int, str] = {
    1: "life-type", 2: "lifetime", 3: "pfs-group", 4: "mode", 5: "auth", 6: "key-length",
}
P2_VALUES: dict[int, dict[int, str]] = {
    1: {1: "seconds", 2: "kilobytes"},
    4: {1: "tunnel", 2: "transport", 3: "udp-tunnel", 4: "udp-transport", 61443: "udp-tunnel-draft",
        61444: "udp-transport-draft"},
    5: {1: "esp-md5-hmac", 2: "esp-sha-hmac", 3: "des-mac", 4: "kpdk", 5: "esp-sha256-hmac",
        6: "esp-sha384-hmac", 7: "esp-sha512-hmac"},
}
# Hash algorithms of phase 1 that hashlib knows, for the NAT-D check (RFC 3947 uses the negotiated hash).
V1_HASHLIB: dict[str, str] = {"md5": "md5", "sha": "sha1", "sha256": "sha256", "sha384": "sha384",
                              "sha512": "sha512"}

# --------------------------------------------------------------------------- IKEv2 transforms

V2_TRANSFORM_TYPES: dict[int, str] = {1: "encr", 2: "prf", 3: "integ", 4: "dh", 5: "esn"}
V2_TRANSFORMS: dict[int, dict[int, str]] = {
    1: {2: "des", 3: "3des", 11: "null", 12: "aes-cbc", 13: "aes-ctr", 14: "aes-ccm-8", 15: "aes-ccm-12",
        16: "aes-ccm-16", 18: "aes-gcm-8", 19: "aes-gcm-12", 20: "aes-gcm-16", 28: "chacha20-poly1305"},
    2: {1: "prf-hmac-md5", 2: "prf-hmac-sha1", 4: "prf-aes128-xcbc", 5: "prf-hmac-sha2-256",
        6: "prf-hmac-sha2-384", 7: "prf-hmac-sha2-512"},
    3: {0: "none", 1: "hmac-md5-96", 2: "hmac-sha1-96", 5: "aes-xcbc-96", 12: "hmac-sha2-256-128",
        13: "hmac-sha2-384-192", 14: "hmac-sha2-512-256"},
    5: {0: "no-esn", 1: "esn"},
}

DH_GROUPS: dict[int, str] = {
    0: "none", 1: "modp768", 2: "modp1024", 5: "modp1536", 14: "modp2048", 15: "modp3072", 16: "modp4096",
    17: "modp6144", 18: "modp8192", 19: "ecp256", 20: "ecp384", 21: "ecp521", 24: "modp2048s256",
    31: "curve25519", 32: "curve448",
}

# --------------------------------------------------------------------------- vendor IDs

# Prefix (hex) → name.  Several vendor IDs carry version bytes after a fixed
# prefix (DPD, Cisco Unity), so the match is on the prefix.
VENDOR_IDS: tuple[tuple[str, str], ...] = (
    ("afcad71368a1f1c96b8696fc77570100", "DPD (RFC 3706)"),
    ("4a131c81070358455c5728f20e95452f", "NAT-T (RFC 3947)"),
    ("90cb80913ebb696e086381b5ec427b1f", "NAT-T draft-ietf-ipsec-nat-t-ike-02\\n"),
    ("cd60464335df21f87cfdb2fc68b6a448", "NAT-T draft-ietf-ipsec-nat-t-ike-02"),
    ("7d9419a65310ca6f2c179d9215529d56", "NAT-T draft-ietf-ipsec-nat-t-ike-03"),
    ("4485152d18b6bbcd0be8a8469579ddcc", "NAT-T draft-ietf-ipsec-nat-t-ike-00"),
    ("16f6ca16e4a4066d83821a0f0aeaa862", "NAT-T draft-ietf-ipsec-nat-t-ike-01"),
    ("4df37928e9fc4fd1b3262170d515c662", "NAT-T draft-ietf-ipsec-nat-t-ike"),
    ("12f5f28c457168a9702d9fe274cc0100", "Cisco Unity"),
    ("09002689dfd6b712", "XAUTH"),
    ("4048b7d56ebce88525e7de7f00d6c2d3", "Cisco fragmentation"),
    ("1f07f70eaa6514d3b0fa96542a500100", "Cisco VPN Concentrator"),
    ("882fe56d6fd20dbc2251613b2ebe5beb", "strongSwan"),
    ("26244d38eddb61b3172a36e3d0cfb819", "Microsoft Vid-Initial-Contact"),
)


def vendor_name(data: bytes) -> str:
    """The name of a vendor ID, or ``unknown <hex prefix>``."""
    text = data.hex()
    for prefix, name in VENDOR_IDS:
        if text.startswith(prefix):
            return name
    return f"unknown {text[:16]}"


def is_natt_vendor(name: str) -> bool:
    return name.startswith("NAT-T")


def notify_name(version: int, number: int) -> str:
    table = NOTIFY_V2 if version == 2 else NOTIFY_ERRORS_V1
    return table.get(number, f"NOTIFY_{number}")


def group_name(number: int) -> str:
    return DH_GROUPS.get(number, f"group{number}")
