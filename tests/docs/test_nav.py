"""Every page of the site is in the navigation, and the navigation names only pages that exist
(``mkdocs build --strict`` refuses either; this says so without building the site)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"


def _pages(entry: Any) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, list):
        return [page for item in entry for page in _pages(item)]
    if isinstance(entry, dict):
        return [page for value in entry.values() for page in _pages(value)]
    return []


def test_the_navigation_holds_every_page_once() -> None:
    nav = _pages(yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"])
    pages = sorted(str(page.relative_to(DOCS)) for page in DOCS.rglob("*.md"))
    assert sorted(nav) == pages
