"""``client.workloads``' replacements (API 11.5): ``replace`` (roll another artifact onto a
workload), ``update_settings`` (roll it onto new settings), ``replacement``,
``cancel_replacement`` and ``wait_for_replacement``.

Both ways of starting a replacement are made exactly once (see :mod:`.exactly_once`): after a
lost answer the workload's history says whether the call made one. Every wait for one is the same
wait, on the client's one poller: the workload's status round carries what the workload shows of
its replacement, which :func:`~.._waiting.waiter.judge_replacement` reads (a ``null`` right after
the request is the gap before it shows, not its end), and the workload's history settles it
(:func:`~.._waiting.waiter.judge_history`).
"""

from __future__ import annotations

import logging
from contextlib import aclosing
from typing import Literal, overload

from .._dialects.dialect import Dialect
from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
from .._models.activity import Replacement, ReplacementConfig
from .._models.arguments import check_id
from .._models.checks import check_replacement_config, check_runtime
from .._models.converter import wire_fields
from .._models.enums import WorkloadStatus
from .._models.inputs import WorkloadRuntime
from .._models.outputs import Workload
from .._policies import PollPolicy
from .._waiting.waiter import ReplacementWatch, judge_history
from .._waiting.waits import DEFAULT, Default, Waits, check_poll, limits
from ..errors import (
    NotFoundError,
    OutcomeUnknownError,
    ReplacementFailedError,
    WaitTimeoutError,
    WorkloadAPIError,
    WorkloadFailedError,
)
from .exactly_once import newest, since, unknown

__all__ = ["ReplacementMethods"]

log = logging.getLogger("workload_async")


class ReplacementMethods:
    """Replacements (see the module); mixed into :class:`~.workloads.WorkloadsManager`, which
    sets ``_t`` and ``_waits``."""

    _t: Transport
    _waits: Waits

    async def _replacements(self, feature: str = "replacements") -> Dialect:
        dialect = await self._t.get_dialect()
        dialect.require(feature)
        return dialect

    # -- starting one -----------------------------------------------------------------------

    @overload
    async def replace(
        self,
        workload_id: str,
        artifact_id: str,
        *,
        runtime: WorkloadRuntime | None = None,
        config: ReplacementConfig | None = None,
        wait: Literal[False] = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Replacement: ...

    @overload
    async def replace(
        self,
        workload_id: str,
        artifact_id: str,
        *,
        runtime: WorkloadRuntime | None = None,
        config: ReplacementConfig | None = None,
        wait: Literal[True],
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Workload: ...

    async def replace(
        self,
        workload_id: str,
        artifact_id: str,
        *,
        runtime: WorkloadRuntime | None = None,
        config: ReplacementConfig | None = None,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Replacement | Workload:
        """Roll artifact ``artifact_id`` onto a running workload with a rolling replacement (API
        11.5): the new version starts beside the old one, which serves until the switch.

        ``runtime`` gives the new version other settings (the current ones by default);
        ``config`` tunes the rollout (:class:`~workload_async.ReplacementConfig`: minutes to warm
        up, minutes to keep the old version). Returns the :class:`~workload_async.Replacement`
        the server started (one asked for while another runs waits its turn); with
        ``wait=True``, waits on the client's shared poller and returns the workload once the
        rollout completed and it runs the new version. ``timeout`` bounds the whole call, the
        wait included (the client's ``wait_timeout`` with ``wait=True``).

        The request is made exactly once: when its answer is lost, the workload's history says
        whether it started a replacement, which is then returned.

        Raises ``ValueError`` (nothing sent) for a bad id, runtime, config or timeout;
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client;
        :class:`~workload_async.errors.NotFoundError` for an unknown workload or artifact;
        :class:`~workload_async.errors.BadRequestError` when one artifact is a draft and the other
        locked; :class:`~workload_async.errors.UnprocessableEntityError` for the artifact the
        workload already runs (locked) or one whose image is not built yet;
        :class:`~workload_async.errors.OutcomeUnknownError` when the answer was lost and the
        history cannot tell. With ``wait=True`` also
        :class:`~workload_async.errors.ReplacementFailedError` (``errored``, ``failed``,
        ``canceled``; the old version keeps serving) and
        :class:`~workload_async.errors.WaitTimeoutError`, whose ``diagnosis`` says what holds the
        new version up when it can be read (its candidate proton: ``candidate: container app:
        image pull back-off (...)``, or the replacement it waits behind)::

            workload = await client.workloads.replace(workload.id, built.id, wait=True, timeout=900)
        """
        check_id(workload_id, "workload_id")
        check_id(artifact_id, "artifact_id")
        if runtime is not None:
            check_runtime(runtime)
        rollout = None if config is None else check_replacement_config(config)
        check_poll(poll)
        deadline, call_timeout = limits(self._waits, wait, timeout)
        dialect = await self._replacements()
        body = wire_fields(
            artifact_id=artifact_id,
            strategy="rolling",
            config=rollout,
            runtime=None if runtime is None else dialect.settings_body(runtime)["runtime"],
        )
        replacement = await self._start_replacement(
            "POST", "workloads.replace", workload_id, body, artifact_id, deadline, call_timeout
        )
        if not wait:
            return replacement
        return await self._await_replacement(workload_id, replacement, deadline, poll)

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
        waits (as :meth:`replace` does, on the client's shared poller) and returns the workload
        once the replacement completed. ``timeout`` as for :meth:`replace`. Made exactly once,
        as :meth:`replace` is.

        Raises ``ValueError`` (nothing sent) for a bad id, runtime or timeout;
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client;
        :class:`~workload_async.errors.ConflictError` while another replacement runs;
        :class:`~workload_async.errors.OutcomeUnknownError` when the answer was lost and the
        history cannot tell; with ``wait=True``
        :class:`~workload_async.errors.ReplacementFailedError` with the server's message when it
        fails, :class:`~workload_async.errors.WaitTimeoutError` at the deadline (each with a
        ``diagnosis``, as for :meth:`replace`).
        """
        check_id(workload_id, "workload_id")
        check_runtime(runtime)
        check_poll(poll)
        deadline, call_timeout = limits(self._waits, wait, timeout)
        dialect = await self._replacements("settings replacements")
        body = dialect.settings_body(runtime)
        replacement = await self._start_replacement(
            "PATCH", "workloads.update_settings", workload_id, body, None, deadline, call_timeout
        )
        if not wait:
            return replacement
        return await self._await_replacement(workload_id, replacement, deadline, poll)

    async def _start_replacement(
        self,
        method: str,
        route: str,
        workload_id: str,
        body: dict[str, object],
        candidate: str | None,
        deadline: float | None,
        timeout: float | None,
    ) -> Replacement:
        """Send a request that starts a replacement, exactly once; after a lost answer, the one
        the workload's history gained since (onto ``candidate``, when given)."""
        if deadline is None and timeout is not None:
            deadline = self._t.deadline_for(timeout)
        marker = await newest(self._t, "workloads.history", (workload_id,), Replacement, deadline)
        try:
            response = await self._t.call(
                method, route, workload_id, json_body=body, retry="create", deadline=deadline
            )
        except OutcomeUnknownError as lost:
            return await self._recover(lost, workload_id, marker, candidate, deadline)
        return response.parse(Replacement)

    async def _recover(
        self,
        lost: OutcomeUnknownError,
        workload_id: str,
        marker: str | None,
        candidate: str | None,
        deadline: float | None,
    ) -> Replacement:
        how = f"look in client.workloads.history({workload_id!r}) before asking again"
        try:
            made = await since(self._t, "workloads.history", (workload_id,), Replacement, marker, deadline)
        except WorkloadAPIError as exc:
            raise unknown(lost, "replacements", f"reading the history failed too ({exc}); {how}") from None
        mine = [r for r in made if candidate is None or r.candidate_artifact_id == candidate]
        if len(mine) == 1:
            log.info("the answer to %s %s was lost; the history shows it started replacement %s",
                     lost.method, lost.url, mine[0].id)  # fmt: skip
            return mine[0]
        if not mine:
            raise unknown(lost, "replacements", f"the history shows no replacement started since; {how}")
        ids = ", ".join(r.id for r in mine)
        raise unknown(lost, "replacements", f"the history shows {len(mine)} started since ({ids}); {how}")

    # -- the one in progress ----------------------------------------------------------------

    async def replacement(self, workload_id: str, *, timeout: float | None = None) -> Replacement | None:
        """The replacement a workload shows now (API 11.5): the one in progress, a ``completed``
        one for a second after it switched, a failed one until the next change; None when there
        is none (also for a moment right after one was asked for).

        Raises ``ValueError`` for a bad id or timeout,
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client and
        :class:`~workload_async.errors.NotFoundError` for an unknown workload.
        """
        check_id(workload_id, "workload_id")
        deadline = self._t.deadline_for(timeout)
        await self._replacements()
        try:
            response = await self._t.call("GET", "workloads.replacement", workload_id, deadline=deadline)
        except NotFoundError:
            await self._exists(workload_id, deadline)
            return None
        return response.parse(Replacement)

    async def cancel_replacement(
        self, workload_id: str, *, timeout: float | None = None
    ) -> Replacement | None:
        """Cancel the replacement in progress (API 11.5): its candidate is torn down and the old
        version keeps serving. Returns it (``canceling``), or None when there was none to cancel
        (cancelling twice is harmless). A failed one still shown is cleared.

        Raises ``ValueError`` for a bad id or timeout,
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client and
        :class:`~workload_async.errors.NotFoundError` for an unknown workload.
        """
        check_id(workload_id, "workload_id")
        deadline = self._t.deadline_for(timeout)
        await self._replacements()
        try:
            response = await self._t.call(
                "DELETE", "workloads.cancel_replacement", workload_id, deadline=deadline
            )
        except NotFoundError:
            await self._exists(workload_id, deadline)
            return None
        if response.status == 404 or not response.body.strip():  # a repeated DELETE found it gone
            return None
        return response.parse(Replacement)

    async def _exists(self, workload_id: str, deadline: float | None) -> None:
        """The replacement route answers 404 for an unknown workload too: ask the workload."""
        await self._t.call("GET", "workloads.get", workload_id, deadline=deadline)

    # -- waiting ----------------------------------------------------------------------------

    async def wait_for_replacement(
        self,
        workload_id: str,
        replacement_id: str,
        *,
        timeout: float | Default | None = DEFAULT,
        deadline: float | None = None,
        poll: PollPolicy | None = None,
    ) -> Workload:
        """Wait until replacement ``replacement_id`` of the workload ends (API 11.5); return the
        workload once it completed and the workload runs (at once when it completed before).

        It polls with every other wait of the client, and is done only once the workload showed
        the replacement in progress (or its history says it completed) and the workload runs:
        the moment after the request, when the workload shows none yet, is not its end.
        ``timeout``/``deadline`` as for :meth:`wait`.

        Raises ``ValueError`` for a bad id or timeout;
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client;
        :class:`~workload_async.errors.NotFoundError` when the workload has no such replacement;
        :class:`~workload_async.errors.ReplacementFailedError` with the server's message when it
        ended ``errored``, ``failed`` or ``canceled``;
        :class:`~workload_async.errors.WaitTimeoutError` at the deadline (each with a
        ``diagnosis``, as for :meth:`replace`).
        """
        check_id(workload_id, "workload_id")
        check_id(replacement_id, "replacement_id")
        end = self._waits.deadline_for(timeout, deadline)
        check_poll(poll)
        await self._replacements()
        found = await self._find(workload_id, replacement_id, end)
        if found is None:
            raise self._no_such(workload_id, replacement_id)
        if found.status.is_failure:
            error = ReplacementFailedError(replacement=found)
            await self._waits.diagnose_replacement(error, found.id, found.candidate_proton_ids)
            raise error
        if found.status.is_settled:  # completed before: wait for the workload to run, if it does not
            return await self._waits.wait(workload_id, WorkloadStatus.RUNNING, None, end, poll)
        return await self._await_replacement(workload_id, found, end, poll)

    async def _await_replacement(
        self, workload_id: str, started: Replacement, deadline: float | None, poll: PollPolicy | None
    ) -> Workload:
        """The one wait for the end of replacement ``started`` (see the module); its error says
        why it is stuck or failed, read from its candidate (:meth:`Waits.diagnose_replacement`)."""
        replacement_id, candidates = started.id, started.candidate_proton_ids
        watch = ReplacementWatch(replacement_id, (poll or self._waits.policy).stale_grace)
        goal = f"the end of its replacement {replacement_id}"
        while True:
            waiter = self._waits.register(workload_id, None, deadline, poll, settle=watch, goal=goal)
            try:
                workload = await waiter.future
            except WaitTimeoutError as timed_out:
                await self._waits.diagnose_replacement(
                    timed_out, replacement_id, candidates, waiter.last_shown
                )
                raise
            found = await self._find(workload_id, replacement_id, deadline)
            verdict = judge_history(watch, found, waiter.last_shown)
            if verdict == "again":
                continue
            if verdict == "unknown" or found is None:
                raise self._no_such(workload_id, replacement_id)
            if verdict == "failed":
                error = ReplacementFailedError(replacement=found, workload=workload)
                await self._waits.diagnose_replacement(
                    error, replacement_id, found.candidate_proton_ids or candidates
                )
                raise error
            if workload.status is WorkloadStatus.RUNNING:
                return workload
            if workload.status.is_failure:
                raise WorkloadFailedError(workload=workload)
            return await self._waits.wait(workload_id, WorkloadStatus.RUNNING, None, deadline, poll)

    async def _find(
        self, workload_id: str, replacement_id: str, deadline: float | None
    ) -> Replacement | None:
        pager = AsyncPager(
            self._t,
            "workloads.history",
            Replacement,
            page_size=MAX_PAGE_SIZE,
            route_ids=(workload_id,),
            deadline=deadline,
        )
        async with aclosing(pager.__aiter__()) as replacements:
            async for replacement in replacements:
                if replacement.id == replacement_id:
                    return replacement
        return None

    def _no_such(self, workload_id: str, replacement_id: str) -> NotFoundError:
        dialect = self._t.dialect
        path = dialect.path("workloads.history", workload_id) if dialect is not None else "workloads.history"
        return NotFoundError(
            f"workload {workload_id} has no replacement {replacement_id} (not in its history)",
            status=404,
            method="GET",
            url=path,
        )
