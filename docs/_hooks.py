"""MkDocs hooks: the API reference and the command-line reference are generated, so they cannot drift.

- ``<!-- api: _models.outputs _models.inputs -->`` in a page becomes one mkdocstrings block per
  public name of ``workload_async`` (or of ``workload_async.emulator`` when the marker says
  ``emulator``) defined in those private modules, named by their path under the package, grouped
  in the order the modules are named; a word that is a public name itself (a constant) stands for
  that name. ``<!-- api: airflow -->`` stands for every public
  name of ``workload_async.contrib.airflow``, read from the source (Airflow need not be installed).
- ``<!-- cli-reference -->`` becomes the ``--help`` of every ``workload-async`` command, read from
  the parser itself.
"""

from __future__ import annotations

import argparse
import enum
import importlib
import re
from typing import Any

import attrs

API = re.compile(r"<!-- api: (?P<modules>[\w. ]+) -->")
CLI = "<!-- cli-reference -->"


def public_names(package: str, modules: list[str]) -> list[str]:
    """The public names of ``package`` whose defining module is one of ``modules`` (paths under
    ``package``: ``_http.pool``), grouped by module in the order given (so a page leads with its
    main class), each group in ``__all__`` order."""
    mod = importlib.import_module(package)
    groups: dict[str, list[str]] = {word: [] for word in modules}
    for name in mod.__all__:
        obj = getattr(mod, name)
        home = getattr(obj, "__module__", None) if callable(obj) else None
        where = home.removeprefix(package + ".") if home is not None else None
        if name in groups:
            groups[name].append(name)
        elif where is not None and where in groups:
            groups[where].append(name)
    return [name for group in groups.values() for name in group]


def _api_block(match: re.Match[str]) -> str:
    words = match.group("modules").split()
    package = "workload_async"
    if words == ["airflow"]:
        # Every public name of the Airflow integration, read by mkdocstrings from the source: the
        # names are not imported here, so the site builds without Airflow installed.
        package = "workload_async.contrib.airflow"
        return "\n\n".join(f"::: {package}.{name}" for name in importlib.import_module(package).__all__)
    if words and words[0] == "emulator":
        package, words = "workload_async.emulator", words[1:]
    return "\n\n".join(_block(package, name) for name in public_names(package, words))


# An attrs class's fields are its constructor's arguments, and attrs writes the constructor; an
# enum's members are its values: show both even where they carry no docstring, or the reference
# would not say what to pass.
_FIELDS = "\n    options:\n      show_if_no_docstring: true"


def _block(package: str, name: str) -> str:
    obj = getattr(importlib.import_module(package), name)
    listed = attrs.has(obj) or (isinstance(obj, type) and issubclass(obj, enum.Enum))
    return f"::: {package}.{name}" + (_FIELDS if listed else "")


def _help_sections(parser: argparse.ArgumentParser, prefix: str) -> list[str]:
    parser.prog = prefix
    sections = [f"## `{prefix}`\n\n```text\n{parser.format_help().rstrip()}\n```\n"]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                sections.extend(_help_sections(sub, f"{prefix} {name}"))
    return sections


def cli_reference() -> str:
    """Every command's help, as Markdown."""
    from workload_async.cli._parser import build_parser

    return "\n".join(_help_sections(build_parser(), "workload-async"))


def on_page_markdown(markdown: str, **_: Any) -> str:
    markdown = API.sub(_api_block, markdown)
    if CLI in markdown:
        markdown = markdown.replace(CLI, cli_reference())
    return markdown
