"""``WorkloadStatusTrigger``: waits in the triggerer, on the connection's shared client."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

import attrs
from airflow.triggers.base import BaseTrigger, TriggerEvent

from workload_async import PollPolicy, WorkloadStatus

from ._hook import WorkloadHook
from ._outcomes import outcome_json
from ._provider import DEFAULT_CONN_ID
from ._shared import SharedClients

__all__ = ["WorkloadStatusTrigger", "check_ids", "check_until", "poll_policy"]

CLASSPATH = "workload_async.contrib.airflow.WorkloadStatusTrigger"


def check_ids(workload_ids: str | Iterable[str]) -> list[str]:
    """One id or several, as a list without repeats; each a non-empty string, at least one."""
    ids = [workload_ids] if isinstance(workload_ids, str) else list(workload_ids)
    for value in ids:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"workload_ids must hold non-empty strings, got {value!r}")
    if not ids:
        raise ValueError("workload_ids must name at least one workload")
    return list(dict.fromkeys(ids))


def check_until(until: str) -> str:
    """``running`` or ``stopped``."""
    if str(until) not in (WorkloadStatus.RUNNING, WorkloadStatus.STOPPED):
        raise ValueError(f"until must be 'running' or 'stopped', got {until!r}")
    return str(until)


def poll_policy(poll: PollPolicy | Mapping[str, float] | None) -> dict[str, float] | None:
    """A poll policy as the plain dict a serialized trigger carries (checked by building it)."""
    if poll is None:
        return None
    policy = poll if isinstance(poll, PollPolicy) else PollPolicy(**poll)
    return attrs.asdict(policy)


class WorkloadStatusTrigger(BaseTrigger):
    """Fires once every workload in ``workload_ids`` has settled, with one outcome per workload.

    - ``conn_id``: a ``datarobot_workload`` connection; every trigger of the triggerer process
      that uses it shares one client, so their waits share one batched poller.
    - ``until``: ``"running"`` or ``"stopped"``.
    - ``deadline``: an absolute time in epoch seconds (UTC), so a trigger re-created after a
      triggerer restart keeps the original deadline; ``None`` waits with no limit.
    - ``poll``: the poll cadence, a :class:`~workload_async.PollPolicy` or its fields as a dict.

    The event's payload is ``{"until": ..., "ok": <all reached>, "outcomes": {id: {"status",
    "ok", "result", "error"}}}``, ``result`` being ``reached``, ``failed``, ``timed_out``,
    ``missing`` or ``error``. The trigger only reads, so running it twice (during a triggerer
    failover) is harmless.

    Raises ``ValueError`` for no ids, an empty id, an ``until`` other than ``running`` or
    ``stopped``, or a ``deadline`` that is not epoch seconds. A custom operator defers to it::

        self.defer(
            trigger=WorkloadStatusTrigger(workload_ids=ids, until="running", deadline=time.time() + 600),
            method_name="execute_complete",
        )
    """

    def __init__(
        self,
        workload_ids: str | Iterable[str],
        conn_id: str = DEFAULT_CONN_ID,
        until: str = "running",
        deadline: float | None = None,
        poll: PollPolicy | Mapping[str, float] | None = None,
    ) -> None:
        super().__init__()
        self.workload_ids = check_ids(workload_ids)
        self.conn_id = conn_id
        self.until = check_until(until)
        if deadline is not None and (
            isinstance(deadline, bool) or not isinstance(deadline, int | float) or not math.isfinite(deadline)
        ):
            raise ValueError(f"deadline must be epoch seconds or None, got {deadline!r}")
        self.deadline = None if deadline is None else float(deadline)
        self.poll = poll_policy(poll)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The class path and the keyword arguments that re-create this trigger."""
        return (
            CLASSPATH,
            {
                "workload_ids": list(self.workload_ids),
                "conn_id": self.conn_id,
                "until": self.until,
                "deadline": self.deadline,
                "poll": None if self.poll is None else dict(self.poll),
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Wait on the shared client, return the lease, then yield the one event."""
        hook = WorkloadHook(self.conn_id)
        async with SharedClients.of_running_loop().lease(self.conn_id, hook.aget_client) as client:
            timeout = None if self.deadline is None else self.deadline - client.clock.now().timestamp()
            outcomes = await client.workloads.wait_many(
                self.workload_ids,
                until=WorkloadStatus(self.until),
                timeout=None if timeout is None else max(0.0, timeout),
                poll=None if self.poll is None else PollPolicy(**self.poll),
            )
        payload = {wid: outcome_json(outcomes[wid]) for wid in self.workload_ids}
        yield TriggerEvent(
            {"until": self.until, "ok": all(o["ok"] for o in payload.values()), "outcomes": payload}
        )
