"""Paths are built from one table; every id is exactly one quoted path segment."""

from __future__ import annotations

import pytest
from yarl import URL

from workload_async._dialects.routes import relative_path
from workload_async._dialects.v2_41 import ROUTES, V2_41

BASE = URL("https://app.example.com/api/v2/")


def build_url(base: URL, route: str, *ids: str, tail: str = "") -> URL:
    """The absolute URL of a v2.41 route under ``base``, as the transport makes it."""
    return URL(str(base) + V2_41.path(route, *ids, tail=tail), encoded=True)


def test_every_route_is_relative_to_the_api_root() -> None:
    for route, template in ROUTES.items():
        assert not template.startswith("/"), route


def test_get_workload_url() -> None:
    assert (
        str(build_url(BASE, "workloads.get", "abc"))
        == "https://app.example.com/api/v2/console/workloads/abc/"
    )


def test_start_has_no_trailing_slash() -> None:
    assert str(build_url(BASE, "workloads.start", "abc")).endswith("/console/workloads/abc/start")


@pytest.mark.parametrize(
    ("hostile", "segment"),
    [
        ("../x", "..%2Fx"),
        ("a/b", "a%2Fb"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("a?b=c", "a%3Fb%3Dc"),
        ("a#frag", "a%23frag"),
        ("a b", "a%20b"),
    ],
)
def test_hostile_ids_cannot_change_the_route(hostile: str, segment: str) -> None:
    url = build_url(BASE, "workloads.start", hostile)
    assert url.raw_path == f"/api/v2/console/workloads/{segment}/start"
    assert url.query_string == ""
    assert url.fragment == ""


def test_wrong_number_of_ids_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        build_url(BASE, "workloads.get")


def test_invoke_tail_keeps_its_slashes_but_cannot_climb() -> None:
    url = build_url(BASE, "workloads.invoke", "w1", tail="/v1/predict")
    assert url.raw_path == "/api/v2/endpoints/workloads/w1/v1/predict"
    with pytest.raises(ValueError, match=r"\.\."):
        build_url(BASE, "workloads.invoke", "w1", tail="../../console/workloads/")


@pytest.mark.parametrize(
    "tail",
    [
        "%2e%2e/console",
        "%2E%2E/x",
        ".%2e/x",
        "%2e./x",
        "a/%2e%2e%2f%2e%2e/x",
        "..%2fx",
        "..%5cx",
        "%252e%252e/x",
        "%2e",
    ],
)
def test_encoded_dot_segments_are_refused_like_literal_ones(tail: str) -> None:
    with pytest.raises(ValueError, match=r"must not contain '\.' or '\.\.' segments, encoded or not"):
        build_url(BASE, "workloads.invoke", "w1", tail=tail)


@pytest.mark.parametrize("tail", ["v1.2/predict", "a..b", "%2e%2ex", "...", "file%2Ename"])
def test_dots_inside_a_name_are_not_dot_segments(tail: str) -> None:
    assert build_url(BASE, "workloads.invoke", "w1", tail=tail).raw_path.startswith("/api/v2/endpoints/")


def test_relative_path_is_what_errors_print() -> None:
    assert relative_path(BASE, build_url(BASE, "workloads.get", "x")) == "console/workloads/x/"
    other = URL("https://elsewhere.example.com/a/b?q=1")
    assert relative_path(BASE, other) == "https://elsewhere.example.com/a/b"
