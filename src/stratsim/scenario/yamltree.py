"""YAML to plain data, keeping the file, line and column of every key and value.

PyYAML's ``safe_load`` forgets where values came from and silently keeps the last of two equal
keys.  Here the document is *composed* into nodes (which carry marks) and turned into a small
located tree (:class:`LMap`, :class:`LSeq`, :class:`LScalar`).  The tree is what ``extends``
merges, so each value keeps the mark of the file that defined it; :func:`flatten` then gives the
plain data for pydantic and a map from field path to :class:`Location` for error messages.

Two YAML 1.1 surprises are handled on purpose: a duplicate key is reported (not silently
overwritten), and an unquoted clock time such as ``18:00`` stays the text ``"18:00"`` instead of
becoming the base-60 integer 1080, because roster times are written that way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Union

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Issue
from .paths import Path, format_path, show

MERGE_TAG = "tag:yaml.org,2002:merge"
INT_TAG = "tag:yaml.org,2002:int"
_CLOCK_TEXT = re.compile(r"^[0-9]{1,2}:[0-9]{2}$")
MAX_NODES = 1_000_000
"""Refuse documents whose aliases expand beyond this many values ("billion laughs")."""


@dataclass(frozen=True)
class Location:
    """Where a value was written: file name and 1-based line and column."""

    file: str
    line: int
    column: int


@dataclass
class LScalar:
    value: Any
    mark: Location


@dataclass
class LSeq:
    items: list[LNode]
    mark: Location


@dataclass
class LMap:
    entries: dict[Any, tuple[Location, LNode]]
    """key → (location of the key, value)."""
    mark: Location


LNode = Union[LScalar, LSeq, LMap]


class _TooLarge(Exception):
    """Raised to stop building a document whose aliases expand too far."""


class _Builder:
    """Turns composed YAML nodes into a located tree, collecting issues as it goes."""

    def __init__(self, filename: str) -> None:
        self.file = filename
        self.issues: list[Issue] = []
        self._constructor = SafeConstructor()
        self._active: set[int] = set()
        self._count = 0

    def location(self, node: Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def issue(self, node: Node, path: Path, message: str) -> None:
        mark = self.location(node)
        self.issues.append(Issue(self.file, mark.line, mark.column, format_path(path), message))

    def build(self, node: Node, path: Path) -> LNode:
        self._count += 1
        if self._count > MAX_NODES:
            raise _TooLarge
        if isinstance(node, ScalarNode):
            return LScalar(self.scalar(node, path), self.location(node))
        if id(node) in self._active:
            self.issue(node, path, "a YAML alias refers to a value that contains it")
            return LScalar(None, self.location(node))
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                items = [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
                return LSeq(items, self.location(node))
            return LMap(self.mapping(node, path), self.location(node))
        finally:
            self._active.discard(id(node))

    def scalar(self, node: ScalarNode, path: Path) -> Any:
        if node.tag == INT_TAG and node.style is None and _CLOCK_TEXT.match(node.value):
            return node.value  # "18:00" is a clock time, not YAML 1.1's base-60 number 1080
        try:
            return self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            self.issue(node, path, f"invalid value {show(node.value)}: {problem}")
            return None

    def mapping(self, node: MappingNode, path: Path) -> dict[Any, tuple[Location, LNode]]:
        explicit: dict[Any, tuple[Location, LNode]] = {}
        merged: dict[Any, tuple[Location, LNode]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                self.merge_into(merged, value_node, path)
                continue
            key = self.key(key_node, path)
            if key is None:
                continue
            if key in explicit:
                first = explicit[key][0]
                self.issue(key_node, path + (key,),
                           f"duplicate key {show(key)}: already defined at line {first.line}; "
                           "a key may appear only once in a mapping")  # fmt: skip
                continue
            explicit[key] = (self.location(key_node), self.build(value_node, path + (key,)))
        return {**merged, **explicit}

    def key(self, node: Node, path: Path) -> Any:
        if not isinstance(node, ScalarNode):
            self.issue(node, path, "a mapping key must be a plain value such as a name")
            return None
        value = self.scalar(node, path)
        try:
            hash(value)
        except TypeError:
            self.issue(node, path, f"a mapping key must be a plain value, got {show(value)}")
            return None
        return value

    def merge_into(self, merged: dict[Any, Any], node: Node, path: Path) -> None:
        """YAML merge key ``<<: *base``: earlier mappings win, explicit keys win over all."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, MappingNode):
                self.issue(source, path, "a merge key (<<) needs a mapping or a list of mappings")
                continue
            built = self.build(source, path)
            for key, entry in built.entries.items() if isinstance(built, LMap) else ():
                merged.setdefault(key, entry)


def parse_yaml(text: str, filename: str) -> tuple[LNode | None, list[Issue]]:
    """Parse one YAML document into a located tree; ``None`` for an empty document.

    YAML syntax errors come back as a single issue at the parser's line and column.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return None, [_syntax_issue(exc, text, filename)]
    except RecursionError:
        return None, [Issue(filename, None, None, "", "the YAML is nested too deeply")]
    if root is None:
        return None, []
    builder = _Builder(filename)
    try:
        tree = builder.build(root, ())
    except (_TooLarge, RecursionError):
        message = "the YAML aliases expand to too many values (or nest too deeply)"
        return None, [Issue(filename, None, None, "", message)]
    return tree, builder.issues


def _syntax_issue(exc: yaml.YAMLError, text: str, filename: str) -> Issue:
    """One located issue for a YAML parser or reader error."""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        problem = getattr(exc, "problem", None) or "syntax error"
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        if context and context_mark is not None:
            problem += f" ({context} at line {context_mark.line + 1})"
        return Issue(filename, mark.line + 1, mark.column + 1, "", f"invalid YAML: {problem}")
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        column = position - text.rfind("\n", 0, position)
        reason = getattr(exc, "reason", None) or "unreadable character"
        return Issue(filename, line, column, "", f"invalid YAML: {reason}")
    return Issue(filename, None, None, "", f"invalid YAML: {exc}")


@dataclass
class LocatedData:
    """Plain data with the location of every value and key, by field path."""

    data: Any
    values: dict[Path, Location] = field(default_factory=dict)
    keys: dict[Path, Location] = field(default_factory=dict)

    def locate(self, path: Path, prefer_key: bool = False) -> Location | None:
        """The location of ``path``, else of its nearest ancestor that has one."""
        path = tuple(path)
        if prefer_key and _get(self.keys, path) is not None:
            return _get(self.keys, path)
        while True:
            found = _get(self.values, path)
            if found is not None or not path:
                return found
            path = path[:-1]


def _get(table: dict[Path, Location], path: Path) -> Location | None:
    try:
        return table.get(path)
    except TypeError:  # an unhashable segment in a path built from a pydantic loc
        return None


def flatten(tree: LNode) -> LocatedData:
    """Plain Python data of a located tree, with its locations by path."""
    located = LocatedData(None)
    located.data = _flatten(tree, (), located)
    return located


def _flatten(node: LNode, path: Path, located: LocatedData) -> Any:
    located.values[path] = node.mark
    if isinstance(node, LScalar):
        return node.value
    if isinstance(node, LSeq):
        return [_flatten(item, path + (i,), located) for i, item in enumerate(node.items)]
    out = {}
    for key, (key_mark, value) in node.entries.items():
        located.keys[path + (key,)] = key_mark
        out[key] = _flatten(value, path + (key,), located)
    return out
