"""contrib/ is built on the public API only, and the package never imports it (nor Airflow) by itself."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import workload_async

PACKAGE = Path(workload_async.__file__).parent
CONTRIB = PACKAGE / "contrib"
PUBLIC_MODULES = {"workload_async", "workload_async.errors", "workload_async.emulator"}


def _module_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(path: Path) -> str:
    module = _module_of(path)
    return module if path.name == "__init__.py" else module.rsplit(".", 1)[0]


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(absolute module, names) for every import in ``path``."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = _package_of(path).split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((base, [alias.name for alias in node.names]))
    return found


def test_contrib_uses_only_public_names_of_the_package() -> None:
    files = sorted(CONTRIB.rglob("*.py"))
    assert files, "no contrib modules found"
    wrong = []
    for path in files:
        for module, names in _imports(path):
            if not module.startswith("workload_async") or module.startswith("workload_async.contrib"):
                continue
            private_names = [
                n for n in names if module == "workload_async" and n not in workload_async.__all__
            ]
            if module not in PUBLIC_MODULES or private_names:
                wrong.append(f"{path.relative_to(PACKAGE)}: {module} {private_names or names}")
    assert wrong == []


def test_importing_the_package_imports_neither_contrib_nor_airflow() -> None:
    code = (
        "import sys, workload_async, workload_async.emulator;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'airflow' or m.startswith('workload_async.contrib')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_provider_info_is_readable_without_airflow() -> None:
    code = (
        "import sys; from workload_async.contrib.airflow import get_provider_info;"
        "info = get_provider_info(); print(info['connection-types'][0]['connection-type'],"
        " any(m.split('.')[0] == 'airflow' for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["datarobot_workload", "False"]
