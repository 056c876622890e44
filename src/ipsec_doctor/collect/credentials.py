"""Login credentials: from the environment or an interactive prompt, never from arguments.

:class:`Credentials` hides its values in ``repr`` so a logged or printed
object never shows them, and :meth:`Credentials.scrub` removes them from any
text before it is saved (a device may echo what was typed).
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..secrets import REDACTED

ENV_USERNAME = "IPSEC_DOCTOR_USERNAME"
ENV_PASSWORD = "IPSEC_DOCTOR_PASSWORD"
ENV_SECRET = "IPSEC_DOCTOR_SECRET"


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    password: str = field(repr=False)
    secret: str = field(default="", repr=False)  # enable secret; empty: try `enable` without one

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=<hidden>, secret=<hidden>)"

    def scrub(self, text: str) -> str:
        """``text`` with the password and the enable secret replaced by ``<redacted>``."""
        for value in (self.password, self.secret):
            if value and len(value) >= 3 and value in text:  # 1-2 characters would shred ordinary words
                text = text.replace(value, REDACTED)
        return text


class CredentialsMissing(Exception):
    """No password in the environment and no terminal to ask on."""


def get_credentials(
    username: str | None = None,
    environ: Mapping[str, str] | None = None,
    interactive: bool | None = None,
    ask: Callable[[str], str] = getpass.getpass,
    ask_plain: Callable[[str], str] = input,
) -> Credentials:
    """Credentials from ``IPSEC_DOCTOR_*`` variables, asking on the terminal for what is missing.

    ``username`` (``--username`` or the inventory) wins over the variable.
    Raises :class:`CredentialsMissing` when a password is needed and there
    is no terminal.
    """
    env = os.environ if environ is None else environ
    if interactive is None:
        interactive = sys.stdin.isatty()
    user = username or env.get(ENV_USERNAME, "")
    password = env.get(ENV_PASSWORD, "")
    secret = env.get(ENV_SECRET)
    if not user:
        if not interactive:
            raise CredentialsMissing(f"no user name: set {ENV_USERNAME} or use --username")
        user = ask_plain("Username: ").strip()
    if not password:
        if not interactive:
            raise CredentialsMissing(f"no password: set {ENV_PASSWORD} (it is never taken from the command line)")
        password = ask(f"Password for {user}: ")
    if secret is None:
        secret = ask("Enable secret (empty for none): ") if interactive else ""
    return Credentials(user, password, secret)
