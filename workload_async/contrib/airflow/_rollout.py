"""Shipping a new version from Airflow (API 11.5): roll an artifact onto a workload, build an
artifact's images, each starting the work in the task and waiting for it in the triggerer.

- :class:`ReplaceWorkloadOperator` starts a rolling replacement, then defers to
  :class:`ReplacementTrigger` until the rollout ended;
- :class:`BuildArtifactOperator` starts an artifact's image builds, then defers to
  :class:`BuildsTrigger` until every one is ``COMPLETED``.

The triggers wait on the connection's shared client (:class:`~._shared.SharedClients`), so a
thousand deferred rollouts ride one batched poller, and only read: running one twice (a triggerer
failover) is harmless. Their deadline is absolute, so a re-created trigger keeps it.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any

from airflow.exceptions import AirflowException
from airflow.sdk import BaseOperator
from airflow.triggers.base import BaseTrigger, TriggerEvent

from workload_async import (
    BuildFailedError,
    Client,
    PollPolicy,
    Replacement,
    ReplacementFailedError,
    WaitError,
    WorkloadAPIError,
    WorkloadRuntime,
    from_json,
    to_json,
)

from ._earlier import builds_to_wait_for, replacement_to_wait_for, retried_since
from ._hook import WorkloadHook, epoch_now
from ._outcomes import Result, result_of
from ._provider import DEFAULT_CONN_ID
from ._shared import SharedClients
from ._trigger import poll_policy

__all__ = ["BuildArtifactOperator", "BuildsTrigger", "ReplaceWorkloadOperator", "ReplacementTrigger"]

log = logging.getLogger("workload_async.contrib.airflow")
XCOM_KEY = "outcome"


def _check_text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _check_deadline(deadline: Any) -> float | None:
    if deadline is None:
        return None
    if isinstance(deadline, bool) or not isinstance(deadline, int | float) or not math.isfinite(deadline):
        raise ValueError(f"deadline must be epoch seconds or None, got {deadline!r}")
    return float(deadline)


def _check_timeout(timeout: Any) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ValueError(f"timeout must be > 0 seconds or None, got {timeout!r}")
    return float(timeout)


def _left(client: Client, deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - client.clock.now().timestamp())


def _failure(error: WorkloadAPIError) -> dict[str, Any]:
    return {"ok": False, "result": str(result_of(error)), "error": str(error)}


class ReplacementTrigger(BaseTrigger):
    """Fires once replacement ``replacement_id`` of workload ``workload_id`` ended (API 11.5).

    The event's payload is ``{"workload_id", "replacement_id", "ok", "result", "status",
    "artifact_id", "error", "diagnosis"}``: ``result`` is ``reached`` (the rollout completed and
    the workload runs; ``status`` and ``artifact_id`` are the workload's), ``failed`` (the
    replacement ended ``errored``, ``failed`` or ``canceled``), ``timed_out``, ``missing`` or
    ``error``; ``diagnosis`` says what held the new version up when it could be read (its
    candidate proton, e.g. ``candidate: container app: image pull back-off (...)``), else None.
    ``deadline`` is epoch seconds (None: no limit); ``poll`` a
    :class:`~workload_async.PollPolicy` or its fields.

    Raises ``ValueError`` for an empty id or a ``deadline`` that is not epoch seconds.
    """

    def __init__(
        self,
        workload_id: str,
        replacement_id: str,
        conn_id: str = DEFAULT_CONN_ID,
        deadline: float | None = None,
        poll: PollPolicy | Mapping[str, float] | None = None,
    ) -> None:
        super().__init__()
        self.workload_id = _check_text("workload_id", workload_id)
        self.replacement_id = _check_text("replacement_id", replacement_id)
        self.conn_id = conn_id
        self.deadline = _check_deadline(deadline)
        self.poll = poll_policy(poll)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The class path and the keyword arguments that re-create this trigger."""
        return (
            "workload_async.contrib.airflow.ReplacementTrigger",
            {
                "workload_id": self.workload_id,
                "replacement_id": self.replacement_id,
                "conn_id": self.conn_id,
                "deadline": self.deadline,
                "poll": None if self.poll is None else dict(self.poll),
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Wait on the shared client, return the lease, then yield the one event."""
        hook = WorkloadHook(self.conn_id)
        outcome: dict[str, Any] = {"workload_id": self.workload_id, "replacement_id": self.replacement_id}
        async with SharedClients.of_running_loop().lease(self.conn_id, hook.aget_client) as client:
            try:
                workload = await client.workloads.wait_for_replacement(
                    self.workload_id,
                    self.replacement_id,
                    timeout=_left(client, self.deadline),
                    poll=None if self.poll is None else PollPolicy(**self.poll),
                )
            except WorkloadAPIError as exc:
                seen = exc.workload if isinstance(exc, ReplacementFailedError) else None
                outcome.update(_failure(exc), status=None if seen is None else str(seen.status))
                outcome["artifact_id"] = None if seen is None else seen.artifact_id
                outcome["diagnosis"] = exc.diagnosis if isinstance(exc, WaitError) else None
            else:
                outcome.update(ok=True, result=str(Result.REACHED), error=None, diagnosis=None)
                outcome.update(status=str(workload.status), artifact_id=workload.artifact_id)
        yield TriggerEvent(outcome)


class BuildsTrigger(BaseTrigger):
    """Fires once every build in ``build_ids`` of artifact ``artifact_id`` ended (API 11.5).

    The event's payload is ``{"artifact_id", "ok", "result", "builds", "error", "log_tail"}``:
    ``builds`` maps each build id to its last status (``COMPLETED`` for all when ``result`` is
    ``reached``); a ``failed`` one carries the failed build's last log lines. Arguments and errors
    as :class:`ReplacementTrigger`'s.
    """

    def __init__(
        self,
        artifact_id: str,
        build_ids: list[str],
        conn_id: str = DEFAULT_CONN_ID,
        deadline: float | None = None,
        poll: PollPolicy | Mapping[str, float] | None = None,
    ) -> None:
        super().__init__()
        self.artifact_id = _check_text("artifact_id", artifact_id)
        if isinstance(build_ids, str) or not build_ids:
            raise ValueError(f"build_ids must be a non-empty list of ids, got {build_ids!r}")
        self.build_ids = [_check_text("build_ids[]", b) for b in build_ids]
        self.conn_id = conn_id
        self.deadline = _check_deadline(deadline)
        self.poll = poll_policy(poll)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The class path and the keyword arguments that re-create this trigger."""
        return (
            "workload_async.contrib.airflow.BuildsTrigger",
            {
                "artifact_id": self.artifact_id,
                "build_ids": list(self.build_ids),
                "conn_id": self.conn_id,
                "deadline": self.deadline,
                "poll": None if self.poll is None else dict(self.poll),
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Wait on the shared client, return the lease, then yield the one event."""
        hook = WorkloadHook(self.conn_id)
        outcome: dict[str, Any] = {"artifact_id": self.artifact_id, "log_tail": []}
        async with SharedClients.of_running_loop().lease(self.conn_id, hook.aget_client) as client:
            try:
                builds = await client.artifacts.wait_for_builds(
                    self.artifact_id,
                    self.build_ids,
                    timeout=_left(client, self.deadline),
                    poll=None if self.poll is None else PollPolicy(**self.poll),
                )
            except WorkloadAPIError as exc:
                outcome.update(_failure(exc))
                seen = exc.builds if isinstance(exc, BuildFailedError) else ()
                outcome["builds"] = {b.id: str(b.status) for b in seen}
                outcome["log_tail"] = list(getattr(exc, "log_tail", ()))
            else:
                outcome.update(ok=True, result=str(Result.REACHED), error=None)
                outcome["builds"] = {b.id: str(b.status) for b in builds}
        yield TriggerEvent(outcome)


def _finish(context: Mapping[str, Any], event: dict[str, Any], what: str) -> dict[str, Any]:
    """Push the event's outcome to XCom (key ``outcome``); fail the task unless it is ok, its
    diagnosis (why it is stuck) in the task's log first."""
    context["ti"].xcom_push(key=XCOM_KEY, value=event)
    if not event.get("ok") and event.get("diagnosis"):
        log.warning("%s: %s", what, event["diagnosis"])
    if not event.get("ok"):
        raise AirflowException(f"{what} did not make it ({event.get('result')}): {event.get('error')}")
    return event


class ReplaceWorkloadOperator(BaseOperator):
    """Roll artifact ``artifact_id`` onto running workload ``workload_id`` (API 11.5), then wait
    (deferred, in the triggerer) until the rollout completed.

    - ``runtime``: the new version's settings, a :class:`~workload_async.WorkloadRuntime` or its
      JSON form (the current ones when None);
    - ``timeout``: seconds from the start of the task to an absolute deadline the deferred wait
      keeps (``None``: no limit); ``poll``: the poll cadence.

    The replacement is started exactly once, across the task's tries too. Before asking for one,
    the task reads the workload's history and the replacement it shows:

    - one onto the same artifact that is queued or in progress (an earlier try's, maybe still
      waiting its turn behind another, or someone else's): the task waits for that one instead;
    - on a retry (``try_number`` above 1), a workload whose newest replacement is onto the same
      artifact, was asked for since the DAG run started and completed: the rollout is done, and
      the task reports it (``reached``) without rolling the artifact out again;
    - otherwise (also after one that failed or was canceled) it asks for a new one.

    The outcome (the trigger's payload, see :class:`ReplacementTrigger`) is pushed to XCom under
    the key ``outcome`` and returned.

    Raises ``ValueError`` for an empty id, a ``timeout`` that is not positive or a ``runtime``
    that does not read when the DAG is parsed; the task fails with ``AirflowException`` when the
    replacement could not start or did not complete::

        rollout = ReplaceWorkloadOperator(
            task_id="roll_out",
            workload_id="{{ params.workload_id }}",
            artifact_id="{{ ti.xcom_pull(task_ids='build') ['artifact_id'] }}",
            timeout=1800,
        )
    """

    template_fields = ("workload_id", "artifact_id", "conn_id")

    def __init__(
        self,
        *,
        workload_id: str,
        artifact_id: str,
        conn_id: str = DEFAULT_CONN_ID,
        runtime: WorkloadRuntime | Mapping[str, Any] | None = None,
        timeout: float | None = 1800.0,
        poll: PollPolicy | Mapping[str, float] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.workload_id = _check_text("workload_id", workload_id)
        self.artifact_id = _check_text("artifact_id", artifact_id)
        self.conn_id = conn_id
        if runtime is not None and not isinstance(runtime, WorkloadRuntime):
            runtime = from_json(WorkloadRuntime, dict(runtime))
        self.runtime: dict[str, Any] | None = None if runtime is None else to_json(runtime)
        self.timeout = _check_timeout(timeout)
        self.poll = poll_policy(poll)

    async def _start(self, since: datetime | None) -> Replacement:
        """The replacement to wait for: an earlier one (see :func:`~._earlier.replacement_to_wait_for`),
        else the one this asks for."""
        runtime = None if self.runtime is None else from_json(WorkloadRuntime, self.runtime)
        async with WorkloadHook(self.conn_id).get_client() as client:
            earlier = await replacement_to_wait_for(client, self.workload_id, self.artifact_id, since)
            if earlier is not None:
                log.info("replacement %s onto %s is %s: waiting for it, not asking again",
                         earlier.id, self.artifact_id, earlier.status)  # fmt: skip
                return earlier
            started = await client.workloads.replace(self.workload_id, self.artifact_id, runtime=runtime)
            log.info("replacement %s of workload %s started", started.id, self.workload_id)
            return started

    def execute(self, context: Any) -> Any:
        """Start the replacement (outside any event loop), unless an earlier try's is queued, in
        progress or (on a retry) completed, then defer until it ended."""
        deadline = None if self.timeout is None else epoch_now() + self.timeout
        try:
            replacement = asyncio.run(self._start(retried_since(context)))
        except WorkloadAPIError as exc:
            return _finish(context, {"workload_id": self.workload_id, **_failure(exc)}, "the replacement")
        self.defer(
            trigger=ReplacementTrigger(self.workload_id, replacement.id, self.conn_id, deadline, self.poll),
            method_name="execute_complete",
        )

    def execute_complete(self, context: Any, event: dict[str, Any]) -> dict[str, Any]:
        """Push the outcome to XCom; fail the task unless the rollout completed."""
        return _finish(context, event, f"the replacement of workload {self.workload_id}")


class BuildArtifactOperator(BaseOperator):
    """Build a draft artifact's images from source (API 11.5), then wait (deferred, in the
    triggerer) until every build is ``COMPLETED``.

    ``timeout`` and ``poll`` as for :class:`ReplaceWorkloadOperator`. The builds are started
    exactly once, across the task's tries too. Before starting any, the task reads the latest
    build of each of the artifact's containers built from source (the artifact's builds that run,
    when it does not show them):

    - while one of them is ``PENDING``, ``IN_PROGRESS`` or ``BUILT`` (an earlier try's, or
      someone else's) and none failed: the task waits for them instead;
    - on a retry (``try_number`` above 1), when all of them are ``COMPLETED`` and started since
      the DAG run started: the build is done, and the task reports it (``reached``) without
      building again;
    - otherwise (also when one of them failed or was cancelled) it starts new builds.

    The outcome (see :class:`BuildsTrigger`) is pushed to XCom under the key ``outcome`` and
    returned, so a later task can roll the artifact out.

    Raises ``ValueError`` for an empty id or a ``timeout`` that is not positive when the DAG is
    parsed; the task fails with ``AirflowException`` (naming the failed build, its log's last
    lines in the outcome) when the builds could not start or did not complete::

        build = BuildArtifactOperator(task_id="build", artifact_id="{{ params.artifact_id }}")
    """

    template_fields = ("artifact_id", "conn_id")

    def __init__(
        self,
        *,
        artifact_id: str,
        conn_id: str = DEFAULT_CONN_ID,
        timeout: float | None = 1800.0,
        poll: PollPolicy | Mapping[str, float] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.artifact_id = _check_text("artifact_id", artifact_id)
        self.conn_id = conn_id
        self.timeout = _check_timeout(timeout)
        self.poll = poll_policy(poll)

    async def _start(self, since: datetime | None) -> list[str]:
        """The ids of the builds to wait for: an earlier try's (see
        :func:`~._earlier.builds_to_wait_for`), else those this starts."""
        async with WorkloadHook(self.conn_id).get_client() as client:
            earlier = await builds_to_wait_for(client, self.artifact_id, since)
            if earlier:
                log.info("builds %s of artifact %s were started before: waiting for them, not building again",
                         ", ".join(earlier), self.artifact_id)  # fmt: skip
                return list(earlier)
            ids = [b.id for b in await client.artifacts.build(self.artifact_id)]
            log.info("builds %s of artifact %s started", ", ".join(ids), self.artifact_id)
            return ids

    def execute(self, context: Any) -> Any:
        """Start the builds (outside any event loop), unless an earlier try's run or (on a retry)
        completed, then defer until they ended."""
        deadline = None if self.timeout is None else epoch_now() + self.timeout
        try:
            ids = asyncio.run(self._start(retried_since(context)))
        except WorkloadAPIError as exc:
            return _finish(context, {"artifact_id": self.artifact_id, **_failure(exc)}, "the build")
        self.defer(
            trigger=BuildsTrigger(self.artifact_id, ids, self.conn_id, deadline, self.poll),
            method_name="execute_complete",
        )

    def execute_complete(self, context: Any, event: dict[str, Any]) -> dict[str, Any]:
        """Push the outcome to XCom; fail the task unless every build completed."""
        return _finish(context, event, f"the build of artifact {self.artifact_id}")
