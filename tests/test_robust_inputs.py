"""Bad input: every unusable file gets one clear stderr line (file and reason), the rest is analysed.

Exit statuses follow ../shared/spec/OUTPUT.md: 0/1 when something was usable
(1 with error findings), 2 when nothing was.  No traceback ever reaches the user.

Unreadable files: the suite runs as root, for whom ``chmod 000`` does not stop
a read, so a permission error is simulated by replacing ``open`` in the reader
module (in-process).  FIFOs and ``/dev/zero`` stand in for special files: they
must be skipped with a message, never read (a FIFO read would hang forever).
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ipsec_doctor.cli import main
from ipsec_doctor.inputs import reader

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "snapshot"
SMALL_IOS = """\
version 15.2
hostname {name}
crypto isakmp policy 10
 encr aes 256
 authentication pre-share
 group 14
crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto map VPN 10 ipsec-isakmp
 set peer 192.0.2.77
 set transform-set TS
 match address VPN-ACL
interface GigabitEthernet0/0
 description Liaison Montr\u00e9al
 ip address 192.0.2.1 255.255.255.0
 crypto map VPN
ip access-list extended VPN-ACL
 permit ip 10.9.0.0 0.0.0.255 10.8.0.0 0.0.0.255
end
"""


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ipsec_doctor", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, stdin=subprocess.DEVNULL, check=False)


def _junk_tree(root: Path) -> dict[str, str]:
    """Write a folder of every kind of bad file; return {file name: expected reason fragment}."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "binary.bin").write_bytes(bytes(range(256)) * 40)
    (root / "empty.cfg").write_bytes(b"")
    (root / "blank.cfg").write_bytes(b"\n\n   \r\n\x00\x00")
    (root / "highbytes.txt").write_bytes(bytes(range(160, 256)) * 50 + b"\n")
    (root / "huge-line.txt").write_bytes(b"A" * (100 * 1024 * 1024))  # one 100 MB line, no newline
    os.mkfifo(root / "pipe.fifo")
    (root / "loop-a").symlink_to("loop-b")
    (root / "loop-b").symlink_to("loop-a")
    (root / "dangling.cfg").symlink_to("does-not-exist.cfg")
    sub = root / "sub"
    sub.mkdir()
    (sub / "back-to-root").symlink_to("..")  # a directory loop
    (sub / "zeros.dat").write_bytes(b"\x00" * 5000)
    return {
        "binary.bin": "binary file, skipped",
        "empty.cfg": "empty file",
        "blank.cfg": "empty file",
        "highbytes.txt": "not recognised",
        "huge-line.txt": "only its first 1 MiB was read",
        "pipe.fifo": "not a regular file",
        "loop-a": "symlink loop",
        "loop-b": "symlink loop",
        "dangling.cfg": "no such file or directory",
        "back-to-root": "symlink loop",
        "zeros.dat": "empty file",
    }


def _stderr_reasons(stderr: str) -> dict[str, str]:
    """{file name: reason} from the one-line messages ``ipsec-doctor: FILE: REASON``."""
    out: dict[str, str] = {}
    for line in stderr.splitlines():
        assert line.startswith("ipsec-doctor: "), line
        rest = line[len("ipsec-doctor: "):]
        if ": " in rest:
            file, reason = rest.split(": ", 1)
            out[Path(file).name] = reason
    return out


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("mixed")
    expected = _junk_tree(root / "snap")
    for f in EXAMPLE.iterdir():
        (root / "snap" / f.name).write_bytes(f.read_bytes())
    (root / "snap" / "utf16.cfg").write_bytes(codecs.BOM_UTF16_LE + SMALL_IOS.format(name="U16-RTR").encode("utf-16-le"))
    (root / "snap" / "utf16be-nobom.cfg").write_bytes(SMALL_IOS.format(name="U16BE-RTR").encode("utf-16-be"))
    (root / "snap" / "latin1.cfg").write_bytes(SMALL_IOS.format(name="LATIN-RTR").encode("latin-1"))
    return root / "snap", expected


def test_junk_in_a_snapshot_is_reported_per_file_and_the_rest_is_analysed(mixed: tuple[Path, dict[str, str]]) -> None:
    folder, expected = mixed
    proc = run("analyze", str(folder), "--format", "json", timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    reasons = _stderr_reasons(proc.stderr)
    for name, fragment in expected.items():
        assert fragment in reasons.get(name, ""), (name, reasons.get(name))
    doc = json.loads(proc.stdout)
    assert [d["name"] for d in doc["devices"]] == ["BR1-RTR", "HQ-ASA", "LATIN-RTR", "U16-RTR", "U16BE-RTR"]
    assert any(t["phase2"] == "fail" for t in doc["tunnels"])


def test_each_bad_file_gets_exactly_one_stderr_line(mixed: tuple[Path, dict[str, str]]) -> None:
    folder, expected = mixed
    proc = run("inventory", str(folder), timeout=60)
    assert proc.returncode == 0
    lines = proc.stderr.splitlines()
    for name in expected:
        assert sum(1 for line in lines if Path(line.split(": ")[1]).name == name) == 1, name
    assert "LATIN-RTR" in proc.stdout and "U16-RTR" in proc.stdout


def test_a_folder_of_junk_only_exits_2_with_a_final_reason(tmp_path: Path) -> None:
    expected = _junk_tree(tmp_path / "junk")
    proc = run("analyze", str(tmp_path / "junk"), timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines()[-1].startswith("ipsec-doctor: no usable input")
    assert set(expected) <= set(_stderr_reasons(proc.stderr))
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/null", "/dev/urandom"])
def test_special_files_named_on_the_command_line_are_skipped_without_hanging(tmp_path: Path, special: str) -> None:
    path = special
    if special == "fifo":
        path = str(tmp_path / "named.pipe")
        os.mkfifo(path)
    proc = run("analyze", path, timeout=30)
    assert proc.returncode == 2
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"ipsec-doctor: {path}: ")
    assert "not a regular file" in first or "empty file" in first
    assert "Traceback" not in proc.stderr


def test_missing_paths_are_named_and_the_others_analysed(tmp_path: Path) -> None:
    proc = run("analyze", str(tmp_path / "missing-1.cfg"), str(EXAMPLE), str(tmp_path / "missing-2"), "--format", "json")
    assert proc.returncode == 1
    reasons = _stderr_reasons(proc.stderr)
    assert reasons == {"missing-1.cfg": "no such file or directory", "missing-2": "no such file or directory"}
    assert len(json.loads(proc.stdout)["devices"]) == 2


def test_a_symlink_loop_named_on_the_command_line_exits_2(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    proc = run("analyze", str(tmp_path / "a"))
    assert proc.returncode == 2
    assert _stderr_reasons(proc.stderr) == {"a": "symlink loop, skipped"}


@pytest.mark.parametrize("where", ["directory", "missing-parent"])
def test_an_output_path_that_cannot_be_written_exits_2_with_the_reason(tmp_path: Path, where: str) -> None:
    target = tmp_path / "out-dir" if where == "directory" else tmp_path / "no" / "such" / "report.json"
    if where == "directory":
        target.mkdir()
    proc = run("analyze", str(EXAMPLE), "--format", "json", "-o", str(target))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"ipsec-doctor: cannot write {target}: ")
    assert ("is a directory" in proc.stderr) == (where == "directory")
    assert [p.name for p in tmp_path.rglob("*") if p.name.endswith(".tmp")] == []


def test_an_unreadable_file_is_reported_and_the_others_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Simulated: as root a mode-000 file is still readable, so the reader's ``open`` is made to refuse it."""
    for f in EXAMPLE.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    locked = tmp_path / "locked.cfg"
    locked.write_text(SMALL_IOS.format(name="LOCKED"), encoding="utf-8")
    real_open = open

    def refusing_open(file: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(reader, "open", refusing_open, raising=False)
    out = tmp_path / "report.json"
    assert main(["analyze", str(tmp_path), "--format", "json", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == f"ipsec-doctor: {locked}: permission denied\n"
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [d["name"] for d in doc["devices"]] == ["BR1-RTR", "HQ-ASA"]
    record = next(i for i in doc["inputs"] if i["file"] == str(locked))
    assert record["kind"] == "error" and record["problems"][0]["message"] == "permission denied"


def test_a_long_line_in_a_config_is_reported_not_silently_cut(tmp_path: Path) -> None:
    cfg = tmp_path / "long.cfg"
    cfg.write_text(SMALL_IOS.format(name="LONG-RTR") + "! " + "x" * (reader.MAX_LINE + 10) + "\n", encoding="utf-8")
    proc = run("analyze", str(cfg), "--format", "json")
    assert proc.returncode in (0, 1)
    problems = json.loads(proc.stdout)["inputs"][0]["problems"]
    assert any("longer than 1 MiB" in p["message"] and "truncated" in p["message"] for p in problems)
    text = run("analyze", str(cfg))
    assert "longer than 1 MiB" in text.stdout


def test_a_file_over_the_read_limit_is_reported_not_silently_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipsec_doctor.inputs import load

    monkeypatch.setattr(reader, "MAX_FULL_READ", 1000)
    monkeypatch.setattr(reader, "HEAD_READ", 400)
    cfg = tmp_path / "big.cfg"
    cfg.write_text(SMALL_IOS.format(name="BIG-RTR") * 3, encoding="utf-8")
    record = load([cfg]).inputs[0]
    assert any("only its first" in p.message for p in record.problems)
