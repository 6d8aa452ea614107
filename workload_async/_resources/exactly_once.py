"""Calls that start or change something, made exactly once.

Such a call is sent with ``retry="create"``: never repeated once it may have reached the server,
unless the server said it did not act (429/503 with ``Retry-After``). When its answer is lost
(the connection failed after sending), the transport raises
:class:`~workload_async.errors.OutcomeUnknownError`, and the managers read the server's state to
learn what happened, with the helpers here:

- a call that adds to a list (a replacement to a workload's history, builds to an artifact's)
  notes the newest entry first (:func:`newest`); after a lost answer, the entries above it
  (:func:`since`) are what the call made;
- a call whose effect holds however often it is made (a lock, a promote) reads it back, and is
  made again only when the state shows it did not act (:func:`once_in_effect`);
- an artifact created on the way to something else is named by the error of what failed next
  (:func:`leaving`).

What the state cannot settle is an ``OutcomeUnknownError`` whose message says how to check
(:func:`unknown`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing, asynccontextmanager
from typing import Any, Protocol, TypeVar

from .._http.pagination import AsyncPager
from .._http.transport import Transport
from ..errors import (
    ConflictError,
    OutcomeUnknownError,
    PermissionDeniedError,
    ServerError,
    UnprocessableEntityError,
    WorkloadAPIError,
)

__all__ = ["leaving", "newest", "once_in_effect", "since", "unknown"]

log = logging.getLogger("workload_async")


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_Identified)
R = TypeVar("R")


async def newest(
    transport: Transport,
    route: str,
    ids: Sequence[str],
    model: type[Any],
    deadline: float | None,
    params: Sequence[tuple[str, str]] = (),
) -> str | None:
    """The id of the newest entry of a newest-first list (None when it is empty)."""
    pager = AsyncPager(transport, route, model, params=params, page_size=1, route_ids=ids, deadline=deadline)
    page = await pager.first_page()
    return page.data[0].id if page.data else None


async def since(
    transport: Transport,
    route: str,
    ids: Sequence[str],
    model: type[T],
    marker: str | None,
    deadline: float | None,
    params: Sequence[tuple[str, str]] = (),
) -> list[T]:
    """The entries of a newest-first list above ``marker`` (all of them when it is None): what
    was added since :func:`newest` returned it, newest first."""
    found: list[T] = []
    pager = AsyncPager(transport, route, model, params=params, route_ids=ids, deadline=deadline)
    async with aclosing(pager.__aiter__()) as items:
        async for item in items:
            if item.id == marker:
                break
            found.append(item)
    return found


async def once_in_effect(
    transport: Transport,
    send: Callable[[], Awaitable[R]],
    read: Callable[[], Awaitable[R]],
    done: Callable[[R], bool],
    deadline: float | None,
) -> R:
    """Make a change whose effect holds however often it is made (a lock, a promote).

    ``send`` makes it with ``retry="create"``. When an attempt may have acted unseen (its answer
    was lost, or a 5xx came back), ``read`` reads the state: if ``done`` says the change is there,
    that state is returned; if not, the change is sent again after the retry policy's delay, up
    to its ``attempts`` and never past ``deadline``. A refusal (409, 422, 403: "already locked")
    after such an attempt is read the same way, so a change that was made is never reported as
    refused; without one, it is the caller's error.
    """
    uncertain: WorkloadAPIError | None = None
    policy, clock = transport.retry, transport.clock

    async def made() -> R | None:
        try:
            state = await read()
        except WorkloadAPIError as exc:  # the state cannot be read either: what happened is unknown
            assert uncertain is not None
            raise uncertain from exc
        return state if done(state) else None

    for attempt in range(policy.attempts):
        try:
            return await send()
        except (OutcomeUnknownError, ServerError) as exc:
            uncertain = exc
        except (ConflictError, UnprocessableEntityError, PermissionDeniedError):
            if uncertain is None:
                raise
            state = await made()
            if state is not None:
                return state
            raise
        state = await made()
        if state is not None:
            log.info("an answer was lost; the change had been made: %s", uncertain)
            return state
        delay = policy.delay(attempt)
        if attempt + 1 == policy.attempts or (deadline is not None and clock.monotonic() + delay >= deadline):
            break
        await clock.sleep(delay)
    assert uncertain is not None
    raise uncertain


def unknown(lost: OutcomeUnknownError, resource: str, how: str) -> OutcomeUnknownError:
    """An :class:`OutcomeUnknownError` for ``lost``'s request, saying ``how`` to check."""
    error = OutcomeUnknownError(
        lost.reason, method=lost.method, url=lost.url, resource=resource, name=lost.name, how=how
    )
    error.__cause__ = lost.__cause__
    return error


@asynccontextmanager
async def leaving(made: str, what: str) -> AsyncIterator[None]:
    """Inside, an error of the SDK says that the failed call left ``made`` (an id) on the server:
    in its ``left_behind`` and, as ``what`` (words naming it), in its message. For an artifact
    made on the way to something that then failed."""
    try:
        yield
    except WorkloadAPIError as exc:
        exc.left_behind = (*exc.left_behind, made)
        if exc.args:
            exc.args = (f"{exc.args[0]}; left behind: {what}", *exc.args[1:])
        log.warning("left behind: %s", what)
        raise
