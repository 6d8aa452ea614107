"""The public surface is exactly what ``__all__`` says, typed and versioned."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import workload_async
from workload_async import emulator, errors

EXPECTED = {
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
    "CreateResult",
    "CreateWorkload",
    "Creator",
    "DeleteResult",
    "Deployment",
    "DeploymentMetrics",
    "DeploymentStats",
    "EnvironmentVariable",
    "FakeClock",
    "FieldError",
    "Hooks",
    "Importance",
    "InputArtifact",
    "LogRecord",
    "NotFoundError",
    "Operation",
    "OutcomeUnknownError",
    "Page",
    "PermissionDeniedError",
    "PollPolicy",
    "ProbeConfig",
    "RateLimitError",
    "ReportedArtifactSpec",
    "ReportedAutoscaling",
    "ReportedContainer",
    "ReportedContainerGroup",
    "ReportedEnvironmentVariable",
    "ReportedProbe",
    "ReportedResourceBundle",
    "ReportedResourceRequest",
    "ReportedRuntime",
    "ReportedScalingPolicy",
    "ReportedSeccompProfile",
    "ReportedSecurityContext",
    "RequestEvent",
    "RequestTimeoutError",
    "ResourceBundle",
    "ResourceRequest",
    "Response",
    "ResponseDecodeError",
    "RetryPolicy",
    "RetryEvent",
    "ReturnWhen",
    "ScalingMetricType",
    "ScalingPolicy",
    "SeccompProfile",
    "SecurityContext",
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
    "WaitError",
    "WaitOutcome",
    "WaitTimeoutError",
    "WebSocket",
    "Workload",
    "WorkloadAPIError",
    "WorkloadFailedError",
    "WorkloadRuntime",
    "WorkloadStatus",
    "__version__",
    "from_json",
    "gib",
    "mib",
    "to_json",
}
EXPECTED |= {  # the 11.5 generation
    "ReportedContainerResources",
    "ReportedGroupRuntime",
    "ResolvedBundle",
    "ContainerResources",
    "CredentialEnvironmentVariable",
    "GroupRuntime",
    "Replacement",
    "ReplacementConfig",
    "ReplacementFailedError",
    "ReplacementRef",
    "ReplacementStatus",
    "ResourceAllocation",
    "UnsupportedFeatureError",
    "WorkloadEvent",
    "WorkloadMetrics",
    "WorkloadStats",
}
EXPECTED |= {  # replacements and image builds (11.5)
    "Build",
    "BuildFailedError",
    "BuildLogLine",
    "BuildStatus",
    "CodeRef",
    "ContainerBuild",
    "DataRobotCodeRef",
    "Dockerfile",
    "ImageBuildConfig",
    "ReportedCodeRef",
    "ReportedDataRobotCodeRef",
    "ReportedDockerfile",
    "ReportedImageBuildConfig",
}
EXPECTED |= {  # what the live 11.5 service adds: protons, the fleet's figures, a metric's series
    "ContainerState",
    "FleetConcurrency",
    "FleetErrorRate",
    "FleetRequests",
    "FleetResponseTime",
    "FleetStats",
    "FleetWorkloads",
    "MetricSeries",
    "OverallStatus",
    "Proton",
    "ProtonRole",
    "ProtonSnapshot",
    "ProtonStatusDetails",
    "Replica",
    "ReplicaCondition",
    "SeriesSummary",
}


def test_all_is_exactly_the_public_surface() -> None:
    assert set(workload_async.__all__) == EXPECTED
    assert len(workload_async.__all__) == len(EXPECTED)


def test_every_name_in_all_exists_and_public_ones_are_documented() -> None:
    for name in workload_async.__all__:
        value = getattr(workload_async, name)
        if name != "__version__":
            assert value.__doc__, f"{name} has no docstring"


def test_no_public_module_besides_errors_emulator_cli_and_contrib() -> None:
    package = Path(workload_async.__file__).parent
    public = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    public |= {p.name for p in package.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert public == {"errors", "emulator", "cli", "contrib"}


def test_errors_module_exports_the_whole_tree() -> None:
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), Exception) or name == "FieldError"
        assert getattr(workload_async, name) is getattr(errors, name)


def test_emulator_surface() -> None:
    assert set(emulator.__all__) == {"CRASH_IMAGE", "Emulator", "Fault"}


def test_version_comes_from_the_installed_metadata() -> None:
    assert workload_async.__version__ == importlib.metadata.version("workload-async")


def test_package_is_marked_typed() -> None:
    assert (Path(workload_async.__file__).parent / "py.typed").exists()
