"""workload-async: the async-first Python SDK for the DataRobot Workload API (v2.41 and 11.5).

>>> from workload_async import Client, WorkloadStatus
>>> async def main():                                       # doctest: +SKIP
...     async with Client() as client:                      # DATAROBOT_ENDPOINT / DATAROBOT_API_TOKEN
...         wl = await client.workloads.wait(workload_id, until=WorkloadStatus.RUNNING)

Everything public is re-exported here; the modules with a leading underscore are private.

Importing the package imports none of its modules: each public name is imported from its home
(:data:`_HOMES`) the first time it is used, so ``from workload_async import Client`` loads the
client and what it needs, and the command line's ``--help`` loads neither the client nor aiohttp.
Type checkers read the imports under ``TYPE_CHECKING``, which name the same homes (a test holds
the two together): a new public name goes in both, and in ``__all__``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # importing typing would cost more than the rest of this module
if TYPE_CHECKING:
    from typing import Any

    from ._client import Client
    from ._clock import Clock, FakeClock, SystemClock
    from ._http.pagination import AsyncPager
    from ._http.pool import SessionPool
    from ._http.responses import Response, StreamingResponse, WebSocket
    from ._http.sse import ServerSentEvent
    from ._models.activity import (
        Replacement,
        ReplacementConfig,
        WorkloadEvent,
        WorkloadMetrics,
        WorkloadStats,
    )
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
        CreateWorkload,
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
        ReplacementRef,
        StatsPeriod,
        StatusCondition,
        StatusDetails,
        Workload,
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
    from ._waiting.bulk import BulkResult, BulkState, CreateResult, DeleteResult
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

    __version__: str

#: Where each public name is defined: imported from there the first time the name is used.
_HOMES: dict[str, tuple[str, ...]] = {
    "._client": ("Client",),
    "._clock": ("Clock", "FakeClock", "SystemClock"),
    "._http.pagination": ("AsyncPager",),
    "._http.pool": ("SessionPool",),
    "._http.responses": ("Response", "StreamingResponse", "WebSocket"),
    "._http.sse": ("ServerSentEvent",),
    "._models.enums": (
        "ArtifactStatus",
        "Importance",
        "ProtonRole",
        "ReplacementStatus",
        "ScalingMetricType",
        "WorkloadStatus",
    ),
    "._models.inputs": (
        "ArtifactSpec",
        "Autoscaling",
        "Capabilities",
        "Container",
        "ContainerGroup",
        "ContainerResources",
        "CreateWorkload",
        "CredentialEnvironmentVariable",
        "EnvironmentVariable",
        "GroupRuntime",
        "InputArtifact",
        "ProbeConfig",
        "ResourceAllocation",
        "ResourceBundle",
        "ResourceRequest",
        "ScalingPolicy",
        "SeccompProfile",
        "SecurityContext",
        "WorkloadRuntime",
        "gib",
        "mib",
    ),
    "._models.json": ("from_json", "to_json"),
    "._models.activity": (
        "Replacement",
        "ReplacementConfig",
        "WorkloadEvent",
        "WorkloadMetrics",
        "WorkloadStats",
    ),
    "._models.outputs": (
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
    ),
    "._models.protons": (
        "ContainerState",
        "OverallStatus",
        "Proton",
        "ProtonSnapshot",
        "ProtonStatusDetails",
        "Replica",
        "ReplicaCondition",
    ),
    "._models.stats": (
        "FleetConcurrency",
        "FleetErrorRate",
        "FleetRequests",
        "FleetResponseTime",
        "FleetStats",
        "FleetWorkloads",
        "MetricSeries",
        "SeriesSummary",
    ),
    "._models.reported": (
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
        "ResolvedBundle",
    ),
    "._observe.hooks": ("Hooks", "RequestEvent", "RetryEvent", "StatusChangeEvent"),
    "._policies": ("PollPolicy", "RetryPolicy"),
    "._waiting.bulk": ("BulkResult", "BulkState", "CreateResult", "DeleteResult"),
    "._waiting.waits": ("ReturnWhen", "WaitOutcome"),
    ".errors": (
        "APIStatusError",
        "AuthenticationError",
        "BadRequestError",
        "ClientClosedError",
        "ConflictError",
        "FieldError",
        "NotFoundError",
        "OutcomeUnknownError",
        "PermissionDeniedError",
        "RateLimitError",
        "ReplacementFailedError",
        "RequestTimeoutError",
        "ResponseDecodeError",
        "ServerError",
        "TransportError",
        "UnexpectedStatusError",
        "UnprocessableEntityError",
        "UnsupportedFeatureError",
        "WaitError",
        "WaitTimeoutError",
        "WorkloadAPIError",
        "WorkloadFailedError",
    ),
}
_HOME_OF = {name: home for home, names in _HOMES.items() for name in names}


if not TYPE_CHECKING:  # type checkers see the imports above, and no module __getattr__

    def __getattr__(name: str) -> Any:
        if name == "__version__":
            # read from the installed metadata on first use: importlib.metadata costs more
            # import time than most of the package's own modules
            from ._version import package_version

            return package_version()
        home = _HOME_OF.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(home, __name__), name)
        globals()[name] = value  # the next use reads it like any module attribute
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})


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
    "CreateResult",
    "CreateWorkload",
    "Creator",
    "CredentialEnvironmentVariable",
    "DeleteResult",
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
