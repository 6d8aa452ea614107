"""The install line says how to install the package today: from a clone, as it is not on PyPI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[2] / "docs"
FIRST_SH_BLOCK = re.compile(r"```sh\n(?P<body>.*?)```", re.S)


@pytest.mark.parametrize("page", ["index.md", "getting-started.md"])
def test_the_first_install_line_installs_from_a_clone(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    block = FIRST_SH_BLOCK.search(text)
    assert block is not None, f"{page} shows no install line"
    installs = [line for line in block["body"].splitlines() if "pip install" in line]
    assert installs, f"{page}: its first shell block installs nothing"
    for line in installs:
        target = line.split("pip install", 1)[1].split("#", 1)[0].strip().strip("'\"")
        assert target.startswith(("./", ".[", ".")), (
            f"{page}: {line.strip()!r} installs from PyPI, where it is not"
        )
