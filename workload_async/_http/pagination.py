"""Lazy listing: an async iterator over items that fetches pages on demand and follows ``next``."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import aclosing
from typing import Any, Generic, TypeVar

import attrs
from yarl import URL

from .._dialects.dialect import Dialect
from .._models.arguments import check_count, check_timeout
from .._models.converter import DecodeProblem, reader
from .._models.outputs import Page
from ..errors import ResponseDecodeError
from .responses import Response
from .status_errors import excerpt
from .transport import Transport

__all__ = ["MAX_PAGE_SIZE", "AsyncPager", "follow"]

T = TypeVar("T")
MAX_PAGE_SIZE = 100
log = logging.getLogger("workload_async.pagination")

_Envelope = Page[Any]  # a page whose items are still JSON: each is read when it is reached


class AsyncPager(Generic[T]):
    """The result of a ``list(...)`` call: iterate it with ``async for`` to get every item.

    Pages are fetched one at a time, only as the iteration needs them, by following each page's
    ``next`` link. A link to another origin or scheme (a proxy's, an internal host name's) or one
    missing the API root's path is re-based onto the client's own API root, keeping its path and
    query; a link that cannot be mapped there is refused. Each item is read when the iteration
    reaches it, so an unreadable item raises :class:`~workload_async.errors.ResponseDecodeError`
    only then, after every item before it was delivered. ``await pager.first_page()`` gives one
    :class:`~workload_async.Page` with its ``total_count``; ``await pager.collect()`` gathers the
    items in a list. More than 100 ``ids`` are split into several calls transparently.

    Fetching a page raises from the error tree like any call (after the retries a read is
    allowed), at the point of the iteration that needs the page::

        async for workload in client.workloads.list(search="canary"):
            print(workload.id, workload.status)
        names = [a.name for a in await client.artifacts.list(status="draft").collect(limit=10)]
    """

    def __init__(
        self,
        transport: Transport,
        route: str,
        model: type[T],
        *,
        params: Sequence[tuple[str, str]] | Callable[[Dialect], Sequence[tuple[str, str]]] = (),
        page_size: int = MAX_PAGE_SIZE,
        offset: int = 0,
        ids: Sequence[str] | None = None,
        ids_key: str = "ids",
        deadline: float | None = None,
        max_page_size: int = MAX_PAGE_SIZE,
        route_ids: Sequence[str] = (),
        timeout: float | None = None,
    ) -> None:
        check_count(page_size, "page_size", minimum=1, maximum=max_page_size)
        check_count(offset, "offset")
        self._ids_key = ids_key
        self._route_ids = tuple(route_ids)
        self._transport = transport
        self._route = route
        self._model = model
        self._read: Callable[[Any], T] = reader(model)
        self._params = params
        self._page_size = page_size
        self._offset = offset
        self._ids = list(dict.fromkeys(ids)) if ids is not None else None
        if offset and self._ids is not None and len(self._ids) > MAX_PAGE_SIZE:
            raise ValueError(f"offset= cannot be combined with more than {MAX_PAGE_SIZE} ids")
        self._deadline = deadline
        self._timeout = check_timeout(timeout)

    def _first_queries(self, dialect: Dialect) -> list[list[tuple[str, str]]]:
        # parameters are named as the SDK calls them; the dialect says what the wire calls them
        params = self._params(dialect) if callable(self._params) else self._params
        base = [*((dialect.param(k), v) for k, v in params), ("limit", str(self._page_size))]
        if self._offset:
            base.append(("offset", str(self._offset)))
        if self._ids is None:
            return [base]
        chunks = [self._ids[i : i + MAX_PAGE_SIZE] for i in range(0, len(self._ids), MAX_PAGE_SIZE)]
        return [[*base, *((self._ids_key, i) for i in chunk)] for chunk in chunks]

    def _follow(self, link: str, current: URL) -> URL:
        own = self._transport.url(self._route, *self._route_ids).raw_path
        return follow(link, current, self._transport.base, own)

    async def _envelopes(self) -> AsyncGenerator[tuple[Page[Any], Response], None]:
        """Each page as it came, its items still JSON, with the response that brought it."""
        dialect = await self._transport.get_dialect()
        for query in self._first_queries(dialect):
            url: URL | None = self._transport.url(self._route, *self._route_ids).with_query(query)
            while url is not None:
                response = await self._transport.send(
                    "GET", url, deadline=self._deadline, timeout=self._timeout, route=self._route
                )
                envelope: Page[Any] = response.parse(_Envelope)
                _check_size(envelope, url, response.url)
                yield envelope, response
                url = self._follow(envelope.next, url) if envelope.next and envelope.data else None

    def _item(self, data: Any, index: int, response: Response) -> T:
        try:
            return self._read(data)
        except DecodeProblem as exc:
            raise ResponseDecodeError(
                f"item {index} of the page is not a valid {self._model.__name__}",
                method=response.method,
                url=response.url,
                excerpt=excerpt(json.dumps(data).encode()),
                problems=exc.problems,
            ) from exc

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Yield each page in turn (a page with an unreadable item raises when it is reached)."""
        async with aclosing(self._envelopes()) as envelopes:
            async for envelope, response in envelopes:
                items = tuple([self._item(data, i, response) for i, data in enumerate(envelope.data)])
                yield attrs.evolve(envelope, data=items)

    async def __aiter__(self) -> AsyncGenerator[T, None]:
        async with aclosing(self._envelopes()) as envelopes:
            async for envelope, response in envelopes:
                for i, data in enumerate(envelope.data):
                    yield self._item(data, i, response)

    async def first_page(self) -> Page[T]:
        """The first page only, with ``total_count`` and the ``next`` link."""
        async with aclosing(self.pages()) as pages:
            async for page in pages:
                return page
        return Page()

    async def collect(self, limit: int | None = None) -> list[T]:
        """Every item (or the first ``limit`` items) in a list; fetches only the pages it needs."""
        items: list[T] = []
        if limit is not None and check_count(limit, "limit") == 0:
            return items
        async with aclosing(self.__aiter__()) as iterator:
            async for item in iterator:
                items.append(item)
                if limit is not None and len(items) >= limit:
                    break
        return items


def follow(link: str, current: URL, base: URL, route_path: str) -> URL:
    """The URL of a page's ``next`` ``link``, read on ``current`` (the page it came in).

    A link to another origin or scheme (a proxy's, an internal host name's) or one missing the API
    root's path is re-based onto ``base`` (the API root), keeping its path and query; a link that
    cannot be mapped there, or that points back at ``current``, raises
    :class:`~workload_async.errors.ResponseDecodeError`. ``route_path`` is the listing's own path
    (under the root), which a proxy that strips the root leaves at the front of the link.
    """
    url = current.join(URL(link))  # a relative link is relative to the page it came in
    if url.origin() != base.origin() or not url.raw_path.startswith(base.raw_path):
        mapped = _rebase(url, base, route_path)
        if mapped is None:
            raise ResponseDecodeError(
                f"the page's next link {link!r} cannot be mapped into the API root {base}; not following it",
                method="GET",
                url=str(current.with_query(None)),
            )
        log.debug("next link %s re-based onto the API root as %s", url.with_query(None), mapped)
        url = mapped
    if url == current:
        raise ResponseDecodeError(
            "the page's next link points back to the same page", method="GET", url=str(current)
        )
    return url


def _rebase(url: URL, base: URL, route_path: str) -> URL | None:
    """``url``'s path and query under the API root ``base``, or None when there is no such place.

    The path keeps whatever follows the API root's path (``/api/v2/``) when it has it anywhere
    (a proxy's own prefix in front); without it, the path must begin with the listing's route
    (a proxy that strips the root), which is then put under the root.
    """
    root = base.raw_path
    path = url.raw_path
    at = path.find(root)
    if at >= 0:
        relative = path[at + len(root) :]
    else:
        relative = path.lstrip("/")
        own = route_path[len(root) :] if route_path.startswith(root) else route_path
        if not relative.startswith(own.rstrip("/")):
            return None
    if any(segment in (".", "..", "%2e", "%2E", "%2e%2e", "%2E%2E") for segment in relative.split("/")):
        return None
    query = f"?{url.raw_query_string}" if url.raw_query_string else ""
    return URL(f"{base.origin()}{root}{relative}{query}", encoded=True)


def _check_size(page: Page[Any], url: URL, path: str) -> None:
    """A page must not hold more items than its ``limit`` asked for: such an answer is not the
    contract's (a server ignoring ``limit``), and trusting it could grow memory without bound."""
    asked = url.query.get("limit")
    if asked is not None and asked.isdigit() and len(page.data) > int(asked):
        raise ResponseDecodeError(
            f"the page holds {len(page.data)} items but limit={asked} was asked for",
            method="GET",
            url=path,
        )
