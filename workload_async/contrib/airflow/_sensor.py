"""``WorkloadStatusSensor``: deferred by default, or poking for setups without a triggerer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

from airflow.sdk import BaseSensorOperator

from workload_async import PollPolicy, Workload, WorkloadStatus

from ._hook import WorkloadHook, epoch_now
from ._operators import complete
from ._outcomes import Result, failures, parse_fail_on
from ._provider import DEFAULT_CONN_ID
from ._trigger import WorkloadStatusTrigger, check_ids, check_until, poll_policy

__all__ = ["WorkloadStatusSensor"]


class WorkloadStatusSensor(BaseSensorOperator):
    """Waits until every workload in ``workload_ids`` is ``until`` (``running`` or ``stopped``).

    By default it defers to :class:`WorkloadStatusTrigger` at once, with an absolute deadline of
    the sensor's ``timeout`` from now, holding no worker slot while it waits. With
    ``deferrable=False`` it pokes instead: one batched status read every ``poke_interval``.

    ``fail_on`` chooses which outcomes fail the task: ``"any"`` (the default), ``"never"``, or
    some of ``failed``, ``timed_out``, ``missing``, ``error``. The per-workload outcomes are pushed
    to XCom under the key ``outcomes``. In poke mode the sensor's own ``timeout`` ends the wait.

    Raises ``ValueError`` for an ``until`` other than ``running``/``stopped`` or an unknown
    ``fail_on`` word when the DAG is parsed, and for no ids when the task runs (the ids are
    templated); the task fails with ``AirflowException`` when an outcome is in ``fail_on``::

        ready = WorkloadStatusSensor(
            task_id="wait_until_running",
            workload_ids=["wl-1", "wl-2"],
            until="running",
            timeout=900,
        )
    """

    template_fields = ("workload_ids", "conn_id")

    def __init__(
        self,
        *,
        workload_ids: str | Iterable[str],
        conn_id: str = DEFAULT_CONN_ID,
        until: str = "running",
        deferrable: bool = True,
        fail_on: str | Iterable[str] = "any",
        poll: PollPolicy | Mapping[str, float] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.workload_ids = workload_ids
        self.conn_id = conn_id
        self.until = check_until(until)
        self.deferrable = deferrable
        self.fail_on = parse_fail_on(fail_on)
        self.poll = poll_policy(poll)

    def execute(self, context: Any) -> Any:
        """Defer to the trigger (or poke, when not deferrable)."""
        if not self.deferrable:
            return super().execute(context)
        deadline = None if self.timeout is None else epoch_now() + float(self.timeout)
        self.defer(
            trigger=WorkloadStatusTrigger(
                check_ids(self.workload_ids), self.conn_id, self.until, deadline, self.poll
            ),
            method_name="execute_complete",
        )

    def execute_complete(self, context: Any, event: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Push the trigger's outcomes to XCom and fail the task per ``fail_on``."""
        return complete(context, event["outcomes"], self.fail_on)

    def poke(self, context: Any) -> bool:
        """One status read of every workload: True once all are ``until``; raises per ``fail_on``."""
        ids = check_ids(self.workload_ids)
        found = asyncio.run(self._read(ids))
        outcomes = {wid: _poked(found.get(wid), self.until) for wid in ids}
        if failures(outcomes, self.fail_on) is None and any(o["result"] is None for o in outcomes.values()):
            return False
        complete(context, outcomes, self.fail_on)  # raises when an outcome is in fail_on
        return True

    async def _read(self, ids: list[str]) -> dict[str, Workload]:
        async with WorkloadHook(self.conn_id).get_client() as client:
            return {w.id: w async for w in client.workloads.list(ids=ids)}


def _poked(workload: Workload | None, until: str) -> dict[str, Any]:
    if workload is None:
        return {
            "status": None,
            "ok": False,
            "result": str(Result.MISSING),
            "error": "workload not found",
            "diagnosis": None,
        }
    status = str(workload.status)
    if status == until:
        return {"status": status, "ok": True, "result": str(Result.REACHED), "error": None, "diagnosis": None}
    if workload.status.is_failure and until == WorkloadStatus.RUNNING:
        detail = f"workload {workload.id} is {status}"
        return {
            "status": status,
            "ok": False,
            "result": str(Result.FAILED),
            "error": detail,
            "diagnosis": None,
        }
    return {"status": status, "ok": False, "result": None, "error": None, "diagnosis": None}  # on its way
