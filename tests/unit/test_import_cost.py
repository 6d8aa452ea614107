"""What importing costs, counted in modules (never timed): the package imports nothing until a public
name is used, and a client imports only what most programs touch.

Each case runs a fresh interpreter and reads ``sys.modules`` after the import.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import workload_async

INIT = Path(workload_async.__file__)


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    script = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=50, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def ours(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] == "workload_async"}


def test_importing_the_package_imports_none_of_its_modules_nor_their_dependencies() -> None:
    found = modules_after("import workload_async")
    assert ours(found) == {"workload_async"}
    assert not {"aiohttp", "attrs", "attr", "cattrs", "yarl", "asyncio", "typing"} & found


def test_a_public_name_imports_its_home_on_first_use_and_is_the_same_object() -> None:
    found = modules_after("import workload_async\nworkload_async.WorkloadStatus")
    assert "workload_async._models.enums" in found
    assert "workload_async._client" not in found and "aiohttp" not in found
    from workload_async._models.enums import WorkloadStatus

    assert workload_async.WorkloadStatus is WorkloadStatus


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="'Clinet'"):
        workload_async.Clinet  # type: ignore[attr-defined]  # noqa: B018


def _type_checking_imports() -> dict[str, tuple[str, ...]]:
    """The ``from .x import ...`` lines under ``if TYPE_CHECKING:`` in ``__init__.py``."""
    tree = ast.parse(INIT.read_text())
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
    )
    return {
        "." * node.level + (node.module or ""): tuple(alias.name for alias in node.names)
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.level
    }


def test_type_checkers_see_every_public_name_where_the_package_imports_it() -> None:
    """The imports type checkers read and the table the package imports from are one list."""
    assert _type_checking_imports() == workload_async._HOMES
    names = [name for names in workload_async._HOMES.values() for name in names]
    assert sorted(names) == sorted(set(workload_async.__all__) - {"__version__"})
    assert len(names) == len(set(names))


def test_dir_lists_the_public_names_before_they_are_used() -> None:
    assert set(workload_async.__all__) <= set(dir(workload_async))


def test_star_import_gives_every_public_name() -> None:
    found = modules_after("from workload_async import *\nassert Client and WorkloadStatus and gib")
    assert "workload_async._client" in found


NEVER_FOR_A_CLIENT = (
    "workload_async._dialects.v11_5",  # until a client speaks 11.5
    "workload_async._models.protons",  # until a program asks for protons (or a wait needs a diagnosis)
    "workload_async._models.stats",  # until a program asks for a metric's series or the fleet's stats
    "workload_async.emulator",
    "workload_async._observe.tracing",  # until the application uses OpenTelemetry
    "workload_async.cli",
    "workload_async.contrib",
    "opentelemetry",
    "yaml",
    "airflow",
    "argcomplete",
)


def never_for_a_client(found: set[str]) -> list[str]:
    return sorted(m for m in found if m.startswith(NEVER_FOR_A_CLIENT))


def test_a_v2_41_client_imports_neither_the_11_5_dialect_nor_the_emulator_nor_tracing() -> None:
    found = modules_after(
        "from workload_async import Client\n"
        "client = Client('https://example.com/api/v2', 't', api_version='v2.41')\n"
        "assert client.api_version == 'v2.41'"
    )
    assert "workload_async._client" in found
    assert never_for_a_client(found) == []


def test_an_11_5_client_imports_its_dialect_and_nothing_else_it_does_not_use() -> None:
    found = modules_after(
        "from workload_async import Client\n"
        "client = Client('https://example.com/api/v2', 't', api_version='11.5')\n"
        "assert client.api_version == '11.5'"
    )
    assert never_for_a_client(found) == ["workload_async._dialects.v11_5"]
