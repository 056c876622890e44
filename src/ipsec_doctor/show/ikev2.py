"""``show crypto ikev2 sa [detail]`` (IOS and ASA).

IOS::

     IPv4 Crypto IKEv2  SA
    Tunnel-id Local                 Remote                fvrf/ivrf            Status
    1         192.0.2.1/500         198.51.100.2/500      none/none            READY
          Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:14, Auth sign: PSK, Auth verify: PSK
          Life/Active Time: 86400/735 sec

ASA::

    IKEv2 SAs:
    Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1
    Tunnel-id                 Local                 Remote                Status         Role
      1889403559          192.0.2.1/500         198.51.100.2/500          READY    INITIATOR
          Encr: AES-CBC, keysize: 256, Hash: SHA96, DH Grp:14, Auth sign: PSK, Auth verify: PSK
          Life/Active Time: 86400/352 sec
    Child sa: local selector  10.0.0.0/0 - 10.0.0.255/65535
"""

from __future__ import annotations

import dataclasses
import re

from ..model import Platform
from .common import Notes, Numbered, is_blank_or_rule, to_int
from .records import Ikev2Sa, ShowRecord

_ROW_RE = re.compile(
    r"^\s*(\d+)\s+(\S+?)/(\d+)\s+(\S+?)/(\d+)\s+(?:(\S+)/(\S+)\s+)?([A-Z][A-Z\-]+)(?:\s+(INITIATOR|RESPONDER))?\s*$",
    re.IGNORECASE,
)
_SESSION_RE = re.compile(r"^\s*Session-id\s*:\s*(\d+)\s*,\s*Status\s*:\s*([\w\-]+)", re.IGNORECASE)
_LIFE_RE = re.compile(r"Life/Active Time\s*:\s*(\d+)/(\d+)", re.IGNORECASE)
_ATTR_RE = re.compile(r"([A-Za-z][A-Za-z ]*?)\s*:\s*([^,]+)")
_FAMILY_RE = re.compile(r"^\s*IPv(4|6)\s+Crypto\s+IKEv2\s+SA", re.IGNORECASE)
_IGNORE_RE = re.compile(
    r"^\s*(?:Tunnel-id\s+Local|IKEv2 SAs\s*:|There are no|Child sa\s*:|remote selector|ESP spi|"
    r"Local spi|Remote spi|Local id|Remote id|Local req|Remote req|Fragmentation|Dynamic Route|"
    r"Cisco Trust|NAT-T|Cookie|Initiator of SA|Quantum|DPD|Status Description|Session-id|"
    r"AH spi|IKEv1 SAs|Remote subnet|Local subnet|Pushed|Extended|Trustsec|Initial contact)",
    re.IGNORECASE,
)


def parse_ikev2_sa(lines: Numbered, notes: Notes, platform: Platform | None = None) -> list[ShowRecord]:
    """Parse IKEv2 SA rows and their ``Encr:`` / ``Life/Active Time`` lines."""
    records: list[ShowRecord] = []
    current: Ikev2Sa | None = None
    session: tuple[int, str] | None = None
    ipv6 = False
    for number, text in lines:
        if is_blank_or_rule(text):
            continue
        found = _SESSION_RE.match(text)
        if found:
            session = (int(found.group(1)), found.group(2))
            continue
        family = _FAMILY_RE.match(text)
        if family:
            ipv6 = family.group(1) == "6"
            continue
        row = _ROW_RE.match(text)
        if row:
            if current is not None:
                records.append(current)
            current = Ikev2Sa(
                line=number,
                tunnel_id=int(row.group(1)),
                local=row.group(2),
                local_port=int(row.group(3)),
                remote=row.group(4),
                remote_port=int(row.group(5)),
                fvrf=row.group(6),
                ivrf=row.group(7),
                status=row.group(8).upper(),
                role=row.group(9).upper() if row.group(9) else None,
                session_id=session[0] if session else None,
                session_status=session[1] if session else None,
                ipv6=ipv6 or row.group(4).count(":") > 1,
            )
            continue
        life = _LIFE_RE.search(text)
        if life and current is not None:
            current = dataclasses.replace(current, lifetime=int(life.group(1)), active_time=int(life.group(2)))
            continue
        if text.lstrip().startswith("Encr") and current is not None:
            attrs = {k.strip().lower(): v.strip() for k, v in _ATTR_RE.findall(text)}
            current = dataclasses.replace(
                current,
                encryption=attrs.get("encr"),
                keysize=to_int(attrs.get("keysize")),
                prf=attrs.get("prf"),
                hash=attrs.get("hash"),
                dh_group=to_int(attrs.get("dh grp")),
                auth_sign=attrs.get("auth sign"),
                auth_verify=attrs.get("auth verify"),
            )
            continue
        if _IGNORE_RE.match(text) or text.startswith((" ", "\t")) and current is not None:
            # detail lines under an SA (ids, SPIs, selectors) are not modelled
            continue
        notes.skip(number, text)
    if current is not None:
        records.append(current)
    return records
