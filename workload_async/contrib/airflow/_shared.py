"""One :class:`~workload_async.Client` per connection per event loop, shared by reference count.

An Airflow triggerer runs every deferred task's trigger in one event loop. Triggers that use the
same connection lease the same client, so all their waits ride one batched status poller: a
thousand deferred waits cost about ten status calls a polling round, not a thousand.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import ClassVar

import attrs

from workload_async import Client

__all__ = ["SharedClients"]

log = logging.getLogger("workload_async.contrib.airflow")


@attrs.define(eq=False)
class _Entry:
    opening: asyncio.Task[Client]
    refs: int = 0


class SharedClients:
    """The clients shared by the triggers of one event loop, one per connection id.

    :meth:`lease` hands out the connection's client, opening it on first use; the client is
    closed when the last lease is returned (the trigger finished, was cancelled or was closed).
    Use :meth:`of_running_loop` to get the registry of the running loop.
    """

    _by_loop: ClassVar[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SharedClients]] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    @classmethod
    def of_running_loop(cls) -> SharedClients:
        """The registry of the running event loop (made on first use, dropped with the loop)."""
        loop = asyncio.get_running_loop()
        registry = cls._by_loop.get(loop)
        if registry is None:
            registry = cls._by_loop[loop] = cls()
        return registry

    def leases(self) -> dict[str, int]:
        """How many leases are out, per connection id."""
        return {conn_id: entry.refs for conn_id, entry in self._entries.items()}

    def client(self, conn_id: str) -> Client | None:
        """The open client of ``conn_id``, or None when no lease holds one."""
        entry = self._entries.get(conn_id)
        if entry is None or not entry.opening.done() or entry.opening.cancelled():
            return None
        return None if entry.opening.exception() else entry.opening.result()

    @contextlib.asynccontextmanager
    async def lease(
        self, conn_id: str, open_client: Callable[[], Awaitable[Client]]
    ) -> AsyncIterator[Client]:
        """Lease the client of ``conn_id``, made with ``open_client()`` if no one holds it yet.

        Leases taken while the first one is still opening wait for the same client. If opening
        fails, every waiting lease gets the error and the next lease tries again.
        """
        entry = self._entries.get(conn_id)
        if entry is None:
            entry = _Entry(asyncio.get_running_loop().create_task(self._open(open_client)))
            entry.opening.add_done_callback(functools.partial(self._forget_failed, conn_id, entry))
            self._entries[conn_id] = entry
        entry.refs += 1
        try:
            client = await asyncio.shield(entry.opening)
            yield client
        finally:
            await self._release(conn_id, entry)

    @staticmethod
    async def _open(open_client: Callable[[], Awaitable[Client]]) -> Client:
        client = await open_client()
        await client.__aenter__()
        return client

    def _forget_failed(self, conn_id: str, entry: _Entry, _: object) -> None:
        if (entry.opening.cancelled() or entry.opening.exception()) and self._entries.get(conn_id) is entry:
            del self._entries[conn_id]

    async def _release(self, conn_id: str, entry: _Entry) -> None:
        entry.refs -= 1
        if entry.refs > 0:
            return
        if self._entries.get(conn_id) is entry:
            del self._entries[conn_id]
        # close even if the caller is being cancelled again: shield the close, then wait for it
        closing = asyncio.ensure_future(self._close(entry))
        await asyncio.shield(closing)

    @staticmethod
    async def _close(entry: _Entry) -> None:
        if not entry.opening.done():
            entry.opening.cancel()
        results = await asyncio.gather(entry.opening, return_exceptions=True)
        if isinstance(results[0], Client):
            await results[0].close()
            log.debug("closed the shared client of %s", results[0].endpoint)
