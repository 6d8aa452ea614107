"""One pure function maps every non-2xx response to its exception."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from workload_async._http.status_errors import error_from_response, other_generation, parse_retry_after
from workload_async.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnprocessableEntityError,
)


def decipher(status: int, body: object, headers: dict[str, str] | None = None) -> APIStatusError:
    raw = (
        body
        if isinstance(body, bytes)
        else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
    )
    return error_from_response(
        method="GET",
        url="console/workloads/abc/",
        status=status,
        headers=headers or {},
        body=raw,
        reason="Reason",
    )


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, BadRequestError),
        (409, ConflictError),
        (410, BadRequestError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
    ],
)
def test_status_maps_to_its_class(status: int, cls: type[APIStatusError]) -> None:
    error = decipher(status, {"detail": "went wrong"})
    assert type(error) is cls
    assert error.status == status
    assert error.message == "went wrong"


def test_error_prints_status_method_path_and_message_in_one_line() -> None:
    error = decipher(404, {"detail": "Workload abc not found"})
    assert str(error) == "[404] GET console/workloads/abc/: Workload abc not found"
    assert error.method == "GET" and error.url == "console/workloads/abc/"
    assert error.body == {"detail": "Workload abc not found"}


def test_message_key_is_used_when_there_is_no_detail() -> None:
    assert decipher(401, {"message": "Invalid API key"}).message == "Invalid API key"


def test_validation_list_becomes_field_errors() -> None:
    body = {
        "detail": [
            {
                "loc": ["body", "runtime", "replicaCount"],
                "msg": "Input should be >= 1",
                "type": "greater_than_equal",
            },
            {"loc": ["body", "name"], "msg": "Field required", "type": "missing"},
        ]
    }
    error = decipher(422, body)
    assert isinstance(error, UnprocessableEntityError)
    assert [e.loc for e in error.errors] == [("body", "runtime", "replicaCount"), ("body", "name")]
    assert error.errors[0].field == "runtime.replicaCount"
    assert error.errors[1].type == "missing"
    assert "runtime.replicaCount: Input should be >= 1" in str(error)
    assert "name: Field required" in str(error)


def test_html_error_page_yields_a_clean_one_line_message() -> None:
    page = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"
    error = decipher(502, page)
    assert isinstance(error, ServerError)
    assert error.message == "502 Bad Gateway (HTML error page)"
    assert "\n" not in str(error)
    assert error.body == page


def test_empty_body_uses_the_reason_phrase() -> None:
    error = decipher(503, b"")
    assert error.message == "Reason"
    assert error.body == ""


def test_plain_text_body_is_quoted() -> None:
    assert decipher(500, "upstream exploded\nbadly").message == "upstream exploded badly"


def test_rate_limit_carries_retry_after_seconds() -> None:
    error = decipher(429, {"detail": "slow down"}, {"Retry-After": "7"})
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7.0


def test_rate_limit_without_header_has_no_retry_after() -> None:
    error = decipher(429, {"detail": "slow down"})
    assert isinstance(error, RateLimitError) and error.retry_after is None


def test_server_error_keeps_retry_after_too() -> None:
    error = decipher(503, {"detail": "busy"}, {"Retry-After": "2.5"})
    assert isinstance(error, ServerError) and error.retry_after == 2.5


def test_headers_are_kept() -> None:
    assert decipher(404, {"detail": "x"}, {"X-Request-Id": "r1"}).headers["X-Request-Id"] == "r1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("3", 3.0), ("0.5", 0.5), ("-4", 0.0), ("soon", None)],
)
def test_retry_after_parsing(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_retry_after_http_date_is_seconds_from_the_clocks_now() -> None:
    now = datetime.fromtimestamp(1792567680.0, UTC)
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:10 GMT", now=lambda: now) == pytest.approx(10.0)


def test_retry_after_http_date_counts_from_the_responses_own_date() -> None:
    """The server's two times agree with each other whatever the client's clock says."""
    seconds = parse_retry_after(
        "Wed, 21 Oct 2026 07:28:10 GMT",
        date="Wed, 21 Oct 2026 07:28:04 GMT",
        now=lambda: datetime(2000, 1, 1, tzinfo=UTC),
    )
    assert seconds == pytest.approx(6.0)


def test_retry_after_http_date_without_a_clock_or_a_date_is_not_guessed() -> None:
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:10 GMT") is None


HINT = "it may serve another generation of the Workload API than v2.41"


@pytest.mark.parametrize(
    ("route", "body", "hinted"),
    [
        ("workloads.list", b"404: Not Found", True),  # no such route: a router's page
        ("artifacts.create", b"", True),
        ("workloads.list", {"detail": "Not Found"}, True),  # FastAPI's answer for a path of no route
        ("workloads.create", {"detail": "Artifact a not found"}, False),  # the API's own answer
        ("workloads.list", {"message": "not found"}, False),
        ("workloads.get", b"404: Not Found", False),  # an id in the route: it may be an unknown id
        ("workloads.delete", b"", False),
        ("workloads.invoke", b"404: Not Found", False),  # an application's answer is its own
    ],
)
def test_only_a_missing_collection_route_hints_at_the_other_generation(
    route: str, body: object, hinted: bool
) -> None:
    error = other_generation(decipher(404, body), route, "v2.41")
    assert (HINT in str(error)) is hinted
    assert isinstance(error, NotFoundError) and error.status == 404


def test_a_client_that_asked_the_server_gets_no_such_hint() -> None:
    assert HINT not in str(other_generation(decipher(404, b"404: Not Found"), "workloads.list", None))


def test_other_statuses_are_left_alone() -> None:
    error = decipher(500, b"oops")
    assert other_generation(error, "workloads.list", "v2.41") is error
