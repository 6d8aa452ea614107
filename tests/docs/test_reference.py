"""The API reference covers every public name, and every public name says what it does."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest

import workload_async
import workload_async.contrib.airflow
import workload_async.emulator

DOCS = Path(__file__).parents[2] / "docs"


def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "_hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _referenced() -> set[str]:
    hooks = _hooks()
    names: set[str] = set()
    for page in (DOCS / "reference").glob("*.md"):
        for match in hooks.API.finditer(page.read_text(encoding="utf-8")):
            text = match.group(0)
            names.update(hooks.API.sub(hooks._api_block, text).replace("::: ", "").split())
    return names


PUBLIC = [f"workload_async.{name}" for name in workload_async.__all__ if name != "__version__"] + [
    f"workload_async.emulator.{name}" for name in workload_async.emulator.__all__
]
AIRFLOW = [f"workload_async.contrib.airflow.{name}" for name in workload_async.contrib.airflow.__all__]


def test_every_public_name_is_in_the_reference() -> None:
    missing = sorted(set(PUBLIC + AIRFLOW) - _referenced())
    assert not missing, f"add their modules to a <!-- api: ... --> marker in docs/reference/: {missing}"


@pytest.mark.parametrize("qualified", PUBLIC)
def test_every_public_name_has_a_docstring(qualified: str) -> None:
    module, _, name = qualified.rpartition(".")
    obj = getattr(importlib.import_module(module), name)
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return  # constants are described where they are referenced
    doc = inspect.getdoc(obj) or ""
    if inspect.isclass(obj) and doc == inspect.getdoc(obj.__mro__[1]):
        doc = ""  # inherited, says nothing of this class
    assert len(re.findall(r"\w+", doc)) >= 5, f"{qualified} needs a docstring that says what it does"


def test_the_cli_reference_is_generated_from_the_parser() -> None:
    text = _hooks().cli_reference()
    assert "## `workload-async workloads list`" in text
    assert "--output" in text


def _airflow_docstrings() -> dict[str, str]:
    """The docstrings of the Airflow integration's classes and functions, read from its source, so
    this runs without Airflow installed."""
    package = Path(workload_async.contrib.airflow.__file__).parent
    docs: dict[str, str] = {}
    for source in package.glob("*.py"):
        for node in ast.parse(source.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                docs[node.name] = ast.get_docstring(node) or ""
    return docs


@pytest.mark.parametrize("name", workload_async.contrib.airflow.__all__)
def test_every_public_name_of_the_airflow_integration_has_a_docstring(name: str) -> None:
    docs = _airflow_docstrings()
    if name not in docs:
        return  # constants are described where they are referenced
    assert len(re.findall(r"\w+", docs[name])) >= 5, f"{name} needs a docstring that says what it does"
