"""Cutting blocks at line breaks in the bytes decodes the file exactly as the incremental decoder does."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipsec_doctor.logs import LogScanner
from ipsec_doctor.logs import read as reader
from ipsec_doctor.logs.read import _complete_blocks, _decoded_blocks

_PIECES = st.sampled_from([
    b"Nov 28 2026 10:00:00 fw : %ASA-5-713092: Group = 192.0.2.1, IP = 192.0.2.1, QM FSM error",
    b"Nov 28 2026 10:00:00 fw : %ASA-6-302013: Built outbound TCP connection 1",
    b"\n", b"\r\n", b"\r", b"\n\n", b" caf\xc3\xa9 ", b"\xe2\x82", b"\xac", b"\xff", b"\xc3", b"x" * 40,
    b"QM FSM error", b"\t",
])


def _blocks(data: bytes, encoding: str, size: int, fast: bool) -> str:
    handle = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    first = handle.read(size)
    blocks = (_complete_blocks(handle, first, encoding, size) if fast
              else _decoded_blocks(handle, first, encoding, size))
    out = list(blocks)
    assert all(block.endswith("\n") and "\r" not in block for block in out)
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(_PIECES, max_size=60), size=st.sampled_from([7, 16, 64, 1024]),
       encoding=st.sampled_from(["utf-8", "latin-1"]), max_line=st.sampled_from([32, 1 << 20]))
def test_byte_cut_blocks_decode_like_the_incremental_decoder(
    pieces: list[bytes], size: int, encoding: str, max_line: int
) -> None:
    data = b"".join(pieces)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader, "MAX_LINE", max_line)  # small: long lines are cut and the general path takes over
        assert _blocks(data, encoding, size, fast=True) == _blocks(data, encoding, size, fast=False)


def test_scanner_reads_the_same_events_and_line_numbers_as_the_general_path(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    vpn = "Nov 28 2026 10:00:00 fw : %ASA-5-713092: Group = 192.0.2.1, IP = 192.0.2.1, QM FSM error caf\u00e9"
    noise = "Nov 28 2026 10:00:00 fw : %ASA-6-302013: Built outbound TCP connection 1"
    text = "\r\n".join(vpn if n % 13 == 0 else noise for n in range(2000)) + "\r\n"
    path = tmp_path / "crlf.log"
    path.write_bytes(text.encode("utf-8"))
    fast = LogScanner(block_size=1000)
    events = list(fast.scan(path))
    monkeypatch.setattr(reader, "_BYTE_CUT_ENCODINGS", frozenset())
    general = LogScanner(block_size=1000)
    assert events == list(general.scan(path))
    assert [e.line for e in events] == list(range(1, 2001, 13))
    assert fast.lines == general.lines == 2000
    assert events[0].text.endswith("caf\u00e9")
