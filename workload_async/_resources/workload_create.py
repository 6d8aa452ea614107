"""How ``client.workloads.create`` prepares its request: the body in the client's dialect, and
what that dialect needs done first.

A workload needs a name on 11.5 (the artifact's, as v2.41 servers default it); and where a create
cannot lock an inline artifact (11.5 servers make inline artifacts drafts), the artifact is
created and locked first, each exactly once (see :mod:`.exactly_once`), and any error after it was
made names it.
"""

from __future__ import annotations

from typing import Any

import attrs

from .._dialects.dialect import Dialect
from .._http.transport import Transport
from .._models.enums import Importance
from .._models.inputs import InputArtifact, WorkloadRuntime
from ..errors import OutcomeUnknownError, WorkloadAPIError
from .artifacts import lock
from .exactly_once import leaving, newest, since, unknown

__all__ = ["create_body", "made_for_it"]


@attrs.frozen
class _Named:
    id: str
    name: str | None = None


def made_for_it(artifact_id: str, *, locked: bool) -> str:
    """How an error names the artifact a workload create made before it failed."""
    state = "locked" if locked else "a draft (its lock failed)"
    return (
        f"artifact {artifact_id}, made for this workload, {state}: if no workload was created, "
        f"reuse it (artifact_id={artifact_id!r}) or delete it"
    )


async def create_body(
    transport: Transport,
    dialect: Dialect,
    *,
    name: str | None,
    description: str | None,
    importance: Importance | None,
    artifact: InputArtifact | None,
    artifact_id: str | None,
    runtime: WorkloadRuntime | None,
    deadline: float | None = None,
) -> tuple[dict[str, Any], str | None]:
    """A create's body in the client's dialect, with what that dialect needs done first (see the
    module); and the id of the artifact made for it, if one was."""
    if name is None and artifact_id is not None and dialect.has("workload names required"):
        named = await transport.call("GET", "artifacts.get", artifact_id, deadline=deadline)
        name = named.parse(_Named).name
    body = dialect.create_body(
        name=name,
        description=description,
        importance=importance,
        artifact=artifact,
        artifact_id=artifact_id,
        runtime=runtime,
    )
    inline = body.get("artifact")
    if inline is None or inline.get("status") != dialect.lock_word or dialect.has("lock on create"):
        return body, None
    artifact_id = await _create_inline(transport, inline, deadline)
    async with leaving(artifact_id, made_for_it(artifact_id, locked=False)):
        await lock(transport, artifact_id, deadline)
    body = dict(("artifactId", artifact_id) if k == "artifact" else (k, v) for k, v in body.items())
    return body, artifact_id


async def _create_inline(transport: Transport, inline: dict[str, Any], deadline: float | None) -> str:
    """Create the artifact of a create that must lock it first, exactly once: when the answer is
    lost, the artifacts created since (newest first) with its name say which."""
    newest_first = [("sort", "-createdAt")]
    marker = await newest(transport, "artifacts.list", (), _Named, deadline, newest_first)
    try:
        created = await transport.call(
            "POST", "artifacts.create", json_body=inline, retry="create", deadline=deadline
        )
    except OutcomeUnknownError as lost:
        name = inline.get("name")
        how = f"list client.artifacts.list(search={name!r}) before creating the workload again"
        try:
            made = await since(transport, "artifacts.list", (), _Named, marker, deadline, newest_first)
        except WorkloadAPIError as exc:
            raise unknown(lost, "artifacts", f"listing them failed too ({exc}); {how}") from None
        named = [a.id for a in made if a.name == name]
        if len(named) != 1:
            said = ", ".join(named) or "none"
            raise unknown(lost, "artifacts", f"artifacts named {name!r} made since: {said}; {how}") from None
        return named[0]
    return created.parse(_Named).id
