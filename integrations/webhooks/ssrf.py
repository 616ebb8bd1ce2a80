"""Sending a request to a URL someone typed without letting them reach the inside of the network.

A webhook URL is chosen by a community owner; the worker that posts to it sits inside the company
network. So before every request:

1. the URL must be ``https`` (``http`` only with ``WEBHOOK_ALLOW_HTTP``), without user info;
2. its host is resolved once, and every address it resolves to must be public: private, loopback,
   link-local, multicast, reserved, shared (CGNAT), unspecified and IPv4-mapped or -translated
   IPv6 forms of those are refused, unless ``WEBHOOK_ALLOWED_NETWORKS`` names the address or
   ``WEBHOOK_ALLOWED_HOSTS`` the host;
3. the connection goes to the address that was checked, not to the name (a second look-up could
   answer differently: DNS rebinding); TLS still verifies the certificate against the host name
   (SNI and ``assert_hostname``) and the ``Host`` header carries the name;
4. redirects are never followed (a 3xx is a failed delivery), the connection times out after 3 s,
   the whole exchange after 10 s, and at most 64 KB of the response are read.

urllib3 does the HTTP: it is already installed (requests depends on it) and, unlike requests and
httpx, lets one connect to a given address while verifying TLS for another name without patching
the resolver.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext_lazy as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

CONNECT_TIMEOUT = 3.0
TOTAL_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 64 * 1024
_CHUNK = 8 * 1024

# Ranges ``ipaddress`` does not flag as non-global on every Python version, refused explicitly.
_ALWAYS_REFUSED = [
    ipaddress.ip_network("100.64.0.0/10"),  # shared address space (carrier-grade NAT)
    ipaddress.ip_network("192.0.0.0/24"),  # IETF protocol assignments
    ipaddress.ip_network("198.18.0.0/15"),  # benchmarking
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use IPv4/IPv6 translation
]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeURL(ValueError):
    """The URL may not be called; ``message`` says why, in the active language."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``address``) and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


@dataclass(frozen=True)
class Response:
    """What came back: ``status`` 0 when no response came; ``error`` is a short English reason."""

    status: int
    body: bytes = b""
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def _networks(names: Iterable[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(name, strict=False) for name in names]


def _unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped (``::ffff:a.b.c.d``), 6to4 or NAT64 IPv6 address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def is_public(ip: IPAddress) -> bool:
    """Whether ``ip`` is a public unicast address (the embedded IPv4 address for mapped forms)."""
    for candidate in {ip, _unwrap(ip)}:
        if (
            not candidate.is_global
            or candidate.is_multicast
            or candidate.is_unspecified
            or candidate.is_reserved
            or candidate.is_loopback
            or candidate.is_link_local
            or candidate.is_private
            or any(candidate in net for net in _ALWAYS_REFUSED if net.version == candidate.version)
        ):
            return False
    return True


def address_allowed(ip: IPAddress) -> bool:
    allowed = _networks(getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", []))
    if any(ip in net for net in allowed if net.version == ip.version):
        return True
    return is_public(ip)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the operating system's resolver, once)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(str(_("This is not a valid URL.")), code="invalid") from exc
    scheme = parts.scheme.lower()
    allowed_schemes = ("https", "http") if getattr(settings, "WEBHOOK_ALLOW_HTTP", False) else ("https",)
    if scheme not in allowed_schemes:
        raise UnsafeURL(str(_("Webhook URLs must start with https://.")), code="scheme")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(str(_("Webhook URLs may not contain a user name or password.")), code="userinfo")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeURL(str(_("This is not a valid URL.")), code="invalid")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or (443 if scheme == "https" else 80), path


def check_url(url: str, *, resolver: Resolver | None = None) -> Target:
    """Check ``url`` and resolve its host once; raise :class:`UnsafeURL` when it may not be called.

    Every resolved address must be allowed (a name answering one public and one private address is
    refused: the client could pick either).
    """
    scheme, host, port, path = _split(url)
    allowed_hosts = {name.lower().rstrip(".") for name in getattr(settings, "WEBHOOK_ALLOWED_HOSTS", [])}
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = (resolver or system_resolver)(host, port)
        except (OSError, UnicodeError) as exc:
            raise UnsafeURL(str(_("The host name could not be resolved.")), code="dns") from exc
        if not addresses:
            raise UnsafeURL(str(_("The host name could not be resolved.")), code="dns")
    if host.lower() not in allowed_hosts:
        for address in addresses:
            if not address_allowed(ipaddress.ip_address(address.split("%", 1)[0])):
                raise UnsafeURL(
                    str(_("Webhook URLs must point to a public address, not to the internal network.")),
                    code="private",
                )
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


def _pool(target: Target) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=TOTAL_TIMEOUT, total=TOTAL_TIMEOUT)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            host=target.address,
            port=target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(host=target.address, port=target.port, timeout=timeout, retries=False, maxsize=1)


def post(target: Target, body: bytes, headers: Mapping[str, str]) -> Response:
    """POST ``body`` to the checked ``target``; never raises for network trouble (``status`` 0)."""
    deadline = time.monotonic() + TOTAL_TIMEOUT
    pool = _pool(target)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
    except urllib3.exceptions.HTTPError as exc:
        return Response(status=0, error=_short_error(exc))
    try:
        data = bytearray()
        while len(data) < MAX_RESPONSE_BYTES and time.monotonic() < deadline:
            chunk = response.read(min(_CHUNK, MAX_RESPONSE_BYTES - len(data)))
            if not chunk:
                break
            data += chunk
    except urllib3.exceptions.HTTPError as exc:
        return Response(status=response.status, body=bytes(data), error=_short_error(exc))
    finally:
        response.close()
        pool.close()
    error = ""
    if 300 <= response.status < 400:
        error = "redirect not followed"
    return Response(status=response.status, body=bytes(data), error=error)


def _short_error(exc: Exception) -> str:
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return "timed out"
    if isinstance(exc, urllib3.exceptions.SSLError):
        return "TLS error"
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return "connection refused"
    return type(exc).__name__[:100]
