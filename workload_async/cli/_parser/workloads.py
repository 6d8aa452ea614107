"""``workloads ...``: run by :mod:`.._commands`, except the actions that name their own runner."""

from __future__ import annotations

import argparse

from .._options import checks, count, how_many, minutes, moment, needs_one, path, runs, seconds
from .common import (
    IMPORTANCES,
    add_artifact_options,
    add_invoke_options,
    add_wait_options,
    check_artifact_source,
    image_only_given,
    options_are,
)

__all__ = [
    "HELP",
    "LOG_LEVELS",
    "METRICS",
    "RESOLUTIONS",
    "STATUSES",
    "add_arguments",
    "add_workload_filters",
]

HELP = "create, start, stop, wait for and invoke workloads"

LOG_LEVELS = ("debug", "info", "warn", "warning", "error", "critical")
STATUSES = (
    "unknown", "submitted", "initializing", "provisioning", "launching", "running", "warming",
    "draining", "stopping", "stopped", "errored", "terminated", "suspended", "interrupted",
)  # fmt: skip
METRICS = (
    "totalRequests",
    "requestsOverN",
    "requestsPerMinute",
    "concurrentRequests",
    "responseTime",
    "totalErrorRate",
)
RESOLUTIONS = ("PT1M", "PT5M", "PT1H", "P1D", "P7D", "P1M")

TYPE_CHECKING = False
if TYPE_CHECKING:  # what add_subparsers returns (generic for type checkers only)
    Actions = argparse._SubParsersAction[argparse.ArgumentParser]


def add_arguments(group: argparse.ArgumentParser) -> None:
    """The actions of ``workloads`` and their arguments."""
    runs(group, "_commands:run_workloads")
    w = group.add_subparsers(dest="action", required=True)
    p = w.add_parser("list", help="list workloads")
    p.add_argument("--search")
    p.add_argument("--sort", help="name, createdAt, updatedAt or status; '-' prefix for descending (-name)")
    p.add_argument("--limit", type=count, help="show at most this many")
    add_workload_filters(p)
    w.add_parser("get", help="show one workload").add_argument("id")
    p = w.add_parser(
        "create",
        help="create (and start) a workload, or many",
        description="Create (and start) a workload; --count N creates N alike, named NAME-1 to NAME-N "
        "(numbers padded to one width), and --from-file creates one per line of a JSON Lines file "
        "(each line a CreateWorkload in the API's camelCase form, '-' reads stdin).",
    )
    source = add_artifact_options(p, workload=True)
    source.add_argument(
        "--from-file",
        type=path,
        metavar="FILE",
        help="JSON Lines: one workload to create a line ('-': stdin)",
    )
    p.add_argument("--replicas", type=count, help="replica count")
    p.add_argument("--count", type=how_many, help="create this many alike, their names suffixed -1 to -N")
    p.add_argument(
        "--concurrency",
        type=count,
        default=32,
        help="with --count or --from-file: creates at once (default 32)",
    )
    add_wait_options(p)
    checks(p, _check_create)
    for action in ("start", "stop"):
        p = w.add_parser(action, help=f"{action} workloads")
        p.add_argument("ids", nargs="+", metavar="ID")
        p.add_argument("--concurrency", type=count, default=32, help=f"{action}s at once (default 32)")
        add_wait_options(p)
    p = w.add_parser("delete", help="delete workloads")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--concurrency", type=count, default=32, help="deletes at once (default 32)")
    p = w.add_parser("wait", help="wait until workloads are running (or stopped)")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--until", choices=("running", "stopped"), default="running")
    add_wait_options(p, wait_flag=False)
    p = w.add_parser("watch", help="print each status change of a workload until it settles")
    p.add_argument("id")
    add_wait_options(p, wait_flag=False)
    p = w.add_parser("invoke", help="call a workload's application")
    add_invoke_options(p)
    runs(p, "_invoke:run_workload_invoke")
    _add_logs(w)
    _add_settings_commands(w)
    _add_inspect_commands(w)
    _add_replacement_commands(w)


def _check_create(args: argparse.Namespace) -> None:
    """``workloads create``: one source of the workloads (an artifact, ``--artifact-id`` or the
    lines of ``--from-file``), and only the options that go with it."""
    if args.from_file is not None:
        options = (("--name", args.name), ("--replicas", args.replicas), ("--count", args.count))
        extra = [option for option, value in options if value is not None] + image_only_given(args)
        if extra:
            raise ValueError(f"{', '.join(extra)}: each line of --from-file describes its workload whole")
    elif args.artifact_id:
        if given := image_only_given(args):
            raise ValueError(
                f"{options_are(given)} for the container of --image, not of an existing artifact"
            )
        if args.count is not None and args.name is None:
            raise ValueError(
                "--count with --artifact-id needs --name: the workloads are named NAME-1 to NAME-N"
            )
    else:
        check_artifact_source(args)


def _add_logs(w: Actions) -> None:
    p = w.add_parser(
        "logs",
        help="print a workload's log (oldest first); --follow prints new records as they come",
        description="Print a workload's log, oldest record first. --since and --until take a duration "
        "(10m, 2h, 1d: that long ago) or a time (2026-06-10T08:00:00Z).",
    )
    p.add_argument("id")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new records until Ctrl-C")
    p.add_argument(
        "--until-settled",
        action="store_true",
        help="with --follow: stop once the workload is running, stopped or errored (exit 3 if errored)",
    )
    p.add_argument(
        "--level",
        type=str.lower,
        choices=LOG_LEVELS,
        help="only records of this severity (on API 11.5: and of every more severe one); warn is warning",
    )
    p.add_argument("--since", type=moment, help="only records from then on (10m, 2h, 1d, or a time)")
    p.add_argument("--until", type=moment, help="only records up to then (not with --follow)")
    p.add_argument("--include", action="append", default=[], help="message contains this (repeatable)")
    p.add_argument("--exclude", action="append", default=[], help="message does not contain this")
    p.add_argument("--tail", type=count, help="only the last N records (not with --follow)")
    checks(p, _check_logs)
    runs(p, "_logs:run_logs")


def _check_logs(args: argparse.Namespace) -> None:
    """``--until-settled`` only when following; ``--until`` and ``--tail`` only when not."""
    if not args.follow:
        if args.until_settled:
            raise ValueError("--until-settled goes with --follow")
        return
    given = [
        option for option, value in (("--until", args.until), ("--tail", args.tail)) if value is not None
    ]
    if given:
        raise ValueError(f"{' and '.join(given)} {'do' if len(given) > 1 else 'does'} not go with --follow")


def _add_settings_commands(w: Actions) -> None:
    """What the 11.5 generation adds (run by :mod:`.._workload_settings`)."""
    p = w.add_parser("update", help="rename, describe or reprioritise a workload (API 11.5)")
    p.add_argument("id")
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--importance", choices=IMPORTANCES)
    checks(p, needs_one("--name", "--description", "--importance"))
    w.add_parser("settings", help="show a workload's runtime settings (API 11.5)").add_argument("id")
    p = w.add_parser(
        "update-settings",
        help="redeploy a workload onto new settings, rolling (API 11.5)",
        description="Redeploy a workload onto new runtime settings with a rolling replacement. "
        "The settings given change the workload's current ones and the rest are kept (--replicas "
        "replaces autoscaling); with --replace they are the whole new runtime. See 'workloads "
        "settings ID' for the current ones.",
    )
    p.add_argument("id")
    p.add_argument("--group", help="the container group to set (default: the artifact's only one)")
    p.add_argument("--replicas", type=count, help="replica count")
    p.add_argument("--bundle", help="a resource bundle id (see 'workload-async bundles')")
    p.add_argument(
        "--replace", action="store_true", help="send only the settings given; the others are dropped"
    )
    p.add_argument("--wait", action="store_true", help="wait until the replacement completed")
    p.add_argument("--timeout", type=seconds, default=1800.0, help="seconds to wait at most (default 1800)")
    checks(p, needs_one("--replicas", "--bundle"))
    w.add_parser("promote", help="lock a running workload's draft artifact (API 11.5)").add_argument("id")
    w.add_parser("history", help="a workload's settings replacements (API 11.5)").add_argument("id")
    w.add_parser("events", help="a workload's events, newest first (API 11.5)").add_argument("id")
    for action in ("update", "settings", "update-settings", "promote", "history", "events"):
        runs(w.choices[action], "_workload_settings:run_workload")


def _quantile(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1 (0.95 is p95), got {text!r}")
    return value


def _millis(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected whole milliseconds >= 0, got {text!r}")
    return int(text)


def add_workload_filters(p: argparse.ArgumentParser) -> None:
    """The filters of ``workloads list`` and ``fleet-stats`` that only API 11.5 has."""
    p.add_argument(
        "--status",
        action="append",
        type=str.lower,
        choices=STATUSES,
        dest="statuses",
        metavar="STATUS",
        help="only workloads in this status (repeatable; API 11.5)",
    )
    p.add_argument(
        "--importance",
        action="append",
        type=str.lower,
        choices=IMPORTANCES,
        dest="importances",
        metavar="IMPORTANCE",
        help="only workloads of this importance (repeatable; API 11.5)",
    )
    p.add_argument(
        "--artifact-id", dest="filter_artifact_id", help="only workloads running this artifact (API 11.5)"
    )


def _figure_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--proton-id", help="the figures of this proton (default: the active one)")
    p.add_argument(
        "--quantile", type=_quantile, help="the response time's quantile (default 0.5; 0.95 is p95)"
    )
    p.add_argument("--slow-ms", type=_millis, help="a request is slow past this many ms (default 2000)")
    p.add_argument("--since", type=moment, help="from then on (10m, 2h, 1d: that long ago, or a time)")
    p.add_argument("--until", type=moment, help="up to then (a duration ago, or a time)")


def _add_inspect_commands(w: Actions) -> None:
    """The commands that look into workloads (API 11.5; run by :mod:`.._inspect`)."""
    w.add_parser("protons", help="a workload's protons, newest first (API 11.5)").add_argument("id")
    p = w.add_parser(
        "proton-status",
        help="a proton's replicas and containers (API 11.5)",
        description="The latest status of a proton's replicas and their containers: waiting, "
        "running or terminated, ready, restarts. Without PROTON_ID, the workload's active proton.",
    )
    p.add_argument("id")
    p.add_argument("proton_id", nargs="?", metavar="PROTON_ID")
    w.add_parser("diagnose", help="why a workload is not running, in one line (API 11.5)").add_argument("id")
    p = w.add_parser("stats", help="traffic stats of a workload (API 11.5)")
    p.add_argument("id")
    _figure_options(p)
    p = w.add_parser("stats-series", help="one metric of a workload over time (API 11.5)")
    p.add_argument("id")
    p.add_argument("metric", choices=METRICS)
    p.add_argument("--resolution", choices=RESOLUTIONS, default="P1D", help="bucket width (default P1D)")
    _figure_options(p)
    p = w.add_parser("fleet-stats", help="traffic stats of many workloads together (API 11.5)")
    p.add_argument("--search")
    add_workload_filters(p)
    for action in ("protons", "proton-status", "diagnose", "stats", "stats-series", "fleet-stats"):
        runs(w.choices[action], "_inspect:run_inspect")


def _add_replacement_commands(workloads: Actions) -> None:
    """``workloads replace``, ``replacement`` and ``cancel-replacement`` (API 11.5)."""
    p = workloads.add_parser(
        "replace",
        help="roll another artifact onto a running workload (API 11.5)",
        description="Roll artifact ARTIFACT_ID onto a running workload with a rolling replacement: the "
        "new version starts beside the old one, which serves until the switch. A draft replaces a "
        "draft, a locked artifact a locked one. One asked for while another runs waits its turn.",
    )
    p.add_argument("id")
    p.add_argument("--artifact-id", required=True, help="the artifact to roll onto the workload")
    p.add_argument(
        "--replicas", type=count, help="the new version's replica count (default: the current one's)"
    )
    p.add_argument(
        "--warmup-minutes", type=minutes, help="minutes the new version warms up before the switch"
    )
    p.add_argument("--keep-old-minutes", type=minutes, help="minutes the old version is kept after it")
    p.add_argument("--wait", action="store_true", help="wait until the rollout completed")
    p.add_argument("--timeout", type=seconds, default=1800.0, help="seconds to wait at most (default 1800)")
    runs(p, "_replacements:run_replacement")
    p = workloads.add_parser(
        "replacement", help="the replacement a workload is going through, if any (API 11.5)"
    )
    p.add_argument("id")
    runs(p, "_replacements:run_replacement")
    p = workloads.add_parser(
        "cancel-replacement",
        help="cancel a workload's replacement in progress; the old version serves (API 11.5)",
    )
    p.add_argument("id")
    runs(p, "_replacements:run_replacement")
