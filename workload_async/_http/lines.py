"""Text lines out of a body that arrives in chunks: one UTF-8 decoder per stream, and line ends
(CR, LF or CRLF) recognised wherever the chunks split them.

A character split across two chunks is decoded whole, a CRLF split across two chunks is one line
end, and the work is linear in the stream's length: a chunk is scanned once, and a line that
spans many chunks is kept as pieces and joined once, when it ends.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["LineDecoder"]

_LINE_END = re.compile(r"\r\n|\r|\n")


class LineDecoder:
    """Feed it chunks as they arrive (:meth:`feed`); it returns the lines they complete, without
    their line ends. :meth:`close` returns the last line when the stream did not end with a line
    end. ``strip_bom`` drops one byte order mark at the very start of the stream."""

    __slots__ = ("_cr", "_decoder", "_pieces", "_started", "_strip_bom")

    def __init__(self, *, strip_bom: bool = False) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pieces: list[str] = []  # the line not ended yet, in the pieces it arrived in
        self._cr = False  # the text so far ended with CR: a LF first in the next text is its CRLF
        self._started = False  # some text was decoded (the place of a byte order mark is behind)
        self._strip_bom = strip_bom

    def feed(self, chunk: bytes | str) -> list[str]:
        """The lines ``chunk`` completes, in order."""
        text = self._decoder.decode(chunk) if isinstance(chunk, bytes) else chunk
        if text and not self._started:
            self._started = True
            if self._strip_bom and text[0] == "\ufeff":
                text = text[1:]
        if text and self._cr and text[0] == "\n":
            text = text[1:]  # the second half of a CRLF that the chunks split
            self._cr = False
        if not text:
            return []
        self._cr = text[-1] == "\r"
        parts = _LINE_END.split(text)
        if len(parts) == 1:
            self._pieces.append(text)
            return []
        if self._pieces:
            self._pieces.append(parts[0])
            parts[0] = "".join(self._pieces)
        self._pieces = [parts[-1]] if parts[-1] else []
        del parts[-1]
        return parts

    def close(self) -> list[str]:
        """The last line, when the stream ended without a line end (an empty list otherwise)."""
        rest = self._decoder.decode(b"", final=True)  # an incomplete character becomes U+FFFD
        lines = self.feed(rest) if rest else []
        if self._pieces:
            lines.append("".join(self._pieces))
            self._pieces = []
        return lines
