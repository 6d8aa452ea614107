"""Obviously wrong input raises ValueError naming the field, before anything is sent."""

from __future__ import annotations

import re

import pytest

from tests.bad_inputs import SECURITY_CASES
from workload_async import (
    ArtifactSpec,
    Autoscaling,
    Capabilities,
    Container,
    ContainerGroup,
    EnvironmentVariable,
    InputArtifact,
    ProbeConfig,
    ResourceRequest,
    ScalingMetricType,
    ScalingPolicy,
    SeccompProfile,
    SecurityContext,
    WorkloadRuntime,
    gib,
)
from workload_async._models.arguments import check_id
from workload_async._models.checks import check_input_artifact, check_runtime

C0 = "artifact.spec.container_groups[0].containers[0]"


def one(container: Container) -> InputArtifact:
    return InputArtifact.single("x", container)


@pytest.mark.parametrize("port", [80, 1023, 65536])
def test_port_outside_range(port: int) -> None:
    with pytest.raises(ValueError, match=rf"^{re.escape(C0)}\.port: {port} is outside 1024-65535"):
        check_input_artifact(one(Container(image_uri="img", port=port)))


def test_a_primary_container_without_a_port_is_allowed() -> None:
    check_input_artifact(one(Container(image_uri="img")))  # it runs; invoking it answers 503


@pytest.mark.parametrize(
    ("cpu", "memory", "field"),
    [
        (0, gib(1), "cpu"),
        (-1, gib(1), "cpu"),
        (float("nan"), gib(1), "cpu"),
        (float("inf"), gib(1), "cpu"),
        (1, 0, "memory"),
    ],
)
def test_non_positive_cpu_or_memory(cpu: float, memory: int, field: str) -> None:
    container = Container(
        image_uri="img", port=8080, resource_request=ResourceRequest(cpu=cpu, memory=memory)
    )
    with pytest.raises(ValueError, match=rf"resource_request\.{field}: must be"):
        check_input_artifact(one(container))


def test_a_fractional_memory_is_a_type_error() -> None:
    container = Container(image_uri="img", port=8080, resource_request=ResourceRequest(cpu=1, memory=1.5))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"resource_request\.memory: must be a whole number, got float 1\.5"):
        check_input_artifact(one(container))


def test_no_primary_container() -> None:
    artifact = InputArtifact(
        name="x", spec=ArtifactSpec([ContainerGroup([Container(image_uri="a", port=8080)])])
    )
    with pytest.raises(
        ValueError, match=r"container_groups\[0\]\.containers: needs exactly one primary container, found 0"
    ):
        check_input_artifact(artifact)


def test_two_primary_containers() -> None:
    c = Container(image_uri="a", port=8080, primary=True)
    artifact = InputArtifact(name="x", spec=ArtifactSpec([ContainerGroup([c, c])]))
    with pytest.raises(ValueError, match="found 2"):
        check_input_artifact(artifact)


def test_empty_spec() -> None:
    with pytest.raises(ValueError, match=r"artifact\.spec\.container_groups: needs at least one"):
        check_input_artifact(InputArtifact(name="x", spec=ArtifactSpec([])))


def test_duplicate_environment_variable() -> None:
    container = Container(
        image_uri="a",
        port=8080,
        environment_vars=[EnvironmentVariable("A", "1"), EnvironmentVariable("A", "2")],
    )
    with pytest.raises(ValueError, match=r"environment_vars\[1\]\.name: 'A' is set twice"):
        check_input_artifact(one(container))


def test_bad_probe() -> None:
    container = Container(image_uri="a", port=8080, readiness_probe=ProbeConfig(path="/r", period_seconds=0))
    with pytest.raises(ValueError, match=r"readiness_probe\.period_seconds: must be >= 1"):
        check_input_artifact(one(container))


def test_empty_name() -> None:
    spec = one(Container(image_uri="a", port=8080)).spec
    with pytest.raises(ValueError, match=r"artifact\.name: must be 1-5000 characters"):
        check_input_artifact(InputArtifact(name="", spec=spec))


def test_replica_count_with_enabled_autoscaling() -> None:
    runtime = WorkloadRuntime(replica_count=2, autoscaling=Autoscaling(enabled=True))
    with pytest.raises(
        ValueError, match=r"runtime\.replica_count: cannot be set together with enabled autoscaling"
    ):
        check_runtime(runtime)


def test_replica_count_with_disabled_autoscaling_is_fine() -> None:
    check_runtime(WorkloadRuntime(replica_count=2, autoscaling=Autoscaling(enabled=False)))


def test_scale_to_zero_only_with_concurrency_metric() -> None:
    ok = ScalingPolicy(ScalingMetricType.HTTP_REQUESTS_CONCURRENCY, target=1, min_count=0, max_count=2)
    check_runtime(WorkloadRuntime(autoscaling=Autoscaling(enabled=True, policies=[ok])))
    bad = ScalingPolicy(ScalingMetricType.CPU_AVERAGE_UTILIZATION, target=50, min_count=0, max_count=2)
    with pytest.raises(ValueError, match=r"policies\[0\]\.min_count: must be >= 1"):
        check_runtime(WorkloadRuntime(autoscaling=Autoscaling(enabled=True, policies=[bad])))


def test_max_count_below_min_count() -> None:
    bad = ScalingPolicy(ScalingMetricType.CPU_AVERAGE_UTILIZATION, target=50, min_count=3, max_count=2)
    with pytest.raises(ValueError, match=r"max_count: must be >= 1 and >= min_count"):
        check_runtime(WorkloadRuntime(autoscaling=Autoscaling(enabled=True, policies=[bad])))


def test_replica_count_below_one() -> None:
    with pytest.raises(ValueError, match=r"runtime\.replica_count: must be >= 1, got 0"):
        check_runtime(WorkloadRuntime(replica_count=0))


@pytest.mark.parametrize("bad", ["", "   "])
def test_ids_must_be_non_empty_strings(bad: object) -> None:
    with pytest.raises(ValueError, match="workload_id must be a non-empty string"):
        check_id(bad, "workload_id")


@pytest.mark.parametrize("bad", [None, 42, b"abc", ["abc"]])
def test_an_id_of_another_type_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="workload_id must be a string id, got"):
        check_id(bad, "workload_id")


@pytest.mark.parametrize("bad", ["a\r\nb", "a b", "a\x00", "x" * 257])
def test_an_id_with_control_characters_or_too_long_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"workload_id (must not hold spaces|is 257 characters long)"):
        check_id(bad, "workload_id")


def test_a_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="artifact must be an InputArtifact, got dict"):
        check_input_artifact({"name": "x"})  # type: ignore[arg-type]


@pytest.mark.parametrize(("context", "wire", "field", "loc"), SECURITY_CASES)
def test_bad_security_context(context: SecurityContext, wire: object, field: str, loc: object) -> None:
    with pytest.raises((TypeError, ValueError), match=rf"^{re.escape(C0)}\.{re.escape(field)}: "):
        check_input_artifact(one(Container(image_uri="img", port=8080, security_context=context)))


def test_a_full_security_context_passes() -> None:
    context = SecurityContext(
        allow_privilege_escalation=False,
        read_only_root_filesystem=True,
        capabilities=Capabilities(add=["NET_BIND_SERVICE"], drop=["ALL"]),
        seccomp_profile=SeccompProfile(type="Localhost", localhost_profile="profiles/strict.json"),
    )
    check_input_artifact(one(Container(image_uri="img", port=8080, security_context=context)))


@pytest.mark.parametrize("target", [float("nan"), float("inf"), -1.0])
def test_an_autoscaling_target_must_be_a_finite_number_at_least_0(target: float) -> None:
    policy = ScalingPolicy(ScalingMetricType.CPU_AVERAGE_UTILIZATION, target=target, min_count=1, max_count=2)
    runtime = WorkloadRuntime(autoscaling=Autoscaling(enabled=True, policies=[policy]))
    with pytest.raises(
        ValueError, match=r"runtime\.autoscaling\.policies\[0\]\.target: must be a finite number"
    ):
        check_runtime(runtime)
