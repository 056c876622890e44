"""redact's cheap screening test (lower-cased ASCII search) agrees with the case-insensitive regex."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ipsec_doctor.redact import _MAY_HOLD_SECRET, may_hold_secret, redact_line

# the screening words, their upper-case forms, and the non-ASCII letters IGNORECASE folds onto ASCII ones
_ALPHABET = list("keyKEYpassPASSsecretSECRETauthpsk-wcommunitysnmp-server \u212a\u017f\u0130\u0131é")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40))
def test_the_fast_screening_finds_what_the_case_insensitive_regex_finds(text: str) -> None:
    assert may_hold_secret(text) == (_MAY_HOLD_SECRET.search(text) is not None)


def test_screening_catches_mixed_case_and_folded_letters() -> None:
    assert may_hold_secret("crypto isakmp KEY s3cret address 192.0.2.1")
    assert may_hold_secret("pre-shared-\u212aey x")  # Kelvin sign: IGNORECASE matches it as "k"
    assert not may_hold_secret("interface GigabitEthernet0/0")
    assert redact_line("Crypto Isakmp Key s3cret address 192.0.2.1") == "Crypto Isakmp Key <redacted> address 192.0.2.1"
