"""The string enums of the contract, open to values a newer server may add."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self

__all__ = [
    "ArtifactStatus",
    "BuildStatus",
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
    """Where a replacement (API 11.5: a rolling redeploy onto a new artifact or new settings) is.

    ``COMPLETED`` is success; ``ERRORED``, ``FAILED`` and ``CANCELED`` are failures (the workload
    keeps serving its old version). Every other value, including one this SDK does not know, means
    the replacement is still in progress.
    """

    UNKNOWN = "unknown"
    SUBMITTED = "submitted"
    INITIALIZING = "initializing"
    STAGED = "staged"
    PROMOTING = "promoting"
    FINALIZING = "finalizing"
    CANCELING = "canceling"
    CANDIDATE_WARMING = "candidate-warming"
    AWAITING_PROMOTION = "awaiting_promotion"
    SWITCHING = "switching"
    DELETING = "deleting"
    CLEANING_UP = "cleaning_up"
    COMPLETED = "completed"
    ERRORED = "errored"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def is_settled(self) -> bool:
        """True for ``completed`` and the failures (``errored``, ``failed``, ``canceled``)."""
        return self._value_ in _REPLACEMENT_SETTLED

    @property
    def is_failure(self) -> bool:
        """True for ``errored``, ``failed`` and ``canceled`` (also spelled ``cancelled``)."""
        return self._value_ in _REPLACEMENT_FAILED


_REPLACEMENT_FAILED = frozenset({"errored", "failed", "canceled", "cancelled"})
_REPLACEMENT_SETTLED = _REPLACEMENT_FAILED | {"completed"}


class BuildStatus(_OpenStrEnum):
    """Where an image build of an artifact (API 11.5) is: ``PENDING``, ``IN_PROGRESS``, ``BUILT``
    (built, not yet pushed: still running), then ``COMPLETED`` (the only status whose image can be
    deployed), ``FAILED`` or ``CANCELLED``. Any other value is still running.

    Servers also write ``in-progress`` or ``completed``: any case, ``-`` for ``_``, and
    ``CANCELED`` read as the declared members.
    """

    UNKNOWN = "UNKNOWN"
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    BUILT = "BUILT"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @classmethod
    def _missing_(cls, value: object) -> BuildStatus | None:
        if isinstance(value, str):
            folded = value.replace("-", "_").casefold()
            folded = "cancelled" if folded == "canceled" else folded
            for declared in cls.__members__.values():
                if declared._value_.casefold() == folded:
                    return declared
        return super()._missing_(value)

    @property
    def is_settled(self) -> bool:
        """True for ``COMPLETED``, ``FAILED`` and ``CANCELLED``."""
        return self in (BuildStatus.COMPLETED, BuildStatus.FAILED, BuildStatus.CANCELLED)

    @property
    def is_failure(self) -> bool:
        """True for ``FAILED`` and ``CANCELLED``."""
        return self in (BuildStatus.FAILED, BuildStatus.CANCELLED)


class ProtonRole(_OpenStrEnum):
    """What a proton is to its workload (API 11.5): the ``active`` one serves it; a ``candidate``
    is the one a settings replacement is bringing up. A proton with no role (None) served once."""

    ACTIVE = "active"
    CANDIDATE = "candidate"
