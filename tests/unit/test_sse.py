from __future__ import annotations

from workload_async import ServerSentEvent
from workload_async._http.sse import SSEParser


def test_events_complete_only_at_their_blank_line() -> None:
    parser = SSEParser()
    assert list(parser.feed(b'id: 1\nevent: tick\ndata: {"n"')) == []
    events = list(parser.feed(b": 0}\n\ndata: two\ndata: lines\n\n"))
    assert events == [
        ServerSentEvent(data='{"n": 0}', event="tick", id="1"),
        ServerSentEvent(data="two\nlines", event="message", id="1"),
    ]


def test_comments_and_crlf_are_handled() -> None:
    events = list(SSEParser().feed(b": keep-alive\r\ndata: x\r\nretry: 300\r\n\r\n"))
    assert events == [ServerSentEvent(data="x", retry=300)]
