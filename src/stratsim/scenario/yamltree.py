"""YAML to plain data, keeping the file, line and column of every key and value.

PyYAML's ``safe_load`` forgets where values came from and silently keeps the last of two equal
keys.  Here the document is *composed* into nodes (which carry marks) and turned into a small
located tree (:class:`LMap`, :class:`LSeq`, :class:`LScalar`).  The tree is what ``extends``
merges, so each value keeps the mark of the file that defined it; :func:`flatten` then gives the
plain data for pydantic and a map from field path to :class:`Location` for error messages.

YAML 1.1 surprises are handled on purpose: a duplicate key is reported (not silently
overwritten); a key that is not text (``~``, ``on``, ``3``) is reported (no scenario key is
anything but a name, and ``null: x`` must not pass unnoticed); and an unquoted clock time such as
``18:00`` stays the text ``"18:00"`` instead of becoming the base-60 integer 1080, because roster
times are written that way.  A syntax error says what to fix in plain words (a tab, a missing
colon, an indentation) besides the parser's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Union

import yaml
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.events import CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Issue
from .paths import Path, format_path, show

MERGE_TAG = "tag:yaml.org,2002:merge"
INT_TAG = "tag:yaml.org,2002:int"
_CLOCK_TEXT = re.compile(r"^[0-9]{1,2}:[0-9]{2}$")
MAX_NODES = 1_000_000
"""Refuse documents whose aliases expand beyond this many values ("billion laughs")."""
MAX_DEPTH = 100
"""Refuse lists and mappings nested deeper than this (a scenario needs 7 levels)."""
TOO_DEEP = (
    f"the YAML is nested too deeply: more than {MAX_DEPTH} levels of lists and mappings here "
    "(a scenario needs at most 7); look for brackets that are opened and never closed"
)


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
    """Turns composed YAML nodes into a located tree, collecting problems as it goes.

    A problem's path is kept raw until the tree is whole, so that list items can then be named
    by their id (:func:`~.paths.format_path`).
    """

    def __init__(self, filename: str) -> None:
        self.file = filename
        self.problems: list[tuple[Location, Path, str]] = []
        self._constructor = SafeConstructor()
        self._active: set[int] = set()
        self._count = 0

    def location(self, node: Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def issue(self, node: Node, path: Path, message: str) -> None:
        self.problems.append((self.location(node), path, message))

    def issues(self, tree: LNode) -> list[Issue]:
        """The problems as issues, their paths rendered against the built ``tree``."""
        data = flatten(tree).data if self.problems else None
        return [Issue(self.file, where.line, where.column, format_path(path, data), message)
                for where, path, message in self.problems]  # fmt: skip

    def build(self, node: Node, path: Path) -> LNode:
        self._count += 1
        if self._count > MAX_NODES:
            raise _TooLarge
        if len(path) > MAX_DEPTH:   # only aliases get here: the text itself was checked
            self.issue(node, (), f"{TOO_DEEP} (through aliases)")
            return LScalar(None, self.location(node))
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

    def key(self, node: Node, path: Path) -> str | None:
        """The text of a mapping key; None (and an issue) for anything else."""
        if not isinstance(node, ScalarNode):
            self.issue(node, path, "a mapping key must be a plain name, not a list or mapping")
            return None
        value = self.scalar(node, path)
        if isinstance(value, str):
            return value
        if value is None and node.value in ("", "~", "null", "Null", "NULL"):
            self.issue(node, path, "a mapping key cannot be null: ~, null or an empty key mean "
                                   "nothing in YAML; write a name (in quotes for the word null)")  # fmt: skip
        elif isinstance(value, bool):
            self.issue(node, path, f"a mapping key must be a name, got {show(value)}: YAML reads "
                                   f"{node.value} as {show(value)}; put it in quotes for the word")  # fmt: skip
        elif value is not None:
            self.issue(node, path, f"a mapping key must be a name, got {show(value)}; put it in "
                                   f"quotes (\"{node.value}\") if it is one")  # fmt: skip
        return None

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

    A YAML syntax error, or nesting deeper than :data:`MAX_DEPTH`, comes back as a single issue
    at its line and column.
    """
    try:
        root = yaml.compose(text, Loader=_DepthLimitedLoader)
    except _TooDeep as exc:
        return None, [Issue(filename, exc.mark.line + 1, exc.mark.column + 1, "", TOO_DEEP)]
    except yaml.YAMLError as exc:
        return None, [_syntax_issue(exc, text, filename)]
    if root is None:
        return None, []
    builder = _Builder(filename)
    try:
        tree = builder.build(root, ())
    except _TooLarge:
        message = f"the YAML aliases expand to more than {MAX_NODES:,} values"
        return None, [Issue(filename, None, None, "", message)]
    return tree, builder.issues(tree)


class _TooDeep(Exception):
    """Raised where lists and mappings first nest deeper than :data:`MAX_DEPTH`."""

    def __init__(self, mark: Mark) -> None:
        super().__init__("too deep")
        self.mark = mark


class _DepthLimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, stopping at the list or mapping that nests too deep.

    PyYAML's parser works without recursion but its composer recurses once per level: counted
    here, a deep file gets a located error, never a RecursionError.
    """

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if not self.check_event(CollectionStartEvent):
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            raise _TooDeep(self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _syntax_issue(exc: yaml.YAMLError, text: str, filename: str) -> Issue:
    """One located issue for a YAML parser or reader error: what to fix in plain words, then
    the parser's own text."""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        problem = getattr(exc, "problem", None) or "syntax error"
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        parser_says = problem
        if context and context_mark is not None:
            parser_says += f" ({context} at line {context_mark.line + 1})"
        hint, at_context = syntax_hint(problem, context or "")
        where = context_mark if at_context and context_mark is not None else mark
        message = f"invalid YAML: {hint} (the parser says: {parser_says})" if hint \
            else f"invalid YAML: {parser_says}"  # fmt: skip
        return Issue(filename, where.line + 1, where.column + 1, "", message)
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        column = position - text.rfind("\n", 0, position)
        reason = getattr(exc, "reason", None) or "unreadable character"
        code = getattr(exc, "character", None)
        what = f"character {code:#04x}" if isinstance(code, int) else "character"
        message = (f"invalid YAML: an invisible control {what} that YAML does not allow; delete it "
                   f"(it often comes from text copied out of another program) "
                   f"(the parser says: {reason})")  # fmt: skip
        return Issue(filename, line, column, "", message)
    return Issue(filename, None, None, "", f"invalid YAML: {exc}")


_INDENTATION = (
    "the indentation of this line matches no list or mapping above it: indent it exactly like "
    "the other keys (or list items) it belongs with, with spaces"
)


def syntax_hint(problem: str, context: str) -> tuple[str, bool]:
    """What to fix, in plain words, for a PyYAML ``problem`` and ``context``; and whether the
    fix is at the context's mark (where the bad construct started: an opening quote or bracket)
    rather than where the parser noticed.  An empty hint when the parser's words are all there is.
    """
    if "'\\t'" in problem or "tab character" in problem:
        return "a tab character: YAML indents with spaces only, so replace the tab with spaces", False
    if "could not find expected ':'" in problem:
        return ("this line is not 'key: value' (a colon and a space after the key) nor a list "
                "item ('- value'): add the missing colon, or the '- '"), True
    if "mapping values are not allowed here" in problem:
        return ("a ': ' where no key can start: put a value that contains ': ' in quotes, check "
                "that the line above has a space after its colon, and that this line is indented "
                "like the other keys of its mapping"), False
    if problem.startswith("expected <block end>, but found '-'"):
        return ("a list item ('- ') where the mapping expects another key: indent the list "
                "under the key it belongs to"), False
    if problem.startswith("expected <block end>, but found '<scalar>'"):
        return ("unexpected text after a value: put the whole value in quotes, or check the "
                "indentation of this line"), False
    if problem.startswith(("expected <block end>", "did not find expected key")):
        return _INDENTATION, False
    if "did not find expected '-' indicator" in problem:
        return "every item of a list starts with '- ' at the same indentation", False
    if "scanning a quoted scalar" in context and "end of stream" in problem:
        return "a quote opened here is never closed: add the closing quote", True
    if problem.startswith("expected ',' or ']'"):
        return "the list in brackets [ ] opened here is not closed: add the ']'", True
    if problem.startswith("expected ',' or '}'"):
        return "the mapping in braces { } opened here is not closed: add the '}'", True
    if problem.startswith("found undefined alias"):
        return "an alias (*name) needs an anchor (&name) defined earlier in the file", False
    if "found duplicate anchor" in context:
        return "the same anchor (&name) is defined twice: rename one of them", False
    if "that cannot start any token" in problem:
        return "a value cannot start with this character: put the value in quotes", False
    if "unknown escape character" in problem:
        return ("in double quotes a backslash starts an escape such as \\n: write \\\\ for a "
                "backslash, or use single quotes"), False
    if "expected a single document" in context:
        return ("a scenario file holds one YAML document: remove the '---' line and what "
                "follows (or move it to a file of its own)"), False
    if "scanning an alias" in context:
        return "a value starting with '*' is read as an alias: put the value in quotes", False
    return "", False


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
