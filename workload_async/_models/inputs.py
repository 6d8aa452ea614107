"""Models a user writes: artifacts, containers, resources, probes, runtimes, and workloads to create.

All are frozen attrs classes with snake_case fields; the converter maps them to camelCase. Optional
fields default to None and are then not sent, so the server applies its own defaults. Validation of
obviously wrong input happens in :mod:`.checks` just before a request is sent, so that a
response from a newer, more permissive server still reads.

The same models serve both API generations: the client's dialect writes them where its generation
wants them (:mod:`.._dialects.dialect`). A few parts only the 11.5 generation can say (:class:`GroupRuntime`,
:class:`CredentialEnvironmentVariable`, group names, probe ``host``/``http_headers``,
``gpu_memory``); a v2.41 client refuses them with a ``ValueError`` before sending.
"""

from __future__ import annotations

import math

import attrs

from .enums import ArtifactStatus, Importance, ScalingMetricType

__all__ = [
    "ArtifactSpec",
    "Autoscaling",
    "Capabilities",
    "CodeRef",
    "Container",
    "ContainerGroup",
    "ContainerResources",
    "CreateWorkload",
    "CredentialEnvironmentVariable",
    "DataRobotCodeRef",
    "Dockerfile",
    "EnvironmentVariable",
    "GroupRuntime",
    "ImageBuildConfig",
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
]


def _amount(amount: object, unit: str) -> float:
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise TypeError(f"{unit}(amount): amount must be a number, got {type(amount).__name__}")
    if not (math.isfinite(amount) and amount >= 0):
        raise ValueError(f"{unit}(amount): amount must be a finite number >= 0, got {amount!r}")
    return amount


def gib(amount: float) -> int:
    """``amount`` gibibytes in bytes, e.g. ``gib(4) == 4 * 1073741824``.

    Raises ``TypeError``/``ValueError`` for an ``amount`` that is not a finite number >= 0."""
    return int(_amount(amount, "gib") * 1024**3)


def mib(amount: float) -> int:
    """``amount`` mebibytes in bytes, e.g. ``mib(512) == 536870912``.

    Raises ``TypeError``/``ValueError`` for an ``amount`` that is not a finite number >= 0."""
    return int(_amount(amount, "mib") * 1024**2)


def _tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _artifact_status(value: ArtifactStatus | str | None) -> ArtifactStatus | None:
    """A status given as a plain string (``"draft"``) is that member of :class:`ArtifactStatus`."""
    return ArtifactStatus(value) if isinstance(value, str) else value


@attrs.frozen
class EnvironmentVariable:
    """One environment variable of a container; names must be unique within the container."""

    name: str
    value: str


@attrs.frozen
class CredentialEnvironmentVariable:
    """An environment variable filled from a stored DataRobot credential (API 11.5 only):
    ``key`` names the part of credential ``dr_credential_id`` that becomes the value."""

    name: str
    dr_credential_id: str
    key: str
    source: str = attrs.field(default="dr-credential", metadata={"always": True})


@attrs.frozen
class ResourceRequest:
    """CPU (cores, fractions allowed), memory (bytes: use :func:`gib`/:func:`mib`) and GPUs.

    ``gpu_type`` is v2.41 only (11.5 picks GPUs by resource bundle); ``gpu_memory`` (bytes) is
    11.5 only. On 11.5 the client moves a container's request into the workload's runtime.
    """

    cpu: float
    memory: int
    gpu: int | None = None
    gpu_type: str | None = None
    gpu_memory: int | None = None


@attrs.frozen
class ProbeConfig:
    """An HTTP(S) health probe. Unset fields take the server's defaults (port 8080, every 30 s)."""

    path: str
    port: int | None = None
    scheme: str | None = None
    initial_delay_seconds: int | None = None
    period_seconds: int | None = None
    timeout_seconds: int | None = None
    failure_threshold: int | None = None
    #: 11.5 only: the host to probe and extra HTTP headers to send.
    host: str | None = None
    http_headers: dict[str, str] | None = None


@attrs.frozen
class Capabilities:
    """Linux capabilities to ``add`` to or ``drop`` from a container (``"NET_ADMIN"``, ``"ALL"``)."""

    add: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple)
    drop: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple)


SECCOMP_TYPES = ("RuntimeDefault", "Unconfined", "Localhost")


@attrs.frozen
class SeccompProfile:
    """The seccomp profile of a container: ``type`` is ``RuntimeDefault``, ``Unconfined`` or
    ``Localhost``; ``localhost_profile`` (a profile file on the node) goes only with ``Localhost``."""

    type: str
    localhost_profile: str | None = None


@attrs.frozen
class SecurityContext:
    """What a container may do: privilege escalation, a read-only root filesystem, capabilities
    and seccomp. Unset fields take the platform's defaults.

    >>> locked = SecurityContext(read_only_root_filesystem=True, capabilities=Capabilities(drop=["ALL"]))
    >>> locked.capabilities.drop
    ('ALL',)
    """

    allow_privilege_escalation: bool | None = None
    read_only_root_filesystem: bool | None = None
    capabilities: Capabilities | None = None
    seccomp_profile: SeccompProfile | None = None


DOCKERFILE_SOURCES = ("provided", "generated")


@attrs.frozen
class Dockerfile:
    """Where the Dockerfile of a built image comes from (API 11.5).

    ``source="provided"``: the code holds it, at ``path`` (``./Dockerfile`` when unset).
    ``source="generated"``: DataRobot writes one from an execution environment
    (``execution_environment_id`` and ``execution_environment_version_id``) that runs
    ``entrypoint``. Use :meth:`provided` or :meth:`generated`.
    """

    source: str = attrs.field(default="provided", metadata={"always": True})
    path: str | None = None
    execution_environment_id: str | None = None
    execution_environment_version_id: str | None = None
    entrypoint: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple)

    @classmethod
    def provided(cls, path: str | None = None) -> Dockerfile:
        """The code's own Dockerfile, at ``path`` (``./Dockerfile`` when None)."""
        return cls(source="provided", path=path)

    @classmethod
    def generated(cls, environment_id: str, environment_version_id: str, entrypoint: list[str]) -> Dockerfile:
        """A Dockerfile DataRobot generates from an execution environment version, running
        ``entrypoint``::

            Dockerfile.generated(env.id, env.version_id, ["python", "app.py"])
        """
        return cls(
            source="generated",
            execution_environment_id=environment_id,
            execution_environment_version_id=environment_version_id,
            entrypoint=tuple(entrypoint),
        )


@attrs.frozen
class DataRobotCodeRef:
    """Code stored in DataRobot's catalog: an item and one of its versions."""

    catalog_id: str
    catalog_version_id: str


@attrs.frozen
class CodeRef:
    """Where the code of a built image is (API 11.5): a version of a DataRobot catalog item."""

    datarobot: DataRobotCodeRef
    provider: str | None = None
    type: str | None = None


@attrs.frozen
class ImageBuildConfig:
    """How a container's image is built from source (API 11.5): a :class:`Dockerfile`, and
    optionally the :class:`CodeRef` of the code it builds. A container with one needs no
    ``image_uri``: the server sets it when a build completes (``client.artifacts.build``)::

        Container(
            port=8080,
            image_build_config=ImageBuildConfig(
                dockerfile=Dockerfile.provided(),
                code_ref=CodeRef(DataRobotCodeRef(catalog_id, catalog_version_id)),
            ),
        )
    """

    dockerfile: Dockerfile = attrs.field(factory=Dockerfile, metadata={"always": True})
    code_ref: CodeRef | None = None


@attrs.frozen
class Container:
    """One container of a group. Exactly one container of a group is ``primary``.

    The primary container's ``port`` is where invocations go; a workload whose primary container
    has no port runs but serves nothing (invoking it answers 503). ``image_uri`` names the image
    to run; on API 11.5 a primary container may instead be built from source
    (``image_build_config``, see :class:`ImageBuildConfig`), and the server fills in
    ``image_uri`` when its build completes.

    Building one checks nothing; sending it does: a value the contract rules out (a ``port``
    outside 1024-65535, a duplicate environment variable name, two primary containers) is a
    ``ValueError`` naming the field by its Python path, raised before the request leaves::

        Container(
            image_uri="registry.example.com/app:1",
            port=8080,
            environment_vars=[EnvironmentVariable(name="MODE", value="fast")],
            resource_request=ResourceRequest(cpu=1, memory=gib(2)),
        )
    """

    image_uri: str | None = None
    port: int | None = None
    primary: bool = False
    name: str | None = None
    description: str | None = None
    entrypoint: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple)
    environment_vars: tuple[EnvironmentVariable | CredentialEnvironmentVariable, ...] | None = attrs.field(
        default=None, converter=_tuple
    )
    resource_request: ResourceRequest | None = None
    readiness_probe: ProbeConfig | None = None
    liveness_probe: ProbeConfig | None = None
    startup_probe: ProbeConfig | None = None
    security_context: SecurityContext | None = None
    #: 11.5 only: build the image from source instead of naming one (see :class:`ImageBuildConfig`).
    image_build_config: ImageBuildConfig | None = None


@attrs.frozen
class ContainerGroup:
    """Containers scheduled together on one host; exactly one of them is ``primary``.

    ``name`` (API 11.5 only; ``"default"`` when unset) is how a :class:`GroupRuntime` finds it.
    """

    containers: tuple[Container, ...] = attrs.field(converter=_tuple)
    name: str | None = None


@attrs.frozen
class ArtifactSpec:
    """What an artifact runs: one or more container groups."""

    container_groups: tuple[ContainerGroup, ...] = attrs.field(converter=_tuple)


@attrs.frozen
class InputArtifact:
    """An artifact as sent on create or replace (``PUT``): a name and a spec of container groups.

    Most artifacts are one container: :meth:`single` builds those. ``status`` ``registered`` (v2.41)
    or ``locked`` (11.5) creates it locked; a plain string (``"draft"``) is read as that
    :class:`ArtifactStatus`. What the contract rules out is a ``ValueError`` naming
    the field when the artifact is sent (see :class:`Container`).
    """

    name: str
    spec: ArtifactSpec
    description: str | None = None
    type: str | None = None
    status: ArtifactStatus | None = attrs.field(default=None, converter=_artifact_status)

    @classmethod
    def single(
        cls,
        name: str,
        container: Container,
        *,
        description: str | None = None,
        status: ArtifactStatus | str | None = None,
    ) -> InputArtifact:
        """An artifact of one group holding one container, made primary.

        >>> art = InputArtifact.single("echo", Container(image_uri="python:3.12", port=8080))
        >>> art.spec.container_groups[0].containers[0].primary
        True
        """
        primary = attrs.evolve(container, primary=True)
        return cls(
            name=name,
            spec=ArtifactSpec(container_groups=(ContainerGroup(containers=(primary,)),)),
            description=description,
            status=status,
        )


@attrs.frozen
class ScalingPolicy:
    """One autoscaling rule: the metric to follow and its target.

    ``min_count``/``max_count`` are the replica bounds as v2.41 and the first 11.5 servers took
    them, per policy; they are still accepted (the bounds are the least ``min_count`` and the
    greatest ``max_count``), but today's servers keep the bounds on :class:`Autoscaling`
    (``min_replica_count``/``max_replica_count``), which is where to set them. A bound of 0 is
    allowed only with ``httpRequestsConcurrency``.
    """

    scaling_metric: ScalingMetricType
    target: float
    min_count: int | None = None
    max_count: int | None = None
    priority: int | None = None


@attrs.frozen
class Autoscaling:
    """Autoscaling settings: between ``min_replica_count`` and ``max_replica_count`` replicas,
    following the ``policies``. When ``enabled``, the runtime must not also set ``replica_count``.

    The bounds may instead come from the policies' legacy ``min_count``/``max_count`` (see
    :attr:`replica_bounds`); the client writes them where its API generation wants them::

        Autoscaling(
            enabled=True,
            min_replica_count=1,
            max_replica_count=5,
            policies=[ScalingPolicy(ScalingMetricType.CPU_AVERAGE_UTILIZATION, target=70)],
        )
    """

    enabled: bool
    policies: tuple[ScalingPolicy, ...] = attrs.field(default=(), converter=_tuple)
    min_replica_count: int | None = None
    max_replica_count: int | None = None

    @property
    def replica_bounds(self) -> tuple[int | None, int | None]:
        """The least and the greatest number of replicas: ``min_replica_count`` and
        ``max_replica_count`` when set, else the least ``min_count`` and the greatest
        ``max_count`` of the policies (as servers read the legacy counts); None where neither
        says."""
        low, high = self.min_replica_count, self.max_replica_count
        if low is None:
            lows = [p.min_count for p in self.policies if p.min_count is not None]
            low = min(lows) if lows else None
        if high is None:
            highs = [p.max_count for p in self.policies if p.max_count is not None]
            high = max(highs) if highs else None
        return low, high


@attrs.frozen
class ResourceBundle:
    """A named bundle of resources to run on."""

    resource_bundle_id: str
    type: str = attrs.field(default="resource_bundle", metadata={"always": True})


@attrs.frozen
class ResourceAllocation:
    """What one container gets on API 11.5: CPU cores, memory and GPU memory (bytes, or a size
    such as ``"512MB"``), GPUs."""

    cpu: float | None = None
    memory: int | str | None = None
    gpu: float | None = None
    gpu_memory: int | str | None = None


@attrs.frozen
class ContainerResources:
    """The resources of one named container of a group (API 11.5)."""

    name: str
    resource_allocation: ResourceAllocation | None = None


@attrs.frozen
class GroupRuntime:
    """How one container group runs on API 11.5: replicas or autoscaling, at most one resource
    bundle, and per-container resources. ``name`` is the group's (``"default"`` when unset)."""

    name: str | None = None
    replica_count: int | None = None
    autoscaling: Autoscaling | None = None
    resource_bundles: tuple[str, ...] | None = attrs.field(default=None, converter=_tuple)
    containers: tuple[ContainerResources, ...] | None = attrs.field(default=None, converter=_tuple)


@attrs.frozen
class WorkloadRuntime:
    """How a workload runs: a fixed ``replica_count`` or ``autoscaling``, and resource bundles.

    The same fields mean the same on API 11.5, where they apply to the artifact's (only, or
    ``"default"``) container group. ``container_groups`` (11.5 only) sets each group apart
    instead; use one or the other. Setting both ``replica_count`` and an enabled ``autoscaling``
    is a ``ValueError`` when the runtime is sent, as is a field the client's generation cannot
    say::

        WorkloadRuntime(autoscaling=Autoscaling(enabled=True, policies=[...]))
        WorkloadRuntime(replica_count=2, resources=[ResourceBundle(resource_bundle_id="cpu.small")])
    """

    replica_count: int | None = None
    autoscaling: Autoscaling | None = None
    resources: tuple[ResourceBundle, ...] | None = attrs.field(default=None, converter=_tuple)
    container_groups: tuple[GroupRuntime, ...] | None = attrs.field(default=None, converter=_tuple)


@attrs.frozen
class CreateWorkload:
    """One workload to create, as ``client.workloads.create`` takes it: what
    ``client.workloads.create_many`` creates, one request each (the API's ``CreateWorkload``).

    Exactly one of ``artifact`` (inline) and ``artifact_id`` (an existing one); ``description``
    and ``importance`` exist on API 11.5 only (a v2.41 client refuses them before sending). In
    JSON (``from_json(CreateWorkload, line)``, ``workloads create --from-file``) it is the API's
    camelCase form: ``{"name": "web-1", "artifactId": "..."}``::

        requests = [CreateWorkload(name=f"web-{n}", artifact_id=artifact.id) for n in range(100)]
        results = await client.workloads.create_many(requests, wait=True, timeout=600)
    """

    name: str | None = None
    artifact: InputArtifact | None = None
    artifact_id: str | None = None
    runtime: WorkloadRuntime | None = None
    description: str | None = None
    importance: Importance | None = None
