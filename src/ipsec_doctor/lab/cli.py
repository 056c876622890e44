"""``ipsec-doctor lab``: the command around :func:`ipsec_doctor.lab.replay_tunnel`.

Exit status: 0 every replayed tunnel agrees with the prediction (tunnels out
of the lab's reach are listed, not counted); 1 at least one disagreement or
lab error; 2 the lab cannot run here or the snapshot holds no tunnel.
Ctrl-C and SIGTERM reach :func:`runner.run_plan` as KeyboardInterrupt, whose
``finally`` stops the daemons and removes namespaces and files.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["run_lab_command"]


def _progress(text: str) -> None:
    sys.stderr.write(f"lab:   {text}\n")


def run_lab_command(args: argparse.Namespace) -> int:
    """Load the snapshot, pick the tunnels, replay each, print the comparison."""
    from ..analysis import parse_devices
    from ..inputs import load
    from ..model import Platform
    from ..pairing import find_tunnels
    from . import lab_available, render_text, replay_tunnel

    reason = lab_available()
    if reason is not None:
        sys.stderr.write(f"ipsec-doctor: lab unavailable: {reason}\n")
        return 2
    loaded = load([args.snapshot], platform=Platform(args.platform) if args.platform else None)
    devices = parse_devices(loaded)
    tunnels = [t for t in find_tunnels(devices) if not t.one_sided and len(t.ends) == 2]
    if args.tunnel:
        exact = [t for t in tunnels if t.id == args.tunnel]
        tunnels = exact or [t for t in tunnels if args.tunnel in t.id]
    if not tunnels:
        sys.stderr.write("ipsec-doctor: no paired tunnel to replay in the snapshot\n")
        return 2
    if args.pcap and len(tunnels) > 1:
        sys.stderr.write("ipsec-doctor: --pcap needs one tunnel (use --tunnel ID)\n")
        return 2
    worst = 0
    for tunnel in tunnels:
        sys.stderr.write(f"lab: replaying {tunnel.id}\n")
        outcome = replay_tunnel(tunnel, devices, pcap=args.pcap, progress=_progress)
        sys.stdout.write(render_text([outcome]))
        sys.stdout.flush()
        if outcome.error or outcome.agrees is False:
            worst = 1
    return worst
