"""The reference reads the package's reST-flavoured docstrings as Markdown (docs/_griffe_roles.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("griffe", reason="the docs extra is not installed")

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
