"""``client.workloads``' updates, settings, promote, history and events (replacements,
settings changes included, are in :mod:`.workload_replacements`; traffic figures in
:mod:`.workload_stats`).

They exist on API 11.5 only: on a v2.41 client each raises
:class:`~workload_async.errors.UnsupportedFeatureError` before sending anything (the manager asks
the client's dialect).
"""

from __future__ import annotations

import attrs

from .._dialects.dialect import Dialect
from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
from .._models.activity import Replacement, WorkloadEvent
from .._models.arguments import check_choice, check_id, check_text, check_timeout
from .._models.converter import wire_fields
from .._models.enums import Importance
from .._models.outputs import Workload
from .._models.reported import ReportedRuntime
from .._waiting.waits import Waits
from .exactly_once import once_in_effect

__all__ = ["SettingsMethods"]


@attrs.frozen
class _Settings:
    runtime: ReportedRuntime | None = None


class SettingsMethods:
    """Updates, settings and what follows from them (see the module); mixed into
    :class:`~.workloads.WorkloadsManager`, which sets ``_t`` and ``_waits``."""

    _t: Transport
    _waits: Waits

    async def _dialect(self, feature: str) -> Dialect:
        dialect = await self._t.get_dialect()
        dialect.require(feature)
        return dialect

    def _pager_check(self, feature: str) -> None:
        if self._t.dialect is not None:  # known now: say so at once rather than at the first page
            self._t.dialect.require(feature)

    async def update(
        self,
        workload_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        importance: Importance | str | None = None,
        timeout: float | None = None,
    ) -> Workload:
        """Change a workload's name, description and/or importance (API 11.5); return it.

        ``timeout`` bounds the call in seconds, retries included (as on every call). Raises
        ``TypeError``/``ValueError`` naming the argument when none is given or one is wrong
        (``name`` empty, an unknown ``importance``),
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client, and
        :class:`~workload_async.errors.NotFoundError` for an unknown id::

            await client.workloads.update(workload_id, importance="high")
        """
        check_id(workload_id, "workload_id")
        check_text(name, "name", optional=True, limit=5000, one_line=True)
        check_text(description, "description", optional=True, empty=True)
        chosen = None if importance is None else check_choice(importance, Importance, "importance")
        check_timeout(timeout)
        body = wire_fields(name=name, description=description, importance=chosen)
        if not body:
            raise ValueError("update needs name=, description= or importance=")
        await self._dialect("workload updates")
        response = await self._t.call(
            "PATCH", "workloads.update", workload_id, json_body=body, timeout=timeout
        )
        return response.parse(Workload)

    async def settings(self, workload_id: str, *, timeout: float | None = None) -> ReportedRuntime | None:
        """The runtime settings a workload runs on now (API 11.5), as the server reports them.

        ``timeout`` bounds the call in seconds, retries included. Raises
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client and
        :class:`~workload_async.errors.NotFoundError` for an unknown id.
        """
        check_id(workload_id, "workload_id")
        check_timeout(timeout)
        await self._dialect("workload settings")
        response = await self._t.call("GET", "workloads.settings", workload_id, timeout=timeout)
        return response.parse(_Settings).runtime

    async def promote(self, workload_id: str, *, timeout: float | None = None) -> Workload:
        """Lock the draft artifact of a running workload in place, with no restart (API 11.5).

        Made exactly once in effect: when an answer is lost, the workload is read back, and the
        promote sent again only if its artifact is still a draft. ``timeout`` bounds the whole call.

        Raises ``ValueError`` for a bad id or timeout,
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client,
        :class:`~workload_async.errors.UnprocessableEntityError` when the artifact is not a draft
        or nothing runs, and :class:`~workload_async.errors.OutcomeUnknownError` when no answer
        came and the workload could not be read.
        """
        check_id(workload_id, "workload_id")
        deadline = self._t.deadline_for(timeout)
        await self._dialect("promote")

        async def send() -> Workload:
            response = await self._t.call(
                "POST", "workloads.promote", workload_id, retry="create", deadline=deadline
            )
            return response.parse(Workload)

        async def read() -> Workload:
            return (await self._t.call("GET", "workloads.get", workload_id, deadline=deadline)).parse(
                Workload
            )

        return await once_in_effect(
            self._t, send, read, lambda w: w.artifact is not None and w.artifact.is_locked, deadline
        )

    def history(
        self,
        workload_id: str,
        *,
        page_size: int = MAX_PAGE_SIZE,
        offset: int = 0,
        timeout: float | None = None,
    ) -> AsyncPager[Replacement]:
        """The workload's settings replacements, newest first, fetched lazily (API 11.5).

        ``offset`` skips that many, to resume a listing; ``timeout`` bounds the fetch of each
        page, retries included. Raises ``ValueError`` for a ``page_size`` outside 1-100 or a
        negative ``offset``, :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41
        client; fetching a page raises from the error tree::

            async for replacement in client.workloads.history(workload_id):
                print(replacement.id, replacement.status)
        """
        check_id(workload_id, "workload_id")
        self._pager_check("history")
        return AsyncPager(
            self._t,
            "workloads.history",
            Replacement,
            page_size=page_size,
            offset=offset,
            route_ids=(check_id(workload_id, "workload_id"),),
            timeout=check_timeout(timeout),
        )

    def events(
        self,
        workload_id: str,
        *,
        page_size: int = MAX_PAGE_SIZE,
        offset: int = 0,
        timeout: float | None = None,
    ) -> AsyncPager[WorkloadEvent]:
        """The workload's events (create, start, stop, settings changes, promote, errors, and the
        cluster's warnings), newest first, fetched lazily (API 11.5).

        ``offset`` and ``timeout`` as for :meth:`history`. Raises ``ValueError`` for a
        ``page_size`` outside 1-100 or a negative ``offset``,
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client; fetching a page
        raises from the error tree::

            async for event in client.workloads.events(workload_id, offset=20):
                print(event.timestamp, event.event_type, event.details)
        """
        check_id(workload_id, "workload_id")
        self._pager_check("events")
        return AsyncPager(
            self._t,
            "workloads.events",
            WorkloadEvent,
            page_size=page_size,
            offset=offset,
            route_ids=(check_id(workload_id, "workload_id"),),
            timeout=check_timeout(timeout),
        )
