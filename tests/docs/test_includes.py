"""Pages that show a file of ``docs/examples/`` include it, so the page shows the tested code."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).parents[2] / "docs"
INCLUDE_LIKE = re.compile(r"^-+\s*8\s*<.*$", re.M)
INCLUDE = re.compile(r'^--8<-- "(?P<name>[\w.-]+)"$')


def test_every_include_is_well_formed_and_names_an_example() -> None:
    found = []
    for page in DOCS.rglob("*.md"):
        for line in INCLUDE_LIKE.findall(page.read_text(encoding="utf-8")):
            match = INCLUDE.match(line)
            assert match, f'{page.relative_to(DOCS)}: {line!r} is not a snippet include (--8<-- "file.py")'
            assert (DOCS / "examples" / match.group("name")).is_file(), f"{page.relative_to(DOCS)}: {line!r}"
            found.append(line)
    assert found, "the recipes include their examples"
