"""Who may use the web chat: a known host name, writes from its own page, and the run's key.

Each check stops its own attack (the security review "Safe in public"):

- the Host check stops DNS rebinding: a page on attacker.example whose name its owner points at
  127.0.0.1 reaches this server, but with ``Host: attacker.example``;
- the Origin check stops another page, even one on another port of this machine, from posting;
- the key, made fresh for each run and printed in the address to open (as Jupyter's token is),
  stops anything that was not shown that address. Opening ``/?token=KEY`` leaves it in a cookie
  (HttpOnly, SameSite=Strict), which the browser then sends with the page's every request.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware

logger = logging.getLogger(__name__)

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOKEN_PARAM = "token"
# A Host header: a name or an IPv4 address, or an IPv6 address in brackets; then maybe a port.
HOST_SHAPE = re.compile(
    r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[^\s:/\[\]@]+))(?::(?P<port>\d{1,5}))?"
)
DEFAULT_PORTS = {"http": 80, "https": 443}

WRONG_HOST = (
    "this web chat answers only at localhost, 127.0.0.1, [::1] or a name COMMONS_WEB_HOSTS lists"
)
FOREIGN_ORIGIN = "only the web chat's own page may change anything here"
NO_KEY = (
    "this web chat needs its key: open the address `python -m bot run` printed, "
    "the one ending in /?token=..."
)


@dataclass(frozen=True)
class Access:
    """The host names the web chat answers to, and this run's key."""

    hosts: frozenset[str]
    token: str

    @classmethod
    def for_run(cls, extra_hosts: Iterable[str] = ()) -> Access:
        """Return loopback and ``extra_hosts`` (their ports dropped) with a new random key."""
        names = {parsed[0] for host in extra_hosts if (parsed := split_host(host)) is not None}
        return cls(LOOPBACK_HOSTS | names, secrets.token_urlsafe(32))

    def refusal(self, request: web.Request) -> web.Response | None:
        """Return the answer to a request the web chat will not serve; None to serve it."""
        host = split_host(request.headers.get(hdrs.HOST, ""))
        if host is None or host[0] not in self.hosts:
            return refuse(request, 403, WRONG_HOST)
        origin = request.headers.get(hdrs.ORIGIN)
        if request.method in WRITES and origin is not None and not same_origin(origin, host):
            return refuse(request, 403, FOREIGN_ORIGIN)
        given = [request.query.get(TOKEN_PARAM), request.cookies.get(cookie_name(request))]
        if not any(value is not None and self.is_key(value) for value in given):
            return refuse(request, 401, NO_KEY)
        return None

    def is_key(self, value: str) -> bool:
        """Return whether ``value`` is this run's key (in constant time, as bytes: any text)."""
        return secrets.compare_digest(value.encode(), self.token.encode())


def access_middleware(access: Access) -> Middleware:
    """Return the middleware that refuses what ``access`` refuses and keeps the key in a cookie."""

    @web.middleware
    async def check_access(request: web.Request, handler: Handler) -> web.StreamResponse:
        refusal = access.refusal(request)
        if refusal is not None:
            return refusal
        response = await handler(request)
        key = request.query.get(TOKEN_PARAM)
        if key is not None and access.is_key(key) and not response.prepared:
            # Strict: another site's page, even a link to this one, never carries the key.
            name = cookie_name(request)
            response.set_cookie(name, key, path="/", httponly=True, samesite="Strict")
        return response

    return check_access


def refuse(request: web.Request, status: int, reason: str) -> web.Response:
    """Return a refusal: JSON for the page's API calls, a line of text otherwise."""
    logger.info("web chat: %s %s refused (%d)", request.method, request.path, status)
    if request.path.startswith("/api/"):
        return web.json_response({"error": reason}, status=status)
    return web.Response(text=reason + "\n", status=status)


def split_host(header: str) -> tuple[str, int | None] | None:
    """Return a Host header's name (lower case, no brackets) and port; None if it is malformed."""
    match = HOST_SHAPE.fullmatch(header.strip())
    if match is None:
        return None
    port = int(match["port"]) if match["port"] else None
    return host_name(match["v6"] or match["name"]), port


def host_name(host: str) -> str:
    """Return a host name as the Host check compares it: lower case, no brackets or final dot."""
    return host.strip().strip("[]").lower().rstrip(".")


def same_origin(origin: str, host: tuple[str, int | None]) -> bool:
    """Return whether an Origin header names the host and port the request was sent to."""
    try:
        parts = urlsplit(origin)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return False
    if parts.scheme not in DEFAULT_PORTS or parts.hostname is None:
        return False  # "null" (a sandboxed frame, a file) included
    # A Host without a port was sent to the default port of the page's own scheme.
    expected = host[1] if host[1] is not None else DEFAULT_PORTS[parts.scheme]
    return (host_name(parts.hostname), port) == (host[0], expected)


def cookie_name(request: web.Request) -> str:
    """Return the key's cookie name: one per port, as a host's cookies go to all its ports."""
    host = split_host(request.headers.get(hdrs.HOST, ""))
    port = host[1] if host is not None else None
    return "commons_webchat" if port is None else f"commons_webchat_{port}"
