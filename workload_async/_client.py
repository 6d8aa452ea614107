"""The :class:`Client`: configuration, lifecycle, and the resource managers hanging off it."""

from __future__ import annotations

import copy
import enum
import logging
import ssl
import weakref
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs

from ._clock import Clock, SystemClock
from ._config import Settings, api_root, resolve
from ._dialects.versions import API_VERSIONS, ApiVersion, dialect_for, requested_api_version
from ._http.pool import SessionPool
from ._http.transport import DEFAULT_MAX_RESPONSE_BYTES, Transport
from ._models.arguments import check_count, check_flag, check_instance, check_seconds, check_text, shown
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


def _retry_policy(retries: object, what: str = "retries") -> RetryPolicy:
    if isinstance(retries, RetryPolicy):
        return retries
    if retries is None:
        return RetryPolicy()
    if isinstance(retries, bool) or not isinstance(retries, int):
        raise TypeError(f"{what} must be a RetryPolicy or a number of retries, got {type(retries).__name__}")
    return RetryPolicy(attempts=check_count(retries, what, maximum=100) + 1)


def _positive_timeout(timeout: object) -> float:
    return check_seconds(timeout, "timeout")


def _wait_timeout(value: object) -> float | None:
    return None if value is None else check_seconds(value, "wait_timeout", zero=True)


def _ssl(verify: bool | str | None, where: str) -> ssl.SSLContext | bool:
    """aiohttp's ``ssl=`` for ``ssl_verify``: True (the pool's verification), False (none), or a
    context trusting the CA bundle at a path."""
    if verify is None or verify is True:
        return True
    if verify is False:
        return False
    try:
        return ssl.create_default_context(cafile=verify)
    except (OSError, ssl.SSLError) as exc:
        why = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or type(exc).__name__
        raise ValueError(f"{where} names a CA bundle that cannot be loaded: {why}") from None


def _check_clock(clock: object) -> Clock | None:
    if clock is not None and not all(
        callable(getattr(clock, m, None)) for m in ("monotonic", "now", "sleep")
    ):
        raise TypeError(f"clock must be a Clock (monotonic, now and sleep), got {type(clock).__name__}")
    return clock  # type: ignore[return-value]


_HOOKS = ("on_request", "on_retry", "on_status_change")


def _check_hooks(hooks: object) -> None:
    if hooks is None:
        return
    present = [name for name in _HOOKS if getattr(hooks, name, None) is not None]
    if not present:
        raise TypeError(
            f"hooks must have on_request, on_retry or on_status_change, got {type(hooks).__name__}"
        )
    for name in present:
        if not callable(getattr(hooks, name)):
            raise TypeError(f"hooks.{name} must be callable")


def _user_agent(suffix: str | None) -> str:
    own = f"workload-async/{package_version()}"
    return f"{own} {suffix}" if suffix else own


_UNSET: Any = object()


def _api_version(given: str | None, settings: Settings) -> str:
    """The generation: the argument, else the chosen source's, else v2.41."""
    value = given if given is not None else settings.api_version
    try:
        if value is not None and not value.strip():
            raise ValueError("empty")
        return requested_api_version(value)
    except ValueError:
        where = "api_version=" if given is not None else settings.where("api_version")
        shown_value = f", got {shown(value)}" if given is not None else ""
        raise ValueError(f"{where} must be one of {', '.join(API_VERSIONS)}{shown_value}") from None


class Client:
    """An async client of the DataRobot Workload API, in either of its generations.

    ``endpoint`` is the API root (``https://app.datarobot.com/api/v2``; a bare host such as
    ``https://app.datarobot.com`` means its ``/api/v2``) and ``token`` an API key. As DataRobot's
    own client does, the settings come from one place, taken whole:

    1. the arguments, when ``endpoint`` and ``token`` are both given (one without the other is
       refused: a token is never sent to an endpoint from another place);
    2. the file ``DATAROBOT_CONFIG_FILE`` names;
    3. the environment, when ``DATAROBOT_ENDPOINT`` and ``DATAROBOT_API_TOKEN`` are both set
       (with ``DATAROBOT_WORKLOAD_API_VERSION``, ``DATAROBOT_SSL_VERIFY``,
       ``DATAROBOT_MAX_RETRIES`` and ``DATAROBOT_USER_AGENT_SUFFIX``);
    4. ``~/.config/datarobot/drconfig.yaml``.

    A file holds ``endpoint``, ``token``, ``api_version``, ``ssl_verify``, ``connect_timeout``,
    ``max_retries`` and ``user_agent_suffix`` (read with PyYAML: install
    ``workload-async[yaml]``). Keyword arguments below win over what the source says. Use the
    client as an async context manager (or call :meth:`close`); once closed it refuses further
    use.

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
      once and the client remembers). When not given it comes from the source of the endpoint:
      the file's ``api_version:``, or ``DATAROBOT_WORKLOAD_API_VERSION`` with the environment's
      endpoint (beside another source the variable is not used, and a ``RuntimeWarning`` says
      so). The same models and methods work on both; what one generation cannot say is a
      ``ValueError`` before sending, and a feature it lacks raises
      :class:`~workload_async.errors.UnsupportedFeatureError`.
    - ``ssl_verify``: False to skip certificate checks (test servers only), or the path of a CA
      bundle to trust a private certificate authority; ``connect_timeout``: seconds to make a
      connection; ``user_agent_suffix``: added to the ``User-Agent`` header. The source's
      ``max_retries`` is the number of retries when ``retries`` is not given.

    Every call also takes ``timeout=``: seconds for the whole call, retries included.

    The SDK logs to the ``workload_async`` logger, which stays silent until the application
    configures logging; ``WORKLOAD_ASYNC_LOG=warning|info|debug`` in the environment shows its
    lines on stderr without that (another value is ignored, with a ``RuntimeWarning``).

    Raises ``TypeError``/``ValueError`` naming the argument for a bad one, before anything is
    made; ``ValueError`` when no place holds an endpoint and a token (the message names every
    place), when only one of a pair is given, when a setting cannot be read (the message names
    the setting and its source, never its value: a token pasted into ``DATAROBOT_ENDPOINT`` is
    not printed) or when the config file cannot be read::

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
        ssl_verify: bool | str | None = None,
        connect_timeout: float | None = None,
        user_agent_suffix: str | None = None,
    ) -> None:
        log_from_env()
        _positive_timeout(timeout)
        check_count(max_connections, "max_connections", minimum=1)
        check_instance(pool, SessionPool, "pool")
        check_instance(poll, PollPolicy, "poll")
        wait_timeout = _wait_timeout(wait_timeout)
        _check_clock(clock)
        _check_hooks(hooks)
        check_flag(tracing, "tracing")
        if tracer_provider is not None and not callable(getattr(tracer_provider, "get_tracer", None)):
            kind = type(tracer_provider).__name__
            raise TypeError(f"tracer_provider must be an OpenTelemetry TracerProvider, got {kind}")
        check_count(max_response_bytes, "max_response_bytes", minimum=1)
        if api_version is not None and not isinstance(api_version, str):
            raise TypeError(f"api_version must be a string such as '11.5', got {type(api_version).__name__}")
        if ssl_verify is not None and not isinstance(ssl_verify, bool | str):
            raise TypeError(
                f"ssl_verify must be True, False or a CA bundle's path, got {type(ssl_verify).__name__}"
            )
        if connect_timeout is not None:
            check_seconds(connect_timeout, "connect_timeout")
        check_text(user_agent_suffix, "user_agent_suffix", optional=True, limit=200)
        if user_agent_suffix is not None and any(c in user_agent_suffix for c in "\r\n\t"):
            raise ValueError("user_agent_suffix must be one line")
        settings = resolve(endpoint, token, api_version_given=api_version is not None)
        self._endpoint = api_root(settings.endpoint, settings.where("endpoint"))
        self._api_version = _api_version(api_version, settings)
        retry = _retry_policy(
            retries if retries is not None else settings.max_retries,
            "retries" if retries is not None else settings.where("max_retries"),
        )
        verify = ssl_verify if ssl_verify is not None else settings.ssl_verify
        where = "ssl_verify=" if ssl_verify is not None else settings.where("ssl_verify")
        self._root = self  # a view made by with_options points at the client it came from
        self._views: weakref.WeakSet[Transport] = weakref.WeakSet()
        self._owns_pool = pool is None
        self._pool = pool if pool is not None else SessionPool(max_connections=max_connections)
        self._clock: Clock = clock or SystemClock()
        self._state = _State.UNOPENED
        self._transport = Transport(
            base=self._endpoint,
            token=settings.token,
            pool=self._pool,
            clock=self._clock,
            timeout=timeout,
            retry=retry,
            user_agent=_user_agent(user_agent_suffix or settings.user_agent_suffix),
            observe=Observer(self._clock, hooks, tracing, tracer_provider),
            max_response_bytes=max_response_bytes,
            dialect=dialect_for(self._api_version),
            ssl=_ssl(verify, where),
            connect_timeout=connect_timeout if connect_timeout is not None else settings.connect_timeout,
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
        Raises ``TypeError``/``ValueError`` naming a bad option, before the view is made.
        """
        self._check_usable()
        changes: dict[str, Any] = {}
        if timeout is not None:
            changes.update(timeout=_positive_timeout(timeout), call_timeout=timeout)
        if retries is not None:
            changes["retry"] = _retry_policy(retries)
        check_instance(poll, PollPolicy, "poll")
        if wait_timeout is not _UNSET:
            wait_timeout = _wait_timeout(wait_timeout)
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
    def wait_timeout(self) -> float | None:
        """The default ``timeout`` of this client's (or view's) waits, in seconds (None: no limit):
        what a call's ``timeout`` is when it is not given."""
        return self._waits.timeout

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
        """An absolute deadline ``seconds`` from now on this client's clock, to share between waits.

        Raises ``TypeError``/``ValueError`` unless ``seconds`` is a finite number >= 0."""
        return self._clock.monotonic() + check_seconds(seconds, "seconds", zero=True)

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
        """Stop the poller, fail pending waits, wake every call sleeping before a retry (it raises
        :class:`~workload_async.errors.ClientClosedError`), and close the pool if this client
        made it.

        Calling it again does nothing; so does calling it on a view made by :meth:`with_options`.
        """
        if self._root is not self or self._state is _State.CLOSED:
            return
        self._state = _State.CLOSED
        self._transport.closed = True
        for view in self._views:
            view.closed = True
        self._transport.sleeps.close()  # every call sleeping before a retry wakes and raises
        await self._poller.close()
        if self._owns_pool:
            await self._pool.close()
