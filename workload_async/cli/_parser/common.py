"""Arguments more than one command takes: an artifact's source, waiting, and invoking; and the
checks of those that go together."""

from __future__ import annotations

import argparse

from .._options import checks, path, positive, seconds

__all__ = [
    "CONTAINER_PORTS",
    "IMAGE_DEFAULTS",
    "IMPORTANCES",
    "MAX_BODY",
    "add_artifact_options",
    "add_invoke_options",
    "add_wait_options",
    "byte_count",
    "check_artifact_source",
    "container_port",
    "image_only_given",
    "options_are",
    "split_pairs",
]

#: The values of ``Importance``, written out so that the parser needs no model (a test compares).
IMPORTANCES = ("critical", "high", "moderate", "low")

#: The ports a container may expose, as the models check them (written out: a test compares).
CONTAINER_PORTS = (1024, 65535)

#: The options of the ``--image`` container, and their defaults: nothing to say with ``--file``
#: (which describes its own containers) or ``--artifact-id`` (an existing artifact).
IMAGE_DEFAULTS: dict[str, object] = {"port": 8080, "no_port": False, "cpu": 1.0, "memory_gib": 1.0}


def container_port(text: str) -> int:
    """An option's value as a container's port (:data:`CONTAINER_PORTS`)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    low, high = CONTAINER_PORTS
    if not low <= port <= high:
        raise argparse.ArgumentTypeError(f"a container's port is {low}-{high}, got {port}")
    return port


def image_only_given(args: argparse.Namespace) -> list[str]:
    """The options of the ``--image`` container given (``["--cpu", "--port"]``)."""
    return ["--" + name.replace("_", "-") for name in IMAGE_DEFAULTS if getattr(args, name) is not None]


def options_are(options: list[str]) -> str:
    """``--cpu is``, ``--cpu and --port are``, ``--cpu, --port and --no-port are``."""
    if len(options) > 1:
        return f"{', '.join(options[:-1])} and {options[-1]} are"
    return f"{options[0]} is"


def check_artifact_source(args: argparse.Namespace) -> None:
    """An artifact of ``--file`` or of ``--image``, and only the options that describe it (a
    workload's ``--name`` names the workload, so it goes with ``--file`` too)."""
    workload = hasattr(args, "artifact_id")
    if args.file is None and not args.image:
        where = "--artifact-id, " if workload else ""
        raise ValueError(f"give {where}--file, or --image (with --name) for a one-container artifact")
    if (given := image_only_given(args)) and not args.image:
        raise ValueError(f"{options_are(given)} for the container of --image; a --file describes its own")
    if args.file is not None and args.name is not None and not workload:
        raise ValueError("--name names the artifact of --image; a --file names its own")


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
    port.add_argument(
        "--port", type=container_port, help="the --image container's port, 1024-65535 (default 8080)"
    )
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
    checks(p, _check_pairs)


def split_pairs(texts: list[str], sep: str, option: str, form: str) -> list[tuple[str, str]]:
    """Each ``Name: value`` (or ``name=value``) split in two. One without ``sep`` or a name before
    it is refused by its place among the option's values, never quoted: it may be a secret typed
    without its separator."""
    pairs = []
    for place, text in enumerate(texts, 1):
        name, found, value = text.partition(sep)
        if not found or not name.strip():
            which = f"{option} #{place}" if len(texts) > 1 else option
            why = f"no {sep!r} in it" if not found else f"nothing before the {sep!r}"
            raise ValueError(f"{which}: expected {form}, got {why} (the value is not repeated here)")
        pairs.append((name.strip(), value.strip() if sep == ":" else value))
    return pairs


def _check_pairs(args: argparse.Namespace) -> None:
    """``-H`` and ``--query`` as the pairs the command sends."""
    args.header = split_pairs(args.header, ":", "-H", "'Name: value'")
    args.query = split_pairs(args.query, "=", "--query", "NAME=VALUE")


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
