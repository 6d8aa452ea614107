"""A Griffe extension: the package's reST-flavoured docstrings read well as Markdown.

- ``:class:`~workload_async.Client``` and the other Sphinx roles become code, and a link into the
  API reference when they name a public class or exception (so the reference cross-links itself);
- a paragraph ending in ``::`` (reST's "a literal block follows") ends in ``:``, and the indented
  block after it is fenced as Python;
- a doctest (``>>>`` lines and their output) is fenced as a console session, not read as a quote.
"""

from __future__ import annotations

import ast
import importlib
import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|exc|meth|attr|func|data|mod|obj):`(?P<tilde>~?)(?P<target>[^`]+)`")
DOCTEST = re.compile(r"^(?P<block>>>> [^\n]*(?:\n[^\n]+)*)", re.M)
LITERAL = re.compile(r"::\n\n(?P<block>(?:(?:[ \t]{4,}[^\n]*|[ \t]*)\n)*(?:[ \t]{4,}[^\n]*))", re.M)


def _public() -> dict[str, str]:
    names: dict[str, str] = {}
    for package in ("workload_async.emulator", "workload_async"):
        for name in importlib.import_module(package).__all__:
            names[name] = f"{package}.{name}"
    return names


def _role(match: re.Match[str], public: dict[str, str]) -> str:
    target = match.group("target").strip()
    shown = target.rsplit(".", 1)[-1] if match.group("tilde") else target
    name = target.rsplit(".", 1)[-1]
    if match.group(0).startswith((":class:", ":exc:")) and name in public:
        return f"[`{shown}`][{public[name]}]"
    return f"`{shown}`"


def _literal(match: re.Match[str]) -> str:
    lines = match.group("block").split("\n")
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    body = "\n".join(line[indent:] for line in lines).rstrip()
    try:
        ast.parse(body)
    except SyntaxError:
        language = "text"
    else:
        language = "python"
    return f":\n\n```{language}\n{body}\n```"


def markdown(text: str, public: dict[str, str]) -> str:
    """The docstring ``text`` with its reST roles, literal blocks and doctests turned into Markdown."""
    text = ROLE.sub(lambda match: _role(match, public), text)
    text = LITERAL.sub(_literal, text)
    return DOCTEST.sub(lambda match: f"```pycon\n{match.group('block')}\n```", text)


#: How a signature shows a ``timeout`` that defaults to the client's own (``DEFAULT``, an
#: internal sentinel whose type is no public name).
CLIENT_DEFAULT = "client.wait_timeout"


def client_default(parameter: griffe.Parameter) -> None:
    """Show a parameter defaulting to ``DEFAULT`` as the client's setting, of a type without the
    internal ``Default`` (``float | Default | None`` reads ``float | None``)."""
    if str(parameter.default) != "DEFAULT":
        return
    parameter.default = CLIENT_DEFAULT
    if parameter.annotation is not None:
        parameter.annotation = str(parameter.annotation).replace(" | Default", "").replace("Default | ", "")


class SphinxRolesToMarkdown(griffe.Extension):
    """Rewrites every docstring of the package once it is loaded, and shows a ``timeout`` that
    defaults to the client's own as that."""

    def __init__(self) -> None:
        self._public: dict[str, str] | None = None

    def on_function_instance(self, *, func: griffe.Function, **kwargs: Any) -> None:
        if func.path.startswith("workload_async"):
            for parameter in func.parameters:
                client_default(parameter)

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is None or not obj.path.startswith("workload_async"):
            return
        if self._public is None:
            self._public = _public()
        obj.docstring.value = markdown(obj.docstring.value, self._public)
