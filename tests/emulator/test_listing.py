"""The page envelope, bounds, filters and sorting of list routes."""

from __future__ import annotations

from typing import Any

import pytest
from yarl import URL

from tests.conftest import Raw, artifact_body
from workload_async import FakeClock


async def fleet(raw: Raw, clock: FakeClock, names: list[str]) -> list[dict[str, Any]]:
    _, art, _ = await raw("POST", "registry/artifacts/", json=artifact_body(status="registered"))
    out = []
    for name in names:
        clock.advance(1)
        status, wl, _ = await raw("POST", "console/workloads/", json={"name": name, "artifactId": art["id"]})
        assert status == 201
        out.append(wl)
    return out


async def test_page_envelope_and_links_repeat_the_filters(raw: Raw, clock: FakeClock) -> None:
    await fleet(raw, clock, [f"job-{i}" for i in range(5)] + ["other"])
    status, page, _ = await raw("GET", "console/workloads/?search=JOB&limit=2&sort=name")
    assert status == 200
    assert (page["count"], page["totalCount"], page["previous"]) == (2, 5, None)
    assert [w["name"] for w in page["data"]] == ["job-0", "job-1"]
    nxt = URL(page["next"])
    assert nxt.is_absolute() and dict(nxt.query) == {
        "search": "JOB",
        "limit": "2",
        "sort": "name",
        "offset": "2",
    }
    status, page2, _ = await raw("GET", str(nxt.relative()).removeprefix("/api/v2/"))
    assert [w["name"] for w in page2["data"]] == ["job-2", "job-3"]
    assert URL(page2["previous"]).query["offset"] == "0"


async def test_walking_next_returns_every_item_once(raw: Raw, clock: FakeClock, http: Any) -> None:
    made = await fleet(raw, clock, [f"w{i:03d}" for i in range(23)])
    seen: list[str] = []
    url: str | None = f"{raw.emu.url}/console/workloads/?limit=5"
    while url:
        async with http.get(url, headers={"Authorization": f"Bearer {raw.token}"}) as r:
            page = await r.json()
        seen += [w["id"] for w in page["data"]]
        url = page["next"]
    assert sorted(seen) == sorted(w["id"] for w in made) and len(seen) == 23


async def test_default_sort_is_newest_first(raw: Raw, clock: FakeClock) -> None:
    await fleet(raw, clock, ["a", "b", "c"])
    _, page, _ = await raw("GET", "console/workloads/")
    assert [w["name"] for w in page["data"]] == ["c", "b", "a"]


async def test_sort_descending_by_name(raw: Raw, clock: FakeClock) -> None:
    await fleet(raw, clock, ["b", "c", "a"])
    _, page, _ = await raw("GET", "console/workloads/?sort=-name")
    assert [w["name"] for w in page["data"]] == ["c", "b", "a"]


async def test_ids_filter_takes_a_repeated_key(raw: Raw, clock: FakeClock) -> None:
    made = await fleet(raw, clock, ["a", "b", "c"])
    wanted = [made[0]["id"], made[2]["id"]]
    _, page, _ = await raw("GET", "console/workloads/", params=[("ids", i) for i in wanted])
    assert sorted(w["id"] for w in page["data"]) == sorted(wanted)


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "offset=-1"])
async def test_out_of_range_paging_is_422(raw: Raw, query: str) -> None:
    status, data, _ = await raw("GET", f"console/workloads/?{query}")
    assert status == 422 and data["detail"][0]["loc"][0] == "query"


async def test_unknown_sort_key_is_422(raw: Raw) -> None:
    status, data, _ = await raw("GET", "console/workloads/?sort=color")
    assert status == 422 and data["detail"][0]["loc"] == ["query", "sort"]


async def test_artifact_list_filters_by_status(raw: Raw) -> None:
    await raw("POST", "registry/artifacts/", json=artifact_body("d"))
    await raw("POST", "registry/artifacts/", json=artifact_body("r", status="registered"))
    _, page, _ = await raw("GET", "registry/artifacts/?status=registered")
    assert [a["name"] for a in page["data"]] == ["r"]
    status, _, _ = await raw("GET", "registry/artifacts/?status=archived")
    assert status == 422
