"""The :class:`Client`: configuration, lifecycle, and the resource managers hanging off it."""

from __future__ import annotations

import copy
import enum
import logging
import weakref
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs
from yarl import URL

from ._clock import Clock, SystemClock
from ._config import API_VERSION, ENDPOINT, TOKEN, Resolved, Sources
from ._dialects.versions import ApiVersion, dialect_for, requested_api_version
from ._http.pool import SessionPool
from ._http.transport import DEFAULT_MAX_RESPONSE_BYTES, Transport
from ._observe.hooks import Hooks
from ._observe.observer import Observer, log_from_env
from ._policies import PollPolicy, RetryPolicy
from ._resources.artifacts import ArtifactsManager
from ._resources.bundles import BundlesManager
from ._resources.deployments import DeploymentsManager
from ._resources.workloads import WorkloadsManager
from ._version import package_version
from ._waiting.diagnosis import Diagnoser
from ._waiting.poller import StatusPoller
from ._waiting.waits import Waits
from .errors import ClientClosedError

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider  # only named: the otel extra stays optional

__all__ = ["Client"]

log = logging.getLogger("workload_async")

DEFAULT_TIMEOUT = 30.0
DEFAULT_WAIT_TIMEOUT = 1800.0


class _State(enum.Enum):
    UNOPENED = "unopened"
    OPEN = "open"
    CLOSED = "closed"


def _endpoint(found: Resolved) -> URL:
    raw = found.value
    origin = "" if found.source == "endpoint=" else f" (from {found.source})"
    url = URL(raw)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            "endpoint must be an absolute http(s) URL such as https://app.datarobot.com/api/v2, "
            f"got {raw!r}{origin}"
        )
    if url.query_string or url.fragment:
        raise ValueError(f"endpoint must not carry a query or fragment, got {raw!r}{origin}")
    if url.path in ("", "/"):
        raise ValueError(
            f"endpoint must be the API root, with its path, e.g. {raw.rstrip('/')}/api/v2; "
            f"got {raw!r}{origin}"
        )
    return url if url.path.endswith("/") else url.with_path(url.path + "/")


def _retry_policy(retries: RetryPolicy | int | None) -> RetryPolicy:
    if isinstance(retries, RetryPolicy):
        return retries
    if retries is None:
        return RetryPolicy()
    if isinstance(retries, int) and not isinstance(retries, bool) and retries >= 0:
        return RetryPolicy(attempts=retries + 1)
    raise ValueError(f"retries must be a RetryPolicy or a number of retries >= 0, got {retries!r}")


def _positive_timeout(timeout: float) -> float:
    if not timeout > 0:  # NaN too
        raise ValueError(f"timeout must be > 0 seconds, got {timeout}")
    return timeout


_UNSET: Any = object()


class Client:
    """An async client of the DataRobot Workload API, in either of its generations.

    ``endpoint`` is the API root (``https://app.datarobot.com/api/v2``) and ``token`` an API key;
    when not given they come from ``DATAROBOT_ENDPOINT`` and ``DATAROBOT_API_TOKEN``, else from the
    ``endpoint:`` and ``token:`` keys of DataRobot's config file, ``~/.config/datarobot/drconfig.yaml``
    or the file named by ``DATAROBOT_CONFIG_FILE`` (read with PyYAML: install
    ``workload-async[yaml]``). Use it as an async context manager (or call :meth:`close`); once
    closed it refuses further use.

    The API hangs off it: ``client.workloads``, ``client.artifacts``, ``client.deployments``
    (v2.41) and ``client.bundles``, each a manager whose methods take and return models.

    - ``timeout``: seconds for one HTTP request, connection to last byte.
    - ``retries``: a :class:`RetryPolicy`, or how many times to retry (``0``: never) connection
      failures, 429 and 502/503/504; creates are retried only when they provably did not happen.
    - ``max_connections``: the connection limit of the pool this client makes.
    - ``pool``: a :class:`SessionPool` to share with other clients; the client then leaves it open.
    - ``poll``: the default :class:`PollPolicy` of waits; ``wait_timeout`` their default timeout
      (seconds; ``None`` means no limit).
    - ``clock``: where time comes from (a :class:`FakeClock` in tests).
    - ``max_response_bytes``: the largest response body read (32 MiB by default); a larger one
      is refused, unread, with :class:`~workload_async.errors.ResponseDecodeError`.
    - ``hooks``: a :class:`Hooks` object told of every request, retry and status change (metrics).
    - ``tracing``: OpenTelemetry spans for requests, waits, bulk calls and polling rounds when the
      application uses OpenTelemetry (the ``otel`` extra); False turns them off.
    - ``tracer_provider``: the OpenTelemetry ``TracerProvider`` of those spans (by default the
      global one, whenever the application sets it).

    - ``api_version``: the generation of the API to speak: ``"v2.41"`` (the default),
      ``"11.5"`` (what DataRobot serves today), or ``"auto"`` (the first request asks the server
      once and the client remembers). When not given it comes from
      ``DATAROBOT_WORKLOAD_API_VERSION``, else the config file's ``api_version:``. The same models
      and methods work on both; what one generation cannot say is a ``ValueError`` before sending,
      and a feature it lacks raises :class:`~workload_async.errors.UnsupportedFeatureError`.

    Every call also takes ``timeout=``: seconds for the whole call, retries included.

    ``WORKLOAD_ASYNC_LOG=info|debug`` in the environment shows the SDK's log lines on stderr
    when the application has not configured logging.

    Raises ``ValueError`` when the endpoint or the token is not configured anywhere (the message
    names all three places to set it), when the endpoint is not an absolute ``http(s)`` URL with
    the API root's path, or when the config file cannot be read::

        async with Client() as client:  # DATAROBOT_ENDPOINT / DATAROBOT_API_TOKEN
            workload = await client.workloads.create(name="whoami", artifact=artifact)
            workload = await client.workloads.wait(workload.id, timeout=600)
    """

    def __init__(
        self,
        endpoint: str | None = None,
        token: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: RetryPolicy | int | None = None,
        max_connections: int = 100,
        pool: SessionPool | None = None,
        poll: PollPolicy | None = None,
        wait_timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        clock: Clock | None = None,
        hooks: Hooks | None = None,
        tracing: bool = True,
        tracer_provider: TracerProvider | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        api_version: ApiVersion | str | None = None,
    ) -> None:
        log_from_env()
        sources = Sources()
        self._endpoint = _endpoint(sources.require(ENDPOINT, endpoint))
        token_value = sources.require(TOKEN, token).value
        chosen = sources.lookup(API_VERSION, api_version)
        try:
            self._api_version = requested_api_version(chosen.value if chosen else None)
        except ValueError as exc:  # say where the value came from: an argument, a variable, a file
            raise ValueError(f"{exc} (from {chosen.source})" if chosen else str(exc)) from None
        _positive_timeout(timeout)
        retry = _retry_policy(retries)
        self._root = self  # a view made by with_options points at the client it came from
        self._views: weakref.WeakSet[Transport] = weakref.WeakSet()
        self._owns_pool = pool is None
        self._pool = pool if pool is not None else SessionPool(max_connections=max_connections)
        self._clock: Clock = clock or SystemClock()
        self._state = _State.UNOPENED
        self._transport = Transport(
            base=self._endpoint,
            token=token_value,
            pool=self._pool,
            clock=self._clock,
            timeout=timeout,
            retry=retry,
            user_agent=f"workload-async/{package_version()}",
            observe=Observer(self._clock, hooks, tracing, tracer_provider),
            max_response_bytes=max_response_bytes,
            dialect=dialect_for(self._api_version),
        )
        self._poller = StatusPoller(self._transport, self._clock)
        self._diagnoser = Diagnoser(self._transport, self._clock)
        self._attach(Waits(self._poller, self._clock, poll or PollPolicy(), wait_timeout, self._diagnoser))

    def _attach(self, waits: Waits) -> None:
        """Hang the resource managers off this client (or view), over its transport and waits."""
        self._waits = waits
        #: Workloads: CRUD, start/stop, waits, bulk operations and invoke.
        self.workloads = WorkloadsManager(self._transport, waits, self._pool.connections_per_host)
        #: Artifacts: create, read, replace, update, register, delete; clone and image builds (11.5).
        self.artifacts = ArtifactsManager(self._transport, waits)
        self._deployments = DeploymentsManager(self._transport)
        #: Compute bundles: the catalogue a runtime's ``resources`` name.
        self.bundles = BundlesManager(self._transport)

    def with_options(
        self,
        *,
        timeout: float | None = None,
        retries: RetryPolicy | int | None = None,
        poll: PollPolicy | None = None,
        wait_timeout: float | None = _UNSET,
    ) -> Client:
        """A view of this client with other limits, sharing its pool, sessions, poller and clock::

            fast = client.with_options(timeout=5, retries=0)
            await fast.workloads.get(workload_id)          # fails within 5 s, never retried

        - ``timeout``: seconds for each call made through the view, retries included (one attempt
          may use all of it).
        - ``retries``: a :class:`RetryPolicy` or a number of retries; the client-wide retry budget
          stays shared.
        - ``poll``: the :class:`PollPolicy` of the view's waits; ``wait_timeout`` their default
          timeout. The waits still share the client's one poller (its requests follow the
          client's own limits).

        Options left out keep the client's. The view lives as long as the client: closing the
        client closes its views; closing (or leaving the ``async with`` of) a view does nothing.
        """
        self._check_usable()
        changes: dict[str, Any] = {}
        if timeout is not None:
            changes.update(timeout=_positive_timeout(timeout), call_timeout=timeout)
        if retries is not None:
            changes["retry"] = _retry_policy(retries)
        view = copy.copy(self)
        view._owns_pool = False
        view._transport = attrs.evolve(self._transport, **changes)  # shares budget, observer, pool
        self._root._views.add(view._transport)
        view._attach(
            Waits(
                self._poller,
                self._clock,
                poll or self._waits.policy,
                self._waits.timeout if wait_timeout is _UNSET else wait_timeout,
                self._diagnoser,
            )
        )
        return view

    def _check_usable(self) -> None:
        if self._root._state is _State.CLOSED:
            raise ClientClosedError("this client is closed; make a new Client")

    @property
    def deployments(self) -> DeploymentsManager:
        """Deployments: CRUD, stats and invoke (API v2.41 only).

        Raises :class:`~workload_async.errors.UnsupportedFeatureError` on an 11.5 client: that
        generation has no deployments (invoke the workload itself).
        """
        dialect = self._transport.dialect
        if dialect is not None:
            dialect.require("deployments")
        return self._deployments

    @property
    def api_version(self) -> str:
        """The generation of the API this client speaks: ``"v2.41"`` or ``"11.5"``; ``"auto"``
        until the first request of an ``auto`` client has asked the server."""
        dialect = self._transport.dialect
        return dialect.name if dialect is not None else "auto"

    async def detect_api_version(self) -> str:
        """The generation the server speaks, asking it now if this ``auto`` client has not yet."""
        return (await self._transport.get_dialect()).name

    @property
    def endpoint(self) -> str:
        """The API root this client talks to, ending in ``/``."""
        return str(self._endpoint)

    @property
    def clock(self) -> Clock:
        """The clock of this client's waits and retries."""
        return self._clock

    @property
    def pool(self) -> SessionPool:
        """The session pool this client sends through."""
        return self._pool

    @property
    def poller(self) -> StatusPoller:
        """The status poller shared by every wait of this client (``.requests`` counts its calls)."""
        return self._poller

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called (on the client a view came from, for a view)."""
        return self._root._state is _State.CLOSED

    def deadline(self, seconds: float) -> float:
        """An absolute deadline ``seconds`` from now on this client's clock, to share between waits."""
        return self._clock.monotonic() + seconds

    def __repr__(self) -> str:
        view = " view" if self._root is not self else ""
        return f"<Client{view} {self._endpoint} {self._root._state.value}>"

    async def __aenter__(self) -> Client:
        self._check_usable()
        if self._root is not self:
            return self
        if self._state is _State.OPEN:
            raise RuntimeError("this client is already open; enter its context only once")
        self._state = _State.OPEN
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop the poller, fail pending waits, and close the pool if this client made it.

        Calling it again does nothing; so does calling it on a view made by :meth:`with_options`.
        """
        if self._root is not self or self._state is _State.CLOSED:
            return
        self._state = _State.CLOSED
        self._transport.closed = True
        for view in self._views:
            view.closed = True
        await self._poller.close()
        if self._owns_pool:
            await self._pool.close()
