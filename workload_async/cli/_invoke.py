"""``workloads invoke`` and ``deployments invoke``: call an application through the API gateway and
print its answer as it arrives, telling the application's own errors from the platform's.

The answer is written to stdout chunk by chunk, as the application sends it (a server-sent event
stream, an LLM's tokens), and exactly as sent; ``--no-buffer`` flushes each chunk even when stdout
is a pipe. ``-d @FILE`` is read as it is sent, never more than ``--max-body`` bytes (32 MiB by
default): a larger regular file is refused before anything is sent, and a stream that keeps
coming (``@/dev/zero``) is cut at the limit, so the application never gets a complete request.
Errors go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import os
import stat
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Any

from .. import Client, WorkloadStatus
from ..errors import NotFoundError, TransportError
from ._output import EXIT, Printer
from ._parser.common import MAX_BODY

__all__ = ["MAX_BODY", "run_deployment_invoke", "run_invoke", "run_workload_invoke"]


class PlatformAnswer(Exception):
    """An invoke answered by the platform's gateway, not by the application (unknown id, not running)."""


_CHUNK = 64 * 1024


class _FileBody:
    """``-d @FILE``: the file's bytes, read as they are sent, at most ``limit`` of them."""

    def __init__(self, option: str, path: Path, limit: int) -> None:
        self.option, self.path, self.limit = option, path, limit
        self.too_large = False
        self._file: IO[bytes] | None = None

    def open(self) -> None:
        """Open the file now (so a missing one is said before anything is sent); refuse a regular
        file larger than the limit."""
        try:
            self._file = open(self.path, "rb")  # noqa: SIM115 - closed when the body ends
            info = os.fstat(self._file.fileno())
        except OSError as exc:
            why = exc.strerror or exc
            raise ValueError(f"{self.option}: cannot read {str(self.path)!r}: {why}") from None
        if stat.S_ISREG(info.st_mode) and info.st_size > self.limit:
            self.close()
            raise self.refusal(f"it holds {info.st_size} bytes")

    def refusal(self, why: str) -> ValueError:
        return ValueError(
            f"{self.option}: {why}, more than the {self.limit} bytes the command line sends "
            "(--max-body raises the limit)"
        )

    async def chunks(self) -> AsyncIterator[bytes]:
        assert self._file is not None
        sent = 0
        try:
            while chunk := await asyncio.to_thread(self._file.read, _CHUNK):
                sent += len(chunk)
                if sent > self.limit:
                    self.too_large = True
                    raise self.refusal("it kept coming")
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


async def _body(data: str | None, limit: int) -> str | _FileBody | None:
    if data is None or not data.startswith("@"):
        return data
    body = _FileBody(f"-d {data}", Path(data[1:]), limit)
    await asyncio.to_thread(body.open)
    return body


async def _whose_answer(client: Client, manager: Any, resource_id: str, status: int) -> str:
    """Whether a failed invoke was answered by the platform's gateway or by the application.

    The gateway answers 404 for an unknown id, and 503 for one that is not running or whose primary
    container exposes no port; the application may answer either itself, so ask the API about the
    resource."""
    if status not in (404, 503):
        return "application"
    try:
        resource = await manager.get(resource_id)
    except NotFoundError:
        return "platform"
    if status == 503 and getattr(resource, "status", None) != WorkloadStatus.RUNNING:
        return "platform"
    if status == 503 and await _exposes_no_port(
        client, getattr(resource, "workload_id", None) or resource_id
    ):
        return "platform"
    return "application"


async def _exposes_no_port(client: Client, workload_id: str) -> bool:
    """True when the primary containers of the workload's artifact have no port to invoke."""
    artifact_id = (await client.workloads.get(workload_id)).artifact_id
    spec = (await client.artifacts.get(artifact_id)).spec if artifact_id else None
    primaries = [c for g in spec.container_groups for c in g.containers if c.primary] if spec else []
    return bool(primaries) and all(c.port is None for c in primaries)


async def run_invoke(client: Client, manager: Any, args: argparse.Namespace, printer: Printer) -> int:
    """Call the application of ``args.id`` through ``manager`` (workloads or deployments) and print
    its answer as it arrives; an answer of the platform's gateway goes to stderr, as an error.
    ``args.header`` and ``args.query`` are ``(name, value)`` pairs, as the parser's check of them
    leaves them."""
    headers = dict(args.header)
    params = list(args.query)
    body = await _body(args.data, args.max_body)
    try:
        return await _invoke(client, manager, args, printer, headers, params, body)
    except TransportError:
        if isinstance(body, _FileBody) and body.too_large:
            raise body.refusal("it kept coming") from None
        raise
    finally:
        if isinstance(body, _FileBody):
            body.close()


async def _invoke(
    client: Client,
    manager: Any,
    args: argparse.Namespace,
    printer: Printer,
    headers: dict[str, str],
    params: list[tuple[str, str]],
    body: str | _FileBody | None,
) -> int:
    if args.json:
        headers.setdefault("Content-Type", "application/json")
    method = args.method or ("GET" if body is None else "POST")  # as curl does
    data = body.chunks() if isinstance(body, _FileBody) else body
    call = {"method": method, "data": data, "headers": headers, "params": params or None}
    if printer.output == "json":  # one JSON document: the whole answer first
        response = await manager.invoke(args.id, args.path, **call)
        if not response.ok and await _platform(client, manager, args.id, response.status, response.text()):
            return EXIT["error"]
        printer.one(
            {
                "status": response.status,
                "answeredBy": "application",
                "headers": dict(response.headers),
                "body": response.text(),
            }
        )
        return EXIT["ok"] if response.ok else _application_failed(response.status)
    async with manager.stream(args.id, args.path, **call) as response:
        if not response.ok:
            text = (await response.read()).decode("utf-8", errors="replace")
            if await _platform(client, manager, args.id, response.status, text):
                return EXIT["error"]
            _write(printer.out, [text.encode()], flush=True)
            return _application_failed(response.status)
        last = await _stream_out(printer.out, response.iter_chunks(), args.no_buffer)
    if last is not None and not last.endswith(b"\n") and printer.out.isatty():
        printer.out.write("\n")  # a terminal's prompt starts on a line of its own
    printer.out.flush()
    return EXIT["ok"]


async def _platform(client: Client, manager: Any, resource_id: str, status: int, text: str) -> bool:
    """True, after saying so on stderr, when the platform's gateway answered, not the application."""
    if await _whose_answer(client, manager, resource_id, status) != "platform":
        return False
    # not the application's output: nothing on stdout, the platform's reason on stderr
    reason = f"(the application was not reached): {text.strip()}"
    Printer(output="text").error(PlatformAnswer(f"the platform answered {status} for {resource_id} {reason}"))
    return True


def _application_failed(status: int) -> int:
    print(f"the application answered {status}", file=sys.stderr)
    return EXIT["error"]


async def _stream_out(out: Any, chunks: AsyncIterator[bytes], no_buffer: bool) -> bytes | None:
    """Write each chunk to ``out`` as it arrives, exactly as sent (bytes, where ``out`` has a byte
    layer); flush each one with ``no_buffer`` or on a terminal. Returns the last chunk."""
    raw = getattr(out, "buffer", None)
    flush_each = no_buffer or out.isatty()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    last = None
    out.flush()
    async for chunk in chunks:
        if not chunk:
            continue
        last = chunk
        if raw is not None:
            raw.write(chunk)
            if flush_each:
                raw.flush()
        else:
            out.write(decoder.decode(chunk))
            if flush_each:
                out.flush()
    if raw is None:
        out.write(decoder.decode(b"", final=True))
    return last


def _write(out: Any, chunks: list[bytes], flush: bool) -> None:
    raw = getattr(out, "buffer", None)
    out.flush()
    for chunk in chunks:
        if raw is not None:
            raw.write(chunk)
        else:
            out.write(chunk.decode("utf-8", errors="replace"))
    if flush:
        (raw or out).flush()


async def run_workload_invoke(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run ``workloads invoke``."""
    return await run_invoke(client, client.workloads, args, printer)


async def run_deployment_invoke(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run ``deployments invoke``."""
    return await run_invoke(client, client.deployments, args, printer)
