"""The walls between the package's parts, checked from the imports each file writes (by AST).

- The command line, the examples and ``contrib/`` use only public names.
- The emulator imports nothing of the SDK but the clock.
- On the client side only the HTTP layer (``_http/``) imports aiohttp; the command line and
  ``contrib/`` never do.
- The rooms and their order are ``tests/unit/test_layers.py``'s.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import workload_async

PACKAGE = Path(workload_async.__file__).parent
ROOT = PACKAGE.parent
EXAMPLES = ROOT / "docs" / "examples"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> Iterator[tuple[str, str | None, int]]:
    """``(module, name or None, line)`` for every import in ``path``, relative ones resolved."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    return imports_in(path.read_text(), package)


def imports_in(source: str, package: str) -> Iterator[tuple[str, str | None, int]]:
    """The imports of ``source``, a module of ``package``, wherever they are (functions too)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            for alias in node.names:
                yield base, alias.name, node.lineno


def is_ours(module: str) -> bool:
    return module == "workload_async" or module.startswith("workload_async.")


def is_public_name(module: str, name: str) -> bool:
    """``name`` is in ``module.__all__``, or is a public submodule of it."""
    if name.startswith("_") and name != "__version__":
        return False
    imported = importlib.import_module(module)
    if name in getattr(imported, "__all__", ()):
        return True
    return hasattr(imported, "__path__") and importlib.util.find_spec(f"{module}.{name}") is not None


def public_violations(
    found_imports: Iterator[tuple[str, str | None, int]], own_package: str | None
) -> list[str]:
    """Imports of the SDK's private modules or names, except ``own_package``'s own modules."""
    found = []
    for module, name, line in found_imports:
        if not is_ours(module) or (own_package and (module + ".").startswith(own_package + ".")):
            continue
        if any(part.startswith("_") for part in module.split(".")):
            found.append(f"line {line}: private module {module}")
        elif name is not None and not is_public_name(module, name):
            found.append(f"line {line}: {module}.{name} is not public")
    return found


def files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py")) if folder.is_dir() else []


def test_the_public_names_check_flags_what_the_wall_forbids() -> None:
    """The checker itself, so that no wall passes vacuously."""
    source = (
        "from .. import Client, __version__\n"
        "from ..errors import NotFoundError\n"
        "from ._output import Printer\n"
        "from .._converter import structure\n"
        "from .. import package_version\n"
        "def later():\n"
        "    import workload_async._http\n"
    )
    found = public_violations(imports_in(source, "workload_async.cli"), "workload_async.cli")
    assert found == [
        "line 4: private module workload_async._converter",
        "line 5: workload_async.package_version is not public",
        "line 7: private module workload_async._http",
    ]


@pytest.mark.parametrize(
    "path",
    files(PACKAGE / "cli") + files(EXAMPLES) + files(PACKAGE / "contrib"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_cli_examples_and_contrib_use_only_public_names(path: Path) -> None:
    own = module_name(path.parent) if path.is_relative_to(PACKAGE) else None
    if own is not None:  # a part's own private modules are its business: cli/_output.py, ...
        own = ".".join(own.split(".")[:2])
    assert public_violations(imports(path), own) == []


def test_the_cli_and_the_examples_exist_for_the_walls_to_hold() -> None:
    assert files(PACKAGE / "cli") and files(EXAMPLES)


@pytest.mark.parametrize("path", files(PACKAGE / "emulator"), ids=lambda p: p.name)
def test_the_emulator_imports_nothing_of_the_sdk_but_the_clock(path: Path) -> None:
    sdk = {
        module
        for module, _, _ in imports(path)
        if is_ours(module) and not module.startswith("workload_async.emulator")
    }
    assert sdk <= {"workload_async._clock"}, f"{path.name} imports {sorted(sdk)}"


def managers_and_waits() -> list[Path]:
    """Resource managers (``_resources/``) and waits (``_waiting/``)."""
    return files(PACKAGE / "_resources") + files(PACKAGE / "_waiting")


def test_there_are_managers_and_waits_to_check() -> None:
    names = {p.stem for p in managers_and_waits()}
    assert {"workloads", "artifacts", "deployments"} <= names
    assert {"waits", "poller"} <= names


@pytest.mark.parametrize("path", managers_and_waits(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_resource_managers_and_waits_never_import_aiohttp(path: Path) -> None:
    offending = [line for module, _, line in imports(path) if module.split(".")[0] == "aiohttp"]
    assert offending == [], f"{path.name} imports aiohttp at lines {offending}"


def client_side_modules() -> list[Path]:
    """The SDK's own modules but the HTTP layer (``_http/``, the only client-side code that may
    talk to aiohttp): not the emulator (a server), the CLI or ``contrib/`` either."""
    outside = {"emulator", "cli", "contrib", "_http"}
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in outside)


def test_there_are_client_side_modules_to_check() -> None:
    rooms = {p.relative_to(PACKAGE).parts[0] for p in client_side_modules()}
    assert {"_models", "_observe", "_dialects", "_waiting", "_resources", "_client.py"} <= rooms


@pytest.mark.parametrize("path", client_side_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_on_the_client_side_only_the_http_layer_imports_aiohttp(path: Path) -> None:
    offending = [line for module, _, line in imports(path) if module.split(".")[0] == "aiohttp"]
    assert offending == [], f"{path.name} imports aiohttp at lines {offending}: go through _http/"


def test_the_command_line_and_contrib_never_import_aiohttp() -> None:
    """They talk to the API through the public client; only the emulator they start serves HTTP."""
    offending = [
        f"{p.relative_to(PACKAGE)}:{line}"
        for p in files(PACKAGE / "cli") + files(PACKAGE / "contrib")
        for module, _, line in imports(p)
        if module.split(".")[0] == "aiohttp"
    ]
    assert offending == []


def test_importing_the_sdk_and_its_command_line_imports_no_extra() -> None:
    """PyYAML and argcomplete are extras: only reading a config file or completing a command line
    imports them, never ``import workload_async`` or ``import workload_async.cli``."""
    script = (
        "import sys, workload_async, workload_async.cli\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'argcomplete')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=50, check=True
    )
    assert done.stdout.strip() == "[]"
