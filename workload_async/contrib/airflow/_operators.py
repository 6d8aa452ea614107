"""``StartWorkloadsOperator`` and ``StopWorkloadsOperator``: bulk requests, then a deferred wait."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from airflow.exceptions import AirflowException
from airflow.sdk import BaseOperator

from workload_async import BulkResult, Client, PollPolicy

from ._hook import WorkloadHook
from ._outcomes import Result, error_outcome, failures, parse_fail_on
from ._provider import DEFAULT_CONN_ID
from ._trigger import WorkloadStatusTrigger, check_ids, poll_policy

__all__ = ["StartWorkloadsOperator", "StopWorkloadsOperator", "complete"]

log = logging.getLogger("workload_async.contrib.airflow")
XCOM_KEY = "outcomes"
#: The most diagnoses written to the task's log (the rest are in the XCom outcomes).
SHOWN = 10


def complete(
    context: Mapping[str, Any], outcomes: dict[str, dict[str, Any]], fail_on: frozenset[Result]
) -> dict[str, dict[str, Any]]:
    """Push ``outcomes`` to XCom (key ``outcomes``), then fail the task if ``fail_on`` says so."""
    context["ti"].xcom_push(key=XCOM_KEY, value=outcomes)
    reached = sum(1 for o in outcomes.values() if o["ok"])
    log.info("%d of %d workloads reached their status", reached, len(outcomes))
    diagnosed = [(wid, o["diagnosis"]) for wid, o in outcomes.items() if not o["ok"] and o.get("diagnosis")]
    for wid, diagnosis in diagnosed[:SHOWN]:  # why they are stuck, in the task's log
        log.warning("workload %s: %s", wid, diagnosis)
    if len(diagnosed) > SHOWN:
        log.warning("... and %d more diagnosed in the XCom outcomes", len(diagnosed) - SHOWN)
    message = failures(outcomes, fail_on)
    if message is not None:
        raise AirflowException(message)
    return outcomes


class _BulkOperator(BaseOperator):
    """Sends one request per workload, then defers to :class:`WorkloadStatusTrigger`."""

    template_fields = ("workload_ids", "conn_id")
    _until: ClassVar[str]

    def __init__(
        self,
        *,
        workload_ids: str | Iterable[str],
        conn_id: str = DEFAULT_CONN_ID,
        timeout: float | None = 1800.0,
        fail_on: str | Iterable[str] = "any",
        poll: PollPolicy | Mapping[str, float] | None = None,
        concurrency: int = 32,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.workload_ids = workload_ids
        self.conn_id = conn_id
        if timeout is not None and timeout <= 0:
            raise ValueError(f"timeout must be > 0 seconds or None, got {timeout!r}")
        self.timeout = timeout
        self.fail_on = parse_fail_on(fail_on)
        self.poll = poll_policy(poll)
        if concurrency < 1:
            raise ValueError(f"concurrency must be >= 1, got {concurrency!r}")
        self.concurrency = concurrency

    async def _send(self, client: Client, ids: list[str]) -> dict[str, BulkResult]:
        raise NotImplementedError

    async def _request(self, ids: list[str]) -> tuple[float | None, dict[str, BulkResult]]:
        async with WorkloadHook(self.conn_id).get_client() as client:
            now = client.clock.now().timestamp()
            return (None if self.timeout is None else now + self.timeout), await self._send(client, ids)

    def execute(self, context: Any) -> Any:
        """Send the requests (outside any event loop), then defer until the workloads settle."""
        ids = check_ids(self.workload_ids)
        deadline, results = asyncio.run(self._request(ids))
        refused = {wid: error_outcome(r.error) for wid, r in results.items() if r.error is not None}
        waiting = [wid for wid in ids if wid not in refused]
        if not waiting:
            return complete(context, refused, self.fail_on)
        self.defer(
            trigger=WorkloadStatusTrigger(waiting, self.conn_id, self._until, deadline, self.poll),
            method_name="execute_complete",
            kwargs={"refused": refused},
        )

    def execute_complete(
        self, context: Any, event: dict[str, Any], refused: dict[str, dict[str, Any]] | None = None
    ) -> dict[str, dict[str, Any]]:
        """Merge the refused requests with the trigger's outcomes, push them, fail per ``fail_on``."""
        ids = check_ids(self.workload_ids)
        outcomes = {**(refused or {}), **event["outcomes"]}
        return complete(context, {wid: outcomes[wid] for wid in ids if wid in outcomes}, self.fail_on)


class StartWorkloadsOperator(_BulkOperator):
    """Start many workloads, then wait (deferred) until each is ``running``.

    - ``workload_ids``: one id or many (templated).
    - ``conn_id``: a ``datarobot_workload`` connection.
    - ``timeout``: seconds from the start of the task to an absolute deadline that the deferred
      wait keeps across triggerer restarts (``None``: no limit).
    - ``fail_on``: which outcomes fail the task: ``"any"`` (the default), ``"never"``, or some of
      ``failed``, ``timed_out``, ``missing``, ``error``.
    - ``poll``: the poll cadence; ``concurrency``: start requests in flight at once.

    The per-workload outcomes (``status``, ``ok``, ``result``, ``error``) are pushed to XCom under
    the key ``outcomes``, whether the task passes or fails. A workload whose start request fails
    is not waited for; its outcome says why.

    Raises ``ValueError`` for a ``timeout`` that is not positive, ``concurrency`` below 1 or an
    unknown ``fail_on`` word when the DAG is parsed, and for no ids when the task runs (the ids
    are templated); the task fails with ``AirflowException`` (naming the first failing workload)
    when an outcome is in ``fail_on``::

        start = StartWorkloadsOperator(
            task_id="start_fleet",
            workload_ids="{{ params.workload_ids }}",
            timeout=1800,
            fail_on=["failed", "missing"],
        )
    """

    _until = "running"

    async def _send(self, client: Client, ids: list[str]) -> dict[str, BulkResult]:
        return await client.workloads.start_many(ids, concurrency=self.concurrency, timeout=self.timeout)


class StopWorkloadsOperator(_BulkOperator):
    """Stop many workloads, then wait (deferred) until each is ``stopped``.

    It takes the same arguments as :class:`StartWorkloadsOperator`, raises the same way and pushes
    the same outcomes::

        stop = StopWorkloadsOperator(task_id="stop_fleet", workload_ids=ids, timeout=600)
    """

    _until = "stopped"

    async def _send(self, client: Client, ids: list[str]) -> dict[str, BulkResult]:
        return await client.workloads.stop_many(ids, concurrency=self.concurrency, timeout=self.timeout)
