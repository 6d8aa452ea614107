"""Lazy listing: an async iterator over items that fetches pages on demand and follows ``next``."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from typing import Any, Generic, TypeVar

from yarl import URL

from ._http import Transport
from ._models import Page
from .errors import ResponseDecodeError

__all__ = ["MAX_PAGE_SIZE", "AsyncPager"]

T = TypeVar("T")
MAX_PAGE_SIZE = 100


class AsyncPager(Generic[T]):
    """The result of a ``list(...)`` call: iterate it with ``async for`` to get every item.

    Pages are fetched one at a time, only as the iteration needs them, by following each page's
    ``next`` link (only links under the client's own API root are followed). ``await
    pager.first_page()`` gives one :class:`~workload_async.Page` with its ``total_count``;
    ``await pager.collect()`` gathers the items in a list. More than 100 ``ids`` are split into
    several calls transparently.
    """

    def __init__(
        self,
        transport: Transport,
        route: str,
        model: type[T],
        *,
        params: Sequence[tuple[str, str]] = (),
        page_size: int = MAX_PAGE_SIZE,
        ids: Sequence[str] | None = None,
        ids_key: str = "ids",
        deadline: float | None = None,
        max_page_size: int = MAX_PAGE_SIZE,
        route_ids: Sequence[str] = (),
        timeout: float | None = None,
    ) -> None:
        if not 1 <= page_size <= max_page_size:
            raise ValueError(f"page_size must be between 1 and {max_page_size}, got {page_size}")
        self._ids_key = ids_key
        self._route_ids = tuple(route_ids)
        self._transport = transport
        self._route = route
        self._model = model
        self._params = list(params)
        self._page_size = page_size
        self._ids = list(dict.fromkeys(ids)) if ids is not None else None
        self._deadline = deadline
        self._timeout = timeout

    def _first_queries(self) -> list[list[tuple[str, str]]]:
        base = [*self._params, ("limit", str(self._page_size))]
        if self._ids is None:
            return [base]
        chunks = [self._ids[i : i + MAX_PAGE_SIZE] for i in range(0, len(self._ids), MAX_PAGE_SIZE)]
        return [[*base, *((self._ids_key, i) for i in chunk)] for chunk in chunks]

    def _follow(self, link: str, current: URL) -> URL:
        url = URL(link)
        base = self._transport.base
        if not url.is_absolute():
            url = base.join(url)
        if url.origin() != base.origin() or not url.raw_path.startswith(base.raw_path):
            raise ResponseDecodeError(
                f"the page's next link {link!r} points outside the API root {base}; not following it",
                method="GET",
                url=str(current.with_query(None)),
            )
        if url == current:
            raise ResponseDecodeError(
                "the page's next link points back to the same page", method="GET", url=str(current)
            )
        return url

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Yield each page in turn."""
        page_type: Any = Page[self._model]  # type: ignore[name-defined]
        for query in self._first_queries():
            if self._ids is not None and not any(k == self._ids_key for k, _ in query):
                continue
            url: URL | None = self._transport.url(self._route, *self._route_ids).with_query(query)
            while url is not None:
                response = await self._transport.send(
                    "GET", url, deadline=self._deadline, timeout=self._timeout
                )
                page: Page[T] = response.parse(page_type)
                _check_size(page, url, response.url)
                yield page
                url = self._follow(page.next, url) if page.next and page.data else None

    async def __aiter__(self) -> AsyncGenerator[T, None]:
        async for page in self.pages():
            for item in page.data:
                yield item

    async def first_page(self) -> Page[T]:
        """The first page only, with ``total_count`` and the ``next`` link."""
        async with aclosing(self.pages()) as pages:
            async for page in pages:
                return page
        return Page()

    async def collect(self, limit: int | None = None) -> list[T]:
        """Every item (or the first ``limit`` items) in a list."""
        items: list[T] = []
        if limit is not None and limit <= 0:
            return items
        async with aclosing(self.__aiter__()) as iterator:
            async for item in iterator:
                items.append(item)
                if limit is not None and len(items) >= limit:
                    break
        return items


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
