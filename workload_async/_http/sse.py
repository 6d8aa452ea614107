"""Server-sent events: the event model and an incremental parser of the text/event-stream format."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

__all__ = ["SSEParser", "ServerSentEvent"]


@attrs.frozen
class ServerSentEvent:
    """One server-sent event. ``data`` joins multi-line data with ``\\n``."""

    data: str = ""
    event: str = "message"
    id: str | None = None
    retry: int | None = None


@attrs.define
class SSEParser:
    """Feed it bytes as they arrive; it yields each event once its blank line has arrived."""

    _buffer: str = ""
    _data: list[str] = attrs.field(factory=list)
    _event: str = ""
    _id: str | None = None
    _retry: int | None = None

    def feed(self, chunk: bytes | str) -> Iterator[ServerSentEvent]:
        """Parse ``chunk`` and yield the events it completes."""
        text = chunk.decode("utf-8", errors="replace") if isinstance(chunk, bytes) else chunk
        self._buffer += text.replace("\r\n", "\n").replace("\r", "\n")
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            event = self._line(line)
            if event is not None:
                yield event

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            if not self._data and not self._event:
                return None
            event = ServerSentEvent(
                data="\n".join(self._data), event=self._event or "message", id=self._id, retry=self._retry
            )
            self._data, self._event = [], ""
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None
