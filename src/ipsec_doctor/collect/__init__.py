"""``ipsec-doctor collect``: fetch configs and show output from live devices, read-only.

Netmiko (the ``collect`` extra) logs in over SSH with host keys checked,
runs only allow-listed show commands (:mod:`.commands`), and the results are
saved as ``SNAPSHOT/<hostname>/<command>.txt`` plus ``SNAPSHOT/.manifest.json``
(:mod:`.snapshot`), ready for ``ipsec-doctor analyze SNAPSHOT``.
Credentials come from ``IPSEC_DOCTOR_*`` variables or a prompt
(:mod:`.credentials`) and are never written or printed.
"""

from __future__ import annotations

from .commands import UnsafeCommand, check_command, plan_for
from .credentials import Credentials
from .runner import add_arguments, collect, run
from .session import DeviceResult, Options
from .targets import Target, load_inventory

__all__ = [
    "Credentials", "DeviceResult", "Options", "Target", "UnsafeCommand", "add_arguments", "check_command",
    "collect", "load_inventory", "plan_for", "run",
]
