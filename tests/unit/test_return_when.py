"""``ReturnWhen`` takes its own values and asyncio's upper-case constants; anything else is named."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from workload_async import ReturnWhen


@pytest.mark.parametrize(
    ("given", "member"),
    [
        (asyncio.FIRST_COMPLETED, ReturnWhen.FIRST_COMPLETED),
        (asyncio.ALL_COMPLETED, ReturnWhen.ALL_COMPLETED),
        (asyncio.FIRST_EXCEPTION, ReturnWhen.FIRST_FAILURE),
        ("first_failure", ReturnWhen.FIRST_FAILURE),
        ("First_Failure", ReturnWhen.FIRST_FAILURE),
    ],
)
def test_asyncio_constants_and_any_case_name_their_member(given: str, member: ReturnWhen) -> None:
    assert ReturnWhen(given) is member


@pytest.mark.parametrize("given", ["soon", "", 3, None])
def test_anything_else_is_refused_naming_the_choices(given: Any) -> None:
    with pytest.raises(ValueError, match=r"return_when must be one of 'all_completed', .*got") as caught:
        ReturnWhen(given)
    assert repr(given) in str(caught.value)
