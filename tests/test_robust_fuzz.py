"""Fuzzing: generated and mutated configs (IOS, ASA, PIX), show output, log lines and raw bytes.

The hypothesis strategies below build inputs from command templates (so they
reach deep into the dialects) and mutate the project's fixtures; the checks
come from ``fuzz/harness.py``, shared with the atheris targets.  A bounded
atheris run of every target (2,000 executions each) runs here too when
atheris is installed; ``fuzz/run.py --seconds N`` runs longer.
"""

from __future__ import annotations

import codecs
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fuzz"))

import harness

from ipsec_doctor.model import Platform

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.data_too_large])

# ----------------------------------------------------------------------------- value strategies

octet = st.integers(0, 255).map(str)
address = st.one_of(
    st.tuples(octet, octet, octet, octet).map(".".join),
    st.sampled_from(["0.0.0.0", "255.255.255.255", "255.255.255.0", "0.0.0.255", "999.1.1.1", "10.0.0", "::1",
                     "1.2.3.4.5", "10.0.0.0/8", "192.0.2.1-192.0.2.9", "-1.0.0.0"]),
)
name = st.one_of(
    st.sampled_from(["VPN", "OUT", "outside", "inside", "dmz", "TS", "ACL-1", "L2L", "HQ", "any", "host", "Tunnel0",
                     "GigabitEthernet0/0", "Gi0/1.100", "(inside,outside)", "x" * 300, "ÆØÅ", "名前", "-", "\t"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zl", "Zp"), blacklist_characters="\r\n"),
            min_size=1, max_size=10),
)
number = st.one_of(st.integers(-5, 70000).map(str), st.sampled_from(["²", "٣", "0x10", "65536", "1e3", "", "00"]))
keyword = st.sampled_from(["crypto", "map", "set", "peer", "ipsec-isakmp", "dynamic", "match", "address", "permit",
                           "deny", "ip", "any", "host", "eq", "range", "object", "object-group", "nat", "static",
                           "source", "destination", "tunnel-group", "ipsec-attributes", "general-attributes",
                           "pre-shared-key", "*****", "isakmp", "ikev1", "ikev2", "policy", "lifetime", "group",
                           "pfs", "transform-set", "esp-aes", "esp-3des", "esp-sha-hmac", "interface", "nameif",
                           "security-level", "seconds", "kilobytes", "exit", "end", "!", "no", "default", "^C"])
token = st.one_of(address, name, number, keyword)
FILLERS = {"a": address, "n": name, "i": number, "t": token}

IOS_TEMPLATES = [
    "hostname {n}", "crypto isakmp policy {i}", " encr {t}", " encryption {t} {i}", " hash {t}",
    " authentication {t}", " group {i}", " lifetime {i}", "crypto isakmp key {t} address {a}",
    "crypto isakmp key {i} {t} address {a} {a}", "crypto isakmp key {t} hostname {n}",
    "crypto isakmp nat keepalive {i}", "crypto isakmp keepalive {i} {i} {t}", "crypto isakmp identity {t}",
    "crypto ipsec transform-set {n} {t} {t} {t}", " mode {t}", "crypto map {n} {i} ipsec-isakmp",
    "crypto map {n} {i} ipsec-isakmp dynamic {n}", "crypto map {n} local-address {n}",
    "crypto dynamic-map {n} {i}", " set peer {a}", " set peer {a} default", " set transform-set {n} {n}",
    " set pfs {t}", " set security-association lifetime {t} {i}", " match address {n}", " reverse-route {t}",
    "crypto keyring {n}", " pre-shared-key address {a} key {t}", " pre-shared-key address {a} {a} key {i} {t}",
    "crypto isakmp profile {n}", " match identity address {a} {a}", " keyring {n}",
    "crypto ikev2 proposal {n}", " encryption {t} {t}", " integrity {t}", "crypto ikev2 policy {n}",
    " proposal {n}", "crypto ikev2 keyring {n}", " peer {n}", "  address {a} {a}", "  pre-shared-key {t}",
    "crypto ikev2 profile {n}", " match identity remote address {a} {a}", " authentication remote {t}",
    "crypto ipsec profile {n}", "crypto isakmp client configuration group {n}", " key {t}", " pool {n}",
    " acl {n}", " dns {a} {a}", "interface {n}", " ip address {a} {a}", " ip address {t}", " crypto map {n}",
    " tunnel source {n}", " tunnel destination {a}", " tunnel mode ipsec {t}", " tunnel protection ipsec profile {n}",
    " ip nat {t}", " ip tcp adjust-mss {i}", " ip mtu {i}", " shutdown", "ip access-list extended {n}",
    " permit {t} {a} {a} {a} {a}", " {i} permit ip {a} {a} {a} {a}", " deny {t} host {a} any eq {i}",
    "access-list {i} permit {t} {a} {a} {a} {a}", "access-list {n} {t} ip {t} {t}",
    "ip nat inside source list {n} interface {n} overload", "ip nat inside source static {a} {a}",
    "ip nat inside source route-map {n} pool {n}", "ip nat pool {n} {a} {a} netmask {a}",
    "ip route {a} {a} {a}", "ip route {a} {a} {n} {i}", "ip local pool {n} {a} {a}", "route-map {n} permit {i}",
    " match ip address {n}", "object-group network {n}", " {a} {a}", " host {a}", " group-object {n}",
    "version {t}", "banner motd ^C", "{t} {t} {t}", " {t} {t}",
]
ASA_TEMPLATES = [
    "hostname {n}", "ASA Version {t}", "PIX Version {t}", "names", "name {a} {n}", "interface {n}",
    " nameif {n}", " security-level {i}", " ip address {a} {a}", " ip address {a} {a} standby {a}", " shutdown",
    " vlan {i}", "nameif ethernet{i} {n} security{i}", "ip address {n} {a} {a}", "object network {n}",
    " host {a}", " subnet {a} {a}", " range {a} {a}", " nat ({n},{n}) {t} {t}", "object-group network {n}",
    " network-object {a} {a}", " network-object host {a}", " network-object object {n}", " group-object {n}",
    "object-group service {n} {t}", " port-object eq {i}", "access-list {n} extended {t} ip {t} {t} {t} {t}",
    "access-list {n} extended permit {t} object {n} object-group {n}", "access-list {n} permit ip {a} {a} {a} {a}",
    "access-list {n} {t} {t} {t} {t} {t} {t}", "access-group {n} in interface {n}",
    "nat ({n},{n}) source static {n} {n} destination static {n} {n} {t}", "nat ({n}) {i} {t} {a} {a}",
    "nat ({n}) 0 access-list {n}", "global ({n}) {i} {t}", "static ({n},{n}) {a} {a} netmask {a}",
    "route {n} {a} {a} {a} {i}", "crypto ipsec ikev1 transform-set {n} {t} {t}",
    "crypto ipsec transform-set {n} {t} {t}", "crypto ipsec ikev2 ipsec-proposal {n}", " protocol esp {t} {t}",
    "crypto map {n} {i} match address {n}", "crypto map {n} {i} set peer {a} {a}",
    "crypto map {n} {i} set ikev1 transform-set {n}", "crypto map {n} {i} set transform-set {n}",
    "crypto map {n} {i} set pfs {t}", "crypto map {n} {i} set security-association lifetime {t} {i}",
    "crypto map {n} {i} ipsec-isakmp dynamic {n}", "crypto map {n} {i} ipsec-isakmp",
    "crypto map {n} {i} set nat-t-disable", "crypto map {n} interface {n}",
    "crypto dynamic-map {n} {i} set ikev1 transform-set {n}", "crypto ikev1 enable {n}", "crypto ikev2 enable {n}",
    "crypto isakmp enable {n}", "isakmp enable {n}", "crypto ikev1 policy {i}", "crypto isakmp policy {i}",
    " authentication {t}", " encryption {t}", " hash {t}", " group {i}", " lifetime {i}",
    "isakmp policy {i} {t} {t}", "isakmp key {t} address {a} netmask {a} {t}", "isakmp identity {t}",
    "isakmp nat-traversal {i}", "crypto isakmp nat-traversal {i}", "sysopt connection permit-{t}",
    "tunnel-group {n} type {t}", "tunnel-group {n} ipsec-attributes", "tunnel-group {n} general-attributes",
    " ikev1 pre-shared-key {t}", " pre-shared-key {t}", " default-group-policy {n}", " address-pool {n}",
    " authentication-server-group {n}", " isakmp keepalive threshold {i} retry {i}",
    "group-policy {n} {t}", "group-policy {n} attributes", " split-tunnel-policy {t}",
    " split-tunnel-network-list value {n}", " vpn-idle-timeout {i}", " vpn-simultaneous-logins {i}",
    " vpn-tunnel-protocol {t} {t}", " dns-server value {a}", "ip local pool {n} {a}-{a} mask {a}",
    "vpngroup {n} {t} {t}", "sysopt connection tcpmss {i}", "mtu {n} {i}", "ssh {a} {a} {n}",
    "telnet {a} {a} {n}", "management-access {n}", "same-security-traffic permit {t}", "{t} {t} {t}", " {t}",
]
SHOW_TEMPLATES = [
    "{n}# show crypto isakmp sa", "{n}#show crypto ipsec sa", "{n}> show run crypto map",
    "IKEv1 SAs:", "   Active SA: {i}", "{i}   IKE Peer: {a}", "    Type    : {t}             Role    : {t}",
    "    Rekey   : no              State   : {t}", "dst             src             state          conn-id status",
    "{a}  {a}  {t}  {i} {t}", "interface: {n}", "    Crypto map tag: {n}, seq num: {i}, local addr: {a}",
    "      local ident (addr/mask/prot/port): ({a}/{a}/{i}/{i})", "      current_peer: {a}",
    "      #pkts encaps: {i}, #pkts encrypt: {i}, #pkts digest: {i}", "Building configuration...",
    "Current configuration : {i} bytes", "Cryptochecksum:{t}", "{t} {t}", "",
]
LOG_TEMPLATES = [
    "{t} {i} {i}:{i}:{i} {n} : %ASA-{i}-{i}: Group = {a}, IP = {a}, {t} {t}",
    "%ASA-5-713092: Group = {a}, IP = {a}, Failure during phase 1 rekeying attempt due to collision",
    "%ASA-3-713902: Group = {a}, IP = {a}, Removing peer from peer table failed, no match!",
    "%ASA-4-713903: IP = {a}, Error: Unable to remove PeerTblEntry",
    "%ASA-6-713219: Queuing KEY-ACQUIRE messages to be processed when P1 SA is complete.",
    "{i}|{t} {i} {i} {i}:{i}:{i}|{i}: Group = {a}, IP = {a}, {t}",
    "{t} {i} {i}:{i}:{i}.{i}: %CRYPTO-{i}-{t}: {t} {a} {t}",
    "*Mar  1 00:{i}:{i}.{i}: %CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at {a}",
    "%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr={a}, prot={i}, spi={t}",
    "ISAKMP:({i}):atts are not acceptable. Next payload is {i}", "ISAKMP ({i}): retransmitting phase 1 {t}...",
    "IPSEC(validate_proposal_request): proposal part #{i}", "crypto_isakmp_process_block:src:{a}, dest:{a} spt:{i}",
    "<{i}>{t} {i} {i}:{i}:{i} {n} %ASA-{i}-{i}: {t}",
]


@st.composite
def filled(draw: st.DrawFn, templates: list[str]) -> str:
    """One template with every ``{x}`` filled, and sometimes junk tokens appended."""
    template = draw(st.sampled_from(templates))
    parts = template.split("{")
    out = [parts[0]]
    for part in parts[1:]:
        key, _, rest = part.partition("}")
        out.append(draw(FILLERS.get(key, token)) + rest)
    line = "".join(out)
    if draw(st.integers(0, 9)) == 0:
        line += " " + " ".join(draw(st.lists(token, max_size=4)))
    return line


def text_of(templates: list[str], max_lines: int = 60) -> st.SearchStrategy[str]:
    return st.lists(filled(templates), max_size=max_lines).map("\n".join)


SEED_CONFIGS = {name: data.decode("utf-8", "replace").splitlines()
                for name, data in harness.seed_files().items() if not name.startswith(("inputs-", "show-", "logs-", "report-"))}
SEED_INPUTS = {name: data for name, data in harness.seed_files().items()
               if name.startswith(("inputs-", "show-", "logs-"))}

line_edit = st.tuples(
    st.sampled_from(["insert", "delete", "replace", "duplicate", "swap", "cut", "char", "indent", "dedent"]),
    st.integers(0, 10_000), st.integers(0, 10_000), st.one_of(token, st.text(max_size=6)),
)


def mutate(lines: list[str], edits: list[tuple[str, int, int, str]]) -> list[str]:
    """Apply line-level and character-level edits to a copy of ``lines``."""
    out = list(lines)
    for op, i, j, word in edits:
        if not out:
            out.append(word)
            continue
        k = i % len(out)
        line = out[k]
        if op == "insert":
            out.insert(k, word)
        elif op == "delete":
            out.pop(k)
        elif op == "replace":
            out[k] = word
        elif op == "duplicate":
            out[k:k] = out[k:k + 1 + j % 20]
        elif op == "swap":
            m = j % len(out)
            out[k], out[m] = out[m], out[k]
        elif op == "cut":
            out[k] = line[: j % (len(line) + 1)]
        elif op == "char":
            pos = j % (len(line) + 1)
            out[k] = line[:pos] + word + line[pos:]
        elif op == "indent":
            out[k] = " " * (1 + j % 3) + line
        elif op == "dedent":
            out[k] = line.lstrip()
    return out


# ----------------------------------------------------------------------------- properties


@FAST
@given(text=text_of(IOS_TEMPLATES))
def test_generated_ios_configs_never_make_the_ios_parser_raise(text: str) -> None:
    device = harness.check_ios(text.encode("utf-8"))
    assert device.platform is Platform.IOS


@FAST
@given(text=text_of(ASA_TEMPLATES), pix=st.booleans())
def test_generated_asa_and_pix_configs_never_make_the_asa_parser_raise(text: str, pix: bool) -> None:
    device = harness.check_config(text.encode("utf-8"), Platform.PIX6 if pix else Platform.ASA)
    assert device.platform in (Platform.ASA, Platform.PIX6)


@FAST
@given(seed=st.sampled_from(sorted(SEED_CONFIGS)), platform=st.sampled_from(list(Platform)),
       edits=st.lists(line_edit, max_size=15))
def test_mutated_fixture_configs_never_make_a_dialect_raise(
    seed: str, platform: Platform, edits: list[tuple[str, int, int, str]]
) -> None:
    lines = mutate(SEED_CONFIGS[seed], edits)
    joined = "\n".join(lines)
    device = harness.check_config(joined.encode("utf-8"), platform)
    # the reader splits on CR as well as LF, so a CR inside an edited line adds a line
    assert all(0 <= p.line <= len(re.split(r"\r\n|\r|\n", joined)) for p in device.problems)


@FAST
@given(text=st.lists(st.one_of(filled(SHOW_TEMPLATES), filled(LOG_TEMPLATES), filled(IOS_TEMPLATES),
                               filled(ASA_TEMPLATES)), max_size=60).map("\n".join),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"]),
       newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_generated_show_output_and_log_lines_are_loaded_without_raising(text: str, encoding: str, newline: str) -> None:
    data = text.replace("\n", newline).encode(encoding, errors="replace")
    loaded = harness.check_inputs(data)
    assert all(t.kind in ("show", "log") for t in loaded.texts)


@FAST
@given(seed=st.sampled_from(sorted(SEED_INPUTS)), edits=st.lists(line_edit, max_size=12))
def test_mutated_captures_and_logs_are_loaded_without_raising(seed: str, edits: list[tuple[str, int, int, str]]) -> None:
    lines = mutate(SEED_INPUTS[seed].decode("utf-8", "replace").splitlines(), edits)
    loaded = harness.check_inputs("\n".join(lines).encode("utf-8"))
    assert all(c.lines for c in loaded.configs)


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(st.binary(max_size=4096),
                      st.binary(max_size=64).map(lambda b: codecs.BOM_UTF16_LE + b),
                      st.binary(max_size=64).map(lambda b: b"\x00" + b * 3)))
def test_arbitrary_bytes_are_loaded_without_raising(data: bytes) -> None:
    loaded = harness.check_inputs(data)
    assert isinstance(loaded.configs, list)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ios=text_of(IOS_TEMPLATES, 40), asa=text_of(ASA_TEMPLATES, 40),
       other=st.lists(st.one_of(filled(SHOW_TEMPLATES), filled(LOG_TEMPLATES)), max_size=30).map("\n".join))
def test_the_whole_pipeline_survives_a_generated_snapshot(ios: str, asa: str, other: str) -> None:
    data = harness.FILE_SEPARATOR.join(t.encode("utf-8") for t in ("hostname FZ-R\n" + ios, ": Saved\nASA Version 9.8\n"
                                                                   + asa, other))
    doc = harness.check_pipeline(data)
    assert doc["tool"] == {"name": "ipsec-doctor", "version": doc["tool"]["version"]}  # type: ignore[index]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits_a=st.lists(line_edit, max_size=8), edits_b=st.lists(line_edit, max_size=8))
def test_the_whole_pipeline_survives_a_mutated_example_pair(edits_a: list[tuple[str, int, int, str]],
                                                           edits_b: list[tuple[str, int, int, str]]) -> None:
    example = ROOT / "examples" / "snapshot"
    a = mutate((example / "br1-rtr.cfg").read_text().splitlines(), edits_a)
    b = mutate((example / "hq-asa.cfg").read_text().splitlines(), edits_b)
    doc = harness.check_pipeline("\n".join(a).encode() + harness.FILE_SEPARATOR + "\n".join(b).encode())
    assert isinstance(doc["findings"], list)


SECRET_LINES = [
    "crypto isakmp key {C} address {a}", " pre-shared-key address {a} key {C}", " ikev1 pre-shared-key {C}",
    "enable secret 5 {C}", "username u password {C} encrypted", "snmp-server community {C} RO",
    "isakmp key {C} address {a} netmask {a}", "aaa-server R (inside) host {a} {C} timeout 5", " key {C}",
    "tacacs-server host {a} key {C}", " set pfs password {C}", "ntp authentication-key 1 md5 {C}",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.one_of(filled(IOS_TEMPLATES), filled(ASA_TEMPLATES), st.sampled_from(SECRET_LINES)),
                      min_size=1, max_size=40),
       canary=st.text(alphabet="ABCDEFGHJKMNPQRSTUVWXYZ23456789", min_size=12, max_size=12))
def test_generated_configs_never_print_a_planted_secret(lines: list[str], canary: str) -> None:
    canary = "Cn" + canary
    text = "\n".join(line.replace("{a}", "192.0.2.1").replace("{C}", canary) for line in lines)
    doc = harness.check_pipeline(("hostname CN\n" + text).encode())
    assert canary not in json.dumps(doc)


def test_optional_show_and_log_readers_are_fuzzed_when_present() -> None:
    """The show/log readers are written in parallel; once they exist, their fuzz targets must too."""
    for module, target in (("ipsec_doctor.show", "fuzz_show.py"), ("ipsec_doctor.logs", "fuzz_logs.py")):
        present = importlib.util.find_spec(module) is not None
        assert (ROOT / "fuzz" / target).exists() or not present, f"{module} exists but fuzz/{target} does not"


# ----------------------------------------------------------------------------- atheris, bounded

ATHERIS = importlib.util.find_spec("atheris") is not None
FUZZ_TARGETS = sorted(p.stem.removeprefix("fuzz_") for p in (ROOT / "fuzz").glob("fuzz_*.py"))


@pytest.mark.skipif(not ATHERIS, reason="atheris is not installed (pip install -e '.[fuzz]')")
@pytest.mark.parametrize("target", FUZZ_TARGETS)
def test_atheris_target_runs_2000_executions_without_a_crash(target: str, tmp_path: Path) -> None:
    corpus = harness.write_corpus(target, tmp_path / "corpus")
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / f"fuzz_{target}.py"), "-runs=2000", "-seed=12345", "-max_len=16384",
         f"-artifact_prefix={artifacts}/", "-print_final_stats=1", str(corpus)],
        capture_output=True, text=True, env=harness.guarded_env(), cwd=tmp_path, timeout=600,
        stdin=subprocess.DEVNULL, check=False,
    )
    tail = (proc.stdout + proc.stderr)[-3000:]
    assert list(artifacts.iterdir()) == [], tail
    assert proc.returncode == 0, tail
    # libFuzzer counts the seed corpus replay in "Done N runs", so N is 2000 plus the seeds it re-ran
    done = re.search(r"Done (\d+) runs", proc.stderr)
    assert done is not None and int(done.group(1)) >= 2000, tail


# ----------------------------------------------------------------------------- show and log readers

HAS_SHOW = importlib.util.find_spec("ipsec_doctor.show") is not None
HAS_LOGS = importlib.util.find_spec("ipsec_doctor.logs") is not None


@pytest.mark.skipif(not HAS_SHOW, reason="ipsec_doctor.show is not there yet")
@FAST
@given(text=st.lists(filled(SHOW_TEMPLATES), max_size=60).map("\n".join), salt=st.binary(max_size=3))
def test_generated_show_output_never_makes_the_show_readers_raise(text: str, salt: bytes) -> None:
    result = harness.check_show(text.encode("utf-8") + salt)
    assert repr(result)


@pytest.mark.skipif(not HAS_SHOW, reason="ipsec_doctor.show is not there yet")
@FAST
@given(seed=st.sampled_from(sorted(SEED_INPUTS)), edits=st.lists(line_edit, max_size=12))
def test_mutated_show_captures_never_make_the_show_readers_raise(seed: str, edits: list[tuple[str, int, int, str]]) -> None:
    lines = mutate(SEED_INPUTS[seed].decode("utf-8", "replace").splitlines(), edits)
    assert repr(harness.check_show("\n".join(lines).encode("utf-8")))


@pytest.mark.skipif(not HAS_LOGS, reason="ipsec_doctor.logs is not there yet")
@FAST
@given(text=st.lists(st.one_of(filled(LOG_TEMPLATES), filled(SHOW_TEMPLATES)), max_size=80).map("\n".join))
def test_generated_log_lines_never_make_the_log_reader_raise(text: str) -> None:
    events = harness.check_logs(text.encode("utf-8"))
    assert isinstance(events, list)


@pytest.mark.skipif(not HAS_LOGS, reason="ipsec_doctor.logs is not there yet")
@FAST
@given(seed=st.sampled_from(sorted(SEED_INPUTS)), edits=st.lists(line_edit, max_size=12))
def test_mutated_logs_never_make_the_log_reader_raise(seed: str, edits: list[tuple[str, int, int, str]]) -> None:
    lines = mutate(SEED_INPUTS[seed].decode("utf-8", "replace").splitlines(), edits)
    assert isinstance(harness.check_logs("\n".join(lines).encode("utf-8")), list)
