"""``client.workloads``: create, read, start, stop, delete, wait for and invoke workloads."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal, overload

import attrs

from .._dialects.dialect import Dialect
from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
from .._models.checks import check_choices, check_id, check_input_artifact, check_runtime
from .._models.enums import Importance, WorkloadStatus
from .._models.inputs import InputArtifact, WorkloadRuntime
from .._models.outputs import Operation, Workload
from .._policies import PollPolicy
from .._waiting.bulk import BulkResult, Progress, run_bulk
from .._waiting.waits import DEFAULT, Default, Waits
from ..errors import ConflictError
from .invoke import InvokeMixin
from .workload_logs import LogsMixin
from .workload_protons import ProtonMethods
from .workload_settings import SettingsMethods
from .workload_stats import StatsMethods
from .workload_waits import WaitMethods

__all__ = ["WorkloadsManager"]


_Params = list[tuple[str, str]]


@attrs.frozen
class _Named:
    id: str
    name: str | None = None


#: 11.5 answers a start 409 unless stopped: in these statuses that means "already up", a no-op
_UP = frozenset(
    {
        WorkloadStatus.SUBMITTED,
        WorkloadStatus.INITIALIZING,
        WorkloadStatus.PROVISIONING,
        WorkloadStatus.LAUNCHING,
        WorkloadStatus.WARMING,
        WorkloadStatus.RUNNING,
    }
)


class WorkloadsManager(SettingsMethods, StatsMethods, ProtonMethods, InvokeMixin, LogsMixin, WaitMethods):
    """Everything about workloads. Reached as ``client.workloads``.

    ``invoke(workload_id, path, ...)`` and ``stream(workload_id, path, ...)`` call the workload's
    application through the API gateway; ``logs(workload_id, ...)`` and
    ``follow_logs(workload_id, ...)`` read its log. ``update``, ``settings``, ``update_settings``,
    ``promote``, ``history``, ``events``, ``stats``, ``stats_series``, ``fleet_stats``,
    ``protons``, ``proton``, ``proton_status`` and ``diagnose`` exist on API 11.5 only.
    """

    _invoke_route = "workloads.invoke"
    _id_name = "workload_id"

    def __init__(self, transport: Transport, waits: Waits, max_connections: int) -> None:
        self._t = transport
        self._waits = waits
        self._max_connections = max_connections

    # -- CRUD -------------------------------------------------------------------------------

    async def create(
        self,
        *,
        name: str | None = None,
        artifact: InputArtifact | None = None,
        artifact_id: str | None = None,
        runtime: WorkloadRuntime | None = None,
        description: str | None = None,
        importance: Importance | str | None = None,
        timeout: float | None = None,
    ) -> Workload:
        """Create a workload from an inline ``artifact`` or an existing ``artifact_id``; it starts at once.

        On API 11.5 a workload needs a name (the artifact's name when not given), containers'
        resource requests are sent in the runtime, and ``description`` and ``importance`` may be
        set (a v2.41 client refuses those two).

        ``timeout`` bounds the whole call in seconds, retries included (as on every call).
        Raises ``ValueError`` (nothing sent) unless exactly one of ``artifact``/``artifact_id`` is
        given or for input the contract (or the client's API generation) forbids;
        :class:`~workload_async.errors.NotFoundError` for an unknown artifact id;
        :class:`~workload_async.errors.ConflictError` when a draft artifact already backs a live
        workload (v2.41); :class:`~workload_async.errors.UnprocessableEntityError`;
        :class:`~workload_async.errors.OutcomeUnknownError` when the request was sent but no answer
        came (it may exist: list by ``name`` before creating again).
        """
        if (artifact is None) == (artifact_id is None):
            raise ValueError("pass exactly one of artifact= or artifact_id=")
        if artifact is not None:
            check_input_artifact(artifact)
        if artifact_id is not None:
            check_id(artifact_id, "artifact_id")
        if runtime is not None:
            check_runtime(runtime)
        dialect = await self._t.get_dialect()
        body = await self._create_body(
            dialect,
            name=name,
            description=description,
            importance=None if importance is None else Importance(importance),
            artifact=artifact,
            artifact_id=artifact_id,
            runtime=runtime,
        )
        response = await self._t.call(
            "POST", "workloads.create", json_body=body, retry="create", timeout=timeout
        )
        return response.parse(Workload)

    async def _create_body(
        self,
        dialect: Dialect,
        *,
        name: str | None,
        description: str | None,
        importance: Importance | None,
        artifact: InputArtifact | None,
        artifact_id: str | None,
        runtime: WorkloadRuntime | None,
    ) -> dict[str, Any]:
        """A create's body in the client's dialect, with what that dialect needs done first: a name
        where one is required (the artifact's, as v2.41 servers default it), and an inline artifact
        that should be locked created and locked where a create cannot lock it (11.5 servers make
        inline artifacts drafts)."""
        if name is None and artifact_id is not None and dialect.has("workload names required"):
            name = (await self._t.call("GET", "artifacts.get", artifact_id)).parse(_Named).name
        body = dialect.create_body(
            name=name,
            description=description,
            importance=importance,
            artifact=artifact,
            artifact_id=artifact_id,
            runtime=runtime,
        )
        inline = body.get("artifact")
        if (
            inline is not None
            and inline.get("status") == dialect.lock_word
            and not dialect.has("lock on create")
        ):
            created = await self._t.call("POST", "artifacts.create", json_body=inline, retry="create")
            locked = await self._t.call(
                "PATCH", "artifacts.update", created.parse(_Named).id, json_body={"status": dialect.lock_word}
            )
            artifact_id = locked.parse(_Named).id
            body = dict(("artifactId", artifact_id) if k == "artifact" else (k, v) for k, v in body.items())
        return body

    async def get(self, workload_id: str, *, timeout: float | None = None) -> Workload:
        """One workload. Raises :class:`~workload_async.errors.NotFoundError` if it does not exist."""
        response = await self._t.call(
            "GET", "workloads.get", check_id(workload_id, "workload_id"), timeout=timeout
        )
        return response.parse(Workload)

    def list(
        self,
        *,
        ids: Iterable[str] | None = None,
        search: str | None = None,
        sort: str | None = None,
        status: WorkloadStatus | str | Iterable[WorkloadStatus | str] | None = None,
        importance: Importance | str | Iterable[Importance | str] | None = None,
        artifact_id: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        offset: int = 0,
        timeout: float | None = None,
    ) -> AsyncPager[Workload]:
        """Workloads, fetched lazily page by page: ``async for w in client.workloads.list(...)``.

        ``ids`` keeps only those (any number: split into calls of 100), ``search`` matches a
        substring of the name (case-insensitive), ``sort`` is passed to the server as given (v2.41
        knows ``name``, ``createdAt``, ``updatedAt`` and ``status``, with ``-`` in front for
        descending; an unknown key is the server's 422). ``offset`` skips that many matches, to
        resume a listing; ``timeout`` bounds the fetch of each page, retries included.

        On API 11.5 the server filters too: ``status`` keeps workloads in that status (one, or
        any of several), ``importance`` those of that importance (one or several), and
        ``artifact_id`` those running that artifact. A v2.41 client raises
        :class:`~workload_async.errors.UnsupportedFeatureError` for them (at once when its
        generation is known, else when the iteration starts); a value the SDK does not know is a
        ``ValueError`` naming the argument, before anything is sent.

        Nothing is sent until the iteration starts; a page that cannot be fetched raises from the
        error tree there, and an unreadable item raises
        :class:`~workload_async.errors.ResponseDecodeError` when it is reached::

            async for workload in client.workloads.list(search="canary", sort="-updatedAt"):
                print(workload.name, workload.status)
            stuck = await client.workloads.list(status=["provisioning", "launching"]).collect()
        """
        params: list[tuple[str, str]] = []
        if search is not None:
            params.append(("search", search))
        if sort is not None:
            params.append(("sort", sort))
        filters: list[tuple[str, str]] = []
        if status is not None:
            filters += [("status", s) for s in check_choices(status, WorkloadStatus, "status")]
        if importance is not None:
            filters += [("importance", i) for i in check_choices(importance, Importance, "importance")]
        if artifact_id is not None:
            filters.append(("artifactId", check_id(artifact_id, "artifact_id")))
        id_list = None if ids is None else [check_id(i, "ids[]") for i in ids]
        return AsyncPager(
            self._t,
            "workloads.list",
            Workload,
            params=params if not filters else self._filtered(params + filters, "workload list filters"),
            page_size=page_size,
            offset=offset,
            ids=id_list,
            timeout=timeout,
        )

    def _filtered(self, params: _Params, feature: str) -> Callable[[Dialect], _Params]:
        """``params``, once the client's generation is known to have ``feature`` (asked now when
        it is known, else when the listing starts)."""
        if self._t.dialect is not None:
            self._t.dialect.require(feature)

        def in_dialect(dialect: Dialect) -> _Params:
            dialect.require(feature)
            return params

        return in_dialect

    async def _operation(
        self, route: str, workload_id: str, deadline: float | None = None, timeout: float | None = None
    ) -> Operation:
        try:
            response = await self._t.call(
                "POST", route, check_id(workload_id, "workload_id"), deadline=deadline, timeout=timeout
            )
        except ConflictError:
            dialect = self._t.dialect
            if (
                route != "workloads.start"
                or dialect is None
                or not dialect.has("start conflicts unless stopped")
            ):
                raise
            current = await self.get(workload_id)  # 409 means "not stopped": up is a no-op, stopping is not
            if current.status not in _UP:
                raise
            return Operation(
                workload_id=workload_id, status=f"Workload is already {current.status.value}", accepted=False
            )
        body = response.parse(Operation) if response.body.strip() else Operation()
        accepted = response.status == 202
        if body.accepted == accepted and body.workload_id:
            return body  # the usual answer, as it came
        return Operation(
            workload_id=body.workload_id or workload_id,
            status=body.status,
            track_via=body.track_via,
            accepted=accepted,
        )

    @overload
    async def start(
        self,
        workload_id: str,
        *,
        wait: Literal[False] = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Operation: ...

    @overload
    async def start(
        self,
        workload_id: str,
        *,
        wait: Literal[True],
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Workload: ...

    async def start(
        self,
        workload_id: str,
        *,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Operation | Workload:
        """Start a ``stopped`` or ``errored`` workload.

        Returns the :class:`~workload_async.Operation` (``accepted`` False when it was already on its
        way up or running); with ``wait=True``, waits and returns the running
        :class:`~workload_async.Workload`. ``timeout`` bounds the whole call, the wait included
        (the client's ``wait_timeout`` with ``wait=True``; no limit of its own otherwise).
        Raises :class:`~workload_async.errors.ConflictError`
        while it is ``stopping``, and with ``wait=True`` whatever :meth:`wait` raises.
        """
        return await self._transition(
            "workloads.start", WorkloadStatus.RUNNING, workload_id, wait, timeout, poll
        )

    @overload
    async def stop(
        self,
        workload_id: str,
        *,
        wait: Literal[False] = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Operation: ...

    @overload
    async def stop(
        self,
        workload_id: str,
        *,
        wait: Literal[True],
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Workload: ...

    async def stop(
        self,
        workload_id: str,
        *,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Operation | Workload:
        """Stop a workload (a no-op, ``accepted`` False, when already ``stopping``/``stopped``).

        With ``wait=True``, waits and returns the stopped :class:`~workload_async.Workload`.
        ``timeout`` as for :meth:`start`. Raises :class:`~workload_async.errors.NotFoundError` for
        an unknown id, and with ``wait=True`` whatever :meth:`wait` raises::

            stopped = await client.workloads.stop(workload_id, wait=True, timeout=120)
        """
        return await self._transition(
            "workloads.stop", WorkloadStatus.STOPPED, workload_id, wait, timeout, poll
        )

    async def _transition(
        self,
        route: str,
        target: WorkloadStatus,
        workload_id: str,
        wait: bool,
        timeout: float | Default | None,
        poll: PollPolicy | None,
    ) -> Operation | Workload:
        if not wait:
            return await self._operation(route, workload_id, timeout=None if timeout is DEFAULT else timeout)
        deadline = self._waits.deadline_for(timeout, None)  # one deadline for the call and the wait
        await self._operation(route, workload_id, deadline)
        return await self._waits.wait(workload_id, target, None, deadline, poll)

    async def delete(self, workload_id: str, *, timeout: float | None = None) -> None:
        """Delete a workload (a running one is stopped first); its artifact stays.

        Raises :class:`~workload_async.errors.NotFoundError` if it does not exist.
        """
        await self._t.call(
            "DELETE", "workloads.delete", check_id(workload_id, "workload_id"), timeout=timeout
        )

    # -- bulk -------------------------------------------------------------------------------

    async def start_many(
        self,
        workload_ids: Iterable[str],
        *,
        concurrency: int = 32,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        progress: Progress | None = None,
    ) -> dict[str, BulkResult]:
        """Start many workloads with at most ``concurrency`` requests in flight (never more than the
        connection pool allows); with ``wait=True``, also wait for each to be running.

        Returns one :class:`~workload_async.BulkResult` per workload, in the order given, and never
        raises because one workload failed. ``timeout`` bounds the whole call.
        """
        return await self._bulk(
            "workloads.start", workload_ids, WorkloadStatus.RUNNING, concurrency, wait, timeout, progress
        )

    async def stop_many(
        self,
        workload_ids: Iterable[str],
        *,
        concurrency: int = 32,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        progress: Progress | None = None,
    ) -> dict[str, BulkResult]:
        """Stop many workloads, like :meth:`start_many`; with ``wait=True`` waits for ``stopped``.

        Returns one :class:`~workload_async.BulkResult` per workload, in the order given, and never
        raises because one workload failed::

            results = await client.workloads.stop_many(ids, concurrency=16, wait=True, timeout=300)
            failed = [r for r in results.values() if not r.ok]
        """
        return await self._bulk(
            "workloads.stop", workload_ids, WorkloadStatus.STOPPED, concurrency, wait, timeout, progress
        )

    async def _bulk(
        self,
        route: str,
        workload_ids: Iterable[str],
        target: WorkloadStatus,
        concurrency: int,
        wait: bool,
        timeout: float | Default | None,
        progress: Progress | None,
    ) -> dict[str, BulkResult]:
        async def call(workload_id: str, deadline: float | None) -> Operation:
            return await self._operation(route, workload_id, deadline)

        work = run_bulk(
            workload_ids,
            call,
            concurrency=min(concurrency, self._max_connections),
            waits=self._waits if wait else None,
            target=target,
            deadline=self._waits.deadline_for(timeout, None),
            progress=progress,
            closed=lambda: self._t.closed,
        )
        return await self._t.observe.bulk(route, wait, work)
