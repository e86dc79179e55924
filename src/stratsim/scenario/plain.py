"""Reading a scenario's plain data (the mapping its YAML holds) before it is validated.

The checks across fields (:mod:`.checks`, :mod:`.lifecycle_checks`,
:mod:`stratsim.portfolio.validation`) run on plain data beside the field errors, so that one
pass reports everything: they must skip values of the wrong type (a field error, reported by
the models) rather than fail on them. These helpers read the data that way.
"""

from __future__ import annotations

import difflib
from typing import Any

from .durations import parse_duration
from .paths import show


def mappings(value: Any) -> list[tuple[int, dict[Any, Any]]]:
    """``(index, item)`` for the items of a list that are mappings; none if it is no list."""
    return [(i, item) for i, item in enumerate(value if isinstance(value, list) else [])
            if isinstance(item, dict)]


def first_ids(items: list[tuple[int, dict[Any, Any]]]) -> dict[str, int]:
    """Each text ``id`` with the index of the first item that has it (duplicates are reported
    by their own check)."""
    ids: dict[str, int] = {}
    for index, item in items:
        if isinstance(item.get("id"), str):
            ids.setdefault(item["id"], index)
    return ids


def hours(value: Any) -> float | None:
    """A duration in hours, or None when it is absent or not a valid duration (a field error)."""
    if value is None:
        return None
    try:
        return parse_duration(value)
    except (ValueError, TypeError):
        return None


def unknown_reference(kind: str, value: Any, known: dict[str, int]) -> str:
    """Message for a reference to an id that does not exist, with a did-you-mean."""
    close = difflib.get_close_matches(str(value), list(known), n=1)
    hint = f" (did you mean {show(close[0])}?)" if close else ""
    listing = ", ".join(known) if known else "none"
    return f"unknown {kind} {show(value)}{hint}; the {kind}s are: {listing}"
