"""Field paths inside a scenario document, and findings located by them.

A path is the tuple of mapping keys and list indices leading from the top of the document to
a value, such as ``("services", 0, "service_time", "cv")``.  The loader keeps a line and column
for every path it read, so any check that can name the path of the value it objects to gets a
located error for free.  People read paths with list items named by their id where they have one
(``services[helpdesk].service_time.cv``; a dependency by the service it names,
``services[helpdesk].depends_on[identity].share``): with ``extends`` an item's index in the merged list is a
number the user never sees, and even in a plain file an id is easier to find than a count.  That is why the whole-scenario checks and the "not supported yet" table
return :class:`Finding` objects (a path and a message) rather than raising.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

Path = tuple[Any, ...]
"""Mapping keys (usually ``str``) and list indices (``int``) from the document root."""

ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.-]*$"
"""A valid id: letters, digits, ``_``, ``.``, ``-``, not starting with a digit (so an id in a path,
``services[helpdesk]``, can never be taken for an index, ``services[0]``)."""

MAX_ID_LENGTH = 64
"""Characters of an id (service, segment, tier)."""

_ID = re.compile(ID_PATTERN)
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def format_path(path: Path, data: Any = None) -> str:
    """Render a path the way users read it: ``services[helpdesk].service_time.cv``.

    With the document's ``data``, a list item is named by its id when it has a valid id that no
    other item of its list shares; otherwise (no data, no id, a duplicate id) by its index, as
    in ``services[0]``.  Keys that are not plain words (they hold dots, spaces, ...) are quoted,
    as in ``rosters["help.desk"]``, so that the rendering stays unambiguous.
    """
    out = ""
    node = data
    for segment in path:
        if isinstance(segment, int) and not isinstance(segment, bool):
            out += f"[{item_label(node, segment)}]"
        elif isinstance(segment, str) and _PLAIN_KEY.match(segment):
            out += f".{segment}" if out else segment
        else:
            out += f"[{json.dumps(str(segment), ensure_ascii=False)}]"
        node = _child(node, segment)
    return out


def item_label(items: Any, index: int) -> str:
    """How a path names item ``index`` of the list ``items``: its id if valid and unique there."""
    if not isinstance(items, list) or not 0 <= index < len(items):
        return str(index)
    ident = _id_of(items[index])
    if ident is None or sum(_id_of(item) == ident for item in items) > 1:
        return str(index)
    return ident


def item_id(item: Any) -> Any:
    """What names a list item in a path: its ``id``; a dependency, which has none, is named by
    the ``service`` it depends on (``depends_on[identity]``). None for anything else."""
    if not isinstance(item, dict):
        return None
    return item["id"] if "id" in item else item.get("service")


def _id_of(item: Any) -> str | None:
    ident = item_id(item)
    valid = isinstance(ident, str) and _ID.match(ident) and len(ident) <= MAX_ID_LENGTH
    return ident if valid else None


def _child(node: Any, segment: Any) -> Any:
    if isinstance(node, dict):
        try:
            return node.get(segment)
        except TypeError:   # an unhashable segment from a pydantic loc
            return None
    if isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
        return node[segment]
    return None


class Finding(NamedTuple):
    """One problem found in a (possibly not yet validated) scenario: where and what."""

    path: Path
    message: str

    @property
    def where(self) -> str:
        """The path rendered without the document, items by index: ``services[0].depends_on``
        (the loader renders it with the document, items by id)."""
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
