"""Arguments more than one command takes: an artifact's source, waiting, and invoking."""

from __future__ import annotations

import argparse

from .._options import path, positive, seconds

__all__ = ["IMPORTANCES", "add_artifact_options", "add_invoke_options", "add_wait_options"]

#: The values of ``Importance``, written out so that the parser needs no model (a test compares).
IMPORTANCES = ("critical", "high", "moderate", "low")


def add_artifact_options(
    p: argparse.ArgumentParser, *, workload: bool = False
) -> argparse._MutuallyExclusiveGroup:
    """Where an artifact comes from: ``--file``, or ``--image`` and its container's options (and,
    for a workload, ``--artifact-id``). Returns the group of sources, one of which may be given."""
    source = p.add_mutually_exclusive_group()
    if workload:
        source.add_argument("--artifact-id", help="an existing artifact")
        p.add_argument("--name", help="the workload's name (and its new artifact's, with --image)")
    else:
        p.add_argument("--name", help="the artifact's name (with --image)")
    source.add_argument("--file", type=path, help="an InputArtifact as JSON (the API's camelCase form)")
    source.add_argument("--image", help="container image URI of a one-container artifact")
    port = p.add_mutually_exclusive_group()
    port.add_argument("--port", type=int, help="the --image container's port (default 8080)")
    port.add_argument(
        "--no-port",
        action="store_true",
        default=None,
        help="the --image container exposes no port (it runs but cannot be invoked)",
    )
    p.add_argument("--cpu", type=positive, help="the --image container's CPU cores (default 1)")
    p.add_argument("--memory-gib", type=positive, help="the --image container's memory in GiB (default 1)")
    return source


def add_wait_options(p: argparse.ArgumentParser, wait_flag: bool = True) -> None:
    """``--wait`` (unless the command always waits) and ``--timeout``."""
    if wait_flag:
        p.add_argument("--wait", action="store_true", help="wait until the workloads get there")
    p.add_argument("--timeout", type=seconds, default=1800.0, help="seconds to wait at most (default 1800)")


def add_invoke_options(p: argparse.ArgumentParser) -> None:
    """The arguments of ``workloads invoke`` and ``deployments invoke``."""
    p.add_argument("id")
    p.add_argument("path", nargs="?", default="", help="the application path, e.g. predict (a '?query' too)")
    p.add_argument("-X", "--method", help="the HTTP method (default: GET, or POST with -d)")
    p.add_argument("-d", "--data", help="request body; @FILE reads a file")
    p.add_argument("-H", "--header", action="append", default=[], help="'Name: value', repeatable")
    p.add_argument(
        "--query", action="append", default=[], metavar="NAME=VALUE", help="a query parameter, repeatable"
    )
    p.add_argument("--json", action="store_true", help="send --data as application/json")
