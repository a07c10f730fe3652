"""A network guard for the kernel of a submission under ``dyplab grade``: a guard, not a sandbox.

:func:`install` replaces the connecting methods of Python's :mod:`socket` module (``socket.connect``,
``connect_ex``, ``sendto``, ``sendmsg``, ``getaddrinfo`` and ``create_connection`` through them) with versions that
refuse every address outside this machine: loopback (``127.0.0.1``, ``::1``, ``localhost``) and Unix sockets still
work, so the kernel's own machinery and local helper processes are unaffected. Libraries that go through
:mod:`socket` (``urllib``, ``requests``, ``http.client``, ``asyncio``, ``pip``) then fail at once with a clear
message. :mod:`dyplab.course.grade` installs it with an IPython start-up file in the kernel of each submission.

What it does not stop: code that calls the C layer itself (``_socket``, ``ctypes``), undoes the patch, or starts
another program that uses the network (``curl``, ``os.system``). The grader also points the proxy variables at a
closed local port, which stops most such programs; a real barrier needs an operating-system sandbox (a container
or a network namespace without a route), which the teacher's guide describes.
"""

from __future__ import annotations

import ipaddress
import socket

MESSAGE = "dyplab grade: nettverket er stengt under retting (adressen {address!r} er ikke på denne maskinen)"
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", ""})


def _local(host: object) -> bool:
    """True for a loopback address or name (bytes, str); False for anything else, including other names."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _allowed(sock: socket.socket, address: object) -> bool:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return True  # Unix sockets and the like stay on this machine
    return isinstance(address, tuple) and bool(address) and _local(address[0])


def _refuse(address: object) -> PermissionError:
    import errno

    return PermissionError(errno.EACCES, MESSAGE.format(address=address))


def install() -> bool:
    """Install the guard in this process (once); returns False when it was already installed."""
    cls = socket.socket
    if getattr(cls, "_dyplab_guard", False):
        return False
    connect, connect_ex, sendto, sendmsg = cls.connect, cls.connect_ex, cls.sendto, cls.sendmsg
    getaddrinfo = socket.getaddrinfo
    own = socket.gethostname().lower()  # some libraries look up this machine's own name


    def guarded_connect(self: socket.socket, address: object) -> None:
        if not _allowed(self, address):
            raise _refuse(address)
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: object) -> int:
        if not _allowed(self, address):
            raise _refuse(address)
        return connect_ex(self, address)

    def guarded_sendto(self: socket.socket, data: bytes, *args: object) -> int:
        address = args[-1] if args else None
        if not _allowed(self, address):
            raise _refuse(address)
        return sendto(self, data, *args)

    def guarded_sendmsg(self: socket.socket, buffers: object, *args: object) -> int:
        address = args[2] if len(args) > 2 else None
        if address is not None and not _allowed(self, address):
            raise _refuse(address)
        return sendmsg(self, buffers, *args)

    def guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
        if host is not None and not _local(host) and str(host).lower() != own:
            raise _refuse(host)
        return getaddrinfo(host, *args, **kwargs)

    cls.connect, cls.connect_ex, cls.sendto, cls.sendmsg = (guarded_connect, guarded_connect_ex, guarded_sendto,
                                                            guarded_sendmsg)
    socket.getaddrinfo = guarded_getaddrinfo
    cls._dyplab_guard = True
    return True
