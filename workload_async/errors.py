"""Every exception workload-async raises on purpose.

The tree::

    WorkloadAPIError                 base of everything below
    ├── TransportError               connection refused, reset, DNS, TLS (the request may not have arrived)
    │   ├── RequestTimeoutError      no complete answer within the request timeout
    │   └── OutcomeUnknownError      a create was sent but no answer came: the resource may exist
    ├── APIStatusError               the server answered with a non-2xx status
    │   ├── BadRequestError          400, and any 4xx without a class of its own
    │   ├── AuthenticationError      401: token missing or unknown
    │   ├── PermissionDeniedError    403: token may not do this, or a quota is exceeded
    │   ├── NotFoundError            404: no such resource, or not visible to this token
    │   ├── ConflictError            409: the resource's state forbids this now
    │   ├── UnprocessableEntityError 422: validation; ``.errors`` lists each field problem
    │   ├── RateLimitError           429: ``.retry_after`` seconds, or None
    │   └── ServerError              5xx
    ├── ResponseDecodeError          the body is not JSON, or not the shape the contract promises
    ├── ClientClosedError            the client (or its session pool) was used after ``close()``
    ├── UnsupportedFeatureError      the API generation the client speaks has no such thing
    └── WaitError                    a wait ended without reaching its target
        ├── WaitTimeoutError         the deadline passed; ``.last_seen`` is the last workload seen,
        │                            ``.diagnosis`` why it is stuck (API 11.5)
        ├── WorkloadFailedError      the workload went ``errored``/``terminated``; ``.workload``,
        │                            ``.diagnosis``
        ├── UnexpectedStatusError    it settled in the other state (``stopped`` while waiting for ``running``)
        ├── ReplacementFailedError   a replacement (11.5) failed: ``errored``/``failed``/``canceled``;
        │                            ``.diagnosis`` from its candidate
        └── BuildFailedError         an image build (11.5) ended ``FAILED``/``CANCELLED``; ``.log_tail``

Every error prints in one line, names the method and the path it concerns, and never contains the
API token. aiohttp and cattrs exceptions are always wrapped, with the original as ``__cause__``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ._models.activity import Build, Replacement
    from ._models.outputs import Workload

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "BuildFailedError",
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
]


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class WorkloadAPIError(Exception):
    """Base class of every error raised by workload-async.

    Its ``str()`` is one line that names the request and never contains the API token; catch it
    to handle every failure of the SDK in one place::

        try:
            workload = await client.workloads.wait(workload_id, timeout=600)
        except WorkloadAPIError as error:
            log.error("no workload: %s", error)
    """

    #: The ids of what the failed call made on the server before it failed, and left there (an
    #: artifact made for a workload whose create then failed; the message says what each is);
    #: usually empty.
    left_behind: tuple[str, ...] = ()

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message))

    @property
    def message(self) -> str:
        """The one-line description of what went wrong."""
        return str(self.args[0]) if self.args else ""


class ClientClosedError(WorkloadAPIError):
    """A closed :class:`~workload_async.Client` or session pool was asked to do something.

    Raised by every call made after ``close()`` (or after its ``async with`` block), and by the
    waits still pending when the client closes. Make a new client.
    """


class UnsupportedFeatureError(WorkloadAPIError):
    """The API generation the client speaks has no such feature (deployments on 11.5; settings
    replacements, promote, history, events and workload stats on v2.41). Nothing was sent.

    ``feature`` names it and ``api_version`` is the client's generation.
    """

    def __init__(self, feature: str, api_version: str, hint: str = "") -> None:
        self.feature = feature
        self.api_version = api_version
        super().__init__(f"{feature} is not part of API {api_version}" + (f"; {hint}" if hint else ""))


class TransportError(WorkloadAPIError):
    """The request could not be carried out: no connection, connection lost, DNS, TLS.

    ``method`` and ``url`` name the request; ``__cause__`` is the underlying aiohttp/OS error.
    """

    def __init__(self, message: str, *, method: str, url: str) -> None:
        self.method = method
        self.url = url
        super().__init__(f"{method} {url}: {message}")


class RequestTimeoutError(TransportError):
    """No complete response arrived within the request timeout, or the call's own ``timeout=``
    (retries included) ran out. Raise the timeout if the server is slow."""


class OutcomeUnknownError(TransportError):
    """A call that creates or changes something was sent, then the connection failed before an
    answer came, and reading the server's state afterwards could not tell whether it acted.

    Repeating the call could make a duplicate, so the SDK does not. ``resource`` is what was being
    created or changed (``workloads``, ``artifacts``, ``deployments``, ``replacements``,
    ``builds``) and ``name`` the name it was sent with (None when unnamed). The message says how
    to find out (for a create: list that resource by name, and create again only when nothing is
    there; see "Failure modes" in the guide). ``__cause__`` is the failure.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        resource: str,
        name: str | None,
        how: str | None = None,
    ) -> None:
        self.resource = resource
        self.name = name
        #: what happened to the request, without the advice
        self.reason = message
        if how is not None:
            told = f"{message}; {how}"
        else:
            if name is not None:
                how = (
                    f"list {resource} by name (client.{resource}.list(search={name!r})) before creating again"
                )
            else:
                how = f"list {resource} (newest first) before creating again"
            told = f"{message}; the request was sent, so the {resource.removesuffix('s')} may exist: {how}"
        super().__init__(told, method=method, url=url)


@attrs.frozen
class FieldError:
    """One problem with one field of a request, as reported by a 422 response.

    ``loc`` is the path to the field, e.g. ``("body", "runtime", "replicaCount")``.
    """

    loc: tuple[str | int, ...]
    msg: str
    type: str | None = None

    @property
    def field(self) -> str:
        """The location as a dotted path without the leading ``body``, e.g. ``runtime.replicaCount``."""
        parts = list(self.loc)
        if parts and parts[0] == "body":
            parts = parts[1:]
        return ".".join(str(p) for p in parts) or "body"

    def __str__(self) -> str:
        return f"{self.field}: {self.msg}"


class APIStatusError(WorkloadAPIError):
    """The API answered with a non-success status.

    Attributes: ``status`` (int), ``method``, ``url`` (the path relative to the API root, or the
    full URL for a call outside it), ``message`` (the server's explanation), ``body`` (decoded JSON,
    or the raw text when the body was not JSON) and ``headers`` (a read-only mapping).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        method: str,
        url: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.method = method
        self.url = url
        self.body = body
        self.headers: Mapping[str, str] = dict(headers or {})
        self.server_message = _one_line(message)
        super().__init__(f"[{status}] {method} {url}: {self.server_message}")

    @property
    def message(self) -> str:
        """The server's own explanation, without the status and request prefix."""
        return self.server_message


class BadRequestError(APIStatusError):
    """400, or any other 4xx status without a class of its own."""


class AuthenticationError(APIStatusError):
    """401: the token is missing, unknown or expired."""


class PermissionDeniedError(APIStatusError):
    """403: the token may not do this (a read-only token writing), or a quota is exceeded."""


class NotFoundError(APIStatusError):
    """404: no such resource, it is not visible to this token, or it was deleted."""


class ConflictError(APIStatusError):
    """409: the resource's current state forbids the request (e.g. start while stopping)."""


class UnprocessableEntityError(APIStatusError):
    """422: the request failed validation.

    ``errors`` lists each field problem::

        try:
            await client.workloads.create(name=name, artifact=artifact)
        except UnprocessableEntityError as error:
            for problem in error.errors:
                print(problem.field, problem.msg)
    """

    def __init__(self, message: str, *, errors: Sequence[FieldError] = (), **kwargs: Any) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__(message, **kwargs)


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is the server's ``Retry-After`` in seconds, or None."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(APIStatusError):
    """5xx: the server or a gateway in front of it failed. ``retry_after`` as for 429."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ResponseDecodeError(WorkloadAPIError):
    """A success response whose body is not JSON, or not the shape the contract promises.

    ``excerpt`` quotes the start of the body; ``problems`` lists each field that did not fit.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        excerpt: str = "",
        problems: Sequence[str] = (),
    ) -> None:
        self.method = method
        self.url = url
        self.excerpt = excerpt
        self.problems = tuple(problems)
        detail = f"; {'; '.join(self.problems)}" if self.problems else ""
        quoted = f" (body starts: {excerpt!r})" if excerpt else ""
        super().__init__(f"{method} {url}: {message}{detail}{quoted}")


class WaitError(WorkloadAPIError):
    """A wait ended without the workload reaching the status asked for.

    ``workload_id`` names it; ``workload`` is the last :class:`~workload_async.Workload` seen
    (None when no poll answered). ``diagnosis`` says why, when the SDK could read it (API 11.5:
    from the workload's active proton, e.g. ``container app: image pull back-off
    (registry.example.com/app:1 not found), 0 restarts``; for a wait for the end of a
    replacement, from its candidate proton, ``candidate: container app: ...``, or ``waiting its
    turn behind replacement ...``), and is None otherwise; the message ends with it.
    """

    def __init__(self, message: str, *, workload_id: str, workload: Workload | None) -> None:
        self.workload_id = workload_id
        self.workload = workload
        self.diagnosis: str | None = None
        super().__init__(message)

    def _diagnosed(self, diagnosis: str) -> None:
        """Say why, in ``diagnosis`` and at the end of the message (the SDK's waits call this)."""
        self.diagnosis = diagnosis
        self.args = (_one_line(f"{self.message}; diagnosis: {diagnosis}", limit=600),)


class WaitTimeoutError(WaitError):
    """The wait's deadline passed. ``last_seen`` is the last workload seen (or None),
    ``elapsed`` the seconds waited, ``polls`` how many status answers arrived for it and
    ``last_error`` the last polling error, if polls failed. A wait for image builds (API 11.5)
    concerns no workload: its ``workload_id`` is empty and its message names the builds."""

    def __init__(
        self,
        *,
        workload_id: str,
        workload: Workload | None,
        elapsed: float,
        polls: int,
        target: str,
        last_error: BaseException | None = None,
        subject: str | None = None,
        last_status: str | None = None,
    ) -> None:
        self.elapsed = elapsed
        self.polls = polls
        self.target = target
        self.last_error = last_error
        seen = workload.status.value if workload is not None else last_status or "nothing (no poll answered)"
        why = f"; last polling error: {last_error}" if last_error is not None else ""
        goal = target if " " in target else repr(target)  # a status is quoted, a goal in words is not
        super().__init__(
            f"{subject or f'workload {workload_id}'} did not reach {goal} within {elapsed:.1f}s "
            f"({polls} polls); last status seen: {seen}{why}",
            workload_id=workload_id,
            workload=workload,
        )

    @property
    def last_seen(self) -> Workload | None:
        """The last workload seen before the deadline, or None."""
        return self.workload


class WorkloadFailedError(WaitError):
    """The workload ended in ``errored`` (or ``terminated``) during a wait. Right after this client
    asked for a start or a stop, a status that has not moved yet is given the poll policy's
    ``stale_grace`` first.

    ``status_details`` and ``log_tail`` come from the workload's ``statusDetails``.
    """

    def __init__(self, *, workload: Workload) -> None:
        details = workload.status_details
        self.status_details = details
        self.log_tail: tuple[str, ...] = details.log_tail if details is not None else ()
        reason = ""
        if details is not None:
            failing = [c for c in details.conditions if c.message or c.reason]
            if failing:
                last = failing[-1]
                reason = f": {last.reason or last.type}: {last.message or ''}".rstrip(": ")
        tail = f" | last log line: {self.log_tail[-1]}" if self.log_tail else ""
        super().__init__(
            f"workload {workload.id} is {workload.status.value}{reason}{tail}",
            workload_id=workload.id,
            workload=workload,
        )


class UnexpectedStatusError(WaitError):
    """The workload settled in a state other than the one awaited (``stopped`` while waiting for
    ``running``, or the reverse) and stayed there past the wait's grace period."""

    def __init__(self, *, workload: Workload, target: str) -> None:
        self.target = target
        status = workload.status.value
        hint = {"stopped": "; start it first", "running": "; stop it first"}.get(status, "")
        super().__init__(
            f"workload {workload.id} settled in {status!r} while waiting for {target!r}{hint}",
            workload_id=workload.id,
            workload=workload,
        )


class ReplacementFailedError(WaitError):
    """A replacement (API 11.5: ``client.workloads.replace`` or a settings change) ended in a
    failure: ``errored``, ``failed`` or ``canceled``. The workload keeps serving its old version.

    ``replacement`` is the :class:`~workload_async.Replacement`; its ``message`` says why, and
    ``diagnosis`` what its candidate proton showed (``errored`` and ``failed`` ones, when it could
    be read).
    """

    def __init__(self, *, replacement: Replacement, workload: Workload | None = None) -> None:
        self.replacement = replacement
        why = f": {replacement.message}" if replacement.message else ""
        super().__init__(
            f"replacement {replacement.id} of workload {replacement.workload_id} "
            f"{replacement.status.value}{why}",
            workload_id=replacement.workload_id or "",
            workload=workload,
        )


class BuildFailedError(WaitError):
    """An image build (API 11.5) ended ``FAILED`` or ``CANCELLED``: the artifact has no image to
    deploy from it.

    ``build`` is the :class:`~workload_async.Build`, ``log_tail`` the last lines of its log (as
    strings; empty when the log could not be read) and ``builds`` every build the wait was for.
    ``workload_id`` is empty: a build belongs to an artifact, ``build.artifact_id``.
    """

    def __init__(self, *, build: Build, log_tail: Sequence[str] = (), builds: Sequence[Build] = ()) -> None:
        self.build = build
        self.log_tail = tuple(log_tail)
        self.builds = tuple(builds) or (build,)
        tail = f" | last log line: {self.log_tail[-1]}" if self.log_tail else ""
        super().__init__(
            f"build {build.id} of artifact {build.artifact_id} ended {build.status.value}{tail}",
            workload_id="",
            workload=None,
        )
