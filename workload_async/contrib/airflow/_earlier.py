"""What an earlier try of a rollout or build task left on the server, read before the task starts
anything, so that a retried task starts its work exactly once (API 11.5).

A task can die after its request reached the server and before it deferred (a worker lost, a
timeout), or its deferred wait can end before the work did. Its next try asks the server what is
there rather than asking again:

- :func:`replacement_to_wait_for`: a replacement onto the task's artifact that is queued or in
  progress (the workload's history lists it from the moment it was asked for, while the workload
  may show none yet, or another one that runs first); on a retry, one that completed since the
  DAG run began;
- :func:`builds_to_wait_for`: the artifact's latest builds while any of them runs; on a retry, all
  of them ``COMPLETED`` since the DAG run began.

:func:`retried_since` reads from the task's context whether the task runs again, and since when an
earlier try can have started anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import aclosing
from datetime import datetime
from typing import Any

from workload_async import Build, BuildStatus, Client, ContainerBuild, Replacement, ReplacementStatus

__all__ = ["builds_to_wait_for", "replacement_to_wait_for", "retried_since"]


def retried_since(context: Mapping[str, Any]) -> datetime | None:
    """When the DAG run of a task's retry began (the earliest an earlier try can have started
    anything); None on a first try, or when the context does not say."""
    try_number = getattr(context.get("ti"), "try_number", None)
    if isinstance(try_number, bool) or not isinstance(try_number, int) or try_number <= 1:
        return None
    started = getattr(context.get("dag_run"), "start_date", None)
    return started if isinstance(started, datetime) and started.tzinfo is not None else None


def _since(when: datetime | None, since: datetime | None) -> bool:
    return since is not None and when is not None and when >= since


def _running_onto(replacement: Replacement, artifact_id: str) -> bool:
    return not replacement.status.is_settled and replacement.candidate_artifact_id == artifact_id


async def replacement_to_wait_for(
    client: Client, workload_id: str, artifact_id: str, since: datetime | None
) -> Replacement | None:
    """The replacement of the workload a task rolling ``artifact_id`` onto it waits for instead of
    asking for one: the newest onto that artifact still queued or in progress; else, when
    ``since`` is given (a retry, see :func:`retried_since`), the workload's newest replacement if
    it is onto that artifact, was asked for since then and completed. None: ask for one.

    Raises from the error tree when the workload's history or replacement cannot be read.
    """
    newest: Replacement | None = None
    pending: Replacement | None = None
    async with aclosing(client.workloads.history(workload_id).__aiter__()) as listed:
        async for replacement in listed:  # newest first
            if newest is None:
                newest = replacement
            if replacement.status.is_settled:
                break  # replacements run one after another: the ones before it ended too
            if pending is None and _running_onto(replacement, artifact_id):
                pending = replacement
    if pending is None:  # what the workload shows, should its history lag behind it
        current = await client.workloads.replacement(workload_id)
        if current is not None and _running_onto(current, artifact_id):
            pending = current
    if pending is not None:
        return pending
    if (
        newest is not None
        and newest.status is ReplacementStatus.COMPLETED
        and newest.candidate_artifact_id == artifact_id
        and _since(newest.created_at, since)
    ):
        return newest
    return None


async def builds_to_wait_for(client: Client, artifact_id: str, since: datetime | None) -> tuple[str, ...]:
    """The ids of the builds a task building ``artifact_id`` waits for instead of starting new
    ones: the latest build of each container built from source, while one of them runs (none has
    failed); when ``since`` is given (a retry), also once all of them completed, if they started
    since then. An artifact that does not show its containers' builds: the builds it lists that
    run. Empty: start new builds.

    Raises from the error tree when the artifact or its builds cannot be read.
    """
    artifact = await client.artifacts.get(artifact_id)
    groups = () if artifact.spec is None else artifact.spec.container_groups
    latest: list[ContainerBuild | None] = [
        c.build for g in groups for c in g.containers if c.image_build_config is not None
    ]
    shown = [b for b in latest if b is not None and b.artifact_image_build_id]
    if not shown or len(shown) < len(latest):
        listed: list[Build] = await client.artifacts.builds(artifact_id).collect()
        return tuple(b.id for b in listed if not b.status.is_settled)
    ids = tuple(b.artifact_image_build_id for b in shown if b.artifact_image_build_id)
    if any(b.status.is_failure for b in shown):
        return ()  # that start failed: a new one builds every container again
    if not all(b.status.is_settled for b in shown):
        return ids
    if all(b.status is BuildStatus.COMPLETED and _since(b.created_at, since) for b in shown):
        return ids
    return ()
