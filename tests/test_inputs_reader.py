"""Reading bytes: encodings, line endings, binary/empty/missing files, walking, limits."""

from __future__ import annotations

import builtins
import codecs
import os
from pathlib import Path

import pytest

from ipsec_doctor.inputs import load
from ipsec_doctor.inputs import reader
from ipsec_doctor.inputs.reader import sniff_encoding, split_lines

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
CONFIG_TEXT = "version 15.2\nhostname ENC-R1\ninterface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "encoded",
    [
        CONFIG_TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + CONFIG_TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + CONFIG_TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + CONFIG_TEXT.encode("utf-16-be"),
        CONFIG_TEXT.encode("utf-16-le"),  # no BOM: NULs in alternate positions
        CONFIG_TEXT.encode("utf-16-be"),
        CONFIG_TEXT.replace("\n", "\r\n").encode("ascii"),
        CONFIG_TEXT.replace("\n", "\r").encode("ascii"),
        CONFIG_TEXT.rstrip("\n").encode("ascii"),  # no final newline
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "crlf", "cr", "no-final-newline"],
)
def test_inputs_decode_every_encoding_and_line_ending_to_the_same_lines(tmp_path: Path, encoded: bytes) -> None:
    loaded = load([_write(tmp_path, "r1.cfg", encoded)])
    assert loaded.inputs[0].kind == "config"
    assert loaded.inputs[0].platform == "ios"
    section = loaded.configs[0]
    assert section.name_hint == "ENC-R1"
    assert section.lines == [
        (1, "version 15.2"),
        (2, "hostname ENC-R1"),
        (3, "interface GigabitEthernet0/0"),
        (4, " ip address 192.0.2.1 255.255.255.0"),
    ]


def test_inputs_fall_back_to_latin1_for_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    data = (CONFIG_TEXT + " description Liaison Montr\xe9al\n").encode("latin-1")
    assert sniff_encoding(data) == "latin-1"
    section = load([_write(tmp_path, "latin.cfg", data)]).configs[0]
    assert section.lines[-1] == (5, " description Liaison Montréal")


def test_inputs_split_lines_keeps_blank_lines_and_drops_only_the_final_newline() -> None:
    assert split_lines("a\r\n\r\nb\rc\n") == ["a", "", "b", "c"]
    assert split_lines("a\u2028b") == ["a\u2028b"]  # Unicode separators are not line breaks in a config


def test_inputs_binary_file_is_recorded_as_unknown_and_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path, "image.bin", bytes(range(256)) * 20)
    loaded = load([path])
    record = loaded.inputs[0]
    assert (record.kind, [p.message for p in record.problems]) == ("unknown", ["binary file, skipped"])
    assert loaded.configs == [] and loaded.texts == []


def test_inputs_control_characters_without_nul_are_binary(tmp_path: Path) -> None:
    path = _write(tmp_path, "ctrl.dat", b"\x01\x02\x03\x04\x05abc" * 100)
    assert load([path]).inputs[0].problems[0].message == "binary file, skipped"


def test_inputs_empty_file_is_unknown_with_a_problem(tmp_path: Path) -> None:
    record = load([_write(tmp_path, "empty.cfg", b"\n \r\n")]).inputs[0]
    assert record.kind == "unknown"
    assert [p.message for p in record.problems] == ["empty file"]


@pytest.mark.parametrize("magic", [b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x0a\x0d\x0d\x0a"])
def test_inputs_packet_captures_are_recorded_by_magic_for_the_capture_reader(tmp_path: Path, magic: bytes) -> None:
    loaded = load([_write(tmp_path, "capture", magic + b"\x02\x00\x04\x00" + b"\x00" * 40)])
    record = loaded.inputs[0]
    assert record.kind == "pcap"
    assert record.problems == []  # the capture is read later, in the pipeline (evidence.capture)
    assert loaded.configs == [] and loaded.texts == []


def test_inputs_missing_path_is_an_error_record_and_the_rest_still_loads(tmp_path: Path) -> None:
    good = _write(tmp_path, "r1.cfg", CONFIG_TEXT.encode())
    loaded = load([tmp_path / "nope.cfg", good])
    assert [r.kind for r in loaded.inputs] == ["error", "config"]
    assert loaded.inputs[0].problems[0].message == "no such file or directory"
    assert len(loaded.configs) == 1


def test_inputs_symlink_loop_is_reported_not_followed_forever(tmp_path: Path) -> None:
    folder = tmp_path / "tree"
    folder.mkdir()
    (folder / "r1.cfg").write_text(CONFIG_TEXT)
    os.symlink(folder, folder / "again")  # directory loop
    os.symlink(tmp_path / "self", tmp_path / "self")  # file-level ELOOP
    loaded = load([folder, tmp_path / "self"])
    messages = {Path(r.file).name: [p.message for p in r.problems] for r in loaded.inputs}
    assert messages["again"] == ["symlink loop: directory already visited, skipped"]
    assert messages["self"] == ["symlink loop, skipped"]
    assert len(loaded.configs) == 1


def test_inputs_unreadable_file_is_an_error_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = _write(tmp_path, "locked.cfg", CONFIG_TEXT.encode())
    real_open = builtins.open

    def deny(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", deny)
    record = load([locked]).inputs[0]
    assert (record.kind, record.problems[0].message) == ("error", "permission denied")


def test_inputs_directories_are_walked_sorted_skipping_hidden_entries(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(CONFIG_TEXT)
    (tmp_path / "b" / "z.cfg").write_text(CONFIG_TEXT)
    (tmp_path / "a.cfg").write_text(CONFIG_TEXT)
    (tmp_path / "junk.dat").write_bytes(b"\x00\x01\x02\x03" * 50)
    names = [Path(r.file).relative_to(tmp_path).as_posix() for r in load([tmp_path]).inputs]
    assert names == ["a.cfg", "b/z.cfg", "junk.dat"]


def test_inputs_overlong_line_is_truncated_with_a_problem(tmp_path: Path) -> None:
    data = CONFIG_TEXT.encode() + b"description " + b"x" * (reader.MAX_LINE + 10) + b"\n"
    loaded = load([_write(tmp_path, "long.cfg", data)])
    record = loaded.inputs[0]
    assert record.kind == "config"
    assert [(p.line, p.message.split(" (")[0]) for p in record.problems] == [(5, "line longer than 1 MiB")]
    assert len(loaded.configs[0].lines[-1][1]) == reader.MAX_LINE


def test_inputs_big_file_is_read_by_its_head_with_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_FULL_READ", 200)
    monkeypatch.setattr(reader, "HEAD_READ", 120)
    path = _write(tmp_path, "big.cfg", (CONFIG_TEXT * 10).encode())
    loaded = load([path])
    assert "only its first 1 MiB was read" in loaded.inputs[0].problems[0].message
    assert loaded.inputs[0].kind == "config"
    assert loaded.configs[0].lines[0] == (1, "version 15.2")


def test_inputs_limits_are_documented_in_the_module() -> None:
    assert "64 MiB" in reader.LIMITS and "1 MiB" in reader.LIMITS
    assert reader.__doc__ is not None and "2 GiB" in reader.__doc__


def test_inputs_unknown_platform_override_is_a_problem_not_an_exception() -> None:
    loaded = load([FIXTURES / "pix6.txt"], platform="junos")
    assert loaded.configs[0].platform.value == "pix6"
    assert any("unknown platform" in p.message for p in loaded.inputs[0].problems)
