"""Models the server returns: workloads, artifacts, deployments, stats, operations and pages. What
only the activity methods return (settings replacements, events, workload stats) is in
:mod:`.activity`, imported when one of them is first used.

Reading is tolerant: every field but the id has a default, ``null`` reads as absent, unknown fields
are dropped by the converter, and unknown enum values are kept (see :mod:`.enums`). What a
workload or artifact echoes of a request is read with the all-optional models of
:mod:`.reported`, never with the strict request models.
"""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

import attrs

from .enums import ArtifactStatus, Importance, ReplacementStatus, WorkloadStatus
from .reported import ReportedArtifactSpec, ReportedRuntime

__all__ = [
    "Artifact",
    "ArtifactRef",
    "ComputeBundle",
    "Creator",
    "Deployment",
    "DeploymentMetrics",
    "DeploymentStats",
    "LogRecord",
    "Operation",
    "Page",
    "ReplacementRef",
    "StatsPeriod",
    "StatusCondition",
    "StatusDetails",
    "Workload",
]

T = TypeVar("T")


@attrs.frozen
class StatusCondition:
    """One condition of a workload's ``statusDetails`` (Kubernetes style)."""

    type: str
    status: str | None = None
    reason: str | None = None
    message: str | None = None
    last_transition_time: datetime | None = None


@attrs.frozen
class StatusDetails:
    """Why a workload is in its status: conditions and the container's last log lines."""

    conditions: tuple[StatusCondition, ...] = ()
    log_tail: tuple[str, ...] = ()


@attrs.frozen
class ArtifactRef:
    """The short form of an artifact embedded in a workload."""

    id: str | None = None
    name: str | None = None
    status: ArtifactStatus | None = None
    version: int | None = None
    type: str | None = None

    @property
    def is_locked(self) -> bool:
        """True when the artifact is locked: ``registered`` (v2.41) or ``locked`` (11.5)."""
        return self.status is not None and ArtifactStatus(self.status).is_locked


@attrs.frozen
class Creator:
    """The user who created a resource."""

    id: str | None = None
    email: str | None = None


@attrs.frozen
class ReplacementRef:
    """The replacement a workload is going through (API 11.5), as the workload shows it: briefly
    None right after one is asked for, then its status until it settles; a ``completed`` one is
    cleared about a second later, a failed one stays until the next change. Some servers also
    send its ``id`` and ``message``."""

    status: ReplacementStatus = ReplacementStatus.UNKNOWN
    strategy: str | None = None
    candidate_proton_ids: tuple[str, ...] = ()
    id: str | None = None
    message: str | None = None


@attrs.frozen
class Workload:
    r"""A workload as the server reports it. Some servers echo ``workloadId`` instead of ``id``.

    What :meth:`client.workloads.get`, ``create``, ``list`` and the waits return. ``status`` is a
    :class:`WorkloadStatus` (``unknown`` when the server did not say; a value this SDK does not
    know is kept, not refused); ``status_details`` holds the conditions and the container's last
    log lines; ``runtime`` is what the server reports of the runtime, defaults filled in;
    ``endpoint`` is where the running application is served. Every field but ``id`` may be None
    when the server leaves it out::

        workload = await client.workloads.get(workload_id)
        if workload.status.is_failure and workload.status_details:
            print("\n".join(workload.status_details.log_tail))
    """

    id: str = attrs.field(metadata={"fallback": "workloadId"})
    status: WorkloadStatus = WorkloadStatus.UNKNOWN
    name: str | None = None
    status_details: StatusDetails | None = None
    artifact_id: str | None = None
    artifact: ArtifactRef | None = None
    runtime: ReportedRuntime | None = None
    endpoint: str | None = None
    creator: Creator | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    #: 11.5 only: what it is for, how much it matters, its artifact's type, what runs it now and
    #: the settings replacement in progress (None when none is)
    description: str | None = None
    importance: Importance | None = None
    type: str | None = None
    proton_id: str | None = None
    replacement: ReplacementRef | None = None


@attrs.frozen
class Artifact:
    """An artifact: what a workload runs. ``version`` is None while it is a draft.

    ``status`` is None when the server does not say; ``is_locked`` is True for a registered
    (v2.41) or locked (11.5) one, which is immutable and cannot be deleted. What
    ``client.artifacts`` returns::

        artifact = await client.artifacts.create(InputArtifact.single("app", container))
        artifact = await client.artifacts.register(artifact.id)
        assert artifact.is_locked and artifact.version is not None
    """

    id: str
    name: str | None = None
    description: str | None = None
    type: str | None = None
    status: ArtifactStatus | None = None
    version: int | None = None
    spec: ReportedArtifactSpec | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_locked(self) -> bool:
        """True when the artifact is locked: ``registered`` (v2.41) or ``locked`` (11.5)."""
        return self.status is not None and ArtifactStatus(self.status).is_locked


@attrs.frozen
class Deployment:
    """A deployment: a stable, named front of a workload. ``status`` is the workload's status.

    API v2.41 only; what ``client.deployments`` returns::

        deployment = await client.deployments.create(name="whoami-prod", workload_id=workload.id)
        response = await client.deployments.invoke(deployment.id, "predict", method="POST", json={"x": 1})
    """

    id: str
    name: str | None = None
    description: str | None = None
    workload_id: str | None = None
    importance: Importance | None = None
    status: WorkloadStatus | None = None
    endpoint: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    #: The workload itself, when listed with ``with_workload=True``; None otherwise.
    workload: Workload | None = None


@attrs.frozen
class LogRecord:
    """One record of a workload's log. ``level`` is the severity (``INFO``, ``ERROR``, ...);
    ``stacktrace`` is the traceback of an error, when it has one.

    ``position`` (records that ``follow_logs`` yields, when they have a timestamp) is where the
    record is in the log, as an opaque string to keep: ``follow_logs(workload_id,
    after=record.position)`` resumes after it, repeating nothing. It is not the server's and does
    not take part in comparisons.
    """

    timestamp: datetime | None = None
    level: str | None = None
    message: str | None = None
    span_id: str | None = None
    trace_id: str | None = None
    stacktrace: str | None = None
    position: str | None = attrs.field(default=None, eq=False)


@attrs.frozen
class ComputeBundle:
    """A size of machine a workload can run on (``runtime.resources[].resource_bundle_id``).

    ``memory_bytes`` and ``gpu_memory_bytes`` are in bytes; ``use_cases`` says what the bundle
    serves (``customModel``, ``customApplication``, ``workload``).
    """

    id: str
    name: str | None = None
    description: str | None = None
    cpu_count: float | None = None
    memory_bytes: int | None = None
    gpu_count: int | None = None
    gpu_type: str | None = None
    gpu_memory_bytes: int | None = None
    use_cases: tuple[str, ...] = ()


@attrs.frozen
class StatsPeriod:
    """The time window stats were counted over."""

    start: datetime | None = None
    end: datetime | None = None


@attrs.frozen
class DeploymentMetrics:
    """Traffic figures of a deployment. ``response_time`` is the median in milliseconds."""

    total_requests: int = 0
    requests_per_minute: float = 0.0
    concurrent_requests: int = 0
    response_time: float | None = None
    server_errors: int = 0
    user_errors: int = 0
    total_error_rate: float = 0.0


@attrs.frozen
class DeploymentStats:
    """Traffic through a deployment's invoke route over ``period``."""

    deployment_id: str
    period: StatsPeriod = StatsPeriod()
    metrics: DeploymentMetrics = DeploymentMetrics()


@attrs.frozen
class Operation:
    """The answer to a start or stop.

    ``accepted`` is True when the server took the request (202) and False when the workload was
    already in or on its way to that state (200, a no-op). ``status`` is the server's human text.
    """

    workload_id: str | None = None
    status: str | None = None
    track_via: str | None = None
    accepted: bool = attrs.field(default=True, metadata={"wire": False})


@attrs.frozen
class Page(Generic[T]):
    """One page of a listing: ``data`` and the links around it."""

    data: tuple[T, ...] = ()
    count: int = 0
    total_count: int = 0
    next: str | None = None
    previous: str | None = None
