"""The two generations of the Workload API a client can speak: v2.41 and 11.5.

A :class:`Dialect` holds what differs between them: the route table, the names of list parameters
(``sort`` is ``orderBy`` on 11.5), the word that locks an artifact, which features exist, and how
the user's request models are written on the wire (:mod:`.v11_5` for 11.5). Resource code
names routes and features; it never asks which generation it speaks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from .._models.converter import unstructure, wire_fields
from .._models.enums import ArtifactStatus, ScalingMetricType
from .._models.inputs import CredentialEnvironmentVariable, InputArtifact, WorkloadRuntime
from ..errors import UnsupportedFeatureError
from .routes import ROUTES, RouteParts, route_parts, route_path

if TYPE_CHECKING:
    from .._http.responses import Response

__all__ = [
    "API_VERSIONS",
    "V2_41",
    "V11_5",
    "ApiVersion",
    "Dialect",
    "detect",
    "dialect_for",
    "requested_api_version",
]

#: What ``Client(api_version=...)`` accepts.
ApiVersion = Literal["v2.41", "11.5", "auto"]
API_VERSIONS: tuple[str, ...] = ("v2.41", "11.5", "auto")

_FEATURE_HINTS = {
    "deployments": "on 11.5 a workload's own endpoint is what one invokes "
    "(client.workloads.invoke; the command line's workloads invoke)",
    "settings replacements": "on v2.41 stop the workload and start it again",
    "workload settings": "on v2.41 a workload's runtime is in client.workloads.get(id).runtime "
    "(the command line's workloads get)",
}


_ROUTE_FEATURES = {
    "workloads.update": "workload updates",
    "workloads.settings": "workload settings",
    "workloads.update_settings": "settings replacements",
    "workloads.promote": "promote",
    "workloads.history": "history",
    "workloads.events": "events",
    "workloads.stats": "workload stats",
    "artifacts.clone": "artifact clones",
}


@attrs.frozen
class Dialect:
    """One generation of the API, as a client speaks it."""

    name: str
    routes: RouteParts = attrs.field(repr=False)
    #: the SDK's name of a list parameter -> the wire's
    params: Mapping[str, str] = attrs.field(repr=False)
    lock_word: str
    features: frozenset[str] = attrs.field(repr=False)
    #: the request body of a workload create
    create_body: Callable[..., dict[str, Any]] = attrs.field(repr=False)
    #: the request body of an artifact create or replace
    artifact_body: Callable[[InputArtifact], dict[str, Any]] = attrs.field(repr=False)
    #: the request body of a settings change (11.5 only)
    settings_body: Callable[[WorkloadRuntime], dict[str, Any]] = attrs.field(repr=False)

    def path(self, route: str, *ids: str, tail: str = "") -> str:
        """The encoded path of ``route`` in this dialect's table."""
        if route not in self.routes:
            feature = "deployments" if route.startswith("deployments.") else _ROUTE_FEATURES.get(route, route)
            raise UnsupportedFeatureError(feature, self.name, _FEATURE_HINTS.get(feature, ""))
        return route_path(route, *ids, tail=tail, table=self.routes)

    def has(self, feature: str) -> bool:
        """True when this generation has ``feature``."""
        return feature in self.features

    def require(self, feature: str) -> None:
        """Raise :class:`~workload_async.errors.UnsupportedFeatureError` unless ``feature`` exists here."""
        if feature not in self.features:
            raise UnsupportedFeatureError(feature, self.name, _FEATURE_HINTS.get(feature, ""))

    def param(self, name: str) -> str:
        """The wire name of list parameter ``name``."""
        return self.params.get(name, name)

    def artifact_status(self, status: ArtifactStatus | str) -> str:
        """``status`` in this dialect's words (``registered`` and ``locked`` both mean locked)."""
        value = ArtifactStatus(status)
        return self.lock_word if value.is_locked else value.value


# -- v2.41 -------------------------------------------------------------------------------------


def _not_here(path: str) -> ValueError:
    return ValueError(f"{path}: not part of API v2.41 (only 11.5 has it); use Client(api_version='11.5')")


def refuse_11_5_artifact_parts(artifact: InputArtifact, path: str = "artifact") -> None:
    """Raise ``ValueError`` naming the first part of ``artifact`` only API 11.5 can say."""
    for g, group in enumerate(artifact.spec.container_groups):
        gpath = f"{path}.spec.container_groups[{g}]"
        if group.name is not None:
            raise _not_here(f"{gpath}.name")
        for i, c in enumerate(group.containers):
            cpath = f"{gpath}.containers[{i}]"
            for e, var in enumerate(c.environment_vars or ()):
                if isinstance(var, CredentialEnvironmentVariable):
                    raise _not_here(f"{cpath}.environment_vars[{e}] (a credential variable)")
            for probe_name in ("readiness_probe", "liveness_probe", "startup_probe"):
                probe = getattr(c, probe_name)
                for field in ("host", "http_headers"):
                    if probe is not None and getattr(probe, field) is not None:
                        raise _not_here(f"{cpath}.{probe_name}.{field}")
            if c.resource_request is not None and c.resource_request.gpu_memory is not None:
                raise _not_here(f"{cpath}.resource_request.gpu_memory")


_V11_5_METRICS = frozenset(
    {ScalingMetricType.GPU_CACHE_UTILIZATION, ScalingMetricType.GPU_REQUEST_QUEUE_DEPTH}
)


def refuse_11_5_runtime_parts(runtime: WorkloadRuntime, path: str = "runtime") -> None:
    """Raise ``ValueError`` naming the first part of ``runtime`` only API 11.5 can say."""
    if runtime.container_groups is not None:
        raise _not_here(f"{path}.container_groups")
    for i, policy in enumerate(runtime.autoscaling.policies if runtime.autoscaling else ()):
        if policy.scaling_metric in _V11_5_METRICS:
            raise _not_here(
                f"{path}.autoscaling.policies[{i}].scaling_metric {policy.scaling_metric.value!r}"
            )


def _v2_41_artifact(artifact: InputArtifact) -> dict[str, Any]:
    refuse_11_5_artifact_parts(artifact)
    body: dict[str, Any] = unstructure(artifact)
    if artifact.status is not None:
        body["status"] = V2_41.artifact_status(artifact.status)
    return body


def _v2_41_create(
    *,
    name: str | None,
    description: str | None,
    importance: str | None,
    artifact: InputArtifact | None,
    artifact_id: str | None,
    runtime: WorkloadRuntime | None,
) -> dict[str, Any]:
    for field, value in (("description", description), ("importance", importance)):
        if value is not None:
            raise _not_here(field)
    if runtime is not None:
        refuse_11_5_runtime_parts(runtime)
    body = wire_fields(name=name, artifact_id=artifact_id, runtime=runtime)
    if artifact is not None:
        body = {**({"name": name} if name is not None else {}), "artifact": _v2_41_artifact(artifact), **body}
    return body


def _v2_41_settings(runtime: WorkloadRuntime) -> dict[str, Any]:
    raise UnsupportedFeatureError("settings replacements", "v2.41", _FEATURE_HINTS["settings replacements"])


_SHARED_ROUTES = {route: path for route, path in ROUTES.items() if not route.startswith("deployments.")}

V2_41 = Dialect(
    name="v2.41",
    routes=route_parts(ROUTES),
    params={},
    lock_word="registered",
    features=frozenset({"deployments", "lock on create"}),
    create_body=_v2_41_create,
    artifact_body=_v2_41_artifact,
    settings_body=_v2_41_settings,
)


def _v11_5() -> Dialect:
    from . import v11_5 as shape

    table = {
        **{route: path.replace("console/", "", 1) for route, path in _SHARED_ROUTES.items()},
        **{
            route: path.replace("registry/", "", 1)
            for route, path in _SHARED_ROUTES.items()
            if route.startswith("artifacts.")
        },
        "workloads.update": "workloads/{}/",
        "workloads.settings": "workloads/{}/settings",
        "workloads.update_settings": "workloads/{}/settings",
        "workloads.promote": "workloads/{}/promote",
        "workloads.history": "workloads/{}/history",
        "workloads.events": "workloads/{}/events",
        "workloads.stats": "workloads/{}/stats",
        "artifacts.clone": "artifacts/{}/clone",
    }
    return Dialect(
        name="11.5",
        routes=route_parts(table),
        params={"sort": "orderBy"},
        lock_word="locked",
        features=frozenset(
            {
                "workload updates",
                "workload settings",
                "settings replacements",
                "promote",
                "history",
                "events",
                "workload stats",
                "artifact clones",
                "start conflicts unless stopped",
                "workload names required",
            }
        ),
        create_body=shape.create_body,
        artifact_body=shape.artifact_body,
        settings_body=shape.settings_body,
    )


V11_5 = _v11_5()
_BY_NAME = {"v2.41": V2_41, "11.5": V11_5}


def requested_api_version(value: str | None) -> str:
    """The generation asked for (``v2.41`` when nothing is); ``ValueError`` for anything but
    v2.41, 11.5 or auto (``2.41`` and ``v11.5`` are read as meant)."""
    chosen = value or "v2.41"
    normal = chosen.strip().lower()
    normal = {"2.41": "v2.41", "v11.5": "11.5"}.get(normal, normal)
    if normal not in API_VERSIONS:
        raise ValueError(f"api_version must be one of {', '.join(API_VERSIONS)}, got {chosen!r}")
    return normal


def dialect_for(api_version: str) -> Dialect | None:
    """The dialect of a generation; None for ``auto`` (decided by the first request)."""
    return _BY_NAME.get(api_version)


async def detect(get: Callable[[str], Awaitable[Response]]) -> Dialect:
    """Ask the server which generation it serves: ``GET workloads/?limit=1`` answers 200 on 11.5
    and 404 on v2.41. Any other answer raises its error (a bad token, a server down)."""
    response = await get("workloads/?limit=1")
    if response.ok:
        return V11_5
    if response.status == 404:
        return V2_41
    response.raise_for_status()
    return V2_41  # pragma: no cover - raise_for_status raised
