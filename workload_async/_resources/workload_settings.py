"""``client.workloads``' updates, settings replacements, promote, history and events.

They exist on API 11.5 only: on a v2.41 client each raises
:class:`~workload_async.errors.UnsupportedFeatureError` before sending anything (the manager asks
the client's dialect).
"""

from __future__ import annotations

from contextlib import aclosing
from typing import TYPE_CHECKING, Literal, overload

import attrs

from .._dialects.dialect import Dialect
from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
from .._models.checks import check_id, check_runtime
from .._models.converter import wire_fields
from .._models.enums import Importance, ReplacementStatus
from .._models.inputs import WorkloadRuntime
from .._models.outputs import Workload
from .._models.reported import ReportedRuntime
from .._policies import PollPolicy
from .._waiting.waiter import Verdict
from .._waiting.waits import DEFAULT, Default, Waits
from ..errors import ReplacementFailedError

if TYPE_CHECKING:  # imported where used: a program that never asks for its activity never loads it
    from .._models.activity import Replacement, WorkloadEvent

__all__ = ["SettingsMethods"]


@attrs.frozen
class _Settings:
    runtime: ReportedRuntime | None = None


def _replacement_settled(workload: Workload) -> Verdict:
    replacement = workload.replacement
    return "reached" if replacement is None or replacement.status.is_settled else "pending"


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
    ) -> Workload:
        """Change a workload's name, description and/or importance (API 11.5); return it.

        Raises ``ValueError`` when none is given or ``name`` is empty,
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client, and
        :class:`~workload_async.errors.NotFoundError` for an unknown id::

            await client.workloads.update(workload_id, importance="high")
        """
        await self._dialect("workload updates")
        body = wire_fields(
            name=name,
            description=description,
            importance=None if importance is None else Importance(importance),
        )
        if not body:
            raise ValueError("update needs name=, description= or importance=")
        if name is not None and not name:
            raise ValueError("name must be a non-empty string")
        response = await self._t.call(
            "PATCH", "workloads.update", check_id(workload_id, "workload_id"), json_body=body
        )
        return response.parse(Workload)

    async def settings(self, workload_id: str) -> ReportedRuntime | None:
        """The runtime settings a workload runs on now (API 11.5), as the server reports them.

        Raises :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client and
        :class:`~workload_async.errors.NotFoundError` for an unknown id.
        """
        await self._dialect("workload settings")
        response = await self._t.call("GET", "workloads.settings", check_id(workload_id, "workload_id"))
        return response.parse(_Settings).runtime

    @overload
    async def update_settings(
        self,
        workload_id: str,
        runtime: WorkloadRuntime,
        *,
        wait: Literal[False] = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Replacement: ...

    @overload
    async def update_settings(
        self,
        workload_id: str,
        runtime: WorkloadRuntime,
        *,
        wait: Literal[True],
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Workload: ...

    async def update_settings(
        self,
        workload_id: str,
        runtime: WorkloadRuntime,
        *,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Replacement | Workload:
        """Redeploy a workload onto new runtime settings with a rolling replacement (API 11.5).

        Returns the :class:`~workload_async.Replacement` the server started; with ``wait=True``
        waits (on the client's shared poller) and returns the workload once the replacement
        completed. Raises :class:`~workload_async.errors.ReplacementFailedError` with the server's
        message when it errors, :class:`~workload_async.errors.ConflictError` while another
        replacement runs, :class:`~workload_async.errors.WaitTimeoutError` at the deadline.
        """
        dialect = await self._dialect("settings replacements")
        check_runtime(runtime)
        body = dialect.settings_body(runtime)
        deadline = self._waits.deadline_for(timeout, None) if wait else None
        response = await self._t.call(
            "PATCH",
            "workloads.update_settings",
            check_id(workload_id, "workload_id"),
            json_body=body,
            deadline=deadline,
        )
        from .._models.activity import Replacement

        replacement = response.parse(Replacement)
        if not wait:
            return replacement
        return await self.wait_for_replacement(workload_id, replacement.id, deadline=deadline, poll=poll)

    async def wait_for_replacement(
        self,
        workload_id: str,
        replacement_id: str,
        *,
        timeout: float | Default | None = DEFAULT,
        deadline: float | None = None,
        poll: PollPolicy | None = None,
    ) -> Workload:
        """Wait until replacement ``replacement_id`` of the workload settles; return the workload
        once it completed, raise :class:`~workload_async.errors.ReplacementFailedError` when it
        errored. Polls with every other wait of the client."""
        await self._dialect("settings replacements")
        waiter = self._waits.register(
            workload_id,
            None,
            self._waits.deadline_for(timeout, deadline),
            poll,
            settle=_replacement_settled,
            goal=f"the end of its settings replacement {replacement_id}",
        )
        workload = await waiter.future
        replacement = await self._find_replacement(workload_id, replacement_id)
        if replacement is not None and replacement.status == ReplacementStatus.ERRORED:
            raise ReplacementFailedError(replacement=replacement, workload=workload)
        return workload

    async def _find_replacement(self, workload_id: str, replacement_id: str) -> Replacement | None:
        async with aclosing(self.history(workload_id).__aiter__()) as replacements:
            async for replacement in replacements:
                if replacement.id == replacement_id:
                    return replacement
        return None

    async def promote(self, workload_id: str) -> Workload:
        """Lock the draft artifact of a running workload in place, with no restart (API 11.5).

        Raises :class:`~workload_async.errors.UnprocessableEntityError` when the artifact is not a
        draft or nothing runs.
        """
        await self._dialect("promote")
        response = await self._t.call("POST", "workloads.promote", check_id(workload_id, "workload_id"))
        return response.parse(Workload)

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
        self._pager_check("history")
        from .._models.activity import Replacement

        return AsyncPager(
            self._t,
            "workloads.history",
            Replacement,
            page_size=page_size,
            offset=offset,
            route_ids=(check_id(workload_id, "workload_id"),),
            timeout=timeout,
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
        self._pager_check("events")
        from .._models.activity import WorkloadEvent

        return AsyncPager(
            self._t,
            "workloads.events",
            WorkloadEvent,
            page_size=page_size,
            offset=offset,
            route_ids=(check_id(workload_id, "workload_id"),),
            timeout=timeout,
        )
