"""Atheris target: packet captures: random or mutated pcap/pcapng bytes through pcap.analyse_bytes.

Run: `python fuzz/fuzz_pcap.py [libFuzzer options] [CORPUS_DIR ...]` (see fuzz/run.py).
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
    harness.check_pcap(data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
