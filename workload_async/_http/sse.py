"""Server-sent events: the event model and an incremental parser of the ``text/event-stream``
format, as the WHATWG HTML standard defines it ("Parsing an event stream")."""

from __future__ import annotations

import attrs

from .lines import LineDecoder

__all__ = ["SSEParser", "ServerSentEvent"]


@attrs.frozen
class ServerSentEvent:
    """One server-sent event.

    ``data`` joins the event's ``data:`` lines with ``\\n``; ``event`` is its type (``message``
    when it names none); ``id`` the last event id the stream set (None until one is set; it
    carries over to later events, as a browser's ``lastEventId`` does); ``retry`` the last
    reconnection time in milliseconds the stream asked for (None until one is).
    """

    data: str = ""
    event: str = "message"
    id: str | None = None
    retry: int | None = None


@attrs.define
class SSEParser:
    """Feed it the body as it arrives (:meth:`feed`); it returns each event once its blank line
    has arrived.

    As the standard says: lines end at CR, LF or CRLF (wherever the chunks split them), a byte
    order mark at the start of the stream is dropped, lines starting with ``:`` are comments, an
    event without ``data:`` lines is not dispatched, an ``id`` holding NUL and a ``retry`` that
    is not all ASCII digits are ignored, and an event the stream ends in the middle of is
    discarded. The work is linear in the stream's length.
    """

    _lines: LineDecoder = attrs.field(factory=lambda: LineDecoder(strip_bom=True), repr=False)
    _data: list[str] = attrs.field(factory=list)
    _event: str = ""
    _id: str | None = None
    _retry: int | None = None

    def feed(self, chunk: bytes | str) -> list[ServerSentEvent]:
        """Parse ``chunk`` (bytes of UTF-8, or text); return the events it completes, in order."""
        events = []
        for line in self._lines.feed(chunk):
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line[0] == ":":
            return None  # a comment (a keep-alive)
        name, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry" and value and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None  # no data: nothing to dispatch (the event type is dropped too)
        return ServerSentEvent(data="\n".join(data), event=event or "message", id=self._id, retry=self._retry)
