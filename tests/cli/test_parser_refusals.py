"""Every usage error the command line can see without calling the API is refused by its parser,
before the SDK is imported: a value out of range or malformed, options that need or exclude each
other, options a command does not take. Each is refused as argparse refuses its own: the
command's usage, ``error:`` naming the option, exit 2; and nothing of the SDK (no aiohttp, attrs,
models or client) is imported. Counted in modules, as ``test_light_parser`` counts them, in a
fresh interpreter for each command line; never timed.
"""

from __future__ import annotations

import argparse

import pytest

from tests.cli.test_light_parser import heavy, modules_after
from workload_async.cli._parser import build_parser

REFUSE = """
from workload_async.cli import main
try:
    main({argv!r})
except SystemExit as exc:
    print(f"exit status {{exc.code}}", file=sys.stderr)
else:
    print("exit status: main returned, the parser let it through", file=sys.stderr)
"""

#: No API to reach and no token of one's own: a command line the parser let through would stop at
#: the configuration (or the emulator's own checks), after importing the SDK.
ENV = {"DATAROBOT_ENDPOINT": "http://127.0.0.1:9/api/v2", "DATAROBOT_API_TOKEN": ""}

FOLLOW = ("--follow",)
REFUSALS = [
    # one value out of range or malformed: the option's type refuses it
    (("workloads", "list", "--limit", "0"), "argument --limit: expected a number >= 1, got '0'"),
    (("artifacts", "builds", "a", "--limit", "-3"), "argument --limit: expected a number >= 1, got '-3'"),
    (("workloads", "logs", "w", "--tail", "0"), "argument --tail: expected a number >= 1, got '0'"),
    (("demo", "--fleet", "3"), "argument --fleet: expected a number >= 4 (3 of the fleet crash"),
    (("workloads", "start", "w", "--concurrency", "0"), "argument --concurrency: expected a number >= 1"),
    (("workloads", "stop", "w", "--concurrency", "x"), "argument --concurrency: expected a whole number"),
    (
        ("workloads", "create", "--image", "i", "--name", "b", "--count", "100001"),
        "argument --count: expected at most 100,000 workloads a command, got '100001'",
    ),
    (
        ("workloads", "create", "--image", "i", "--replicas", "0"),
        "argument --replicas: expected a number >= 1",
    ),
    (
        ("workloads", "replace", "w", "--artifact-id", "a", "--replicas", "0"),
        "argument --replicas: expected a number >= 1, got '0'",
    ),
    (("workloads", "update-settings", "w", "--replicas", "0"), "argument --replicas: expected a number >= 1"),
    (
        ("workloads", "create", "--image", "i", "--port", "80"),
        "argument --port: a container's port is 1024-65535",
    ),
    (
        ("workloads", "logs", "w", "--since", "yesterday"),
        "argument --since: 'yesterday' is neither a duration (30s, 10m, 2h, 1d, 1h30m) nor a time",
    ),
    (
        ("workloads", "logs", "w", "--until", "2026-06-10T08:00:00"),
        "argument --until: '2026-06-10T08:00:00' has no time zone: write it with one",
    ),
    (("workloads", "stats", "w", "--since", "soon"), "argument --since: 'soon' is neither a duration"),
    (("workloads", "stats-series", "w", "totalRequests", "--until", "x"), "argument --until: 'x' is neither"),
    # options that need or exclude each other
    (("workloads", "logs", "w", "--until-settled"), "--until-settled goes with --follow"),
    (("workloads", "logs", "w", *FOLLOW, "--tail", "3"), "--tail does not go with --follow"),
    (("workloads", "logs", "w", *FOLLOW, "--until", "1h", "--tail", "3"), "--until and --tail do not go"),
    (("workloads", "create"), "give --artifact-id, --file, or --image (with --name)"),
    (("workloads", "create", "--cpu", "2"), "give --artifact-id, --file, or --image (with --name)"),
    (
        ("workloads", "create", "--file", "a.json", "--port", "9000", "--memory-gib", "2"),
        "--port and --memory-gib are for the container of --image; a --file describes its own",
    ),
    (
        ("workloads", "create", "--artifact-id", "a1", "--cpu", "2"),
        "--cpu is for the container of --image, not of an existing artifact",
    ),
    (
        ("workloads", "create", "--artifact-id", "a1", "--count", "2"),
        "--count with --artifact-id needs --name: the workloads are named NAME-1 to NAME-N",
    ),
    (
        ("workloads", "create", "--from-file", "f.jsonl", "--replicas", "2", "--cpu", "2"),
        "--replicas, --cpu: each line of --from-file describes its workload whole",
    ),
    (("artifacts", "create"), "give --file, or --image (with --name) for a one-container artifact"),
    (
        ("artifacts", "create", "--file", "a.json", "--name", "n"),
        "--name names the artifact of --image; a --file names its own",
    ),
    (
        ("artifacts", "replace", "a1", "--file", "a.json", "--cpu", "2"),
        "--cpu is for the container of --image",
    ),
    (("artifacts", "update", "a1"), "update needs --name or --description"),
    (("deployments", "update", "d1"), "update needs --name, --description or --importance"),
    (("workloads", "update", "w"), "update needs --name, --description or --importance"),
    (("workloads", "update-settings", "w"), "update-settings needs --replicas or --bundle"),
    (("workloads", "invoke", "w", "-H", "no-colon"), "-H: expected 'Name: value', got no ':' in it"),
    (
        ("deployments", "invoke", "d", "--query", "a", "--query", "b=1"),
        "--query #1: expected NAME=VALUE, got no '=' in it",
    ),
    # what a command cannot do, wherever the option was written
    (("demo", "-o", "json"), "the demo prints a walk-through for people: it takes neither -o json nor -q"),
    (("-q", "demo"), "the demo prints a walk-through for people: it takes neither -o json nor -q"),
    (("--api-version", "auto", "demo"), "the demo serves an emulator of one generation: --api-version v2.41"),
    (("--token", "T", "demo"), "--endpoint and --token are for commands that call an API, not demo"),
    (
        ("--endpoint", "http://h/api/v2", "emulator", "--port", "0"),
        "--endpoint and --token are for commands that call an API, not emulator; the emulator's own "
        "token is 'emulator --token T'",
    ),
    (
        ("emulator", "--host", "0.0.0.0", "--port", "0", "--allow-remote"),
        "--allow-remote needs a token of your own (--token or $DATAROBOT_API_TOKEN)",
    ),
]


def prog_of(argv: tuple[str, ...]) -> str:
    """The command's name as its usage line writes it: ``workload-async workloads logs``."""
    parser, prog = build_parser(), "workload-async"
    for word in argv:
        group = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        if group is None:
            break
        if word in group.choices:
            parser, prog = group.choices[word], f"{prog} {word}"
    return prog


@pytest.mark.parametrize(("argv", "said"), REFUSALS, ids=[" ".join(argv) for argv, _ in REFUSALS])
def test_the_parser_refuses_it_naming_the_option_before_the_sdk_is_imported(
    argv: tuple[str, ...], said: str
) -> None:
    found, err = modules_after(REFUSE.format(argv=list(argv)), ENV)
    assert err.splitlines()[-1] == "exit status 2", err
    assert f"usage: {prog_of(argv)} " in err  # the command's own usage, as argparse writes it
    assert f"{prog_of(argv)}: error: {said}" in err
    assert heavy(found) == []
    assert "Traceback" not in err
