"""How the command line prints: text tables or JSON, progress on stderr, and exit codes."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Collection, Iterable, Sequence
from typing import Any, TextIO

import attrs

from ..errors import (
    BuildFailedError,
    ReplacementFailedError,
    UnexpectedStatusError,
    WaitTimeoutError,
    WorkloadAPIError,
    WorkloadFailedError,
)

__all__ = ["EXIT", "Printer", "Progress", "exit_code_for"]

#: Exit codes: scripts can tell a failed workload from a timeout.
EXIT = {"ok": 0, "error": 1, "usage": 2, "failed": 3, "timeout": 4, "interrupted": 130, "broken_pipe": 141}


def exit_code_for(error: BaseException) -> int:
    """The exit code for an error: 3 for a failed workload (or replacement, or image build), 4 for
    a timeout, 1 for the rest."""
    if isinstance(
        error, WorkloadFailedError | UnexpectedStatusError | ReplacementFailedError | BuildFailedError
    ):
        return EXIT["failed"]
    if isinstance(error, WaitTimeoutError):
        return EXIT["timeout"]
    return EXIT["error"]


def _plain(value: Any) -> Any:
    # what the server said, zeros and false included: a script reads a count of 0, not a gap
    if not attrs.has(type(value)):
        return value
    from .. import to_json  # the models' converter, imported by the first model printed

    return to_json(value, keep_defaults=True)


@attrs.define
class Printer:
    """Prints models as text (a table for lists) or as the API's JSON; ``quiet`` prints ids only."""

    output: str = "text"
    out: TextIO = attrs.field(factory=lambda: sys.stdout)
    quiet: bool = False

    def _ids_only(self, rows: Sequence[Any]) -> bool:
        """With ``quiet``, print the ``id`` of each row (for ``xargs``) and say so."""
        if not self.quiet or not all(isinstance(row, dict) and row.get("id") for row in rows):
            return False
        for row in rows:
            print(row["id"], file=self.out)
        return True

    def one(self, item: Any, fields: Sequence[str] | None = None) -> None:
        data = _plain(item)
        if self._ids_only([data]):
            return
        if self.output == "json":
            print(json.dumps(data, indent=2, default=str), file=self.out)
            return
        if not isinstance(data, dict):
            print(data, file=self.out)
            return
        keys = fields or list(data)
        width = max((len(k) for k in keys), default=0)
        for key in keys:
            value = data.get(key)
            if isinstance(value, dict | list):
                value = json.dumps(value, default=str)
            print(f"{key:<{width}}  {'' if value is None else value}", file=self.out)

    def many(self, items: Iterable[Any], columns: Sequence[str]) -> None:
        rows = [_plain(item) for item in items]
        if self._ids_only(rows):
            return
        if self.output == "json":
            print(json.dumps(rows, indent=2, default=str), file=self.out)
            return
        table = [[_cell(row.get(c)) for c in columns] for row in rows]
        widths = [max([len(c), *(len(r[i]) for r in table)]) for i, c in enumerate(columns)]
        whole = {i for i, c in enumerate(columns) if c == "id" or c.endswith("Id")}  # ids are copied
        widths = _fit(widths, self._terminal_width(), whole)
        print(
            "  ".join(_cut(c.upper(), w).ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
            file=self.out,
        )
        for r in table:
            cells = (_cut(v, w).ljust(w) for v, w in zip(r, widths, strict=True))
            print("  ".join(cells).rstrip(), file=self.out)

    def _terminal_width(self) -> int | None:
        """The terminal's width when printing to one (a table for a pipe is never cut)."""
        isatty = getattr(self.out, "isatty", None)
        if isatty is None or not isatty():
            return None
        return shutil.get_terminal_size().columns

    def event(self, item: Any, text: str) -> None:
        """One event of a stream: ``text`` as a line, or one JSON object per line (JSON Lines);
        with ``quiet``, the item's ``status`` alone (for a script's ``tail -1``)."""
        if self.quiet and isinstance(item, dict) and "status" in item:
            print(item["status"], file=self.out, flush=True)
        elif self.output == "json":
            print(json.dumps(_plain(item), default=str), file=self.out, flush=True)
        else:
            print(text, file=self.out, flush=True)

    def deleted(self, resource_id: str) -> None:
        """Say that ``resource_id`` is gone (one JSON object per line with ``--output json``)."""
        if self.quiet:
            print(resource_id, file=self.out)
        elif self.output == "json":
            print(json.dumps({"deleted": resource_id}), file=self.out)
        else:
            print(f"deleted {resource_id}", file=self.out)

    def progress(self, label: str, total: int) -> Progress:
        """A progress bar on stderr: drawn when stderr is a terminal and ``quiet`` is off."""
        return Progress(label, total, enabled=not self.quiet and sys.stderr.isatty())

    def note(self, text: str) -> None:
        """A remark for the person at the terminal, on stderr (never mixed into the output)."""
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def error(self, error: BaseException) -> None:
        if self.output == "json":
            payload: dict[str, Any] = {"error": type(error).__name__, "message": str(error)}
            if isinstance(error, WorkloadAPIError) and getattr(error, "workload", None) is not None:
                payload["workload"] = _plain(error.workload)  # type: ignore[attr-defined]
            if getattr(error, "diagnosis", None):
                payload["diagnosis"] = error.diagnosis  # type: ignore[attr-defined]
            print(json.dumps(payload, indent=2, default=str), file=sys.stderr)
        else:
            print(f"error: {error}", file=sys.stderr)
            for line in getattr(error, "log_tail", ())[-5:]:
                print(f"  | {line}", file=sys.stderr)


#: The narrowest a column is cut to when a table does not fit the terminal.
_NARROWEST = 6


def _fit(widths: list[int], limit: int | None, whole: Collection[int] = ()) -> list[int]:
    """Column widths that fit ``limit`` characters (two spaces between columns), taken from the
    widest columns first, none below :data:`_NARROWEST` and none of ``whole`` (ids, which people
    copy); as they are when there is no limit."""
    if limit is None:
        return widths
    widths = list(widths)
    excess = sum(widths) + 2 * (len(widths) - 1) - limit
    cuttable = [i for i in range(len(widths)) if i not in whole]
    while excess > 0 and cuttable:
        widest = max(cuttable, key=widths.__getitem__)
        if widths[widest] <= _NARROWEST:
            break  # as narrow as columns go: let the terminal wrap
        others = [widths[i] for i in cuttable if i != widest]
        cut = min(excess, widths[widest] - _NARROWEST, max(1, widths[widest] - max(others, default=0)))
        widths[widest] -= cut
        excess -= cut
    return widths


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "-"
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or json.dumps(value))
    return str(value)


@attrs.define
class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    label: str
    total: int
    enabled: bool = attrs.field(factory=lambda: sys.stderr.isatty())
    done: int = 0
    failed: int = 0

    def update(self, done: int, ok: bool = True) -> None:
        self.done = done
        self.failed += 0 if ok else 1
        if not self.enabled or not self.total:
            return
        width = 30
        filled = int(width * done / self.total)
        bar = "#" * filled + "." * (width - filled)
        failed = f" ({self.failed} failed)" if self.failed else ""
        print(f"\r{self.label} [{bar}] {done}/{self.total}{failed}", end="", file=sys.stderr, flush=True)
        if done >= self.total:
            print(file=sys.stderr)
