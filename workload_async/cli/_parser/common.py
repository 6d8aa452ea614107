"""Arguments more than one command takes: an artifact's source, waiting, and invoking."""

from __future__ import annotations

import argparse

from .._options import path, positive, seconds

__all__ = [
    "IMPORTANCES",
    "MAX_BODY",
    "add_artifact_options",
    "add_invoke_options",
    "add_wait_options",
    "byte_count",
]

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
    p.add_argument(
        "-N",
        "--no-buffer",
        action="store_true",
        help="write each chunk of the answer at once, even to a pipe (as curl -N)",
    )
    p.add_argument(
        "--max-body",
        type=byte_count,
        default=MAX_BODY,
        metavar="BYTES",
        help=f"the largest -d @FILE sent (default {MAX_BODY}, 32 MiB)",
    )


#: The largest ``-d @FILE`` the command line sends unless ``--max-body`` says otherwise.
MAX_BODY = 32 * 1024**2


def byte_count(text: str) -> int:
    """An option's value as a number of bytes >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of bytes, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of bytes >= 1, got {text!r}")
    return value
