"""``artifacts ...``: run by :mod:`.._commands`, except ``clone`` (:mod:`.._workload_settings`)."""

from __future__ import annotations

import argparse

from .._options import checks, count, needs_one, runs, seconds
from .common import add_artifact_options, check_artifact_source

__all__ = ["HELP", "add_arguments"]

TYPE_CHECKING = False
if TYPE_CHECKING:  # what add_subparsers returns (generic for type checkers only)
    Actions = argparse._SubParsersAction[argparse.ArgumentParser]

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
    checks(p, check_artifact_source)
    p = a.add_parser("replace", help="replace a draft artifact (PUT)")
    p.add_argument("id")
    add_artifact_options(p)
    checks(p, check_artifact_source)
    p = a.add_parser("update", help="rename or describe a draft artifact")
    p.add_argument("id")
    p.add_argument("--name")
    p.add_argument("--description")
    checks(p, needs_one("--name", "--description"))
    a.add_parser("register", help="register (lock) an artifact").add_argument("id")
    p = a.add_parser("delete", help="delete draft artifacts")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--concurrency", type=count, default=32, help="deletes at once (default 32)")
    p = a.add_parser("clone", help="a new draft with an artifact's spec (API 11.5)")
    p.add_argument("id")
    p.add_argument("--name", required=True, help="the new artifact's name")
    runs(p, "_workload_settings:run_artifact_clone")
    _add_build_commands(a)


def _add_build_commands(artifacts: Actions) -> None:
    """``artifacts build`` and ``builds`` (API 11.5)."""
    p = artifacts.add_parser(
        "build",
        help="build a draft artifact's images from source (API 11.5)",
        description="Start one image build for each container of the artifact that has an "
        "imageBuildConfig. A build goes PENDING, IN_PROGRESS, BUILT (not yet pushed), then "
        "COMPLETED (its container's imageUri is set), FAILED or CANCELLED.",
    )
    p.add_argument("id")
    p.add_argument("--wait", action="store_true", help="wait until every build completed")
    p.add_argument("--logs", action="store_true", help="print each build's log on stderr")
    p.add_argument("--timeout", type=seconds, default=1800.0, help="seconds to wait at most (default 1800)")
    runs(p, "_builds:run_build")
    p = artifacts.add_parser("builds", help="an artifact's image builds, newest first (API 11.5)")
    p.add_argument("id")
    p.add_argument("--limit", type=count, help="show at most this many")
    runs(p, "_builds:run_build")
