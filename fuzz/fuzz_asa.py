"""Atheris target: the ASA / PIX 6 dialect: random bytes parsed as an ASA (even length) or PIX 6 (odd length) configuration.

Run: `python fuzz/fuzz_asa.py [libFuzzer options] [CORPUS_DIR ...]` (see fuzz/run.py).
Any exception that escapes is a crash; libFuzzer writes the input to crash-<sha1>.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["ipsec_doctor", "harness"]):
    import harness


def test_one_input(data: bytes) -> None:
    harness.check_asa(data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
