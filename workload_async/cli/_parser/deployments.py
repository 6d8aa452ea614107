"""``deployments ...``: run by :mod:`.._commands`, except ``invoke`` (:mod:`.._invoke`)."""

from __future__ import annotations

from typing import Any

from .._options import runs
from .common import IMPORTANCES, add_invoke_options

__all__ = ["add_deployments_command"]


def add_deployments_command(sub: Any) -> None:
    """Register ``deployments`` and its actions on the top-level subparsers."""
    group = sub.add_parser("deployments", help="manage deployments")
    runs(group, "_commands:run_deployments")
    d = group.add_subparsers(dest="action", required=True)
    p = d.add_parser("list", help="list deployments")
    p.add_argument("--search")
    p.add_argument(
        "--workload-id",
        action="append",
        dest="workload_ids",
        metavar="ID",
        help="only the deployments of this workload (repeatable)",
    )
    p.add_argument("--with-workload", action="store_true", help="embed each deployment's workload (JSON)")
    d.add_parser("get", help="show one deployment").add_argument("id")
    p = d.add_parser("create", help="deploy a workload")
    p.add_argument("--name", required=True)
    p.add_argument("--workload-id", required=True)
    p.add_argument("--description")
    p.add_argument("--importance", choices=IMPORTANCES)
    p = d.add_parser("update", help="change a deployment")
    p.add_argument("id")
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--importance", choices=IMPORTANCES)
    d.add_parser("delete", help="delete a deployment").add_argument("id")
    d.add_parser("stats", help="traffic stats of a deployment").add_argument("id")
    p = d.add_parser("invoke", help="call a deployment's application")
    add_invoke_options(p)
    runs(p, "_invoke:run_deployment_invoke")
