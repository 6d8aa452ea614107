"""The session pool: aiohttp sessions, one per origin, over one connector with keep-alive."""

from __future__ import annotations

import asyncio
import logging
import math
import ssl as ssl_module
from collections.abc import Iterable

import aiohttp
import attrs
from yarl import URL

from ..errors import ClientClosedError
from .failures import watch_attempts

__all__ = ["SessionPool"]

log = logging.getLogger("workload_async")


def _as_tuple(configs: Iterable[aiohttp.TraceConfig]) -> tuple[aiohttp.TraceConfig, ...]:
    if isinstance(configs, str | bytes) or not isinstance(configs, Iterable):
        raise TypeError(f"trace_configs must be a list of aiohttp.TraceConfig, got {type(configs).__name__}")
    return tuple(configs)


@attrs.define(eq=False)
class SessionPool:
    """Owns the HTTP connections of one or more clients.

    Sessions are made lazily inside the running event loop, one per origin, all sharing one
    connector limited to ``max_connections`` connections in total (``max_per_host`` per host)
    and keeping idle ones alive for ``keepalive_seconds``. Clients with other tokens or endpoints
    may share a pool: tokens travel per request, never on the session. Use it as an async context
    manager, or call :meth:`close`; a pool a client made itself is closed by that client, a pool
    given to a client is left open for its owner.

    ``trust_env=True`` takes proxies (``HTTPS_PROXY``, ``NO_PROXY``, ...) and ``.netrc`` from the
    environment; ``ssl`` is an ``ssl.SSLContext`` for a private certificate authority (or False to
    skip verification, for test servers only). ``trace_configs`` are aiohttp ``TraceConfig``
    objects given to every session, for aiohttp's own request hooks and instrumentation.

    Raises ``TypeError``/``ValueError`` naming the argument for one of the wrong type or out of
    range (``max_connections`` below 1, a ``trace_configs`` item that is not a ``TraceConfig``);
    a closed pool raises :class:`~workload_async.errors.ClientClosedError`, and
    one used from another event loop ``RuntimeError``. Several clients, one pool::

        async with SessionPool(max_connections=200) as pool:
            async with Client(endpoint, token_a, pool=pool) as a, Client(endpoint, token_b, pool=pool) as b:
                ...
    """

    max_connections: int = attrs.field(default=100)
    max_per_host: int = attrs.field(default=0)
    keepalive_seconds: float = attrs.field(default=30.0)
    trust_env: bool = attrs.field(default=False)
    ssl: ssl_module.SSLContext | bool = attrs.field(default=True, repr=False)
    trace_configs: tuple[aiohttp.TraceConfig, ...] = attrs.field(default=(), converter=_as_tuple, repr=False)
    _sessions: dict[str, aiohttp.ClientSession] = attrs.field(factory=dict, init=False)
    _connector: aiohttp.TCPConnector | None = attrs.field(default=None, init=False)
    _loop: asyncio.AbstractEventLoop | None = attrs.field(default=None, init=False)
    _closed: bool = attrs.field(default=False, init=False)

    def __attrs_post_init__(self) -> None:
        for name, low in (("max_connections", 1), ("max_per_host", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be a whole number, got {type(value).__name__}")
            if value < low:
                raise ValueError(f"{name} must be >= {low}, got {value}")
        keepalive = self.keepalive_seconds
        if isinstance(keepalive, bool) or not isinstance(keepalive, int | float):
            raise TypeError(f"keepalive_seconds must be a number, got {type(keepalive).__name__}")
        if not (math.isfinite(keepalive) and keepalive >= 0):
            raise ValueError(f"keepalive_seconds must be a finite number >= 0, got {keepalive!r}")
        if not isinstance(self.trust_env, bool):
            raise TypeError(f"trust_env must be True or False, got {type(self.trust_env).__name__}")
        if not isinstance(self.ssl, ssl_module.SSLContext | bool):
            raise TypeError(f"ssl must be an ssl.SSLContext, True or False, got {type(self.ssl).__name__}")
        for item in self.trace_configs:
            if not isinstance(item, aiohttp.TraceConfig):
                raise ValueError(f"trace_configs must hold aiohttp.TraceConfig objects, got {item!r}")

    @property
    def connections_per_host(self) -> int:
        """How many connections one host gets at most: ``max_per_host`` (0: no own limit) within
        ``max_connections``."""
        if self.max_per_host > 0:
            return min(self.max_per_host, self.max_connections)
        return self.max_connections

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called."""
        return self._closed

    def session_for(self, url: URL) -> aiohttp.ClientSession:
        """The session for ``url``'s origin, made on first use in the running loop."""
        if self._closed:
            raise ClientClosedError("the session pool is closed; make a new one")
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise RuntimeError("this session pool belongs to another event loop; make one client per loop")
        origin = str(url.origin())
        session = self._sessions.get(origin)
        if session is None:
            if self._connector is None:
                self._connector = aiohttp.TCPConnector(
                    limit=self.max_connections,
                    limit_per_host=self.max_per_host,
                    keepalive_timeout=self.keepalive_seconds,
                    ssl=self.ssl,
                )
            session = aiohttp.ClientSession(
                connector=self._connector,
                connector_owner=False,
                auto_decompress=True,
                raise_for_status=False,
                trust_env=self.trust_env,
                middlewares=(watch_attempts,),
                trace_configs=list(self.trace_configs) or None,
            )
            self._sessions[origin] = session
            log.debug("opened session for %s", origin)
        return session

    async def close(self) -> None:
        """Close every session and the connector. Calling it again does nothing."""
        if self._closed:
            return
        self._closed = True
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            await session.close()
        if self._connector is not None:
            await self._connector.close()
            self._connector = None

    async def __aenter__(self) -> SessionPool:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
