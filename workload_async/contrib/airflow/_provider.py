"""What Airflow's providers manager reads: the connection type this package brings."""

from __future__ import annotations

from typing import Any

__all__ = ["CONN_TYPE", "DEFAULT_CONN_ID", "get_provider_info"]

#: The connection type of the DataRobot Workload API.
CONN_TYPE = "datarobot_workload"
#: The connection id the hook, trigger, sensor and operators use when none is given.
DEFAULT_CONN_ID = "datarobot_workload_default"


def get_provider_info() -> dict[str, Any]:
    """The provider description Airflow's ``apache_airflow_provider`` entry point asks for.

    It imports nothing of Airflow, so the providers manager can call it cheaply.
    """
    import workload_async

    return {
        "package-name": "workload-async",
        "name": "DataRobot Workload API (workload-async)",
        "description": "Await DataRobot workloads from Airflow: one shared poller per triggerer.",
        "versions": [workload_async.__version__],
        "connection-types": [
            {
                "connection-type": CONN_TYPE,
                "hook-class-name": "workload_async.contrib.airflow.WorkloadHook",
                "hook-name": "DataRobot Workload API",
            }
        ],
    }
