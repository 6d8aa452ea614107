"""The emulator's records: users, artifacts, workloads, deployments, replacements and events.

Plain data, shared by both generations' rules; :mod:`._store` holds them and applies the contract.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any

import attrs

from ._logbook import Logbook

__all__ = [
    "REASONS",
    "ArtifactRec",
    "BuildRec",
    "DeploymentRec",
    "EventRec",
    "Failure",
    "ReplacementRec",
    "Timings",
    "User",
    "WorkloadRec",
    "new_id",
]


def new_id() -> str:
    """A 24-hex-character id, like a Mongo ObjectId."""
    return secrets.token_hex(12)


@attrs.define
class Timings:
    """How long lifecycle phases take, in clock seconds; ``jitter`` is a relative ± spread."""

    startup_seconds: float = 2.0
    stop_seconds: float = 1.0
    submitted_fraction: float = 0.2
    jitter: float = 0.0
    draft_ttl_seconds: float = 8 * 3600.0
    #: 11.5: how long an image build takes, PENDING to COMPLETED
    build_seconds: float = 4.0


#: How a cluster names each failure the emulator plays (a container's waiting or terminated
#: reason); see :mod:`._failures`.
REASONS = {
    "image_pull_backoff": "ImagePullBackOff",
    "crash_loop": "CrashLoopBackOff",
    "oom_kill": "OOMKilled",
}


@attrs.frozen
class Failure:
    """A failure a workload plays from clock time ``at`` (see :mod:`._failures`): ``kind`` (a key
    of :data:`REASONS`), in container ``container`` running ``image``; ``message`` says why, in the
    cluster's words."""

    kind: str
    container: str
    image: str
    at: float
    message: str

    @property
    def reason(self) -> str:
        """The cluster's name for it: ``ImagePullBackOff``, ``CrashLoopBackOff``, ``OOMKilled``."""
        return REASONS[self.kind]


@attrs.define
class User:
    """A token's owner."""

    id: str
    email: str
    read_only: bool = False


@attrs.define(eq=False)
class ArtifactRec:
    id: str
    owner: str
    name: str
    description: str
    type: str
    status: str
    spec: dict[str, Any]
    created: float
    updated: float
    version: int | None = None


_CREATION_ORDER = itertools.count()


@attrs.define(eq=False)
class WorkloadRec:
    id: str
    owner: str
    name: str
    artifact_id: str
    runtime: dict[str, Any]
    created: float
    op: str  # "start" or "stop"
    op_at: float
    startup: float
    stop_for: float
    crash: bool
    containers: list[dict[str, Any]]  # as of the last start: edits wait for a restart
    forced_error: tuple[float, str] | None = None
    #: a failure it plays (see :mod:`._failures`), kept through restarts until cleared
    failure: Failure | None = None
    description: str = ""
    importance: str = "low"
    proton_id: str = attrs.field(factory=lambda: new_id())
    calls: list[tuple[float, float, int]] = attrs.field(factory=list)  # invokes: (time, ms, status)
    in_flight: int = 0
    log: Logbook = attrs.field(factory=Logbook)
    seq: int = attrs.field(factory=lambda: next(_CREATION_ORDER))  # orders look-ups by id

    @property
    def port(self) -> int | None:
        """The port of the primary container, None when it exposes none."""
        primary = next((c for c in self.containers if c.get("primary")), {})
        port: int | None = primary.get("port")
        return port


@attrs.define(eq=False)
class DeploymentRec:
    id: str
    owner: str
    name: str
    description: str
    workload_id: str
    importance: str
    created: float
    updated: float
    calls: list[tuple[float, float, int]] = attrs.field(factory=list)  # (time, ms, status)
    in_flight: int = 0


@attrs.define(eq=False)
class ReplacementRec:
    """One replacement: a rolling redeploy of the workload onto a candidate artifact and runtime
    (a settings change's candidate is the workload's own artifact). Its status is derived from
    these times (see ``_v11_5/replacements.py``)."""

    id: str
    workload_id: str
    user_id: str
    candidate_artifact_id: str
    candidate_proton_id: str
    previous_proton_id: str
    runtime: dict[str, Any]
    created: float
    duration: float
    #: (when, message) of a failure forced by a control, and the status it ends in
    failed: tuple[float, str] | None = None
    failed_as: str = "errored"
    config: dict[str, Any] = attrs.field(factory=dict)
    #: a failure its candidate plays (see ``_v11_5/candidates.py``: the crash image's crash loop
    #: too), None when it goes well
    failure: Failure | None = None
    #: the status it is held at by a control (None: it moves on), and the seconds it was held
    hold: str | None = None
    shift: float = 0.0
    canceled_at: float | None = None
    #: when a later request cleared a failed one from its workload (it stays in history)
    cleared_at: float | None = None
    #: its switch (artifact, runtime, proton) has been applied to the workload
    applied: bool = False
    #: what the workload ran when it was asked for (its first proton's, for the first one)
    previous_artifact_id: str = ""
    previous_runtime: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(eq=False)
class BuildRec:
    """One image build of one container of an artifact (11.5); its status is derived from these
    times (see ``_v11_5/builds.py``)."""

    id: str
    artifact_id: str
    owner: str
    #: (group, container) indexes of the container it builds, and that container's name
    container: tuple[int, int]
    name: str
    created: float
    duration: float
    image_uri: str
    #: the Dockerfile asks for a failure (the emulator's failing Dockerfile path)
    fails: bool = False
    #: (when, status, message) of a failure forced by a control
    failed: tuple[float, str, str] | None = None
    hold: str | None = None
    shift: float = 0.0
    #: its image has been written into the artifact's spec
    applied: bool = False


@attrs.define(eq=False)
class EventRec:
    """One entry of a workload's event log."""

    id: str
    workload_id: str
    at: float
    type: str
    actor: str | None
    details: dict[str, Any] | None = None
