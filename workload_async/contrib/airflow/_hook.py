"""The ``datarobot_workload`` connection and the hook that turns it into a :class:`~workload_async.Client`."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

try:
    from airflow.sdk import BaseHook
except ImportError:  # Airflow 3.0: the task SDK has no BaseHook yet (it came in 3.1)
    from airflow.hooks.base import BaseHook  # type: ignore[no-redef,attr-defined,unused-ignore]

from workload_async import Client, SystemClock

from ._provider import CONN_TYPE, DEFAULT_CONN_ID

__all__ = ["WorkloadHook", "client_defaults", "client_options", "epoch_now"]

_DEFAULTS: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "workload_async_airflow_client_defaults", default=MappingProxyType({})
)
#: Connection extras that become Client keyword arguments, with the type each must have.
_EXTRA_OPTIONS: dict[str, tuple[type, ...]] = {
    "timeout": (int, float),
    "retries": (int,),
    "max_connections": (int,),
    "wait_timeout": (int, float),
}


@contextlib.contextmanager
def client_defaults(**options: Any) -> Iterator[None]:
    """Pass ``options`` to every :class:`~workload_async.Client` the hook makes in this context.

    Tests use it to share a :class:`~workload_async.FakeClock` between the clients that triggers
    and operators make and an :class:`~workload_async.emulator.Emulator`::

        with client_defaults(clock=clock):
            ...

    It holds for the current task and the tasks and threads it starts (a context variable); the
    connection's own settings (endpoint, token, extras) win over it.
    """
    token = _DEFAULTS.set({**_DEFAULTS.get(), **options})
    try:
        yield
    finally:
        _DEFAULTS.reset(token)


def epoch_now() -> float:
    """Now, in epoch seconds, on the clock of the clients the hook makes (see :func:`client_defaults`)."""
    clock = _DEFAULTS.get().get("clock") or SystemClock()
    return float(clock.now().timestamp())


def _endpoint(conn: Any) -> str:
    extra = conn.extra_dejson
    if extra.get("endpoint"):
        return str(extra["endpoint"])
    host = (conn.host or "").strip()
    if not host:
        raise ValueError(
            f"connection {conn.conn_id!r} has no host: set it to the API root, "
            "e.g. https://app.datarobot.com/api/v2"
        )
    if "://" in host:
        return host
    port = f":{conn.port}" if conn.port else ""
    path = (conn.schema or "api/v2").strip("/")
    return f"https://{host}{port}/{path}"


def client_options(conn: Any) -> dict[str, Any]:
    """The :class:`~workload_async.Client` keyword arguments a ``datarobot_workload`` connection holds.

    - the endpoint: the extra ``endpoint``, else ``host`` when it is a URL
      (``https://app.datarobot.com/api/v2``), else ``https://<host>[:<port>]/<schema or api/v2>``;
    - the token: ``password`` (or the extra ``token``);
    - the extras ``timeout``, ``retries``, ``max_connections`` and ``wait_timeout``, when set;
    - the extra ``api_version``: the generation of the API to speak, ``"v2.41"``, ``"11.5"``
      (what DataRobot serves today) or ``"auto"`` (ask the server), when set.

    Raises :class:`ValueError` naming the connection and the field when one is missing or wrong.
    """
    extra = conn.extra_dejson
    token = conn.password or extra.get("token")
    if not token:
        raise ValueError(f"connection {conn.conn_id!r} has no API token: set its password")
    options: dict[str, Any] = {"endpoint": _endpoint(conn), "token": token}
    for name, types in _EXTRA_OPTIONS.items():
        if name not in extra or extra[name] is None:
            continue
        value = extra[name]
        if isinstance(value, bool) or not isinstance(value, types):
            kind = "a string" if str in types else "a number"
            raise ValueError(f"connection {conn.conn_id!r}: extra {name!r} must be {kind}, got {value!r}")
        options[name] = value
    api_version = extra.get("api_version")
    if api_version is not None:
        if not isinstance(api_version, str):
            raise ValueError(
                f"connection {conn.conn_id!r}: extra 'api_version' must be 'v2.41', '11.5' or 'auto', "
                f"got {api_version!r}"
            )
        options["api_version"] = api_version
    return options


class WorkloadHook(BaseHook):
    """Makes a :class:`~workload_async.Client` from an Airflow connection of type ``datarobot_workload``.

    The connection holds the API root (``host``, e.g. ``https://app.datarobot.com/api/v2``) and
    the API token (``password``); see :func:`client_options` for the extras. Like every Airflow
    connection it can come from an ``AIRFLOW_CONN_<ID>`` environment variable::

        AIRFLOW_CONN_DATAROBOT_WORKLOAD_DEFAULT='{"conn_type": "datarobot_workload",
            "host": "https://app.datarobot.com/api/v2", "password": "<token>"}'

    :meth:`get_client` looks the connection up the synchronous way (in a task, outside any event
    loop); :meth:`aget_client` uses Airflow's async lookup, as code in the triggerer's event loop
    must. Extra keyword arguments go to every client made (the connection's settings win).
    """

    conn_name_attr = "conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = CONN_TYPE
    hook_name = "DataRobot Workload API"

    def __init__(self, conn_id: str = DEFAULT_CONN_ID, **options: Any) -> None:
        super().__init__()
        self.conn_id = conn_id
        self.options = options

    def _client(self, conn: Any) -> Client:
        return Client(**{**_DEFAULTS.get(), **self.options, **client_options(conn)})

    def get_conn(self) -> Client:
        """The same as :meth:`get_client` (Airflow's name for it)."""
        return self.get_client()

    def get_client(self) -> Client:
        """A new, unopened client for the connection, looked up synchronously; close it when done.

        Raises ``ValueError`` when the connection has no host or no token, or an extra is not a
        number, and Airflow's own error when no such connection exists::

            async with WorkloadHook("datarobot_workload_default").get_client() as client:
                workload = await client.workloads.get(workload_id)
        """
        return self._client(self.get_connection(self.conn_id))

    async def aget_client(self) -> Client:
        """A new client for the connection, looked up with Airflow's async API; close it when done.

        For code in the triggerer's event loop; raises as :meth:`get_client`.
        """
        lookup = getattr(BaseHook, "aget_connection", None)
        if lookup is not None:
            conn = await lookup(self.conn_id)
        else:  # Airflow releases before the async lookup: run the sync one off the event loop
            from asgiref.sync import sync_to_async

            conn = await sync_to_async(BaseHook.get_connection)(self.conn_id)
        return self._client(conn)

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """How Airflow's connection form shows this connection type."""
        return {
            "hidden_fields": ["login", "schema", "port"],
            "relabeling": {"host": "API endpoint", "password": "API token"},
            "placeholders": {
                "host": "https://app.datarobot.com/api/v2",
                "extra": '{"timeout": 30, "retries": 3, "max_connections": 100, "api_version": "11.5"}',
            },
        }
