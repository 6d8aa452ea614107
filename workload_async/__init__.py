"""workload-async: the async-first Python SDK for the DataRobot Workload API (v2.41).

>>> from workload_async import Client, WorkloadStatus
>>> async def main():                                       # doctest: +SKIP
...     async with Client() as client:                      # DATAROBOT_ENDPOINT / DATAROBOT_API_TOKEN
...         wl = await client.workloads.wait(workload_id, until=WorkloadStatus.RUNNING)

Everything public is re-exported here; the modules with a leading underscore are private.
"""

from typing import TYPE_CHECKING, Any

from ._client import Client
from ._clock import Clock, FakeClock, SystemClock
from ._http.pagination import AsyncPager
from ._http.pool import SessionPool
from ._http.responses import Response, StreamingResponse, WebSocket
from ._http.sse import ServerSentEvent
from ._models.enums import (
    ArtifactStatus,
    Importance,
    ProtonRole,
    ReplacementStatus,
    ScalingMetricType,
    WorkloadStatus,
)
from ._models.inputs import (
    ArtifactSpec,
    Autoscaling,
    Capabilities,
    Container,
    ContainerGroup,
    ContainerResources,
    CredentialEnvironmentVariable,
    EnvironmentVariable,
    GroupRuntime,
    InputArtifact,
    ProbeConfig,
    ResourceAllocation,
    ResourceBundle,
    ResourceRequest,
    ScalingPolicy,
    SeccompProfile,
    SecurityContext,
    WorkloadRuntime,
    gib,
    mib,
)
from ._models.json import from_json, to_json
from ._models.outputs import (
    Artifact,
    ArtifactRef,
    ComputeBundle,
    Creator,
    Deployment,
    DeploymentMetrics,
    DeploymentStats,
    LogRecord,
    Operation,
    Page,
    Replacement,
    ReplacementConfig,
    ReplacementRef,
    StatsPeriod,
    StatusCondition,
    StatusDetails,
    Workload,
    WorkloadEvent,
    WorkloadMetrics,
    WorkloadStats,
)
from ._models.protons import (
    ContainerState,
    OverallStatus,
    Proton,
    ProtonSnapshot,
    ProtonStatusDetails,
    Replica,
    ReplicaCondition,
)
from ._models.reported import (
    ReportedArtifactSpec,
    ReportedAutoscaling,
    ReportedContainer,
    ReportedContainerGroup,
    ReportedContainerResources,
    ReportedEnvironmentVariable,
    ReportedGroupRuntime,
    ReportedProbe,
    ReportedResourceBundle,
    ReportedResourceRequest,
    ReportedRuntime,
    ReportedScalingPolicy,
    ReportedSeccompProfile,
    ReportedSecurityContext,
    ResolvedBundle,
)
from ._models.stats import (
    FleetConcurrency,
    FleetErrorRate,
    FleetRequests,
    FleetResponseTime,
    FleetStats,
    FleetWorkloads,
    MetricSeries,
    SeriesSummary,
)
from ._observe.hooks import Hooks, RequestEvent, RetryEvent, StatusChangeEvent
from ._policies import PollPolicy, RetryPolicy
from ._version import package_version
from ._waiting.bulk import BulkResult, BulkState
from ._waiting.waits import ReturnWhen, WaitOutcome
from .errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    FieldError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ReplacementFailedError,
    RequestTimeoutError,
    ResponseDecodeError,
    ServerError,
    TransportError,
    UnexpectedStatusError,
    UnprocessableEntityError,
    UnsupportedFeatureError,
    WaitError,
    WaitTimeoutError,
    WorkloadAPIError,
    WorkloadFailedError,
)

if TYPE_CHECKING:
    __version__: str
else:

    def __getattr__(name: str) -> Any:
        # __version__ is read from the installed metadata on first use: importlib.metadata costs
        # more import time than the rest of the package's own modules together. Type checkers see
        # no module __getattr__, so a misspelt name is still an error for them.
        if name == "__version__":
            return package_version()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "APIStatusError",
    "Artifact",
    "ArtifactRef",
    "ArtifactSpec",
    "ArtifactStatus",
    "AsyncPager",
    "AuthenticationError",
    "Autoscaling",
    "BadRequestError",
    "BulkResult",
    "BulkState",
    "Capabilities",
    "Client",
    "ClientClosedError",
    "Clock",
    "ComputeBundle",
    "ConflictError",
    "Container",
    "ContainerGroup",
    "ContainerResources",
    "ContainerState",
    "Creator",
    "CredentialEnvironmentVariable",
    "Deployment",
    "DeploymentMetrics",
    "DeploymentStats",
    "EnvironmentVariable",
    "FakeClock",
    "FieldError",
    "FleetConcurrency",
    "FleetErrorRate",
    "FleetRequests",
    "FleetResponseTime",
    "FleetStats",
    "FleetWorkloads",
    "GroupRuntime",
    "Hooks",
    "Importance",
    "InputArtifact",
    "LogRecord",
    "MetricSeries",
    "NotFoundError",
    "Operation",
    "OutcomeUnknownError",
    "OverallStatus",
    "Page",
    "PermissionDeniedError",
    "PollPolicy",
    "ProbeConfig",
    "Proton",
    "ProtonRole",
    "ProtonSnapshot",
    "ProtonStatusDetails",
    "RateLimitError",
    "Replacement",
    "ReplacementConfig",
    "ReplacementFailedError",
    "ReplacementRef",
    "ReplacementStatus",
    "Replica",
    "ReplicaCondition",
    "ReportedArtifactSpec",
    "ReportedAutoscaling",
    "ReportedContainer",
    "ReportedContainerGroup",
    "ReportedContainerResources",
    "ReportedEnvironmentVariable",
    "ReportedGroupRuntime",
    "ReportedProbe",
    "ReportedResourceBundle",
    "ReportedResourceRequest",
    "ReportedRuntime",
    "ReportedScalingPolicy",
    "ReportedSeccompProfile",
    "ReportedSecurityContext",
    "RequestEvent",
    "RequestTimeoutError",
    "ResolvedBundle",
    "ResourceAllocation",
    "ResourceBundle",
    "ResourceRequest",
    "Response",
    "ResponseDecodeError",
    "RetryEvent",
    "RetryPolicy",
    "ReturnWhen",
    "ScalingMetricType",
    "ScalingPolicy",
    "SeccompProfile",
    "SecurityContext",
    "SeriesSummary",
    "ServerError",
    "ServerSentEvent",
    "SessionPool",
    "StatsPeriod",
    "StatusChangeEvent",
    "StatusCondition",
    "StatusDetails",
    "StreamingResponse",
    "SystemClock",
    "TransportError",
    "UnexpectedStatusError",
    "UnprocessableEntityError",
    "UnsupportedFeatureError",
    "WaitError",
    "WaitOutcome",
    "WaitTimeoutError",
    "WebSocket",
    "Workload",
    "WorkloadAPIError",
    "WorkloadEvent",
    "WorkloadFailedError",
    "WorkloadMetrics",
    "WorkloadRuntime",
    "WorkloadStats",
    "WorkloadStatus",
    "__version__",
    "from_json",
    "gib",
    "mib",
    "to_json",
]
