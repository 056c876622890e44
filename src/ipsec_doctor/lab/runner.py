"""Run two charon daemons in two network namespaces and try the tunnel both ways.

Recipe (see ../shared/research/lab-feasibility.md): each end gets a network
namespace, the two joined by a veth pair that carries only the two tunnel
addresses (host routes, nothing leaves the namespaces).  ESP runs in user
space (kernel-libipsec) because the kernel has no ESP; ``encap = yes`` keeps
it in UDP.  Each charon has a private ``/run`` (bind mount inside the mount
namespace ``ip netns exec`` creates) so that two instances can coexist, and
its own vici socket and log file in a private 0700 temporary directory.

Everything started is torn down in ``finally`` — daemons by PID, the capture
by PID, namespaces by name, files by directory — also on Ctrl-C and SIGTERM
(the CLI turns SIGTERM into KeyboardInterrupt).
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets as _rand
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..redact import redact_line
from .translate import EndConfig, LabPlan

__all__ = ["Attempt", "LabRun", "lab_available", "run_plan"]

CHARON_PATHS = ("/usr/lib/ipsec/charon", "/usr/libexec/ipsec/charon", "/usr/lib/strongswan/charon")
_PLUGINS = ("random nonce openssl pem pkcs1 x509 pubkey gmp aes des sha1 sha2 md5 hmac kdf gcm "
            "kernel-libipsec kernel-netlink socket-default vici")

# Log lines that explain an outcome (charon wording, 5.9).
_EXPLAIN = re.compile(
    r"no acceptable \w+ found|received proposals|configured proposals|received proposals unacceptable|"
    r"no proposal found|no matching proposal found|NO_PROPOSAL_CHOSEN|AUTHENTICATION_FAILED|AUTH_FAILED|"
    r"MAC mismatched|TS_UNACCEPTABLE|traffic selectors .* (?:unacceptable|inacceptable)|"
    r"no matching CHILD_SA config|decryption failed|could not decrypt|giving up after|peer not responding|"
    r"failed to establish CHILD_SA|INVALID_ID|INVALID_KE|no shared key found|"
    r"CHILD_SA \S+ established|IKE_SA \S+ established|establishing CHILD_SA .* failed|"
    r"unable to install|received \w+ notify error|received \w+ error notify|notify, no CHILD_SA built|"
    r"N\((?:NO_PROP|AUTH_FAILED|TS_UNACCEPT|INVAL_ID|INVAL_KE|PLD_MAL)\)"
)
_ONLY_ON_FAILURE = ("received proposals:", "configured proposals:")
_PROPOSAL_TROUBLE = re.compile(r"NO_PROP|no acceptable|proposals unacceptable|no proposal found|no matching proposal")
_KEY_TRIED = re.compile(r"tried \d+ shared keys? for '[^']*' - '[^']*', but MAC mismatched")
_SECRETISH = re.compile(r"secret|psk\b|sk_\w+|=> \d+ bytes|key", re.IGNORECASE)


def charon_path() -> str | None:
    return next((p for p in CHARON_PATHS if os.access(p, os.X_OK)), None)


def lab_available() -> str | None:
    """None when the lab can run here, else the reason it cannot."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "the lab needs root (network namespaces)"
    if shutil.which("ip") is None:
        return "`ip` (iproute2) is not installed"
    if charon_path() is None:
        return "charon is not installed (apt-get install strongswan-charon libcharon-extra-plugins)"
    if shutil.which("swanctl") is None:
        return "swanctl is not installed (apt-get install strongswan-swanctl)"
    if not any(Path(os.path.dirname(p), "plugins", "libstrongswan-kernel-libipsec.so").exists()
               for p in CHARON_PATHS):
        return "the kernel-libipsec plugin is missing (apt-get install libcharon-extra-plugins)"
    if not os.path.exists("/dev/net/tun"):
        return "/dev/net/tun is missing (kernel-libipsec needs a TUN device)"
    probe = subprocess.run(["ip", "netns", "list"], check=False, capture_output=True, text=True)
    if probe.returncode != 0:
        return "`ip netns` does not work here"
    return None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One initiation: ``initiator`` sends the first packet."""

    initiator: str
    responder: str
    ike_up: bool
    child_up: bool
    log: tuple[str, ...] = ()  # explaining lines from both daemons, redacted
    seconds: float = 0.0

    @property
    def outcome(self) -> str:
        return "up" if self.ike_up and self.child_up else "fail"

    @property
    def failed_phase(self) -> int | None:
        if not self.ike_up:
            return 1
        return None if self.child_up else 2


@dataclass
class LabRun:
    tunnel: str
    attempts: list[Attempt] = field(default_factory=list)
    pcap: str | None = None
    error: str | None = None


def _run(cmd: list[str], timeout: float = 20.0, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}: {(done.stderr or done.stdout).strip()[:200]}")
    return done


def _strongswan_conf(work: Path) -> str:
    return f"""charon {{
  load = {_PLUGINS}
  install_routes = no
  install_virtual_ip = no
  retransmit_tries = 2
  retransmit_timeout = 1.0
  retransmit_base = 1.4
  half_open_timeout = 8
  plugins {{
    vici {{
      socket = unix://{work}/charon.vici
    }}
    kernel-libipsec {{
      allow_peer_ts = yes
    }}
  }}
  syslog {{
    daemon {{
      default = -1
    }}
  }}
  filelog {{
    lab {{
      path = {work}/charon.log
      default = 1
      ike = 2
      cfg = 2
      knl = 1
      flush_line = yes
      append = no
    }}
  }}
}}
"""


_SWANCTL_CONF = "swanctl {\n  load = pem pkcs1 x509 pubkey random nonce openssl\n}\n"


class _Daemon:
    def __init__(self, ns: str, work: Path, end: EndConfig) -> None:
        self.ns, self.work, self.end = ns, work, end
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"unix://{self.work}/charon.vici"

    def write(self) -> None:
        run = self.work / "run"
        run.mkdir(mode=0o700)
        (self.work / "strongswan.conf").write_text(_strongswan_conf(self.work), encoding="utf-8")
        (self.work / "swanctl-client.conf").write_text(_SWANCTL_CONF, encoding="utf-8")
        secrets = self.work / "secrets.conf"
        fd = os.open(secrets, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self.end.secrets_conf())
        (self.work / "swanctl.conf").write_text(self.end.swanctl_conf(str(secrets)), encoding="utf-8")

    def start(self) -> None:
        charon = charon_path()
        assert charon is not None
        script = 'mount --bind "$1" /run && STRONGSWAN_CONF="$2" exec "$3"'
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, "sh", "-c", script, "lab", str(self.work / "run"),
             str(self.work / "strongswan.conf"), charon],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )

    def swanctl(self, *args: str, timeout: float = 20.0) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, STRONGSWAN_CONF=str(self.work / "swanctl-client.conf"))
        return subprocess.run(["swanctl", *args, "--uri", self.uri], check=False, capture_output=True, text=True,
                              timeout=timeout, env=env)

    def wait_ready(self, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"charon for {self.end.device} exited at start (code {self.proc.returncode})")
            if (self.work / "charon.vici").exists() and self.swanctl("--stats").returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError(f"charon for {self.end.device} did not open its vici socket")

    def load(self) -> None:
        done = self.swanctl("--load-all", "--noprompt", "--file", str(self.work / "swanctl.conf"))
        if done.returncode != 0:
            raise RuntimeError(f"swanctl could not load {self.end.device}'s configuration: "
                               + redact_line(_scrub(done.stdout + done.stderr, self.end.key))[-300:])

    def log_size(self) -> int:
        try:
            return (self.work / "charon.log").stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int) -> list[str]:
        try:
            with open(self.work / "charon.log", "rb") as handle:
                handle.seek(offset)
                data = handle.read().decode("utf-8", "replace")
        except OSError:
            return []
        return data.splitlines()

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=3)


def _scrub(text: str, key: str) -> str:
    return text.replace(key, "<redacted>") if key else text


def explain(lines: list[str], key: str, who: str) -> list[str]:
    """The lines that explain an outcome, prefixed by the daemon's device, never with key material."""
    out = []
    for line in lines:
        if key and key in line:
            continue
        body = line.split("] ", 1)[-1] if "] " in line else line
        if _SECRETISH.search(body) and "shared key" not in body:
            continue
        if _EXPLAIN.search(body):
            body = body.strip()
            # charon's own wording, which names identities only; redact_line would take "key for" for a key.
            out.append(f"{who}: {body if _KEY_TRIED.fullmatch(body) else redact_line(body)}")
    return out


class _Net:
    """Two namespaces and a veth pair carrying only the two tunnel addresses."""

    def __init__(self, a: EndConfig, b: EndConfig) -> None:
        tag = _rand.token_hex(3)
        self.ns = (f"ipsecdoc-{tag}-a", f"ipsecdoc-{tag}-b")
        self.links = (f"idl{tag}a", f"idl{tag}b")
        self.ends = (a, b)
        self.created: list[str] = []

    def up(self) -> None:
        for ns in self.ns:
            _run(["ip", "netns", "add", ns])
            self.created.append(ns)
        la, lb = self.links
        _run(["ip", "link", "add", la, "netns", self.ns[0], "type", "veth", "peer", "name", lb, "netns", self.ns[1]])
        for ns, link, end in ((self.ns[0], la, self.ends[0]), (self.ns[1], lb, self.ends[1])):
            run = ["ip", "-n", ns]
            _run(run + ["link", "set", "lo", "up"])
            _run(run + ["addr", "add", f"{end.local}/32", "dev", link])
            _run(run + ["link", "set", link, "up"])
            _run(run + ["route", "add", f"{end.remote}/32", "dev", link])
            # kernel-libipsec routes each policy through its TUN device and needs a next hop for the
            # remote selector: a default route over the veth (it cannot leave the namespace).
            _run(run + ["route", "add", "default", "dev", link])
            # ... and a source address inside each local selector (the "protected subnet" on lo).
            for host in _inside_addresses(end):
                _run(run + ["addr", "add", f"{host}/32", "dev", "lo"], check=False)

    def down(self) -> None:
        for ns in reversed(self.created):
            subprocess.run(["ip", "netns", "del", ns], check=False, capture_output=True, timeout=20)
        self.created.clear()


def _inside_addresses(end: EndConfig) -> list[str]:
    """One address inside each local traffic selector that is not the tunnel address already."""
    out: list[str] = []
    for child in end.children:
        net = child.local_ts.split("[", 1)[0]
        first = net.split("-", 1)[0] if "-" in net else None
        try:
            if first is None:
                network = ipaddress.ip_network(net, strict=False)
                if end.local in network:
                    continue
                host = network.network_address + (1 if network.num_addresses > 2 else 0)
            else:
                host = ipaddress.ip_address(first)
        except ValueError:
            continue
        if str(host) not in out:
            out.append(str(host))
    return out


def _established(daemon: _Daemon) -> tuple[bool, set[str]]:
    """(IKE SA established, names of installed children) from ``swanctl --list-sas``."""
    text = daemon.swanctl("--list-sas").stdout
    ike = bool(re.search(r"^s2s: #\d+, ESTABLISHED", text, re.MULTILINE))
    children = set(re.findall(r"^\s+(net\d+): #\d+, reqid \d+, INSTALLED", text, re.MULTILINE))
    return ike, children


def _attempt(init: _Daemon, resp: _Daemon, timeout: float) -> Attempt:
    start = time.monotonic()
    offsets = (init.log_size(), resp.log_size())
    for child in init.end.children:
        init.swanctl("--initiate", "--child", child.name, "--ike", "s2s", "--timeout", str(int(timeout)),
                     timeout=timeout + 5)
    ike, children = _established(init)
    wanted = {c.name for c in init.end.children}
    log = explain(init.log_since(offsets[0]), init.end.key, init.end.device)
    log += explain(resp.log_since(offsets[1]), resp.end.key, resp.end.device)
    up = ike and wanted <= children
    if up or not any(_PROPOSAL_TROUBLE.search(ln) for ln in log):  # proposal dumps explain proposal failures only
        log = [ln for ln in log if not any(w in ln for w in _ONLY_ON_FAILURE)]
    return Attempt(init.end.device, resp.end.device, ike, up, tuple(log),
                   round(time.monotonic() - start, 2))


def _reset(daemons: tuple[_Daemon, _Daemon]) -> None:
    """Tear the SAs down between the two directions (the next initiation starts from nothing)."""
    for d in daemons:
        d.swanctl("--terminate", "--ike", "s2s", "--force", "--timeout", "2", timeout=8)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_established(d)[0] or "s2s" in d.swanctl("--list-sas").stdout
                                              for d in daemons):
        time.sleep(0.1)


def _wait_listening(capture: subprocess.Popen[bytes], seconds: float = 5.0) -> None:
    """Wait for tcpdump's ``listening on`` line: packets sent before it are lost."""
    assert capture.stderr is not None
    ready, _, _ = select.select([capture.stderr], [], [], seconds)
    if ready:
        capture.stderr.readline()
    time.sleep(0.1)


def _keep_logs(daemons: list[_Daemon]) -> None:
    """Developer aid: IPSEC_DOCTOR_LAB_LOGS=DIR keeps each charon log (key lines dropped)."""
    target = os.environ.get("IPSEC_DOCTOR_LAB_LOGS")
    if not target:
        return
    os.makedirs(target, exist_ok=True)
    for d in daemons:
        lines = [ln for ln in d.log_since(0) if d.end.key not in ln and not _SECRETISH.search(ln)]
        Path(target, f"{d.end.device}.log").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_plan(plan: LabPlan, pcap: str | None = None, timeout: float = 12.0,
             progress: Callable[[str], None] | None = None) -> LabRun:
    """Start both daemons, initiate from each end that may initiate, tear everything down."""
    result = LabRun(plan.tunnel)
    work = Path(tempfile.mkdtemp(prefix="ipsec-doctor-lab-"))  # 0700 by construction
    net = _Net(*plan.ends)
    daemons: list[_Daemon] = []
    capture: subprocess.Popen[bytes] | None = None
    try:
        net.up()
        for i, (ns, end) in enumerate(zip(net.ns, plan.ends)):
            sub = work / ("a" if i == 0 else "b")
            sub.mkdir(mode=0o700)
            daemons.append(_Daemon(ns, sub, end))
        if pcap:
            capture = subprocess.Popen(
                # --immediate-mode: without it packets wait up to a second in the ring buffer, and a
                # capture stopped sooner than that comes out empty.
                ["ip", "netns", "exec", net.ns[0], "tcpdump", "-Z", "root", "-U", "--immediate-mode", "-n",
                 "-i", net.links[0], "-w", str(Path(pcap).resolve()), "udp port 500 or udp port 4500 or esp"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                start_new_session=True)
            _wait_listening(capture)
        for d in daemons:
            d.write()
            d.start()
        for d in daemons:
            d.wait_ready()
            d.load()
        pair = (daemons[0], daemons[1])
        for init, resp in (pair, pair[::-1]):
            if not init.end.initiates:
                continue
            if progress:
                progress(f"{init.end.device} initiates")
            result.attempts.append(_attempt(init, resp, timeout))
            _reset(pair)
        if pcap:
            result.pcap = pcap
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        text = str(exc)
        for e in plan.ends:
            text = _scrub(_scrub(text, e.key), e.remote_key)
        result.error = redact_line(text)
    finally:
        for d in daemons:
            d.stop()
        _keep_logs(daemons)
        if capture is not None and capture.poll() is None:
            time.sleep(0.3)  # the last replies are still on their way
            capture.terminate()
            try:
                capture.wait(timeout=3)
            except subprocess.TimeoutExpired:
                capture.kill()
        net.down()
        shutil.rmtree(work, ignore_errors=True)
    return result
