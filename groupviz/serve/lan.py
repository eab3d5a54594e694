"""The classroom start (`app.py --lan`, `make classroom`): this machine's address on the room's
network, found without the internet, and what the terminal prints for the presenter.

How the address is chosen (`choose_lan_ip`):
1. Ask the kernel which source address it would use to reach a private address (a UDP socket's
   `connect` only picks a route: no packet is sent, and no internet is needed).
2. If that finds nothing usable (no route, or only loopback), take the first IPv4 address of a
   network interface that is up and not loopback (Linux: the SIOCGIFADDR ioctl per interface),
   then the addresses the host name resolves to.
3. None: the machine is on no network; the caller says so (`NO_LAN`).
A usable address is IPv4, not loopback, not 0.0.0.0, not multicast and not link-local
(169.254.x.x is what a machine gives itself when no network answered: phones cannot reach it).
"""

from __future__ import annotations

import io
import ipaddress
import socket
import struct
import sys
from typing import Callable, Iterable

from groupviz.serve import security

#: Private addresses whose route shows the LAN interface (RFC 1918; never contacted).
PROBE_TARGETS = ("10.255.255.255", "192.168.255.255", "172.31.255.255")
SIOCGIFADDR = 0x8915
NO_LAN = ("--lan: this machine has no LAN address (no network interface other than loopback is up). "
          "Join the classroom's Wi-Fi or network first, then run `make classroom` again; "
          "to present on this machine only, use `make run`.")


def usable(ip: str | None) -> bool:
    """True for an IPv4 address other machines on a LAN could reach."""
    try:
        a = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return False
    return (a.version == 4 and not a.is_loopback and not a.is_unspecified and not a.is_multicast
            and not a.is_link_local)


def probe_source_ip(target: str) -> str | None:
    """The source address the kernel picks to reach `target` (UDP connect: nothing is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect((target, 1))
            return s.getsockname()[0]
    except OSError:
        return None


def interface_addresses() -> list[str]:
    """IPv4 addresses of this machine's interfaces, in interface order (best effort, no packages)."""
    found: list[str] = []
    try:
        import fcntl

        names = [name for _, name in socket.if_nameindex()]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for name in names:
                try:
                    packed = fcntl.ioctl(s.fileno(), SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
                    found.append(socket.inet_ntoa(packed[20:24]))
                except OSError:         # no IPv4 address on this interface
                    continue
    except (ImportError, OSError, AttributeError):
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    return found


def choose_lan_ip(probe: Callable[[str], str | None] = probe_source_ip,
                  interfaces: Callable[[], Iterable[str]] = interface_addresses) -> str | None:
    """The address to bind and print for the room (see the module docstring), or None."""
    for target in PROBE_TARGETS:
        ip = probe(target)
        if usable(ip):
            return ip
    for ip in interfaces():
        if usable(ip):
            return ip
    return None


def terminal_qr(url: str) -> str:
    """`url` as a QR code drawn with block characters, for the terminal the presenter sees."""
    import segno

    buf = io.StringIO()
    segno.make(url, error="m").terminal(out=buf, compact=True)
    return buf.getvalue()


def classroom_text(host: str, port: int, token: str | None, qr: bool = True) -> tuple[str, str, str]:
    """(presenter URL, viewer URL, what to print) for a server bound to `host` on the LAN."""
    presenter, viewer = security.server_urls(host, port, token)
    lines = ["groupviz is running for the classroom (Ctrl+C to stop)",
             f"  presenter (open on this machine, keep it to yourself): {presenter}",
             f"  students (scan the code, or type the address):          {viewer}"]
    if token is None:
        lines[1] = f"  presenter: {presenter}  (--open: every browser can present)"
    text = "\n".join(lines)
    if qr:
        text += "\n" + terminal_qr(viewer)
    return presenter, viewer, text


def supports_blocks(stream=None) -> bool:
    """Whether `stream` can print the QR code's block characters (not on an ASCII-only console)."""
    enc = getattr(stream or sys.stdout, "encoding", None) or "ascii"
    try:
        "█▀▄".encode(enc)
        return True
    except (UnicodeEncodeError, LookupError):
        return False
