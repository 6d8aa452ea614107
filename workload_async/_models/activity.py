"""Models of what happens to workloads and artifacts over time (API 11.5): replacements (rolling
redeploys onto another artifact or other settings), image builds and their logs, a workload's event
log and its traffic stats.

They read as tolerantly as every model of :mod:`.outputs`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from .enums import BuildStatus, ReplacementStatus
from .outputs import Creator, DeploymentMetrics, StatsPeriod
from .reported import ReportedRuntime

__all__ = [
    "Build",
    "BuildLogLine",
    "Replacement",
    "ReplacementConfig",
    "WorkloadEvent",
    "WorkloadMetrics",
    "WorkloadStats",
]


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
