"""``artifacts ...``: run by :mod:`.._commands`, except ``clone`` (:mod:`.._workload_settings`)."""

from __future__ import annotations

import argparse

from .._options import count, runs
from .common import add_artifact_options

__all__ = ["HELP", "add_arguments"]

HELP = "manage artifacts"


def add_arguments(group: argparse.ArgumentParser) -> None:
    """The actions of ``artifacts`` and their arguments."""
    runs(group, "_commands:run_artifacts")
    a = group.add_subparsers(dest="action", required=True)
    p = a.add_parser("list", help="list artifacts")
    p.add_argument("--search")
    p.add_argument("--status", choices=("draft", "registered", "locked"))
    p.add_argument("--type", help="only artifacts of this type: service, nim, ... (API 11.5)")
    a.add_parser("get", help="show one artifact").add_argument("id")
    p = a.add_parser("create", help="create an artifact")
    add_artifact_options(p)
    p = a.add_parser("replace", help="replace a draft artifact (PUT)")
    p.add_argument("id")
    add_artifact_options(p)
    p = a.add_parser("update", help="rename or describe a draft artifact")
    p.add_argument("id")
    p.add_argument("--name")
    p.add_argument("--description")
    a.add_parser("register", help="register (lock) an artifact").add_argument("id")
    p = a.add_parser("delete", help="delete draft artifacts")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--concurrency", type=count, default=32, help="deletes at once (default 32)")
    p = a.add_parser("clone", help="a new draft with an artifact's spec (API 11.5)")
    p.add_argument("id")
    p.add_argument("--name", required=True, help="the new artifact's name")
    runs(p, "_workload_settings:run_artifact_clone")
