"""What the command line takes and refuses: number options checked as they are parsed, options
that exclude each other, and where the connection options may go. Each refusal names the option
and exits 2 (``test_parser_refusals`` holds the table of every refusal made before the SDK is
imported)."""

from __future__ import annotations

import asyncio

import pytest

from tests.cli.test_rough_edges import refused_by_the_parser
from workload_async.cli import main
from workload_async.emulator import Emulator


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["demo", "--startup-seconds", "nan"],
            "argument --startup-seconds: expected a finite number, got 'nan'",
        ),
        (
            ["emulator", "--startup-seconds", "inf"],
            "argument --startup-seconds: expected a finite number, got 'inf'",
        ),
        (["emulator", "--stop-seconds", "-1"], "argument --stop-seconds: expected seconds >= 0, got '-1'"),
        (["emulator", "--jitter", "1"], "argument --jitter: expected a fraction in [0, 1), got '1'"),
        (["workloads", "create", "--image", "i", "--cpu", "nan"], "argument --cpu: expected a finite number"),
        (
            ["workloads", "create", "--image", "i", "--memory-gib", "0"],
            "argument --memory-gib: expected a number > 0",
        ),
        (
            ["workloads", "wait", "w", "--timeout", "-1"],
            "argument --timeout: expected seconds >= 0, got '-1'",
        ),
        (
            ["workloads", "wait", "w", "--timeout", "soon"],
            "argument --timeout: expected a number, got 'soon'",
        ),
    ],
)
def test_a_number_option_names_itself_when_refused(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert said in refused_by_the_parser(argv, capsys)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--file", "a.json", "--image", "i"], "argument --image: not allowed with argument --file"),
        (
            ["--artifact-id", "a1", "--image", "i"],
            "argument --image: not allowed with argument --artifact-id",
        ),
        (
            ["--image", "i", "--no-port", "--port", "9000"],
            "argument --port: not allowed with argument --no-port",
        ),
    ],
)
def test_create_refuses_two_sources_or_two_ports(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert said in refused_by_the_parser(["workloads", "create", *argv], capsys)


def test_a_bad_api_version_says_where_it_came_from(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATAROBOT_ENDPOINT", "http://127.0.0.1:9/api/v2")
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "t")
    monkeypatch.setenv("DATAROBOT_WORKLOAD_API_VERSION", "12")
    assert main(["workloads", "list"]) == 2
    err = capsys.readouterr().err
    assert "DATAROBOT_WORKLOAD_API_VERSION must be one of v2.41, 11.5, auto" in err


def test_a_generation_variable_beside_the_arguments_is_a_plain_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATAROBOT_WORKLOAD_API_VERSION", "13")  # a value no other test warns of
    code = main(["--endpoint", "http://127.0.0.1:9/api/v2", "--token", "t", "workloads", "get", "x"])
    err = capsys.readouterr().err
    assert code == 1  # nothing listens there: the generation's warning did not stop the command
    assert (
        "warning: DATAROBOT_WORKLOAD_API_VERSION is not used: the endpoint and token come from the arguments"
        in err
    )
    assert "RuntimeWarning" not in err and ".py:" not in err


async def test_endpoint_and_token_may_follow_the_command(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["workloads", "list", "--endpoint", live_emu.url, "--token", live_emu.token, "-q"]
    assert await asyncio.to_thread(main, argv) == 0
    assert capsys.readouterr().out == ""  # an empty fleet, listed
    assert await asyncio.to_thread(main, [*argv[:5], "wrong-token"]) == 1
    assert "401" in capsys.readouterr().err  # the token after the command is the one sent
