"""Secrets are opaque: comparable by digest, never printable."""

from __future__ import annotations

import pytest

from ipsec_doctor.redact import redact_line
from ipsec_doctor.secrets import Secret, SecretState, secret_from_token, type7_decode

CANARY = "Canary-Key-7Q!x"


def test_secret_repr_and_str_never_hold_the_value() -> None:
    s = Secret.from_clear(CANARY)
    assert CANARY not in repr(s) and CANARY not in str(s)
    assert CANARY not in repr((s, [s], {"k": s}))


def test_equal_clear_keys_compare_equal_and_different_keys_do_not() -> None:
    assert Secret.from_clear(CANARY).same_as(Secret.from_clear(CANARY)) is True
    assert Secret.from_clear(CANARY).same_as(Secret.from_clear(CANARY + "x")) is False


@pytest.mark.parametrize("token", ["*****", "********", "<removed>", "XXXXXXXXXX"])
def test_masked_keys_cannot_be_verified(token: str) -> None:
    masked = secret_from_token(token)
    assert masked.state is SecretState.MASKED
    assert masked.same_as(Secret.from_clear(CANARY)) is None


def test_type6_key_is_encrypted_and_not_comparable() -> None:
    enc = secret_from_token("FLgBaJHXdYY_AcHZZMgQ_RhTDJXHUBAAB", "6")
    assert enc.state is SecretState.ENCRYPTED
    assert enc.same_as(enc) is None


def test_type7_key_is_decoded_and_compared_with_a_clear_key() -> None:
    # "cisco" obfuscated with the public type-7 scheme
    assert type7_decode("070C285F4D06") == "cisco"
    assert secret_from_token("070C285F4D06", "7").same_as(Secret.from_clear("cisco")) is True


def test_invalid_type7_text_is_treated_as_encrypted() -> None:
    assert secret_from_token("zz", "7").state is SecretState.ENCRYPTED


def test_strength_figures_are_kept_without_the_value() -> None:
    s = Secret.from_clear("aaaa")
    assert (s.length, s.distinct, s.char_classes) == (4, 1, 1)


@pytest.mark.parametrize(
    "line",
    [
        f"crypto isakmp key {CANARY} address 192.0.2.1",
        f"crypto isakmp key 0 {CANARY} address 192.0.2.1 no-xauth",
        f"isakmp key {CANARY} address 192.0.2.1 netmask 255.255.255.255",
        f" pre-shared-key {CANARY}",
        f" ikev1 pre-shared-key {CANARY}",
        f" ikev2 local-authentication pre-shared-key {CANARY}",
        f" ikev2 remote-authentication pre-shared-key {CANARY}",
        f" pre-shared-key address 192.0.2.1 key {CANARY}",
        f" pre-shared-key local {CANARY}",
        f" key {CANARY}",
        f"username admin password {CANARY} encrypted privilege 15",
        f"username admin privilege 15 secret 9 {CANARY}",
        f"enable secret 5 {CANARY}",
        f"enable password {CANARY} encrypted",
        f"snmp-server community {CANARY} RO",
        f"tacacs-server host 192.0.2.5 key {CANARY}",
        f" key 7 {CANARY}",
        f"passwd {CANARY} encrypted",
        f"ntp authentication-key 1 md5 {CANARY} 7",
        f" password 7 {CANARY}",
    ],
)
def test_redaction_removes_every_kind_of_secret(line: str) -> None:
    out = redact_line(line)
    assert CANARY not in out
    assert "<redacted>" in out


@pytest.mark.parametrize(
    "line",
    [" set peer 192.0.2.1", " authentication pre-share", "crypto isakmp policy 10", "crypto key generate rsa modulus 2048"],
)
def test_redaction_leaves_ordinary_lines_alone(line: str) -> None:
    assert redact_line(line) == line
