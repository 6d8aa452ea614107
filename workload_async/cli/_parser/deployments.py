"""``deployments ...``: run by :mod:`.._commands`, except ``invoke`` (:mod:`.._invoke`)."""

from __future__ import annotations

import argparse

from .._options import checks, needs_one, runs
from .common import IMPORTANCES, add_invoke_options

__all__ = ["HELP", "add_arguments"]

HELP = "manage deployments"


def add_arguments(group: argparse.ArgumentParser) -> None:
    """The actions of ``deployments`` and their arguments."""
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
    checks(p, needs_one("--name", "--description", "--importance"))
    d.add_parser("delete", help="delete a deployment").add_argument("id")
    d.add_parser("stats", help="traffic stats of a deployment").add_argument("id")
    p = d.add_parser("invoke", help="call a deployment's application")
    add_invoke_options(p)
    runs(p, "_invoke:run_deployment_invoke")
