"""The command line imports only what the command needs: the parser half (``cli/__init__.py``,
``cli/_options.py`` and ``cli/_parser/``) imports nothing of the SDK, so ``--help`` of every
command, ``--version``, shell completion and argument errors import neither aiohttp nor the client
nor the models; and every command names a function that runs it, in a module that exists.

Counted in modules (a fresh interpreter's ``sys.modules``), never timed.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import inspect
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import workload_async
from workload_async import Importance
from workload_async._models.checks import MAX_PORT, MIN_PORT
from workload_async.cli._parser import build_parser
from workload_async.cli._parser.common import CONTAINER_PORTS, IMPORTANCES
from workload_async.cli._run import runner_of

CLI = Path(workload_async.__file__).parent / "cli"
#: The parser's half: what ``--help`` may import of the package.
LIGHT = [CLI / "__init__.py", CLI / "_options.py", *sorted((CLI / "_parser").glob("*.py"))]


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The words of every command, groups included: ``()``, ``("workloads",)``, ``("workloads", "get")``..."""
    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from leaves(sub, (*path, name))
            return
    yield path


def modules_after(code: str, env: dict[str, str] | None = None) -> tuple[set[str], str]:
    """The modules a fresh interpreter imported while running ``code`` (on top of a bare start),
    and what ``code`` printed to stderr."""
    script = (
        "import sys, json\n"
        "before = set(sys.modules)\n"
        f"{code}\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=50,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return set(json.loads(done.stdout.splitlines()[-1])), done.stderr


def heavy(modules: set[str]) -> list[str]:
    """What the parser half must not import: anything of the package outside it, and anything
    outside the standard library (aiohttp, attrs, cattrs, yarl, PyYAML, OpenTelemetry...)."""
    light = {"workload_async", "workload_async.cli", "workload_async.cli._options"}
    return sorted(
        m
        for m in modules
        if (
            m.split(".")[0] == "workload_async"
            and m not in light
            and not m.startswith("workload_async.cli._parser")
        )
        or (m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] != "workload_async")
    )


RUN_EACH = """
from workload_async.cli import main
for words in {words!r}:
    try:
        main([*words, {extra}])
    except SystemExit as exc:
        assert exc.code in (0, 2), (words, exc.code)
    else:
        raise AssertionError(f"{{words}} did not exit")
"""


def test_help_of_every_command_imports_nothing_of_the_sdk() -> None:
    every = list(commands(build_parser()))
    assert len(every) >= 40  # the walk found the commands
    found, _ = modules_after(RUN_EACH.format(words=every, extra='"--help"'))
    assert heavy(found) == []
    assert "workload_async.cli._parser.workloads" in found  # the parser ran


def test_version_and_argument_errors_import_nothing_of_the_sdk() -> None:
    found, _ = modules_after(RUN_EACH.format(words=[()], extra='"--version"'))
    assert heavy(found) == ["workload_async._version"]  # it reads the installed metadata
    mistakes = [
        ("workloads", "get"),
        ("workloads", "frobnicate"),
        ("workloads", "start", "--concurrency", "x"),
    ]
    found, err = modules_after(RUN_EACH.format(words=mistakes, extra=""))
    assert heavy(found) == []
    assert "invalid choice: 'frobnicate'" in err  # each mistake was refused by the parser


def test_a_command_that_calls_no_api_imports_no_client() -> None:
    """``emulator`` imports the emulator to run, never the client (here the emulator refuses to
    serve beyond loopback)."""
    argv = ("emulator", "--host", "0.0.0.0", "--port", "0")
    code = f"from workload_async.cli import main\nassert main({list(argv)!r}) == 2"
    found, err = modules_after(code)
    assert "host '0.0.0.0' is not loopback" in err
    assert "workload_async.emulator" in found
    assert not [m for m in found if m.startswith(("workload_async._client", "workload_async._http"))]


def test_shell_completion_imports_nothing_of_the_sdk(tmp_path: Path) -> None:
    pytest.importorskip("argcomplete")
    line = "workload-async workloads st"
    answer = tmp_path / "completions"
    env = {
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_IFS": "\n",
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
    }
    # argcomplete ends the process with os._exit; end it with SystemExit instead, to count
    code = "import os\nos._exit = lambda code: sys.exit(code)\n" + RUN_EACH.format(words=[()], extra="")
    found, _ = modules_after(code, env)
    assert set(answer.read_text().split()) == {"start", "stats", "stats-series", "stop"}
    assert [m for m in heavy(found) if m.split(".")[0] != "argcomplete"] == []


def _imports(path: Path) -> Iterator[tuple[str, int]]:
    """``(module, line)`` of every import in ``path``, relative ones resolved."""
    package = "workload_async.cli" + ("._parser" if path.parent.name == "_parser" else "")
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*anchor, *([module] if module else [])])
            if module == "workload_async":  # a public name, imported from its home when asked
                yield from ((f"workload_async.{alias.name}", node.lineno) for alias in node.names)
            else:
                yield module, node.lineno


@pytest.mark.parametrize("path", LIGHT, ids=lambda p: str(p.relative_to(CLI)))
def test_the_parser_half_imports_only_the_standard_library_and_itself(path: Path) -> None:
    """Wherever the import is written: at the top or inside a function (``--version`` imports the
    package, whose names load lazily; completion imports argcomplete, an extra; and ``main`` hands
    the parsed command to the runner's half)."""
    allowed = {"workload_async", "workload_async.cli", "workload_async.cli._options", "argcomplete"}
    if path.name == "__init__.py":
        allowed.add("workload_async.cli._run")
    offending = [
        f"line {line}: {module}"
        for module, line in _imports(path)
        if module not in allowed
        and not module.startswith("workload_async.cli._parser")
        and module.split(".")[0] not in {*sys.stdlib_module_names, "__future__"}
    ]
    assert offending == [], "the parser builds no model and calls no API: import the SDK in the runner"


def runner_named(words: tuple[str, ...]) -> argparse.Namespace:
    """The ``runner`` and ``calls_api`` the command ``words`` parses to: its own, else its group's."""
    parser, found = build_parser(), argparse.Namespace()
    for word in words:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[word]
        for key in ("runner", "calls_api"):
            if parser.get_default(key) is not None:
                setattr(found, key, parser.get_default(key))
    return found


@pytest.mark.parametrize("words", list(leaves(build_parser())), ids=" ".join)
def test_every_command_names_a_function_that_runs_it(words: tuple[str, ...]) -> None:
    named = runner_named(words)
    run = runner_of(named)
    assert asyncio.iscoroutinefunction(run)
    params = list(inspect.signature(run).parameters)
    assert params == (["client", "args", "printer"] if named.calls_api else ["args"])


def test_the_parser_offers_the_importances_the_models_know() -> None:
    assert tuple(i.value for i in Importance) == IMPORTANCES


def test_the_parser_takes_the_container_ports_the_models_take() -> None:
    assert CONTAINER_PORTS == (MIN_PORT, MAX_PORT)


def help_of(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> str:
    for word in words:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[word]
    return parser.format_help()


@pytest.mark.parametrize("words", list(commands(build_parser())), ids=lambda w: " ".join(w) or "top")
def test_the_parser_built_for_a_command_line_parses_that_command_as_the_whole_parser(
    words: tuple[str, ...],
) -> None:
    """Only the commands named on the command line are built beyond their help line; for those,
    nothing differs from the parser the reference documents."""
    assert help_of(build_parser(words), words) == help_of(build_parser(), words)
