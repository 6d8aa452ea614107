"""Image builds as the live service plays them (``api-live.md`` §2): ``artifacts/{id}/builds/…``.

A container whose spec holds an ``imageBuildConfig`` is built from source: ``POST builds/`` starts
one build per such container (202 ``{"buildIds": [...]}``), each going ``PENDING``,
``IN_PROGRESS``, ``BUILT`` (built, not yet pushed), ``COMPLETED`` over the build time
(:data:`MARKS`). Its status is derived from the clock, like a workload's; :func:`settle` (run by
the handlers before every request of this generation) writes a completed build's ``imageUri``
into its container. Until a container has one, the artifact cannot be locked, run or rolled onto
a workload (422). A Dockerfile at :data:`FAILING_DOCKERFILE` makes its builds fail; controls can
fail a build or hold builds at a status.
"""

from __future__ import annotations

import json
import math
from typing import Any

from aiohttp import web

from .._invoke import Handler
from .._records import ArtifactRec, BuildRec, User, new_id
from .._state import state_of, user_of
from .._store import Store, StoreError
from .._web import json_response, page_of, timestamp

__all__ = [
    "FAILING_DOCKERFILE",
    "MARKS",
    "ROUTES",
    "build_status",
    "fail",
    "hold",
    "merge_images",
    "refuse_inline_source",
    "refuse_unbuilt",
    "release",
    "settle",
    "spec_view",
    "start",
]

#: The statuses of a build that goes well, and when each starts (a fraction of the build time).
MARKS = (("PENDING", 0.0), ("IN_PROGRESS", 0.1), ("BUILT", 0.8), ("COMPLETED", 1.0))
_MARK = dict(MARKS)
#: A ``provided`` Dockerfile at this path fails its builds halfway (as a broken Dockerfile would).
FAILING_DOCKERFILE = "emulator/fail.Dockerfile"
_FAIL_AT = 0.5
FAILURES = ("FAILED", "CANCELLED")
PAGE_SIZE = 10
#: Where the images of completed builds are (what a build writes into its container's ``imageUri``).
BUILT_PREFIX = "registry.emulator.local/artifacts/"


def _containers(a: ArtifactRec) -> list[tuple[tuple[int, int], dict[str, Any]]]:
    return [
        ((g, i), c)
        for g, group in enumerate(a.spec["containerGroups"])
        for i, c in enumerate(group["containers"])
    ]


def _built_from_source(
    a: ArtifactRec, spec: dict[str, Any] | None = None
) -> list[tuple[tuple[int, int], dict[str, Any]]]:
    containers = (
        _containers(a)
        if spec is None
        else [
            ((g, i), c)
            for g, group in enumerate(spec.get("containerGroups", []))
            for i, c in enumerate(group.get("containers", []))
        ]
    )
    return [(at, c) for at, c in containers if c.get("imageBuildConfig") is not None]


def build_status(store: Store, b: BuildRec, now: float | None = None) -> tuple[str, float, bool]:
    """A build's status, since when, and whether it has ended (or is held)."""
    now = store.now() if now is None else now
    if b.failed is not None and now >= b.failed[0]:
        return b.failed[1], b.failed[0], True
    base = b.created + b.shift
    held_at = _MARK[b.hold] if b.hold is not None else math.inf
    if b.fails and held_at >= _FAIL_AT:
        failed_at = base + b.duration * _FAIL_AT
        if now >= failed_at:
            return "FAILED", failed_at, True
    elapsed = now - base
    status, since = MARKS[0][0], base
    for name, fraction in MARKS:
        if elapsed < b.duration * fraction:
            break
        status, since = name, base + b.duration * fraction
        if name == b.hold:
            return status, since, False
    return status, since, status == "COMPLETED"


def _message(store: Store, b: BuildRec) -> str | None:
    status = build_status(store, b)[0]
    if b.failed is not None and status == b.failed[1]:
        return b.failed[2]
    if status == "FAILED":
        return 'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2'
    return None


def settle(store: Store) -> None:
    """Write each completed build's image into its container, in the order the builds completed."""
    done: list[tuple[float, BuildRec]] = []
    for recs in store.builds.values():
        for b in recs:
            if not b.applied:
                status, since, _ = build_status(store, b)
                if status == "COMPLETED":
                    done.append((since, b))
    for _, b in sorted(done, key=lambda pair: pair[0]):
        b.applied = True
        artifact = store.artifacts.get(b.artifact_id)
        if artifact is None:
            continue
        g, i = b.container
        try:
            container = artifact.spec["containerGroups"][g]["containers"][i]
        except (IndexError, KeyError):
            continue  # the spec was replaced since: the build built nothing it still has
        if container.get("imageBuildConfig") is not None:
            container["imageUri"] = b.image_uri
            artifact.updated = store.now()


def _latest(store: Store, a: ArtifactRec, at: tuple[int, int]) -> BuildRec | None:
    return next((b for b in reversed(store.builds.get(a.id, [])) if b.container == at), None)


def _built(container: dict[str, Any]) -> bool:
    """True when a container built from source holds an image one of its builds wrote (a clone
    of a built artifact holds it too)."""
    return str(container.get("imageUri") or "").startswith(BUILT_PREFIX)


def spec_view(store: Store, a: ArtifactRec) -> dict[str, Any]:
    """The artifact's spec as the API writes it: a container built from source shows its latest
    ``build`` and has no ``imageUri`` until one of its builds completed."""
    spec = a.spec
    sourced = _built_from_source(a)
    if not sourced:
        return spec
    groups = [dict(g, containers=[dict(c) for c in g["containers"]]) for g in spec["containerGroups"]]
    for (g, i), _ in sourced:
        container = groups[g]["containers"][i]
        if not _built(container):
            container["imageUri"] = None
        latest = _latest(store, a, (g, i))
        container["build"] = (
            None
            if latest is None
            else {
                "artifactImageBuildId": latest.id,
                "status": build_status(store, latest)[0],
                "createdAt": timestamp(store, latest.created),
            }
        )
    return {**spec, "containerGroups": groups}


def refuse_unbuilt(
    store: Store, a: ArtifactRec, loc: tuple[str, ...], spec: dict[str, Any] | None = None
) -> None:
    """422 when a container of ``a`` (with ``spec``, when it is about to change) built from source
    has no completed build yet."""
    settle(store)
    sourced = _built_from_source(a, spec)
    missing = [c.get("name") or f"container-{at[1]}" for at, c in sourced if not _built(c)]
    if missing:
        msg = (
            f"runtime_image_uri of {', '.join(missing)} is None: artifact {a.id} has no completed "
            "image build; build it first (POST artifacts/{id}/builds/)"
        )
        raise StoreError(422, [{"loc": list(loc), "msg": msg, "type": "value_error"}])


def refuse_inline_source(artifact: dict[str, Any], loc: tuple[str, ...]) -> None:
    """422 for a workload whose inline artifact builds an image from source: nothing built it."""
    for g, group in enumerate(artifact["spec"]["containerGroups"]):
        for i, c in enumerate(group["containers"]):
            if c.get("imageBuildConfig") is not None:
                msg = (
                    "runtime_image_uri is None: an image built from source needs a build first; "
                    "create the artifact, build it (POST artifacts/{id}/builds/), then the workload"
                )
                where = [*loc, "spec", "containerGroups", g, "containers", i, "imageBuildConfig"]
                raise StoreError(422, [{"loc": where, "msg": msg, "type": "value_error"}])


def merge_images(a: ArtifactRec, spec: dict[str, Any]) -> None:
    """Before ``spec`` replaces ``a``'s: a container built from source keeps the image it holds
    when the new spec leaves ``imageUri`` out (or null: a spec read back before the build
    completed), and a new spec may not set another (422: only builds set it, ``api-live.md`` §2)."""
    old = {at: c.get("imageUri") for at, c in _built_from_source(a)}
    for g, group in enumerate(spec.get("containerGroups", [])):
        for i, c in enumerate(group.get("containers", [])):
            if c.get("imageBuildConfig") is None or (g, i) not in old:
                continue
            held = old[(g, i)]
            if "imageUri" not in c:
                if held is not None:
                    c["imageUri"] = held
            elif c["imageUri"] != held:
                loc = ["body", "spec", "containerGroups", g, "containers", i, "imageUri"]
                msg = "imageUri of a container built from source is set by its builds"
                raise StoreError(422, [{"loc": loc, "msg": msg, "type": "value_error"}])


def start(store: Store, user: User, a: ArtifactRec) -> list[BuildRec]:
    """``POST builds/``: one build per container built from source; 422 for a locked artifact or
    one with nothing to build."""
    loc = ["path", "id"]
    if a.status != "draft":
        msg = f"Artifact {a.id} is locked: build a draft (clone it) instead"
        raise StoreError(422, [{"loc": loc, "msg": msg, "type": "value_error"}])
    sourced = _built_from_source(a)
    if not sourced:
        msg = f"No container of artifact {a.id} has an imageBuildConfig: there is nothing to build"
        raise StoreError(422, [{"loc": loc, "msg": msg, "type": "value_error"}])
    now = store.now()
    made = []
    for at, container in sourced:
        build_id = new_id()
        name = container.get("name") or f"container-{at[1]}"
        dockerfile = container["imageBuildConfig"].get("dockerfile") or {}
        rec = BuildRec(
            id=build_id,
            artifact_id=a.id,
            owner=user.id,
            container=at,
            name=f"{a.name}-{name}",
            created=now,
            duration=store.timings.build_seconds,
            image_uri=f"{BUILT_PREFIX}{a.id}/{name}:{build_id[:12]}",
            fails=dockerfile.get("path") == FAILING_DOCKERFILE,
            hold=store.build_holds.get(a.id),
        )
        store.builds.setdefault(a.id, []).append(rec)
        made.append(rec)
    return made


def _pick(store: Store, artifact_id: str, build_id: str | None) -> list[BuildRec]:
    recs = store.builds.get(artifact_id, [])
    if build_id is None:
        return recs
    picked = [b for b in recs if b.id == build_id]
    if not picked:
        raise KeyError(f"no build {build_id} of artifact {artifact_id}")
    return picked


def fail(
    store: Store, artifact_id: str, message: str, build_id: str | None = None, status: str = "FAILED"
) -> list[BuildRec]:
    """End the artifact's builds still running (or just ``build_id``) in ``status`` (``FAILED`` or
    ``CANCELLED``) now, with ``message`` in their log; 409 when none is running."""
    if status not in FAILURES:
        raise ValueError(f"status must be one of {', '.join(FAILURES)}, got {status!r}")
    now = store.now()
    running = [b for b in _pick(store, artifact_id, build_id) if not build_status(store, b, now)[2]]
    if not running:
        raise StoreError(409, f"Artifact {artifact_id} has no build in progress")
    for b in running:
        b.failed = (now, status, message)
    return running


def hold(store: Store, artifact_id: str, at: str) -> None:
    """Hold the artifact's builds at status ``at`` (those that have not passed it, and those
    started while the hold lasts) until :func:`release`."""
    if at not in _MARK:
        raise ValueError(f"at must be one of {', '.join(_MARK)}, got {at!r}")
    store.build_holds[artifact_id] = at
    now = store.now()
    for b in store.builds.get(artifact_id, []):
        status, _, ended = build_status(store, b, now)
        if not ended and _MARK.get(status, 0.0) <= _MARK[at]:
            b.hold = at


def release(store: Store, artifact_id: str) -> None:
    """Let the artifact's held builds move on from now, as if they had just reached the status
    they were held at."""
    store.build_holds.pop(artifact_id, None)
    now = store.now()
    for b in store.builds.get(artifact_id, []):
        if b.hold is not None:
            status, since, _ = build_status(store, b, now)
            if status == b.hold and (b.failed is None or now < b.failed[0]):
                b.shift += now - since
            b.hold = None


def view(store: Store, b: BuildRec) -> dict[str, Any]:
    """A build as the API writes it."""
    status, since, _ = build_status(store, b)
    user = next((u for u in store.users.values() if u.id == b.owner), None)
    return {
        "id": b.id,
        "name": b.name,
        "artifactId": b.artifact_id,
        "status": status,
        "creator": {"id": b.owner, "email": user.email if user else None},
        "createdAt": timestamp(store, b.created),
        "updatedAt": timestamp(store, min(since, store.now())),
    }


def log_lines(store: Store, b: BuildRec) -> list[str]:
    """The build's log so far: one JSON object a line, as the live service writes it."""
    now = store.now()
    status, since, _ = build_status(store, b, now)
    base = b.created + b.shift

    def line(at: float, level: str, message: str) -> str:
        record = {
            "asctime": store.wall(at).strftime("%Y-%m-%d %H:%M:%S,")
            + f"{store.wall(at).microsecond // 1000:03d}",
            "levelname": level,
            "name": "image-build",
            "message": message,
            "build_id": b.id,
        }
        return json.dumps(record, separators=(",", ":"))

    steps = [
        (0.0, "INFO", f"build {b.id} of {b.name} queued"),
        (0.1, "INFO", "fetching the code and the Dockerfile"),
        (0.3, "INFO", "#5 [2/4] RUN pip install -r requirements.txt"),
        (0.8, "INFO", f"built {b.image_uri}; pushing"),
        (1.0, "INFO", f"pushed {b.image_uri}"),
    ]
    horizon = since if status in FAILURES or status == b.hold else now
    lines = [
        line(base + b.duration * f, level, text)
        for f, level, text in steps
        if base + b.duration * f <= horizon
    ]
    if status in FAILURES:
        message = _message(store, b) or status
        lines.append(line(since, "ERROR", message))
    return lines


# -- the routes ---------------------------------------------------------------------------------


def _artifact(request: web.Request) -> tuple[Store, ArtifactRec, User]:
    store, user = state_of(request).store, user_of(request)
    return store, store.artifact(user, request.match_info["id"]), user


def _build(request: web.Request) -> tuple[Store, BuildRec]:
    store, artifact, _ = _artifact(request)
    build_id = request.match_info["build"]
    rec = next((b for b in store.builds.get(artifact.id, []) if b.id == build_id), None)
    if rec is None:
        raise StoreError(404, f"Build {build_id} of artifact {artifact.id} not found")
    return store, rec


async def start_builds(request: web.Request) -> web.Response:
    store, artifact, user = _artifact(request)
    raw = await request.read()  # no body, or {}
    if raw.strip():
        try:
            body = json.loads(raw)
        except ValueError:
            raise StoreError(400, "Request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise StoreError(
                422, [{"loc": ["body"], "msg": "Input should be an object", "type": "dict_type"}]
            )
        if body:
            extra = "Extra inputs are not permitted"
            raise StoreError(
                422, [{"loc": ["body", k], "msg": extra, "type": "extra_forbidden"} for k in body]
            )
    made = start(store, user, artifact)
    return json_response({"buildIds": [b.id for b in made]}, 202)


async def list_builds(request: web.Request) -> web.Response:
    store, artifact, _ = _artifact(request)
    recs = store.builds.get(artifact.id, [])[::-1]  # newest first
    return page_of(request, recs, lambda b: view(store, b), default_limit=PAGE_SIZE)


async def get_build(request: web.Request) -> web.Response:
    store, rec = _build(request)
    return json_response(view(store, rec))


async def build_logs(request: web.Request) -> web.Response:
    store, rec = _build(request)
    lines = log_lines(store, rec)
    return web.Response(text="\n".join(lines) + ("\n" if lines else ""), content_type="text/plain")


ROUTES: list[tuple[str, str, str, Handler]] = [
    ("POST", "/artifacts/{id}/builds", "artifacts.build", start_builds),
    ("GET", "/artifacts/{id}/builds", "artifacts.builds", list_builds),
    ("GET", "/artifacts/{id}/builds/{build}", "artifacts.get_build", get_build),
    ("GET", "/artifacts/{id}/builds/{build}/logs", "artifacts.build_logs", build_logs),
]
