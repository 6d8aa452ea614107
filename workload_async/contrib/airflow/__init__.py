"""Apache Airflow 3 integration: ``pip install 'workload-async[airflow]'``.

- a connection type ``datarobot_workload`` (API endpoint and token), registered with Airflow
  through the ``apache_airflow_provider`` entry point, or set as ``AIRFLOW_CONN_<ID>``;
- :class:`WorkloadHook`: a :class:`~workload_async.Client` for a connection;
- :class:`WorkloadStatusTrigger`: waits in the triggerer; every trigger of a triggerer process that
  uses the same connection shares one client (:class:`SharedClients`), so one batched poller;
- :class:`WorkloadStatusSensor` (deferrable by default) and :class:`StartWorkloadsOperator` /
  :class:`StopWorkloadsOperator` (bulk requests, then a deferred wait);
- shipping a new version (API 11.5): :class:`ReplaceWorkloadOperator` rolls an artifact onto a
  workload and waits in the triggerer (:class:`ReplacementTrigger`); :class:`BuildArtifactOperator`
  builds an artifact's images and waits (:class:`BuildsTrigger`).

Importing :mod:`workload_async` never imports this package, and this package imports Airflow
only when one of the names above (but :func:`get_provider_info`) is first used.
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._provider import CONN_TYPE, DEFAULT_CONN_ID, get_provider_info

if TYPE_CHECKING:
    from ._hook import WorkloadHook, client_defaults, client_options
    from ._operators import StartWorkloadsOperator, StopWorkloadsOperator
    from ._outcomes import Result
    from ._rollout import BuildArtifactOperator, BuildsTrigger, ReplacementTrigger, ReplaceWorkloadOperator
    from ._sensor import WorkloadStatusSensor
    from ._shared import SharedClients
    from ._trigger import WorkloadStatusTrigger
else:
    # Loaded on first use, so Airflow's providers manager can read get_provider_info (and the
    # package can be imported to look at) without importing Airflow's task SDK.
    _LAZY = {
        "WorkloadHook": "._hook",
        "client_defaults": "._hook",
        "client_options": "._hook",
        "StartWorkloadsOperator": "._operators",
        "StopWorkloadsOperator": "._operators",
        "Result": "._outcomes",
        "BuildArtifactOperator": "._rollout",
        "BuildsTrigger": "._rollout",
        "ReplaceWorkloadOperator": "._rollout",
        "ReplacementTrigger": "._rollout",
        "WorkloadStatusSensor": "._sensor",
        "SharedClients": "._shared",
        "WorkloadStatusTrigger": "._trigger",
    }

    def __getattr__(name: str) -> Any:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        try:
            value = getattr(importlib.import_module(module, __name__), name)
        except ImportError as exc:
            if exc.name is not None and exc.name.split(".")[0] in ("airflow", "asgiref"):
                raise ImportError(
                    f"{name} needs Apache Airflow 3: pip install 'workload-async[airflow]' ({exc})"
                ) from exc
            raise
        globals()[name] = value
        return value


__all__ = [
    "CONN_TYPE",
    "DEFAULT_CONN_ID",
    "BuildArtifactOperator",
    "BuildsTrigger",
    "ReplaceWorkloadOperator",
    "ReplacementTrigger",
    "Result",
    "SharedClients",
    "StartWorkloadsOperator",
    "StopWorkloadsOperator",
    "WorkloadHook",
    "WorkloadStatusSensor",
    "WorkloadStatusTrigger",
    "client_defaults",
    "client_options",
    "get_provider_info",
]
