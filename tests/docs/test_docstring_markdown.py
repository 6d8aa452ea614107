"""The reference reads the package's reST-flavoured docstrings as Markdown (docs/_griffe_roles.py)."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

griffe = pytest.importorskip("griffe", reason="the docs extra is not installed")

DOCS = Path(__file__).parents[2] / "docs"


def _roles() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_griffe_roles", DOCS / "_griffe_roles.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PUBLIC = {"Client": "workload_async.Client", "NotFoundError": "workload_async.NotFoundError"}


def test_a_role_naming_a_public_class_links_into_the_reference() -> None:
    text = _roles().markdown("Raises :class:`~workload_async.errors.NotFoundError` when gone.", PUBLIC)
    assert text == "Raises [`NotFoundError`][workload_async.NotFoundError] when gone."


def test_other_roles_become_code() -> None:
    text = _roles().markdown(":meth:`Client.deadline` and :class:`~._poller.StatusPoller`", PUBLIC)
    assert text == "`Client.deadline` and `StatusPoller`"


def test_a_literal_block_is_fenced_as_python_when_it_parses() -> None:
    text = _roles().markdown("Like this::\n\n    await client.close()\n\nThen more.", PUBLIC)
    assert text == "Like this:\n\n```python\nawait client.close()\n```\n\nThen more."


def test_a_literal_block_that_is_not_python_is_fenced_as_text() -> None:
    text = _roles().markdown("The tree::\n\n    Base\n    ├── Child\n", PUBLIC)
    assert text.startswith("The tree:\n\n```text\nBase\n├── Child\n```")


def test_a_doctest_is_fenced_as_a_console_session() -> None:
    text = _roles().markdown("An example.\n\n>>> gib(1)\n1073741824\n\nMore.", PUBLIC)
    assert text == "An example.\n\n```pycon\n>>> gib(1)\n1073741824\n```\n\nMore."


def test_a_timeout_defaulting_to_the_clients_shows_as_that_without_the_internal_type() -> None:
    roles = _roles()
    loader = griffe.GriffeLoader(extensions=griffe.load_extensions(roles.SphinxRolesToMarkdown))
    package = loader.load("workload_async")
    wait = package["_resources.workload_waits.WaitMethods.wait"]
    timeout = wait.parameters["timeout"]
    assert str(timeout.default) == "client.wait_timeout"
    assert str(timeout.annotation) == "float | None"


def test_the_docs_extra_carries_a_signature_formatter() -> None:
    pyproject = tomllib.loads((DOCS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    docs = pyproject["project"]["optional-dependencies"]["docs"]
    assert any(requirement.split(">")[0].strip() in ("ruff", "black") for requirement in docs)
