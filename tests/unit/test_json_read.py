"""The two readers of response bodies: orjson (the ``speedups`` extra) and the standard library.

Whichever reads the API's answers, the SDK sees the same value, and the same error.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from typing import Any

import pytest

from workload_async import ResponseDecodeError, Workload
from workload_async._http.json_read import NO_ORJSON_ENV, loads, loads_stdlib, reader_name
from workload_async._http.responses import Response

pytest.importorskip("orjson")  # the test extra installs it; this module checks both readers

BODIES = [
    b'{"id": "w1", "status": "running", "statusDetails": null}',
    b'{"data": [], "count": 0, "next": null}',
    b"[1, -0, 0.1, 1e3, 1E-2, -9223372036854775808, 18446744073709551615]",
    b"[NaN, Infinity, -Infinity]",  # not JSON, but the standard library reads it: so do we
    b'"\\ud83d\\ude00 \\u00e9 \\u0000"',
    b'"\\ud800"',  # a lone surrogate escape
    b'{"a": 1, "a": 2}',
    '{"name": "é"}'.encode("utf-16"),
    '{"name": "é"}'.encode("utf-32-le"),
    b" \t\n[]\r\n",
    b"[" * 2000 + b"]" * 2000,  # deeper than orjson goes
    b"",
    b"nul",
    b'{"a": 1}x',
    b"[1,]",
    b'"\xff"',
    b"\xef\xbb\xbf{}",
    b"<html><title>502 Bad Gateway</title></html>",
]


def outcome(read: Any, body: bytes) -> tuple[str, Any]:
    try:
        return "value", repr(read(body))  # repr: nan == nan is False
    except RecursionError:
        return "RecursionError", None
    except ValueError:
        return "ValueError", None


@pytest.mark.parametrize("body", BODIES, ids=lambda b: repr(b[:24]))
def test_both_readers_give_the_same_value_or_the_same_error(body: bytes) -> None:
    assert reader_name() == "orjson"
    assert outcome(loads, body) == outcome(loads_stdlib, body)


@pytest.mark.parametrize("body", BODIES, ids=lambda b: repr(b[:24]))
def test_an_api_answer_decodes_alike_through_the_fast_reader_and_the_exact_one(body: bytes) -> None:
    response = Response(status=200, headers={}, body=body, method="GET", url="console/workloads/")

    def read(reader: Any) -> tuple[str, Any]:
        try:
            return "value", repr(reader())
        except ResponseDecodeError as exc:
            return "error", exc.message

    assert read(response._api_json) == read(response.json)


def test_an_integer_beyond_64_bits_stays_exact_in_an_applications_body() -> None:
    big = 2**100 + 1
    response = Response(status=200, headers={}, body=f'{{"n": {big}}}'.encode(), method="POST", url="x")
    assert response.json() == {"n": big}


def test_a_model_reads_the_same_through_either_reader() -> None:
    body = json.dumps(
        {
            "id": "w1",
            "name": "ünï",
            "status": "running",
            "runtime": {"replicaCount": 2},
            "createdAt": "2026-01-02T03:04:05.678Z",
            "statusDetails": {"logTail": ["a", "b"]},
        }
    ).encode()
    response = Response(status=200, headers={}, body=body, method="GET", url="console/workloads/w1/")
    assert response.parse(Workload) == _parse_stdlib(body)


def _parse_stdlib(body: bytes) -> Workload:
    from workload_async._models.converter import structure

    return structure(loads_stdlib(body), Workload)


def _reader_in_child(env: dict[str, str], prelude: str = "") -> str:
    code = f"{prelude}from workload_async._http.json_read import reader_name; print(reader_name())"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env={**_env(), **env}
    )
    return out.stdout.strip()


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != NO_ORJSON_ENV}


def test_the_environment_switch_keeps_orjson_out() -> None:
    assert _reader_in_child({}) == "orjson"
    assert _reader_in_child({NO_ORJSON_ENV: "1"}) == "json"
    assert _reader_in_child({NO_ORJSON_ENV: "0"}) == "orjson"
    for no in ("False", "no", " OFF "):  # a "no" spelt out is a no
        assert _reader_in_child({NO_ORJSON_ENV: no}) == "orjson", no
    assert _reader_in_child({NO_ORJSON_ENV: "true"}) == "json"


def test_without_orjson_the_standard_library_reads_everything() -> None:
    blocked = "import sys; sys.modules['orjson'] = None; "
    assert _reader_in_child({}, blocked) == "json"
    code = (
        f"{blocked}from workload_async._http.responses import Response; "
        "r = Response(status=200, headers={}, body=b'[NaN, 1]', method='GET', url='x'); "
        "print(r._api_json())"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=_env())
    assert out.stdout.strip() == "[nan, 1]"
    assert math.isnan(loads(b"NaN"))
