"""Models the server returns: workloads, artifacts, deployments, stats, operations and pages, and
what only 11.5 returns: settings replacements, events and workload stats.

Reading is tolerant: every field but the id has a default, ``null`` reads as absent, unknown fields
are dropped by the converter, and unknown enum values are kept (see :mod:`.enums`). What a
workload or artifact echoes of a request is read with the all-optional models of
:mod:`.reported`, never with the strict request models.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

import attrs

from .enums import ArtifactStatus, BuildStatus, Importance, ReplacementStatus, WorkloadStatus
from .reported import ReportedArtifactSpec, ReportedRuntime

__all__ = [
    "Artifact",
    "ArtifactRef",
    "Build",
    "BuildLogLine",
    "ComputeBundle",
    "Creator",
    "Deployment",
    "DeploymentMetrics",
    "DeploymentStats",
    "LogRecord",
    "Operation",
    "Page",
    "Replacement",
    "ReplacementConfig",
    "ReplacementRef",
    "StatsPeriod",
    "StatusCondition",
    "StatusDetails",
    "Workload",
    "WorkloadEvent",
    "WorkloadMetrics",
    "WorkloadStats",
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
    """A workload as the server reports it. Some servers echo ``workloadId`` instead of ``id``.

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
    ``stacktrace`` is the traceback of an error, when it has one."""

    timestamp: datetime | None = None
    level: str | None = None
    message: str | None = None
    span_id: str | None = None
    trace_id: str | None = None
    stacktrace: str | None = None


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


# -- what only the 11.5 generation returns: settings replacements, events and workload stats ----


@attrs.frozen
class ReplacementConfig:
    """How a rolling replacement proceeds."""

    warmup_duration_minutes: float | None = None
    keep_old_version_minutes: float | None = None


@attrs.frozen
class Replacement:
    """A replacement of a workload (API 11.5): a rolling redeploy onto a new artifact
    (``candidate_artifact_id``, from ``client.workloads.replace``) or new settings (``runtime``,
    from ``update_settings``).

    ``status`` settles in ``completed`` (the workload now runs the candidate) or a failure,
    ``errored``, ``failed`` or ``canceled`` (``message`` says why; the workload keeps serving its
    old version).
    """

    id: str
    workload_id: str | None = None
    status: ReplacementStatus = ReplacementStatus.UNKNOWN
    message: str | None = None
    name: str | None = None
    user_id: str | None = None
    tenant_id: str | None = None
    candidate_artifact_id: str | None = None
    candidate_proton_ids: tuple[str, ...] = ()
    previous_proton_ids: tuple[str, ...] = ()
    strategy: str | None = None
    config: ReplacementConfig | None = None
    runtime: ReportedRuntime | None = None
    is_deleted: bool = False
    deleted_at: datetime | None = None
    switched_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen
class Build:
    """An image build of an artifact's container (API 11.5), from ``client.artifacts.build``.

    ``status`` goes ``PENDING``, ``IN_PROGRESS``, ``BUILT`` (not yet pushed), then ``COMPLETED``
    (the container's ``image_uri`` is set: the artifact can be deployed), ``FAILED`` or
    ``CANCELLED`` (see ``client.artifacts.build_logs``).
    """

    id: str
    artifact_id: str | None = None
    status: BuildStatus = BuildStatus.UNKNOWN
    name: str | None = None
    creator: Creator | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen
class BuildLogLine:
    """One line of a build's log (API 11.5). Lines the server writes as JSON are read into
    ``timestamp``, ``level``, ``logger``, ``message`` and ``build_id``; any other line is its own
    ``message``. ``text`` is the line as it came; ``str(line)`` reads ``[timestamp] LEVEL: message``
    (the line itself when it was not JSON)."""

    message: str = ""
    timestamp: str | None = attrs.field(default=None, metadata={"wire": "asctime"})
    level: str | None = attrs.field(default=None, metadata={"wire": "levelname"})
    logger: str | None = attrs.field(default=None, metadata={"wire": "name"})
    build_id: str | None = attrs.field(default=None, metadata={"wire": "build_id"})
    text: str = attrs.field(default="", metadata={"wire": False})

    def __str__(self) -> str:
        if self.level is None and self.timestamp is None:
            return self.text or self.message
        return f"[{self.timestamp or '-'}] {(self.level or 'INFO').upper()}: {self.message}"


@attrs.frozen
class WorkloadEvent:
    """One entry of a workload's event log (API 11.5): ``event_type`` says what happened."""

    id: str
    workload_id: str | None = None
    timestamp: datetime | None = None
    event_type: str | None = None
    actor_id: str | None = None
    details: dict[str, Any] | None = None


@attrs.frozen
class WorkloadMetrics(DeploymentMetrics):
    """Traffic figures of a workload (API 11.5): a deployment's, plus slow requests and error rates
    by kind."""

    slow_requests: int = 0
    server_error_rate: float = 0.0
    user_error_rate: float = 0.0


@attrs.frozen
class WorkloadStats:
    """Traffic through a workload's invoke route over ``period`` (API 11.5)."""

    period: StatsPeriod = attrs.field(factory=StatsPeriod)
    metrics: WorkloadMetrics = attrs.field(factory=WorkloadMetrics)
