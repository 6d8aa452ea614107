"""The string enums of the contract, open to values a newer server may add."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self

__all__ = [
    "ArtifactStatus",
    "Importance",
    "ProtonRole",
    "ReplacementStatus",
    "ScalingMetricType",
    "WorkloadStatus",
]


class _OpenStrEnum(StrEnum):
    """A StrEnum that keeps values it does not know instead of raising.

    A value that differs from a declared one only in case is that member
    (``WorkloadStatus("Running") is WorkloadStatus.RUNNING``). Any other string gives a
    pseudo-member: ``WorkloadStatus("provisioning")`` has the ``value`` ``"provisioning"``,
    compares equal to that string, and is never one of the declared members (``is_known`` is
    False).
    """

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        folded = value.casefold()
        for declared in cls.__members__.values():
            if declared._value_.casefold() == folded:
                return declared
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """True when this value is one the SDK declares."""
        return type(self).__members__.get(self._name_) is self

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self._name_}: {self._value_!r}>"

    def __reduce_ex__(self, protocol: Any) -> Any:
        return type(self), (self._value_,)


class WorkloadStatus(_OpenStrEnum):
    """The lifecycle status of a workload.

    Only ``RUNNING``, ``STOPPED`` and ``ERRORED`` (and ``TERMINATED``, reported by the newer API
    generation) are settled; anything else, including values this SDK does not know, is
    "still changing".
    """

    UNKNOWN = "unknown"
    SUBMITTED = "submitted"
    INITIALIZING = "initializing"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"
    ERRORED = "errored"
    TERMINATED = "terminated"
    # reported by the 11.5 generation only; all still changing
    PROVISIONING = "provisioning"
    LAUNCHING = "launching"
    WARMING = "warming"
    DRAINING = "draining"
    SUSPENDED = "suspended"
    INTERRUPTED = "interrupted"

    @property
    def is_settled(self) -> bool:
        """True for ``running``, ``stopped``, ``errored`` and ``terminated``."""
        return self in _SETTLED

    @property
    def is_failure(self) -> bool:
        """True for ``errored`` and ``terminated``."""
        return self in _FAILED


_SETTLED = frozenset(
    {WorkloadStatus.RUNNING, WorkloadStatus.STOPPED, WorkloadStatus.ERRORED, WorkloadStatus.TERMINATED}
)
_FAILED = frozenset({WorkloadStatus.ERRORED, WorkloadStatus.TERMINATED})


class ArtifactStatus(_OpenStrEnum):
    """``draft`` artifacts are editable; ``registered`` (v2.41) and ``locked`` (11.5) ones are
    locked: immutable, versioned. Either word asks a client for a lock in its own dialect."""

    DRAFT = "draft"
    REGISTERED = "registered"
    LOCKED = "locked"

    @property
    def is_locked(self) -> bool:
        """True for ``registered`` and ``locked``."""
        return self in (ArtifactStatus.REGISTERED, ArtifactStatus.LOCKED)


class ScalingMetricType(_OpenStrEnum):
    """The metric an autoscaling policy follows."""

    CPU_AVERAGE_UTILIZATION = "cpuAverageUtilization"
    HTTP_REQUESTS_PER_HOUR = "httpRequestsPerHour"
    HTTP_REQUESTS_IN_FLIGHT = "httpRequestsInFlight"
    HTTP_REQUESTS_CONCURRENCY = "httpRequestsConcurrency"
    GPU_CACHE_UTILIZATION = "gpuCacheUtilization"  #: 11.5 only, for ``nim`` artifacts
    GPU_REQUEST_QUEUE_DEPTH = "gpuRequestQueueDepth"  #: 11.5 only, for ``nim`` artifacts


class Importance(_OpenStrEnum):
    """How important a deployment is."""

    CRITICAL = "critical"
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


class ReplacementStatus(_OpenStrEnum):
    """Where a settings replacement (API 11.5) is; only ``COMPLETED`` and ``ERRORED`` are settled."""

    UNKNOWN = "unknown"
    SUBMITTED = "submitted"
    INITIALIZING = "initializing"
    AWAITING_PROMOTION = "awaiting_promotion"
    SWITCHING = "switching"
    DELETING = "deleting"
    COMPLETED = "completed"
    ERRORED = "errored"
    CLEANING_UP = "cleaning_up"

    @property
    def is_settled(self) -> bool:
        """True for ``completed`` and ``errored``."""
        return self in (ReplacementStatus.COMPLETED, ReplacementStatus.ERRORED)


class ProtonRole(_OpenStrEnum):
    """What a proton is to its workload (API 11.5): the ``active`` one serves it; a ``candidate``
    is the one a settings replacement is bringing up. A proton with no role (None) served once."""

    ACTIVE = "active"
    CANDIDATE = "candidate"
