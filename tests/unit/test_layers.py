"""The package's rooms and their order, read from the imports each file writes (by AST).

A module imports only from its own room and from rooms below it, and the package has no import
circle, counting every import: at the top, under ``TYPE_CHECKING`` and inside functions. The rooms,
lowest first, are :data:`ROOMS` (``docs/contributing.md`` explains them); a new room, or a new
module of the emulator, is added there.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import workload_async

PACKAGE = Path(workload_async.__file__).parent
NAME = "workload_async"

#: The rooms, lowest first. A package's modules are one room (``_http``); at the package root and
#: at the emulator's root each module is a room of its own (``_clock``, ``emulator._store``);
#: ``__init__`` is a package's own ``__init__.py``.
ROOMS: tuple[str, ...] = (
    "_logging",
    "_models",
    "_clock",
    "_policies",
    "_config",
    "_version",
    "errors",
    "_observe",
    "_dialects",
    "_http",
    "_waiting",
    "_resources",
    "_client",
    "__init__",
    # the emulator stands on the clock alone; the command line and contrib/ use it
    "emulator._faults",
    "emulator._logbook",
    "emulator._bundles",
    "emulator._records",
    "emulator._failures",
    "emulator._store",
    "emulator._state",
    "emulator._web",
    "emulator._echo",
    "emulator._invoke",
    "emulator._logs_and_bundles",
    "emulator._v2_41",
    "emulator._v11_5",
    "emulator._control",
    "emulator._control_routes",
    "emulator._app",
    "emulator._emulator",
    "emulator.__init__",
    "emulator.pytest_plugin",
    "cli",
    "contrib",
)
_FLOOR = {room: floor for floor, room in enumerate(ROOMS)}
_GROUPED = {"_models", "_observe", "_dialects", "_http", "_waiting", "_resources", "cli", "contrib"}


def module_of(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def room_of(module: str) -> str:
    """``workload_async._http.pool`` -> ``_http``; ``workload_async.emulator._v11_5.rules`` ->
    ``emulator._v11_5``; ``workload_async`` -> ``__init__``."""
    parts = module.split(".")[1:]
    if not parts:
        return "__init__"
    if parts[0] in _GROUPED:
        return parts[0]
    if parts[0] == "emulator":
        return "emulator." + (parts[1] if len(parts) > 1 else "__init__")
    return parts[0]


MODULES = {module_of(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(module: str, source: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """``(module, line)`` for every module of the package that ``source`` imports, anywhere in it:
    ``from .x import name`` counts as ``x``, or as ``x.name`` when that is a module."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in dict.fromkeys(targets):
            if (target == NAME or target.startswith(NAME + ".")) and target != module:
                yield target, node.lineno


def graph(modules: dict[str, Path]) -> dict[str, dict[str, int]]:
    """Each module's imports of the package's modules, with the line of the first."""
    edges: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        found: dict[str, int] = {}
        for target, line in imports_of(module, path.read_text(), path.name == "__init__.py"):
            found.setdefault(target, line)
        edges[module] = found
    return edges


def circles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """The import circles (strongly connected groups of two or more modules), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


EDGES = graph(MODULES)


def test_the_checker_finds_a_circle_and_an_import_that_runs_back_up() -> None:
    """The checker itself, on a made-up graph, so that no case passes vacuously."""
    edges = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 1}}
    assert circles(edges) == [["a", "b", "c"]]
    assert room_of("workload_async._http.pool") == "_http"
    assert room_of("workload_async.emulator._v11_5.rules") == "emulator._v11_5"
    assert room_of("workload_async") == "__init__"
    up = [(m, t) for m, ts in {"workload_async.errors": {"workload_async._client": 1}}.items() for t in ts]
    assert [_FLOOR[room_of(t)] > _FLOOR[room_of(m)] for m, t in up] == [True]


def test_every_module_is_in_a_room() -> None:
    lost = sorted(m for m in MODULES if room_of(m) not in _FLOOR)
    assert lost == [], f"add their rooms to ROOMS in {Path(__file__).name}: {lost}"


@pytest.mark.parametrize("module", sorted(MODULES), ids=lambda m: m.removeprefix(NAME + ".") or "__init__")
def test_a_module_imports_only_its_own_room_and_rooms_below(module: str) -> None:
    own = _FLOOR.get(room_of(module))
    assert own is not None, f"{module} is in no room"
    upward = [
        f"line {line}: {target} ({room_of(target)})"
        for target, line in EDGES[module].items()
        if _FLOOR.get(room_of(target), len(ROOMS)) > own
    ]
    assert upward == [], f"{MODULES[module].relative_to(PACKAGE)} ({room_of(module)}) imports higher rooms"


def test_the_package_has_no_import_circle() -> None:
    found = circles(EDGES)
    named = "; ".join(f"{len(c)} files: " + ", ".join(m.removeprefix(NAME + ".") for m in c) for c in found)
    assert found == [], f"import circles: {named}"
