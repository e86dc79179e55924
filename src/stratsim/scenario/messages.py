"""Pydantic validation errors rewritten as located, plain-language scenario issues.

Pydantic reports ``loc`` tuples in its own terms (a discriminated union adds the tag, a bad
dictionary key adds ``[key]``) and messages written for programmers ("Input should be greater
than or equal to 0").  This module maps a ``loc`` back onto the path the user wrote and rewrites
the message to say what was expected and to quote the value that was found, e.g.
``expected an integer ≥ 0, got -1`` or ``unknown field 'stafff' (did you mean 'staff'?)``.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Callable
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from .base import one_line
from .distributions import DISTRIBUTIONS
from .paths import Path, show

LOADER_FIELDS = ("extends",)
"""Top-level keys consumed by the loader, valid although not model fields."""


def yaml_path(loc: tuple[Any, ...], data: Any) -> tuple[Path, bool]:
    """Map a pydantic ``loc`` onto the document path; also say whether it is about a key.

    Union tags that pydantic inserts (``service_time.lognormal.cv``) are dropped by walking the
    data alongside: a segment that is not in the mapping but equals its ``dist`` is a tag.
    """
    path: list[Any] = []
    node, about_key = data, False
    for segment in loc:
        if segment == "[key]":
            about_key = True
            continue
        if isinstance(node, dict) and segment not in node and node.get("dist") == segment:
            continue
        path.append(segment)
        node = _child(node, segment)
    return tuple(path), about_key


def _child(node: Any, segment: Any) -> Any:
    if isinstance(node, dict):
        return node.get(segment) if _hashable(segment) else None
    if isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
        return node[segment]
    return None


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def type_at(path: Path, data: Any, root: type[BaseModel]) -> Any:
    """The (unwrapped) annotation that validates the value at ``path``; None if unknown."""
    annotation: Any = root
    node = data
    for segment in path:
        annotation = _unwrap(annotation, node)
        if _is_model(annotation):
            field = _field(annotation, segment)
            if field is None:
                return None
            annotation = field.annotation
        elif get_origin(annotation) in (list, dict):
            annotation = get_args(annotation)[-1]
        else:
            return None
        node = _child(node, segment)
    return _unwrap(annotation, node)


def _unwrap(annotation: Any, node: Any) -> Any:
    """Strip ``Annotated`` and ``None`` options; pick a tagged-union member by ``dist``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
            continue
        if origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            models = [m for m in members if _is_model(m)]
            if len(models) > 1:
                tag = node.get("dist") if isinstance(node, dict) else None
                return next((m for m in models if _tag(m) == tag), None)
            if len(members) == 1:
                annotation = members[0]
                continue
        return annotation


def _tag(model: type[BaseModel]) -> Any:
    field = model.model_fields.get("dist")
    return get_args(field.annotation)[0] if field is not None else None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field(model: type[BaseModel], key: Any) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def field_names(model: type[BaseModel]) -> list[str]:
    """The keys a model accepts in a file (aliases where defined)."""
    return [field.alias or name for name, field in model.model_fields.items()]


DISTRIBUTION_FIELDS = ("service_time", "patience")
PATIENCE_FOREVER = "; for customers who wait for ever, leave patience out (or write null)"


def describe(error: ErrorDetails, path: Path, data: Any, root: type[BaseModel]) -> str:
    """A plain-language message for one pydantic error at document ``path``."""
    value = error.get("input")
    if path and path[-1] in DISTRIBUTION_FIELDS and not isinstance(value, dict):
        message = f"expected a distribution such as {{dist: exponential, mean: 10min}}, got {show(value)}"
        if path[-1] == "patience":
            message += PATIENCE_FOREVER   # "patience: none" reads naturally but means nothing
        return message
    return _describe(error, path, data, root)


def _describe(error: ErrorDetails, path: Path, data: Any, root: type[BaseModel]) -> str:
    kind = error["type"]
    special = _SPECIAL.get(kind)
    if special is not None:
        return special(error, path, data, root)
    got = show(error.get("input"))
    ctx = error.get("ctx") or {}
    what = "an integer" if type_at(path, data, root) is int else "a number"
    for key, symbol in (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤")):
        if key in ctx and kind.startswith(("greater", "less")):
            return f"expected {what} {symbol} {ctx[key]:g}, got {got}"
    simple = _SIMPLE.get(kind)
    if simple is not None:
        value = error.get("input")
        if isinstance(value, str) and _EXPONENT_AS_TEXT.match(value):
            return f"{simple}, got {got} (YAML reads 1e6 or 1.0e6 as text: write 1.0e+6 or " \
                   "1000000)"  # fmt: skip
        if kind == "string_type" and isinstance(value, bool):
            words = "yes, on and true" if value else "no, off and false"
            return f"{simple}, got {got} (YAML reads {words} as {got}: put the word in quotes)"
        return f"{simple}, got {got}"
    return f"{error['msg'][:1].lower()}{error['msg'][1:]}, got {got}"


_EXPONENT_AS_TEXT = re.compile(r"^\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+\s*$")
"""A number with an exponent that YAML 1.1 kept as text (it needs a dot and a signed exponent)."""

_SIMPLE: dict[str, str] = {
    "int_type": "expected an integer",
    "int_parsing": "expected an integer",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping (key: value pairs)",
    "model_type": "expected a mapping (key: value pairs)",
    "model_attributes_type": "expected a mapping (key: value pairs)",
    "date_type": "expected a date such as 2024-01-01",
    "date_parsing": "expected a date such as 2024-01-01",
    "date_from_datetime_inexact": "expected a date such as 2024-01-01 (no time of day)",
}


def _value_error(error: ErrorDetails, *_: Any) -> str:
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _missing(error: ErrorDetails, path: Path, data: Any, root: type[BaseModel]) -> str:
    name = path[-1] if path else "?"
    parent = type_at(path[:-1], data, root)
    field = _field(parent, name) if _is_model(parent) else None
    hint = f": {one_line(field.description)}" if field is not None and field.description else ""
    return f"missing required field '{name}'{hint}"


def _extra(error: ErrorDetails, path: Path, data: Any, root: type[BaseModel]) -> str:
    key = path[-1] if path else "?"
    parent = type_at(path[:-1], data, root)
    known = field_names(parent) if _is_model(parent) else []
    if parent is root:
        known += list(LOADER_FIELDS)
    close = difflib.get_close_matches(str(key), known, n=1)
    if close:
        return f"unknown field '{key}' (did you mean '{close[0]}'?)"
    return f"unknown field '{key}'; expected one of: {', '.join(known)}"


def _literal(error: ErrorDetails, *_: Any) -> str:
    expected = (error.get("ctx") or {}).get("expected", "")
    return f"expected {expected}, got {show(error.get('input'))}"


def _bad_tag(error: ErrorDetails, *_: Any) -> str:
    names = ", ".join(DISTRIBUTIONS)
    tag = (error.get("ctx") or {}).get("tag")
    close = difflib.get_close_matches(str(tag), list(DISTRIBUTIONS), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown distribution {show(tag)}{hint}: dist must be one of {names}"


def _no_tag(error: ErrorDetails, *_: Any) -> str:
    names = ", ".join(DISTRIBUTIONS)
    value = error.get("input")
    if not isinstance(value, dict):
        return f"expected a distribution mapping such as {{dist: exponential, mean: 10min}}, " \
               f"got {show(value)}"  # fmt: skip
    return f"missing 'dist': a distribution needs dist, one of {names}"


def _too_short(error: ErrorDetails, *_: Any) -> str:
    ctx = error.get("ctx") or {}
    wanted, got = ctx.get("min_length", 1), ctx.get("actual_length", 0)
    return f"expected at least {wanted} item(s), got {got}"


_SPECIAL: dict[str, Callable[[ErrorDetails, Path, Any, type[BaseModel]], str]] = {
    "value_error": _value_error,
    "assertion_error": _value_error,
    "missing": _missing,
    "extra_forbidden": _extra,
    "literal_error": _literal,
    "union_tag_invalid": _bad_tag,
    "union_tag_not_found": _no_tag,
    "too_short": _too_short,
}

KEY_ERRORS = frozenset({"extra_forbidden"})
"""Error types about a key rather than its value (located at the key)."""

__all__ = ["KEY_ERRORS", "describe", "field_names", "type_at", "yaml_path"]
