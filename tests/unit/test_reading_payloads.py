"""What real servers send, read through ``Response.parse``: one row per payload variant.

Each row says how a payload must read: the exact model value it gives, or ``Rejects(field)``
when it cannot be read without inventing something (then the error names that field). The rows
cover nulls in every optional place, missing nested objects, unknown keys at every level, unknown
and differently cased enum values, timestamp spellings, the runtime shapes newer servers send,
containers built from source and credential environment variables. Tolerant where we read: but a
value is never turned into something the server did not say.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from workload_async import (
    Artifact,
    ArtifactRef,
    ArtifactStatus,
    ComputeBundle,
    ContainerBuild,
    Creator,
    Deployment,
    DeploymentMetrics,
    DeploymentStats,
    Importance,
    LogRecord,
    Operation,
    Page,
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
    ResourceAllocation,
    Response,
    ResponseDecodeError,
    ScalingMetricType,
    StatsPeriod,
    StatusCondition,
    StatusDetails,
    Workload,
    WorkloadStatus,
)


@attrs.frozen
class Rejects:
    """The payload does not read; the error's problems name ``field``."""

    field: str


def W(**fields: Any) -> Workload:
    return Workload(id="w", **fields)


def wl(**fields: Any) -> dict[str, Any]:
    return {"id": "w", **fields}


def A(**fields: Any) -> Artifact:
    return Artifact(id="a", **fields)


def art(**fields: Any) -> dict[str, Any]:
    return {"id": "a", **fields}


def spec_of(*containers: dict[str, Any]) -> dict[str, Any]:
    return art(spec={"containerGroups": [{"containers": list(containers)}]})


def spec_read(*containers: ReportedContainer) -> Artifact:
    return A(spec=ReportedArtifactSpec(container_groups=(ReportedContainerGroup(containers=containers),)))


def rt(**runtime: Any) -> dict[str, Any]:
    return wl(runtime=runtime)


def RT(**runtime: Any) -> Workload:
    return W(runtime=ReportedRuntime(**runtime))


def at(value: object) -> dict[str, Any]:
    return wl(createdAt=value)


def AT(when: datetime) -> Workload:
    return W(created_at=when)


T0 = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
CPU = ScalingMetricType.CPU_AVERAGE_UTILIZATION
READY = {"type": "Ready", "status": "False", "reason": "CrashLoopBackOff"}
READY_READ = StatusCondition(type="Ready", status="False", reason="CrashLoopBackOff")
POLICY = {"scalingMetric": "cpuAverageUtilization", "target": 70, "minCount": 1, "maxCount": 3}
POLICY_READ = ReportedScalingPolicy(scaling_metric=CPU, target=70.0, min_count=1, max_count=3)
METRICS = {
    "totalRequests": 12,
    "requestsPerMinute": 2.0,
    "concurrentRequests": 1,
    "responseTime": 12.5,
    "serverErrors": 1,
    "userErrors": 2,
    "totalErrorRate": 0.25,
}
METRICS_READ = DeploymentMetrics(12, 2.0, 1, 12.5, 1, 2, 0.25)

# A workload as the newer (11.5) generation sends it: runtime per container group, a resolved
# bundle, a replacement, owners, tags; the 2.41 models read what they know and ignore the rest.
NEWER_WORKLOAD = {
    "id": "w",
    "name": "nim",
    "description": "",
    "importance": "low",
    "type": "service",
    "status": "launching",
    "statusDetails": None,
    "artifactId": "a",
    "artifact": {
        "id": "a",
        "name": "n",
        "status": "locked",
        "type": "nim",
        "version": 2,
        "artifactRepositoryId": None,
    },
    "runtime": {
        "containerGroups": [
            {
                "name": "default",
                "replicaCount": 1,
                "autoscaling": {
                    "policies": [
                        {"scalingMetric": "gpuCacheUtilization", "target": 0.8, "minCount": 0, "maxCount": 2}
                    ]
                },
                "resourceBundles": ["gpu.l4.small"],
                "containers": [{"name": "app", "resourceAllocation": {"cpu": 2, "memory": "512MB"}}],
                "bundleSelectionPolicy": "availability",
                "resolvedBundle": {
                    "id": "gpu.l4.small",
                    "cpuCount": 4,
                    "memoryBytes": 17179869184,
                    "gpuCount": 1,
                },
            }
        ]
    },
    "endpoint": "https://app.example.com/api/v2/endpoints/workloads/w/",
    "protonId": "p1",
    "replacement": None,
    "requestStats": {"total": 0},
    "creator": {"id": "u1", "email": None, "name": "Ada"},
    "owners": [{"id": "u1"}],
    "permissions": ["CAN_VIEW"],
    "tags": [],
    "createdAt": "2026-06-10T08:00:00.123456789Z",
    "updatedAt": "2026-06-10T08:00:00Z",
}
NEWER_WORKLOAD_READ = W(
    name="nim",
    status=WorkloadStatus("launching"),
    artifact_id="a",
    artifact=ArtifactRef(id="a", name="n", status=ArtifactStatus("locked"), version=2, type="nim"),
    runtime=ReportedRuntime(
        container_groups=(
            ReportedGroupRuntime(
                name="default",
                replica_count=1,
                autoscaling=ReportedAutoscaling(
                    policies=(ReportedScalingPolicy(ScalingMetricType("gpuCacheUtilization"), 0.8, 0, 2),)
                ),
                resource_bundles=("gpu.l4.small",),
                containers=(ReportedContainerResources("app", ResourceAllocation(cpu=2, memory="512MB")),),
                bundle_selection_policy="availability",
                resolved_bundle=ResolvedBundle(
                    "gpu.l4.small", cpu_count=4, memory_bytes=17179869184, gpu_count=1
                ),
            ),
        )
    ),
    description="",
    importance=Importance.LOW,
    type="service",
    proton_id="p1",
    endpoint="https://app.example.com/api/v2/endpoints/workloads/w/",
    creator=Creator(id="u1"),
    created_at=T0 + timedelta(microseconds=123456),
    updated_at=T0,
)
NEWER_ARTIFACT = {
    "id": "a",
    "name": "n",
    "description": "",
    "type": "service",
    "status": "locked",
    "version": 1,
    "artifactRepositoryId": None,
    "spec": {
        "type": "service",
        "containerGroups": [
            {
                "name": "default",
                "containers": [
                    {
                        "name": "app",
                        "imageUri": "img",
                        "primary": True,
                        "port": 8080,
                        "environmentVars": [
                            {"source": "string", "name": "MODE", "value": "fast"},
                            {
                                "source": "dr-credential",
                                "name": "KEY",
                                "drCredentialId": "c1",
                                "key": "apiKey",
                            },
                        ],
                        "readinessProbe": {"path": "/ready", "host": "localhost", "httpHeaders": {"X": "1"}},
                        "securityContext": {"readOnlyRootFilesystem": True},
                    }
                ],
            }
        ],
    },
    "creator": {"id": "u1"},
    "createdAt": "2026-06-10T08:00:00Z",
}
NEWER_ARTIFACT_READ = A(
    name="n",
    description="",
    type="service",
    status=ArtifactStatus("locked"),
    version=1,
    spec=ReportedArtifactSpec(
        container_groups=(
            ReportedContainerGroup(
                name="default",
                containers=(
                    ReportedContainer(
                        name="app",
                        image_uri="img",
                        primary=True,
                        port=8080,
                        environment_vars=(
                            ReportedEnvironmentVariable(name="MODE", value="fast", source="string"),
                            ReportedEnvironmentVariable(
                                name="KEY", source="dr-credential", dr_credential_id="c1", key="apiKey"
                            ),
                        ),
                        readiness_probe=ReportedProbe(
                            path="/ready", host="localhost", http_headers={"X": "1"}
                        ),
                        security_context=ReportedSecurityContext(read_only_root_filesystem=True),
                    ),
                ),
            ),
        )
    ),
    created_at=T0,
)

# fmt: off
CASES: list[tuple[str, type[Any], Any, Any]] = [
    # -- null means absent: each optional field of a workload -----------------------------------
    ("workload status null", Workload, wl(status=None), W()),
    ("workload name null", Workload, wl(name=None), W()),
    ("workload statusDetails null", Workload, wl(statusDetails=None), W()),
    ("statusDetails.logTail null", Workload, wl(statusDetails={"logTail": None}), W(status_details=StatusDetails())),
    ("statusDetails.conditions null", Workload, wl(statusDetails={"conditions": None}), W(status_details=StatusDetails())),
    ("statusDetails empty", Workload, wl(statusDetails={}), W(status_details=StatusDetails())),
    ("workload artifactId null", Workload, wl(artifactId=None), W()),
    ("workload artifact null", Workload, wl(artifact=None), W()),
    ("workload runtime null", Workload, wl(runtime=None), W()),
    ("workload endpoint null", Workload, wl(endpoint=None), W()),
    ("workload creator null", Workload, wl(creator=None), W()),
    ("workload createdAt null", Workload, wl(createdAt=None), W()),
    ("workload updatedAt null", Workload, wl(updatedAt=None), W()),
    ("every optional workload field null", Workload, wl(**dict.fromkeys(["name", "status", "statusDetails", "artifactId", "artifact", "runtime", "endpoint", "creator", "createdAt", "updatedAt"])), W()),
    # -- ids ------------------------------------------------------------------------------------
    ("id null falls back to workloadId", Workload, {"id": None, "workloadId": "abc"}, Workload(id="abc")),
    ("id absent falls back to workloadId", Workload, {"workloadId": "abc"}, Workload(id="abc")),
    ("id wins over workloadId", Workload, {"id": "w", "workloadId": "abc"}, W()),
    ("id null and no workloadId", Workload, {"id": None}, Rejects("Workload.id")),
    ("id null and workloadId null", Workload, {"id": None, "workloadId": None}, Rejects("Workload.id")),
    ("id a number", Workload, {"id": 17}, Rejects("Workload.id")),
    # -- nested objects that may be missing or partial ------------------------------------------
    ("condition without status", Workload, wl(statusDetails={"conditions": [{"type": "Ready"}]}), W(status_details=StatusDetails(conditions=(StatusCondition(type="Ready"),)))),
    ("condition status null", Workload, wl(statusDetails={"conditions": [{"type": "Ready", "status": None}]}), W(status_details=StatusDetails(conditions=(StatusCondition(type="Ready"),)))),
    ("condition optional fields null", Workload, wl(statusDetails={"conditions": [{**READY, "message": None, "lastTransitionTime": None}]}), W(status_details=StatusDetails(conditions=(READY_READ,)))),
    ("condition with a timestamp", Workload, wl(statusDetails={"conditions": [{**READY, "lastTransitionTime": "2026-06-10T08:00:00Z"}]}), W(status_details=StatusDetails(conditions=(attrs.evolve(READY_READ, last_transition_time=T0),)))),
    ("artifact ref without id", Workload, wl(artifact={"name": "echo"}), W(artifact=ArtifactRef(name="echo"))),
    ("artifact ref id null", Workload, wl(artifact={"id": None, "version": None, "status": None}), W(artifact=ArtifactRef())),
    ("creator without id", Workload, wl(creator={"email": "ada@example.com"}), W(creator=Creator(email="ada@example.com"))),
    ("creator empty", Workload, wl(creator={}), W(creator=Creator())),
    ("creator email null", Workload, wl(creator={"id": "u", "email": None}), W(creator=Creator(id="u"))),
    # -- the runtime a workload echoes, read with response models -------------------------------
    ("runtime empty", Workload, rt(), RT()),
    ("runtime replicaCount", Workload, rt(replicaCount=2), RT(replica_count=2)),
    ("runtime replicaCount null", Workload, rt(replicaCount=None), RT()),
    ("autoscaling without enabled", Workload, rt(autoscaling={"policies": [POLICY]}), RT(autoscaling=ReportedAutoscaling(policies=(POLICY_READ,)))),
    ("autoscaling enabled null", Workload, rt(autoscaling={"enabled": None, "policies": [POLICY]}), RT(autoscaling=ReportedAutoscaling(policies=(POLICY_READ,)))),
    ("autoscaling policies null", Workload, rt(autoscaling={"enabled": True, "policies": None}), RT(autoscaling=ReportedAutoscaling(enabled=True))),
    ("autoscaling policies absent", Workload, rt(autoscaling={"enabled": False}), RT(autoscaling=ReportedAutoscaling(enabled=False))),
    ("policy bounds moved out of the policy", Workload, rt(autoscaling={"enabled": True, "minCount": 1, "maxCount": 4, "policies": [{"scalingMetric": "cpuAverageUtilization", "target": 70}]}), RT(autoscaling=ReportedAutoscaling(enabled=True, policies=(ReportedScalingPolicy(scaling_metric=CPU, target=70.0),)))),
    ("policy every field null", Workload, rt(autoscaling={"policies": [dict.fromkeys(["scalingMetric", "target", "minCount", "maxCount", "priority"])]}), RT(autoscaling=ReportedAutoscaling(policies=(ReportedScalingPolicy(),)))),
    ("policy with an unknown metric", Workload, rt(autoscaling={"policies": [{**POLICY, "scalingMetric": "gpuCacheUtilization"}]}), RT(autoscaling=ReportedAutoscaling(policies=(attrs.evolve(POLICY_READ, scaling_metric=ScalingMetricType("gpuCacheUtilization")),)))),
    ("policy target a numeric string", Workload, rt(autoscaling={"policies": [{**POLICY, "target": "70"}]}), Rejects("target")),
    ("bundle entry without resourceBundleId", Workload, rt(resources=[{"type": "resource_bundle"}]), RT(resources=(ReportedResourceBundle(type="resource_bundle"),))),
    ("bundle entry without type", Workload, rt(resources=[{"resourceBundleId": "cpu.small"}]), RT(resources=(ReportedResourceBundle(resource_bundle_id="cpu.small"),))),
    ("bundle entry all null", Workload, rt(resources=[{"type": None, "resourceBundleId": None}]), RT(resources=(ReportedResourceBundle(),))),
    ("resources null", Workload, rt(resources=None), RT()),
    ("resources empty", Workload, rt(resources=[]), RT(resources=())),
    ("resources a string", Workload, rt(resources="cpu.small"), Rejects("resources")),
    ("runtime per container group (newer servers)", Workload, rt(containerGroups=[{"name": "default", "replicaCount": 2}]), RT(container_groups=(ReportedGroupRuntime(name="default", replica_count=2),))),
    ("runtime replicaCount a numeric string", Workload, rt(replicaCount="2"), Rejects("replica_count")),
    ("runtime replicaCount a whole float", Workload, rt(replicaCount=2.0), RT(replica_count=2)),
    ("runtime replicaCount a fraction", Workload, rt(replicaCount=2.5), Rejects("replica_count")),
    ("runtime replicaCount a boolean", Workload, rt(replicaCount=True), Rejects("replica_count")),
    # -- unknown keys at every level ------------------------------------------------------------
    ("unknown key on a workload", Workload, wl(brandNew={"x": 1}), W()),
    ("unknown key in statusDetails", Workload, wl(statusDetails={"phase": "x"}), W(status_details=StatusDetails())),
    ("unknown key in a condition", Workload, wl(statusDetails={"conditions": [{**READY, "observedGeneration": 3}]}), W(status_details=StatusDetails(conditions=(READY_READ,)))),
    ("unknown key in the artifact ref", Workload, wl(artifact={"id": "a", "artifactRepositoryId": None, "type": "nim"}), W(artifact=ArtifactRef(id="a", type="nim"))),
    ("unknown key in the creator", Workload, wl(creator={"id": "u", "name": "Ada"}), W(creator=Creator(id="u"))),
    ("unknown key in the runtime", Workload, rt(replicaCount=1, bundleSelectionPolicy="availability"), RT(replica_count=1)),
    ("unknown key in autoscaling", Workload, rt(autoscaling={"enabled": True, "mode": "x"}), RT(autoscaling=ReportedAutoscaling(enabled=True))),
    ("unknown key in a policy", Workload, rt(autoscaling={"policies": [{**POLICY, "window": 60}]}), RT(autoscaling=ReportedAutoscaling(policies=(POLICY_READ,)))),
    ("unknown key in a bundle entry", Workload, rt(resources=[{"resourceBundleId": "b", "zone": "eu"}]), RT(resources=(ReportedResourceBundle(resource_bundle_id="b"),))),
    ("unknown key on a page", Page[Workload], {"data": [], "cursor": "x"}, Page()),
    ("unknown key on an artifact", Artifact, art(artifactRepositoryId=None), A()),
    ("unknown key on a deployment", Deployment, {"id": "d", "tags": ["x"]}, Deployment(id="d")),
    ("unknown key on stats", DeploymentStats, {"deploymentId": "d", "window": "1h"}, DeploymentStats(deployment_id="d")),
    ("unknown key on an operation", Operation, {"workloadId": "w", "requestId": "r"}, Operation(workload_id="w")),
    # -- enum values: unknown ones kept, a different case is the same member --------------------
    ("status provisioning kept", Workload, wl(status="provisioning"), W(status=WorkloadStatus("provisioning"))),
    ("status launching kept", Workload, wl(status="launching"), W(status=WorkloadStatus("launching"))),
    ("status Running is RUNNING", Workload, wl(status="Running"), W(status=WorkloadStatus.RUNNING)),
    ("status RUNNING is RUNNING", Workload, wl(status="RUNNING"), W(status=WorkloadStatus.RUNNING)),
    ("status a number", Workload, wl(status=3), Rejects("status")),
    ("status an object", Workload, wl(status={"phase": "running"}), Rejects("status")),
    ("artifact ref status locked kept", Workload, wl(artifact={"id": "a", "status": "locked"}), W(artifact=ArtifactRef(id="a", status=ArtifactStatus("locked")))),
    # -- timestamps: RFC 3339 in full -----------------------------------------------------------
    ("timestamp Z", Workload, at("2026-06-10T08:00:00Z"), AT(T0)),
    ("timestamp lowercase t and z", Workload, at("2026-06-10t08:00:00z"), AT(T0)),
    ("timestamp lowercase z only", Workload, at("2026-06-10T08:00:00z"), AT(T0)),
    ("timestamp space separator", Workload, at("2026-06-10 08:00:00Z"), AT(T0)),
    ("timestamp microseconds", Workload, at("2026-06-10T08:00:00.123456Z"), AT(T0 + timedelta(microseconds=123456))),
    ("timestamp milliseconds", Workload, at("2026-06-10T08:00:00.5Z"), AT(T0 + timedelta(milliseconds=500))),
    ("timestamp nanoseconds", Workload, at("2026-06-10T08:00:00.123456789Z"), AT(T0 + timedelta(microseconds=123456))),
    ("timestamp +02:00", Workload, at("2026-06-10T10:00:00+02:00"), AT(T0)),
    ("timestamp -05:30", Workload, at("2026-06-10T02:30:00-05:30"), AT(T0)),
    ("timestamp +00:00", Workload, at("2026-06-10T08:00:00+00:00"), AT(T0)),
    ("timestamp lowercase with offset and fraction", Workload, at("2026-06-10t10:00:00.25+02:00"), AT(T0 + timedelta(milliseconds=250))),
    ("timestamp leap second", Workload, at("2026-06-30T23:59:60Z"), AT(datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=UTC))),
    ("timestamp without zone taken as UTC", Workload, at("2026-06-10T08:00:00"), AT(T0)),
    ("timestamp a word", Workload, at("yesterday"), Rejects("created_at")),
    ("timestamp empty", Workload, at(""), Rejects("created_at")),
    ("timestamp a number", Workload, at(1781078400), Rejects("created_at")),
    # -- no silent corruption ------------------------------------------------------------------
    ("name a number", Workload, wl(name=123), Rejects("name")),
    ("name a boolean", Workload, wl(name=True), Rejects("name")),
    ("endpoint a list", Workload, wl(endpoint=["https://x/"]), Rejects("endpoint")),
    ("logTail a string", Workload, wl(statusDetails={"logTail": "RuntimeError: boom"}), Rejects("log_tail")),
    ("logTail with a null line", Workload, wl(statusDetails={"logTail": ["a", None]}), Rejects("log_tail")),
    ("logTail numbers", Workload, wl(statusDetails={"logTail": [1, 2]}), Rejects("log_tail")),
    ("logTail lines", Workload, wl(statusDetails={"logTail": ["a", "b"]}), W(status_details=StatusDetails(log_tail=("a", "b")))),
    ("conditions an object", Workload, wl(statusDetails={"conditions": {"type": "Ready"}}), Rejects("conditions")),
    ("statusDetails a string", Workload, wl(statusDetails="boom"), Rejects("status_details")),
    ("a workload that is a list", Workload, [wl()], Rejects("expected a JSON object")),
    ("artifact ref version a numeric string", Workload, wl(artifact={"id": "a", "version": "3"}), Rejects("version")),
    # -- pages ----------------------------------------------------------------------------------
    ("page totalCount null", Page[Workload], {"count": 0, "totalCount": None, "data": []}, Page()),
    ("page count null", Page[Workload], {"count": None, "data": []}, Page()),
    ("page data null", Page[Workload], {"data": None, "totalCount": 0}, Page()),
    ("page links null", Page[Workload], {"data": [], "next": None, "previous": None}, Page()),
    ("page empty object", Page[Workload], {}, Page()),
    ("page with items", Page[Workload], {"count": 1, "totalCount": 3, "next": "n", "data": [wl(status="running")]}, Page(data=(W(status=WorkloadStatus.RUNNING),), count=1, total_count=3, next="n")),
    ("page data a string", Page[Workload], {"data": "abc"}, Rejects("data")),
    ("page data an object", Page[Workload], {"data": {"id": "w"}}, Rejects("data")),
    ("page totalCount a numeric string", Page[Workload], {"data": [], "totalCount": "3"}, Rejects("total_count")),
    # -- artifacts: status only when said; containers built from source; credentials -------------
    ("artifact status absent", Artifact, art(), A()),
    ("artifact status null", Artifact, art(status=None), A()),
    ("artifact status draft", Artifact, art(status="draft"), A(status=ArtifactStatus.DRAFT)),
    ("artifact status Registered", Artifact, art(status="Registered"), A(status=ArtifactStatus.REGISTERED)),
    ("artifact status locked kept", Artifact, art(status="locked"), A(status=ArtifactStatus("locked"))),
    ("artifact every optional field null", Artifact, art(**dict.fromkeys(["name", "description", "type", "status", "version", "spec", "createdAt", "updatedAt"])), A()),
    ("artifact version a numeric string", Artifact, art(version="3"), Rejects("version")),
    ("artifact spec empty", Artifact, art(spec={}), A(spec=ReportedArtifactSpec())),
    ("artifact containerGroups null", Artifact, art(spec={"containerGroups": None}), A(spec=ReportedArtifactSpec())),
    ("group without containers", Artifact, art(spec={"containerGroups": [{}]}), A(spec=ReportedArtifactSpec(container_groups=(ReportedContainerGroup(),)))),
    ("group containers null", Artifact, art(spec={"containerGroups": [{"containers": None}]}), A(spec=ReportedArtifactSpec(container_groups=(ReportedContainerGroup(),)))),
    ("container built from source, no imageUri", Artifact, spec_of({"name": "app", "primary": True, "port": 8080, "build": {"context": "."}}), spec_read(ReportedContainer(name="app", primary=True, port=8080, build=ContainerBuild()))),
    ("container imageUri null", Artifact, spec_of({"imageUri": None}), spec_read(ReportedContainer())),
    ("container primary null", Artifact, spec_of({"imageUri": "img", "primary": None}), spec_read(ReportedContainer(image_uri="img"))),
    ("container entrypoint list", Artifact, spec_of({"entrypoint": ["/bin/serve", "--port", "8080"]}), spec_read(ReportedContainer(entrypoint=("/bin/serve", "--port", "8080")))),
    ("container entrypoint a string", Artifact, spec_of({"entrypoint": "/bin/serve"}), Rejects("entrypoint")),
    ("container entrypoint null", Artifact, spec_of({"entrypoint": None}), spec_read(ReportedContainer())),
    ("env var credential reference", Artifact, spec_of({"environmentVars": [{"source": "dr-credential", "name": "KEY", "drCredentialId": "c1", "key": "apiKey"}]}), spec_read(ReportedContainer(environment_vars=(ReportedEnvironmentVariable(name="KEY", source="dr-credential", dr_credential_id="c1", key="apiKey"),)))),
    ("env var value null", Artifact, spec_of({"environmentVars": [{"name": "A", "value": None}]}), spec_read(ReportedContainer(environment_vars=(ReportedEnvironmentVariable(name="A"),)))),
    ("env var value a number", Artifact, spec_of({"environmentVars": [{"name": "A", "value": 1}]}), Rejects("value")),
    ("env vars null", Artifact, spec_of({"environmentVars": None}), spec_read(ReportedContainer())),
    ("resource request partial", Artifact, spec_of({"resourceRequest": {"cpu": 1}}), spec_read(ReportedContainer(resource_request=ReportedResourceRequest(cpu=1.0)))),
    ("resource request cpu a numeric string", Artifact, spec_of({"resourceRequest": {"cpu": "1"}}), Rejects("cpu")),
    ("resource request memory null", Artifact, spec_of({"resourceRequest": {"cpu": 0.5, "memory": None}}), spec_read(ReportedContainer(resource_request=ReportedResourceRequest(cpu=0.5)))),
    ("probe with newer host and headers", Artifact, spec_of({"livenessProbe": {"path": "/h", "host": "127.0.0.1", "httpHeaders": {"X": "1"}}}), spec_read(ReportedContainer(liveness_probe=ReportedProbe(path="/h", host="127.0.0.1", http_headers={"X": "1"})))),
    ("probe without path", Artifact, spec_of({"startupProbe": {"port": 9000}}), spec_read(ReportedContainer(startup_probe=ReportedProbe(port=9000)))),
    ("unknown key in a container", Artifact, spec_of({"imageUri": "img", "lifecycle": {"preStop": {}}}), spec_read(ReportedContainer(image_uri="img"))),
    ("unknown key in a security context", Artifact, spec_of({"imageUri": "img", "securityContext": {"runAsNonRoot": True}}), spec_read(ReportedContainer(image_uri="img", security_context=ReportedSecurityContext()))),
    ("seccomp profile without type", Artifact, spec_of({"securityContext": {"seccompProfile": {}}}), spec_read(ReportedContainer(security_context=ReportedSecurityContext(seccomp_profile=ReportedSeccompProfile())))),
    # -- logs and bundles -----------------------------------------------------------------------
    ("log record all null", LogRecord, dict.fromkeys(["timestamp", "level", "message", "spanId", "traceId", "stacktrace"]), LogRecord()),
    ("log record empty", LogRecord, {}, LogRecord()),
    ("log record unknown level kept", LogRecord, {"level": "NOTICE", "message": "m", "severityNumber": 10}, LogRecord(level="NOTICE", message="m")),
    ("bundle optional fields null", ComputeBundle, {"id": "cpu.small", **dict.fromkeys(["name", "description", "cpuCount", "memoryBytes", "gpuCount", "gpuType", "gpuMemoryBytes", "useCases"])}, ComputeBundle(id="cpu.small")),
    ("bundle integer cpu count", ComputeBundle, {"id": "b", "cpuCount": 2, "useCases": ["workload"]}, ComputeBundle(id="b", cpu_count=2.0, use_cases=("workload",))),
    ("deployment with its workload null", Deployment, {"id": "d", "workload": None}, Deployment(id="d")),
    # -- deployments, stats, operations ---------------------------------------------------------
    ("deployment optional fields null", Deployment, {"id": "d", **dict.fromkeys(["name", "description", "workloadId", "importance", "status", "endpoint", "createdAt", "updatedAt"])}, Deployment(id="d")),
    ("deployment unknown importance kept", Deployment, {"id": "d", "importance": "existential"}, Deployment(id="d", importance=Importance("existential"))),
    ("deployment importance High", Deployment, {"id": "d", "importance": "High"}, Deployment(id="d", importance=Importance.HIGH)),
    ("deployment status unknown kept", Deployment, {"id": "d", "status": "warming"}, Deployment(id="d", status=WorkloadStatus("warming"))),
    ("stats period null", DeploymentStats, {"deploymentId": "d", "period": None, "metrics": METRICS}, DeploymentStats(deployment_id="d", metrics=METRICS_READ)),
    ("stats metrics null", DeploymentStats, {"deploymentId": "d", "metrics": None}, DeploymentStats(deployment_id="d")),
    ("stats each metric null", DeploymentStats, {"deploymentId": "d", "metrics": dict.fromkeys(METRICS)}, DeploymentStats(deployment_id="d")),
    ("stats period bounds null", DeploymentStats, {"deploymentId": "d", "period": {"start": None, "end": None}}, DeploymentStats(deployment_id="d")),
    ("stats period with offsets", DeploymentStats, {"deploymentId": "d", "period": {"start": "2026-06-10T10:00:00+02:00", "end": "2026-06-10t09:00:00z"}}, DeploymentStats(deployment_id="d", period=StatsPeriod(T0, T0 + timedelta(hours=1)))),
    ("stats integer rate", DeploymentStats, {"deploymentId": "d", "metrics": {**METRICS, "requestsPerMinute": 2}}, DeploymentStats(deployment_id="d", metrics=METRICS_READ)),
    ("stats count a numeric string", DeploymentStats, {"deploymentId": "d", "metrics": {**METRICS, "totalRequests": "12"}}, Rejects("total_requests")),
    ("stats without deploymentId", DeploymentStats, {"metrics": METRICS}, Rejects("deployment_id")),
    ("operation all null", Operation, dict.fromkeys(["workloadId", "status", "trackVia"]), Operation()),
    ("operation as sent", Operation, {"workloadId": "w", "status": "Starting", "trackVia": "https://x/w/"}, Operation(workload_id="w", status="Starting", track_via="https://x/w/")),
    # -- whole payloads of the newer generation -------------------------------------------------
    ("a newer generation workload", Workload, NEWER_WORKLOAD, NEWER_WORKLOAD_READ),
    ("a newer generation artifact", Artifact, NEWER_ARTIFACT, NEWER_ARTIFACT_READ),
]
# fmt: on


def test_the_table_holds_at_least_a_hundred_variants() -> None:
    assert len(CASES) >= 100
    assert len({name for name, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize(("model", "payload", "expected"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_payload_reads_as_the_table_says(model: type[Any], payload: Any, expected: Any) -> None:
    response = Response(
        status=200, headers={}, body=json.dumps(payload).encode(), method="GET", url="console/workloads/w/"
    )
    if isinstance(expected, Rejects):
        with pytest.raises(ResponseDecodeError) as caught:
            response.parse(model)
        assert expected.field in " | ".join(caught.value.problems)
    else:
        assert response.parse(model) == expected


def test_a_status_in_another_case_is_the_member_itself() -> None:
    status = WorkloadStatus("Running")
    assert status is WorkloadStatus.RUNNING and status.is_known and status.is_settled


def test_an_unknown_status_is_unknown_through_and_through() -> None:
    status = WorkloadStatus("Hibernating")
    assert not status.is_known and not status.is_settled and status != WorkloadStatus.RUNNING


def test_an_offset_timestamp_keeps_its_instant() -> None:
    read = Response(
        status=200,
        headers={},
        body=json.dumps(at("2026-06-10T10:00:00+02:00")).encode(),
        method="GET",
        url="x",
    ).parse(Workload)
    assert read.created_at is not None and read.created_at.utcoffset() == timedelta(hours=2)
    assert read.created_at.astimezone(UTC) == T0


def test_a_body_nested_deeper_than_the_reader_goes_is_a_decode_error() -> None:
    deep = Response(status=200, headers={}, body=b"[" * 100_000 + b"]" * 100_000, method="GET", url="x/")
    with pytest.raises(ResponseDecodeError, match="nested too deeply"):
        deep.parse(Workload)
