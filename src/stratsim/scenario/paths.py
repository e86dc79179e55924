"""Field paths inside a scenario document, and findings located by them.

A path is the tuple of mapping keys and list indices leading from the top of the document to
a value, such as ``("services", 0, "service_time", "cv")``.  The loader keeps a line and column
for every path it read, so any check that can name the path of the value it objects to gets a
located error for free.  That is why the whole-scenario checks and the "not supported yet" table
return :class:`Finding` objects (a path and a message) rather than raising.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

Path = tuple[Any, ...]
"""Mapping keys (usually ``str``) and list indices (``int``) from the document root."""

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def format_path(path: Path) -> str:
    """Render a path the way users read it: ``services[0].service_time.cv``.

    Keys that are not plain words (they hold dots, spaces, ...) are quoted, as in
    ``rosters["help.desk"]``, so that the rendering stays unambiguous.
    """
    out = ""
    for segment in path:
        if isinstance(segment, int) and not isinstance(segment, bool):
            out += f"[{segment}]"
        elif isinstance(segment, str) and _PLAIN_KEY.match(segment):
            out += f".{segment}" if out else segment
        else:
            out += f"[{json.dumps(str(segment), ensure_ascii=False)}]"
    return out


class Finding(NamedTuple):
    """One problem found in a (possibly not yet validated) scenario: where and what."""

    path: Path
    message: str

    @property
    def where(self) -> str:
        """The path rendered for people, e.g. ``services[0].depends_on``."""
        return format_path(self.path)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.path else self.message


def show(value: Any, limit: int = 60) -> str:
    """Quote a user's value for an error message: strings in double quotes, YAML-ish otherwise."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, (str, list, dict, tuple)):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
