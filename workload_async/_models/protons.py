"""What the server says of a workload's protons (API 11.5): the running instances of it, and the
status snapshot of one, down to its replicas and their containers (``api-live.md`` §3).

Read as tolerantly as every response: every field but an id may be missing or null, unknown
fields are dropped and unknown values kept.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from .enums import ProtonRole, WorkloadStatus
from .reported import ReportedRuntime

__all__ = [
    "ContainerState",
    "OverallStatus",
    "Proton",
    "ProtonSnapshot",
    "ProtonStatusDetails",
    "Replica",
    "ReplicaCondition",
]


@attrs.frozen
class ProtonStatusDetails:
    """The last lines a proton's containers wrote while it started."""

    log_tail: tuple[str, ...] = ()


@attrs.frozen
class Proton:
    """One running instance of a workload: one artifact on one runtime (API 11.5).

    ``role`` is ``active`` for the one serving the workload (its status is the workload's),
    ``candidate`` for one a settings replacement is bringing up, None for one that served
    before. What ``client.workloads.protons(workload_id)`` yields::

        async for proton in client.workloads.protons(workload_id):
            print(proton.id, proton.role, proton.status)
    """

    id: str
    name: str | None = None
    workload_id: str | None = None
    artifact_id: str | None = None
    status: WorkloadStatus = WorkloadStatus.UNKNOWN
    role: ProtonRole | None = None
    runtime: ReportedRuntime | None = None
    endpoint: str | None = None
    running_since: datetime | None = None
    status_details: ProtonStatusDetails | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen
class OverallStatus:
    """A proton's state as the cluster's monitor sums it up: ``summary`` says why in words
    (``ImagePullBackOff: ...``), ``last_updated`` when the state last changed."""

    state: WorkloadStatus = WorkloadStatus.UNKNOWN
    summary: str | None = None
    last_updated: datetime | None = None


@attrs.frozen
class ReplicaCondition:
    """One condition of a replica (``PodScheduled``, ``Initialized``, ``ContainersReady``,
    ``Ready``): ``met`` is True, False, or None when unknown. Some servers say ``value`` for
    ``met``; it reads the same."""

    type: str | None = None
    met: bool | None = attrs.field(default=None, metadata={"fallback": "value"})
    since: datetime | None = None


@attrs.frozen
class ContainerState:
    """One container of a replica: ``status`` is ``running``, ``waiting``, ``terminated`` or
    ``unknown``; ``restart_count`` how often it was restarted (a crash loop counts up)."""

    name: str | None = None
    image: str | None = None
    status: str | None = None
    ready: bool | None = None
    restart_count: int = 0
    started_at: datetime | None = None


@attrs.frozen
class Replica:
    """One replica of a proton: ``status`` is its phase (``pending``, ``running``,
    ``succeeded``, ``failed``, ``unknown``), with its conditions and containers."""

    name: str | None = None
    status: str | None = None
    address: str | None = None
    node_address: str | None = None
    started_at: datetime | None = None
    conditions: tuple[ReplicaCondition, ...] = ()
    containers: tuple[ContainerState, ...] = ()


@attrs.frozen
class ProtonSnapshot:
    """The latest status of a proton's replicas (API 11.5), as
    ``client.workloads.proton_status(workload_id, proton_id)`` returns it (None before the
    proton's first status update)::

        snapshot = await client.workloads.proton_status(workload.id, workload.proton_id)
        if snapshot is not None:
            for replica in snapshot.replicas:
                for container in replica.containers:
                    print(container.name, container.status, container.restart_count)
    """

    overall_status: OverallStatus = attrs.field(factory=OverallStatus)
    replicas: tuple[Replica, ...] = ()
