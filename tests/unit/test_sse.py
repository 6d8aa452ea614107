"""Server-sent events and text lines, parsed as the WHATWG standard says, whatever the chunks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import pytest

from workload_async import ServerSentEvent, StreamingResponse
from workload_async._http.sse import SSEParser


def parse(chunks: Iterable[bytes | str]) -> list[ServerSentEvent]:
    parser = SSEParser()
    return [event for chunk in chunks for event in parser.feed(chunk)]


def every_split(body: bytes) -> Iterable[list[bytes]]:
    """``body`` whole, then cut in two at every byte, then in three at every pair of bytes."""
    yield [body]
    for i in range(1, len(body)):
        yield [body[:i], body[i:]]
    for i in range(1, len(body)):
        for j in range(i + 1, len(body)):
            yield [body[:i], body[i:j], body[j:]]


def test_events_complete_only_at_their_blank_line() -> None:
    parser = SSEParser()
    assert parser.feed(b'id: 1\nevent: tick\ndata: {"n"') == []
    events = parser.feed(b": 0}\n\ndata: two\ndata: lines\n\n")
    assert events == [
        ServerSentEvent(data='{"n": 0}', event="tick", id="1"),
        ServerSentEvent(data="two\nlines", event="message", id="1"),
    ]


def test_comments_and_crlf_are_handled() -> None:
    events = parse([b": keep-alive\r\ndata: x\r\nretry: 300\r\n\r\n"])
    assert events == [ServerSentEvent(data="x", retry=300)]


STREAM = "\ufeffdata: grüße 日本\r\nid: 7\r\n\r\nevent: tick\rdata: a\rdata:\r\rdata: b\n\n".encode()
EXPECTED = [
    ServerSentEvent(data="grüße 日本", id="7"),
    ServerSentEvent(data="a\n", event="tick", id="7"),
    ServerSentEvent(data="b", id="7"),
]


def test_the_same_events_however_the_chunks_split_characters_and_line_ends() -> None:
    for chunks in every_split(STREAM):
        assert parse(chunks) == EXPECTED, chunks


def test_a_character_split_across_chunks_is_decoded_whole() -> None:
    body = "data: grüße 日本\n\n".encode()
    split = body.index("日".encode()) + 1  # inside the three bytes of one character
    assert parse([body[:split], body[split:]]) == [ServerSentEvent(data="grüße 日本")]


def test_a_crlf_split_across_chunks_ends_one_line_not_two() -> None:
    # a second line end would be the blank line that dispatches a half-made event
    assert parse([b"data: a\r", b"\ndata: b\r\n\r\n"]) == [ServerSentEvent(data="a\nb")]


def test_a_byte_order_mark_before_the_first_event_is_dropped() -> None:
    assert parse([b"\xef\xbb", b"\xbfdata: first\n\n"]) == [ServerSentEvent(data="first")]
    assert parse(["\ufeffevent: x\ndata: 1\n\n"]) == [ServerSentEvent(data="1", event="x")]


def test_only_the_first_byte_order_mark_is_dropped() -> None:
    assert parse(["\ufeff\ufeffdata: 1\n\n"]) == []  # the second one is part of a field name


def test_an_event_with_no_data_is_not_dispatched_and_its_type_is_dropped() -> None:
    assert parse([b"event: lonely\n\ndata: next\n\n"]) == [ServerSentEvent(data="next")]


def test_an_empty_data_line_is_an_event_with_empty_data() -> None:
    assert parse([b"data\n\ndata:\n\n"]) == [ServerSentEvent(data=""), ServerSentEvent(data="")]


def test_the_id_carries_over_an_id_with_nul_is_ignored_and_an_empty_id_resets_it() -> None:
    events = parse([b"id: 1\ndata: a\n\ndata: b\n\nid: 2\x00\ndata: c\n\nid\ndata: d\n\n"])
    assert [(e.data, e.id) for e in events] == [("a", "1"), ("b", "1"), ("c", "1"), ("d", "")]


@pytest.mark.parametrize("value", ["", "1.5", "-1", "10s", "\u0661\u0662"])  # Arabic-Indic digits
def test_a_retry_that_is_not_ascii_digits_is_ignored(value: str) -> None:
    assert parse([f"retry: 100\ndata: a\n\nretry:{value}\ndata: b\n\n"])[1].retry == 100


def test_only_one_space_after_the_colon_is_dropped_and_unknown_fields_are_ignored() -> None:
    assert parse([b"data:  two spaces\nfoo: bar\ndata:none\n\n"]) == [
        ServerSentEvent(data=" two spaces\nnone")
    ]


def test_an_event_the_stream_ends_in_the_middle_of_is_discarded() -> None:
    assert parse([b"data: done\n\ndata: half"]) == [ServerSentEvent(data="done")]


def test_many_events_in_one_chunk_and_one_line_in_many_chunks() -> None:
    body = b"".join(b"data: %d\n\n" % i for i in range(50_000))
    events = parse([body])
    assert len(events) == 50_000 and events[-1].data == "49999"
    long_line = [b"data: "] + [b"x"] * 50_000 + [b"\n\n"]
    assert parse(long_line) == [ServerSentEvent(data="x" * 50_000)]


class _Content:
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def iter_any(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


class _Raw:
    """What a StreamingResponse reads of aiohttp's response: ``content.iter_any()``."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.content = _Content(chunks)


def streaming(chunks: list[bytes]) -> StreamingResponse:
    return StreamingResponse(status=200, headers={}, method="GET", url="x", raw=_Raw(chunks))  # type: ignore[arg-type]


async def test_iter_lines_decodes_the_whole_stream_with_one_decoder() -> None:
    body = "grüße\r\n日本\r\n".encode()
    cut = body.index("日".encode()) + 2
    got = [line async for line in streaming([body[:6], body[6:cut], body[cut:]]).iter_lines()]
    assert got == ["grüße", "日本"]


async def test_iter_events_decodes_the_whole_stream_with_one_decoder() -> None:
    body = "data: grüße 日本\r\n\r\n".encode()
    got = [event async for event in streaming([body[:8], body[8:19], body[19:]]).iter_events()]
    assert got == [ServerSentEvent(data="grüße 日本")]


async def lines(chunks: list[bytes]) -> list[str]:
    return [line async for line in streaming(chunks).iter_lines()]


async def test_lines_end_at_cr_lf_or_crlf_wherever_the_chunks_split_them() -> None:
    body = "one\r\ntwo\rthree\nvier\u00df\r\n\r\nlast".encode()
    for chunks in every_split(body):
        assert await lines(chunks) == ["one", "two", "three", "vierß", "", "last"], chunks


async def test_an_incomplete_character_at_the_end_of_the_stream_is_replaced() -> None:
    assert await lines([b"ok\n", "日".encode()[:2]]) == ["ok", "\ufffd"]


async def test_a_long_line_in_many_chunks() -> None:
    assert await lines([b"x"] * 50_000 + [b"\n", b"y"]) == ["x" * 50_000, "y"]
