"""Models of a workload's activity (API 11.5): its settings replacements, its event log and its
traffic stats, as ``client.workloads.update_settings``, ``history``, ``events`` and ``stats`` return
them.

A module of their own so that a program loads them only when it first calls one of those methods
(most never do); they read as tolerantly as every model of :mod:`.outputs`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from .enums import ReplacementStatus
from .outputs import DeploymentMetrics, StatsPeriod
from .reported import ReportedRuntime

__all__ = ["Replacement", "ReplacementConfig", "WorkloadEvent", "WorkloadMetrics", "WorkloadStats"]


@attrs.frozen
class ReplacementConfig:
    """How a rolling replacement proceeds."""

    warmup_duration_minutes: float | None = None
    keep_old_version_minutes: float | None = None


@attrs.frozen
class Replacement:
    """A settings change of a workload (API 11.5): a rolling redeploy onto ``runtime``.

    ``status`` settles in ``completed`` (the workload now runs on ``runtime``) or ``errored``
    (``message`` says why; the workload keeps its old settings).
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
