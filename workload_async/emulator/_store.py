"""The emulator's in-memory state and the rules of the contract that act on it.

Workload status is never stored: it is derived on every read from the last operation (start or
stop), when it happened, and the configured timings, so ten thousand workloads cost no tasks and a
fake clock moves them all at once.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import attrs

from .._clock import Clock
from ._bundles import CATALOGUE, bundle_problems
from ._failures import failing_image, failure_at, failure_condition, failure_shown, new_failure, with_failure
from ._logbook import LogEntry, crash_script, ready_script, start_script, stop_script
from ._records import (
    ArtifactRec,
    BuildRec,
    DeploymentRec,
    EventRec,
    Failure,
    ReplacementRec,
    Timings,
    User,
    WorkloadRec,
    new_id,
)

__all__ = ["CRASH_IMAGE", "Store", "StoreError"]

CRASH_IMAGE = "emulator/crash"


class StoreError(Exception):
    """A rule of the contract refused the request; ``status`` and ``detail`` make the response."""

    def __init__(self, status: int, detail: Any) -> None:
        self.status = status
        self.detail = detail
        super().__init__(f"{status}: {detail}")


@attrs.define(eq=False)
class Store:
    """Users, artifacts, workloads and deployments, keyed by id."""

    clock: Clock
    timings: Timings = attrs.field(factory=Timings)
    rng: random.Random = attrs.field(factory=random.Random)
    users: dict[str, User] = attrs.field(factory=dict)  # token -> user
    artifacts: dict[str, ArtifactRec] = attrs.field(factory=dict)
    workloads: dict[str, WorkloadRec] = attrs.field(factory=dict)
    deployments: dict[str, DeploymentRec] = attrs.field(factory=dict)
    bundles: dict[str, dict[str, Any]] = attrs.field(factory=lambda: {b["id"]: dict(b) for b in CATALOGUE})
    #: "v2.41" or "11.5": the generation this store's rules follow (see ``_v11_5/rules.py``).
    api_version: str = "v2.41"
    #: 11.5 only: settings replacements and events, per workload id (see ``_v11_5/rules.py``).
    replacements: dict[str, list[ReplacementRec]] = attrs.field(factory=dict)
    events: dict[str, list[EventRec]] = attrs.field(factory=dict)
    #: 11.5 only: image builds per artifact id, and the statuses controls hold replacements (by
    #: workload id) and builds (by artifact id) at (see ``_v11_5/replacements.py``, ``builds.py``)
    builds: dict[str, list[BuildRec]] = attrs.field(factory=dict)
    replacement_holds: dict[str, str] = attrs.field(factory=dict)
    build_holds: dict[str, str] = attrs.field(factory=dict)
    #: image -> the failure every start of a workload running it plays (see :mod:`._failures`)
    failing_images: dict[str, str] = attrs.field(factory=dict)
    #: 11.5: workload id -> (kind, container, message) the candidates of its replacements play
    candidate_failures: dict[str, tuple[str, str | None, str | None]] = attrs.field(factory=dict)
    _versions: dict[tuple[str, str], int] = attrs.field(factory=dict)
    _epoch: tuple[float, datetime] | None = None

    # -- time -------------------------------------------------------------------------------

    def now(self) -> float:
        return self.clock.monotonic()

    def wall(self, t: float) -> datetime:
        """The UTC time of clock reading ``t``."""
        if self._epoch is None:
            self._epoch = (self.clock.monotonic(), self.clock.now())
        mono, wall = self._epoch
        return wall + timedelta(seconds=t - mono)

    def reset(self) -> None:
        """Forget every resource (users and tokens stay)."""
        self.artifacts.clear()
        self.workloads.clear()
        self.deployments.clear()
        self.replacements.clear()
        self.events.clear()
        self.builds.clear()
        self.replacement_holds.clear()
        self.build_holds.clear()
        self.failing_images.clear()
        self.candidate_failures.clear()
        self._versions.clear()

    # -- access -----------------------------------------------------------------------------

    def _spread(self, seconds: float) -> float:
        j = self.timings.jitter
        return seconds * (1 + self.rng.uniform(-j, j)) if j else seconds

    def artifact(self, user: User, artifact_id: str) -> ArtifactRec:
        rec = self.artifacts.get(artifact_id)
        if rec is None or rec.owner != user.id:
            raise StoreError(404, f"Artifact {artifact_id} not found")
        return rec

    def workload(self, user: User, workload_id: str) -> WorkloadRec:
        rec = self.workloads.get(workload_id)
        if rec is None or rec.owner != user.id:
            raise StoreError(404, f"Workload {workload_id} not found")
        return rec

    def deployment(self, user: User, deployment_id: str) -> DeploymentRec:
        rec = self.deployments.get(deployment_id)
        if rec is None or rec.owner != user.id:
            raise StoreError(404, f"Deployment {deployment_id} not found")
        return rec

    def owned(self, table: dict[str, Any], user: User) -> Iterator[Any]:
        return (rec for rec in table.values() if rec.owner == user.id)

    # -- lifecycle --------------------------------------------------------------------------

    def phase(self, w: WorkloadRec, now: float | None = None) -> tuple[str, float]:
        """The workload's status at ``now`` and the clock time it entered it."""
        now = self.now() if now is None else now
        if w.forced_error is not None and now >= w.forced_error[0]:
            return "errored", w.forced_error[0]
        elapsed = now - w.op_at
        if w.op == "stop":
            return ("stopping", w.op_at) if elapsed < w.stop_for else ("stopped", w.op_at + w.stop_for)
        if w.failure is not None:
            shown = self.failure_shown(w, now)
            if shown is not None:
                return shown
        submitted_for = w.startup * self.timings.submitted_fraction
        if elapsed < submitted_for:
            return "submitted", w.op_at
        if elapsed < w.startup:
            if self.api_version != "v2.41":  # 11.5: submitted 20%, provisioning 40%, launching 40%
                midway = submitted_for + (w.startup - submitted_for) / 2
                if elapsed < midway:
                    return "provisioning", w.op_at + submitted_for
                return "launching", w.op_at + midway
            return "initializing", w.op_at + submitted_for
        if w.crash:
            return "errored", w.op_at + w.startup
        artifact = self.artifacts.get(w.artifact_id)
        ttl = self.timings.draft_ttl_seconds
        if artifact is not None and artifact.status == "draft" and elapsed >= ttl:
            return "stopped", w.op_at + ttl
        return "running", w.op_at + w.startup

    # -- failures played (see ._failures) -----------------------------------------------------

    def failure_shown(self, w: WorkloadRec, now: float) -> tuple[str, float] | None:
        """The status the workload's failure holds it in at ``now``, and since when (None: none)."""
        return failure_shown(w, now, self.timings.submitted_fraction, self.api_version == "v2.41")

    def _with_failure(self, w: WorkloadRec, lines: list[LogEntry]) -> list[LogEntry]:
        at = failure_at(w, self.timings.submitted_fraction, self.api_version == "v2.41")
        return with_failure(w, lines, at)

    def play(
        self, w: WorkloadRec, kind: str, *, container: str | None = None, message: str | None = None
    ) -> Failure:
        """Make a workload play failure ``kind`` from now on (see :mod:`._failures`): in the start
        under way, or from its next start; ``ValueError`` for an unknown kind or container."""
        containers = w.containers or _containers(self.artifacts[w.artifact_id])
        w.failure = new_failure(w.id, containers, kind, container, message, self.now())
        w.log.schedule(self.now(), self._with_failure(w, list(w.log.pending)))
        return w.failure

    def clear_failure(self, w: WorkloadRec) -> None:
        """Stop playing a workload's failure, as when its cause is fixed: a start it held goes on
        at once (the cluster's retry pulls the image, the restarted container stays up)."""
        now = self.now()
        held = self.failure_shown(w, now) is not None
        w.failure = None
        if held and self.phase(w, now)[0] == "running":
            w.log.schedule(now, ready_script(now, w.port, None))

    def status_details(self, w: WorkloadRec, status: str, since: float) -> dict[str, Any] | None:
        if w.failure is not None and self.failure_shown(w, self.now()) == (status, since):
            return {"conditions": [failure_condition(w.failure, since)], "logTail": w.log.tail(self.now())}
        if status != "errored":
            return None
        if w.forced_error is not None and w.forced_error[0] == since:
            message, reason = w.forced_error[1], "ForcedError"
        else:
            message, reason = "container exited with code 1", "CrashLoopBackOff"
        return {
            "conditions": [
                {
                    "type": "Ready",
                    "status": "False",
                    "reason": reason,
                    "message": message,
                    "lastTransitionTime": since,
                }
            ],
            "logTail": w.log.tail(self.now()),
        }

    def begin(self, w: WorkloadRec, op: str) -> None:
        w.op, w.op_at, w.forced_error = op, self.now(), None
        if op == "start":
            w.startup = self._spread(self.timings.startup_seconds)
            artifact = self.artifacts.get(w.artifact_id)
            if artifact is not None:
                w.containers = _containers(artifact)
                w.crash = _crashes(w.containers)
            self._plan_start(w)
        else:
            w.stop_for = self._spread(self.timings.stop_seconds)
            w.log.schedule(w.op_at, stop_script(w.op_at, w.stop_for, w.containers))

    def _plan_start(self, w: WorkloadRec) -> None:
        if w.failure is None and self.failing_images:
            w.failure = failing_image(w, self.failing_images)
        at, startup = w.op_at, w.startup
        lines = start_script(at, startup, self.timings.submitted_fraction, w.containers, w.runtime)
        up = at + startup
        if w.crash:
            lines += crash_script(lines[-1].t, up)
        else:
            artifact = self.artifacts.get(w.artifact_id)
            draft = artifact is not None and artifact.status == "draft"
            ttl = self.timings.draft_ttl_seconds
            lines += ready_script(up, w.port, at + ttl if draft and ttl > startup else None)
        w.log.schedule(self.now(), self._with_failure(w, lines))

    def write_log(
        self,
        w: WorkloadRec,
        message: str,
        level: str = "INFO",
        *,
        span_id: str | None = None,
        trace_id: str | None = None,
        stacktrace: str | None = None,
    ) -> None:
        """Write a line to the workload's log now."""
        now = self.now()
        w.log.write(now, LogEntry(now, level, message, span_id, trace_id, stacktrace))

    def check_bundles(self, runtime: dict[str, Any], loc: tuple[str | int, ...]) -> None:
        """422 when the runtime names a compute bundle the catalogue does not hold."""
        problems = bundle_problems(runtime, self.bundles, loc)
        if problems:
            raise StoreError(422, problems)

    def start(self, w: WorkloadRec) -> bool:
        """Start; True when accepted (202), False for the no-op (200). 409 while stopping."""
        status, _ = self.phase(w)
        if status in ("submitted", "initializing", "running"):
            return False
        if status == "stopping":
            raise StoreError(409, f"Workload {w.id} is stopping; start it once it has stopped")
        self.check_bundles(w.runtime, ("runtime",))
        self.begin(w, "start")
        return True

    def stop(self, w: WorkloadRec) -> bool:
        """Stop; True when accepted (202), False when already stopping or stopped (200)."""
        status, _ = self.phase(w)
        if status in ("stopping", "stopped"):
            return False
        self.begin(w, "stop")
        return True

    def fail(self, w: WorkloadRec, message: str) -> None:
        """Send a workload to ``errored`` now, whatever it was doing."""
        now = self.now()
        if w.op != "start":
            w.op, w.op_at, w.startup = "start", now, 0.0
        w.forced_error = (max(now, w.op_at), message)
        w.log.schedule(now, [LogEntry(w.forced_error[0], "ERROR", f"emulator: {message}")])

    # -- artifacts --------------------------------------------------------------------------

    def create_artifact(self, user: User, body: dict[str, Any]) -> ArtifactRec:
        now = self.now()
        rec = ArtifactRec(
            id=new_id(),
            owner=user.id,
            name=body["name"],
            description=body.get("description", ""),
            type=body.get("type", "generic" if self.api_version == "v2.41" else "service"),
            status="draft",
            spec=body["spec"],
            created=now,
            updated=now,
        )
        self.artifacts[rec.id] = rec
        if body.get("status") == "registered":
            self.register(rec)
        return rec

    @property
    def lock_word(self) -> str:
        """The status of a locked artifact: ``registered`` (v2.41) or ``locked`` (11.5)."""
        return "registered" if self.api_version == "v2.41" else "locked"

    def register(self, rec: ArtifactRec) -> None:
        key = (rec.owner, rec.name)
        self._versions[key] = self._versions.get(key, 0) + 1
        rec.status, rec.version, rec.updated = self.lock_word, self._versions[key], self.now()
        for w in self.users_of(rec):
            w.log.drop_ttl()

    def users_of(self, rec: ArtifactRec) -> list[WorkloadRec]:
        return [w for w in self.workloads.values() if w.artifact_id == rec.id]

    # -- workloads --------------------------------------------------------------------------

    def create_workload(self, user: User, body: dict[str, Any], *, check_draft: bool = True) -> WorkloadRec:
        runtime = dict(body.get("runtime") or {})
        self.check_bundles(runtime, ("body", "runtime"))
        if "artifactId" in body:
            artifact = self.artifact(user, body["artifactId"])
            if check_draft and artifact.status == "draft" and self.users_of(artifact):
                raise StoreError(
                    409,
                    f"Artifact {artifact.id} is a draft and already backs a workload; "
                    "register it to use it for several workloads",
                )
        else:
            artifact = self.create_artifact(user, body["artifact"])
        autoscaling = runtime.get("autoscaling")
        if not (autoscaling and autoscaling.get("enabled")):
            runtime.setdefault("replicaCount", 1)
        now = self.now()
        containers = _containers(artifact)
        rec = WorkloadRec(
            id=new_id(),
            owner=user.id,
            name=body.get("name") or artifact.name,
            artifact_id=artifact.id,
            runtime=runtime,
            created=now,
            op="start",
            op_at=now,
            startup=self._spread(self.timings.startup_seconds),
            stop_for=self.timings.stop_seconds,
            crash=_crashes(containers),
            containers=containers,
        )
        self._plan_start(rec)
        self.workloads[rec.id] = rec
        return rec

    # -- deployments ------------------------------------------------------------------------

    def create_deployment(self, user: User, body: dict[str, Any]) -> DeploymentRec:
        workload = self.workload(user, body["workloadId"])
        artifact = self.artifacts.get(workload.artifact_id)
        if artifact is None or artifact.status != "registered":
            raise StoreError(
                422,
                [
                    {
                        "loc": ["body", "workloadId"],
                        "msg": "The workload's artifact is a draft; register it before deploying",
                        "type": "value_error",
                    }
                ],
            )
        now = self.now()
        rec = DeploymentRec(
            id=new_id(),
            owner=user.id,
            name=body["name"],
            description=body.get("description", ""),
            workload_id=workload.id,
            importance=body.get("importance", "low"),
            created=now,
            updated=now,
        )
        self.deployments[rec.id] = rec
        return rec


def _containers(artifact: ArtifactRec) -> list[dict[str, Any]]:
    return [c for g in artifact.spec["containerGroups"] for c in g["containers"]]


def _crashes(containers: list[dict[str, Any]]) -> bool:
    images = (str(c.get("imageUri")) for c in containers)
    return any(i == CRASH_IMAGE or i.startswith(CRASH_IMAGE + ":") for i in images)
