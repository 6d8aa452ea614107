"""Every example in a public docstring (a literal block after ``::``) is Python that parses: the
reference fences it as Python then, and a block that does not parse (a ``\\n`` in a string of a
docstring that is not raw becomes a line break) renders as broken text."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

import workload_async
from workload_async import emulator
from workload_async._resources.artifacts import ArtifactsManager
from workload_async._resources.bundles import BundlesManager
from workload_async._resources.deployments import DeploymentsManager
from workload_async._resources.workloads import WorkloadsManager

BLOCK = re.compile(r"::\n\n((?:(?: {4}.*)?\n)+)")


def _public() -> Iterator[tuple[str, Any]]:
    for module in (workload_async, emulator):
        for name in module.__all__:
            value = getattr(module, name)
            yield name, value
            if isinstance(value, type):
                for member_name, member in inspect.getmembers(value):
                    if not member_name.startswith("_") and (
                        inspect.isfunction(member) or isinstance(member, property)
                    ):
                        yield f"{name}.{member_name}", member
    managers: list[type] = [WorkloadsManager, ArtifactsManager, DeploymentsManager, BundlesManager]
    for cls in managers:
        for member_name, member in inspect.getmembers(cls, inspect.isfunction):
            if not member_name.startswith("_"):
                yield f"{cls.__name__}.{member_name}", member


EXAMPLES = [
    (f"{name} #{i}", textwrap.dedent(match.group(1)))
    for name, obj in dict(_public()).items()
    for i, match in enumerate(BLOCK.finditer((inspect.getdoc(obj) or "") + "\n"))
]


def test_there_are_examples_to_check() -> None:
    assert len(EXAMPLES) > 30


@pytest.mark.parametrize(("where", "code"), EXAMPLES, ids=[where for where, _ in EXAMPLES])
def test_a_docstring_example_is_python(where: str, code: str) -> None:
    ast.parse(code)
