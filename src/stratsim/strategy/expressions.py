"""The small, safe expression language of conditions and constraints.

A planner writes ``"satisfaction >= 4"`` or ``"cost <= budget"`` (perspective constraints) and,
later, ``"queue('helpdesk') > 15"`` (rules); the README documents it ("The perspective:
objectives, constraints, budget"). An expression is parsed **once**, when the scenario is
loaded, by :func:`parse_expression`, which returns an :class:`Expression` or raises an
:class:`ExpressionError` saying what is wrong and where (its character position). Nothing a user
writes is ever executed as Python: it is parsed by Python's own parser (``ast``, mode ``eval``:
statements such as ``import`` are syntax errors) and every node is checked against a whitelist:

* numbers (integers and decimals; not ``True``/``False``/``None``), and text constants only as
  function arguments, and only where the vocabulary allows them (``queue('helpdesk')``);
* names from the vocabulary (the KPI names and ``budget`` for constraints; ``t``, ``hour`` … for
  rules), never a name with a double underscore;
* arithmetic ``+ - * / // %`` and unary ``+ -``; no ``**`` (``9 ** 9 ** 9`` would stall the
  loader, and no condition needs a power);
* comparisons ``< <= > >= == !=`` (chains such as ``3 <= x <= 5`` included), and ``and``, ``or``,
  ``not``;
* calls of whitelisted functions by name, with positional arguments only, in their arity.

Everything else is refused with its reason: attribute access (``().__class__``), subscripts,
lambdas, comprehensions, conditional expressions, assignment expressions, f-strings, literals of
lists, tuples, sets or dicts, keyword or ``*`` arguments. Operands are typed as *numbers* or
*conditions*, so ``1 + (x > 2)`` or ``x and y`` over numbers are refused at load, not at run.

Why a whitelist over ``ast`` with a tiny evaluator of our own, rather than simpleeval or asteval:
both evaluate from the source text with their own, wider defaults (asteval is a Python
interpreter with loops and function definitions; simpleeval allows attribute access and calls of
any function it is given, and re-parses at every evaluation). What must be safe here is the
*set of accepted trees*, which this module states in one place and tests form by form; given
that set, evaluating it is a dozen lines over the node types listed above. And the perspective
needs the tree itself, not just a value: a constraint is judged comparison by comparison, each
with its margin and confidence interval, which is a walk over the checked tree.

Evaluation (:meth:`Expression.evaluate`) maps names to numbers or ``None`` (a KPI undefined in
that replication); ``None`` spreads through arithmetic and comparisons, ``and``/``or`` follow
three-valued (Kleene) logic, and a division by zero gives ``None`` (undefined), never an error.
The vocabulary — allowed names and functions — is a parameter (:class:`Vocabulary`), so the
rules of a later release reuse this language with their own names and functions.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["number", "condition"]
NUMBER: Kind = "number"
CONDITION: Kind = "condition"
Value = float | bool | None

MAX_LENGTH = 1_000
"""Longest expression accepted (in characters): a condition is one line a planner reads."""
MAX_DEPTH = 50
"""Deepest nesting accepted: bounds the recursion of checking and evaluating."""


class ExpressionError(ValueError):
    """An expression that is not in the language: ``message`` and 1-based character ``position``."""

    def __init__(self, message: str, position: int | None = None) -> None:
        self.message = message
        self.position = position
        where = f"at character {position}: " if position is not None else ""
        super().__init__(f"{where}{message}")


@dataclass(frozen=True)
class Function:
    """A function an expression may call: how many positional arguments it takes.

    ``implementation`` computes it from numbers (``None`` arguments never reach it: a call with
    an undefined argument is undefined); a vocabulary for live state leaves it ``None`` and the
    caller supplies the implementation at evaluation time.
    """

    name: str
    min_args: int
    max_args: int | None
    implementation: Callable[..., float] | None = None
    takes_text: bool = False
    """Its arguments are text (a quoted id such as ``'helpdesk'``, or a text name such as
    ``service``), never numbers; other functions take numbers only."""

    def arity(self) -> str:
        if self.max_args == self.min_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        if self.max_args is None:
            return f"at least {self.min_args} arguments"
        return f"{self.min_args} to {self.max_args} arguments"


STANDARD_FUNCTIONS: dict[str, Function] = {
    "min": Function("min", 2, None, min),
    "max": Function("max", 2, None, max),
    "abs": Function("abs", 1, 1, abs),
}
"""Functions every vocabulary may offer: ``min(a, b, …)``, ``max(a, b, …)``, ``abs(x)``."""


@dataclass(frozen=True)
class Vocabulary:
    """What an expression may use: ``names`` (numbers), ``functions``, text arguments or not.

    ``what`` names the names in messages (``"KPI or budget"`` → ``unknown KPI or budget "x"``).
    """

    names: frozenset[str]
    functions: Mapping[str, Function] = field(default_factory=lambda: dict(STANDARD_FUNCTIONS))
    string_arguments: bool = False
    what: str = "name"
    example: str = "satisfaction >= 4"
    """A condition in this vocabulary, shown when a number is given where a condition is expected."""
    text_names: frozenset[str] = frozenset()
    """Names that stand for text (a review's ``service``): only as arguments of functions that
    take text."""


@dataclass(frozen=True, eq=False)
class Expression:
    """A checked expression: its ``text``, its tree's ``body`` and ``kind``, the ``names`` it uses."""

    text: str
    body: ast.expr
    kind: Kind
    names: frozenset[str]
    functions: Mapping[str, Function]

    def evaluate(self, values: Mapping[str, float | None],
                 functions: Mapping[str, Callable[..., float]] | None = None) -> Value:
        """The value of the expression for ``values`` of its names (``None`` = undefined)."""
        return evaluate_node(self.body, values, self._implementations(functions))

    def evaluate_part(self, node: ast.expr, values: Mapping[str, float | None],
                      functions: Mapping[str, Callable[..., float]] | None = None) -> Value:
        """The value of one sub-expression (a node of :attr:`body`)."""
        return evaluate_node(node, values, self._implementations(functions))

    def source(self, node: ast.expr) -> str:
        """The text of a sub-expression as the user wrote it."""
        return ast.get_source_segment(self.text, node) or ast.unparse(node)

    def _implementations(self, given: Mapping[str, Callable[..., float]] | None) -> dict[str, Callable[..., float]]:
        found = {name: f.implementation for name, f in self.functions.items() if f.implementation}
        return {**found, **(given or {})}


def parse_expression(text: str, vocabulary: Vocabulary, expect: Kind | None = CONDITION) -> Expression:
    """Parse and check ``text``; raise :class:`ExpressionError` if it is not in the language.

    ``expect`` is the kind the whole expression must have (a constraint is a condition).
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    source = text.strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        detail = "" if error.msg == "invalid syntax" else f" ({error.msg})"
        raise ExpressionError(f"invalid syntax{detail}", _syntax_position(source, error)) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the expression is nested too deeply or holds a null character") from None
    checker = _Checker(source, vocabulary)
    kind = checker.check(tree.body, 0)
    if expect is not None and kind != expect:
        wanted = f"a condition such as {vocabulary.example}" if expect == CONDITION else "a number"
        got = "a condition" if kind == CONDITION else "a number"
        raise ExpressionError(f"expected {wanted}, got {got}", 1)
    return Expression(source, tree.body, kind, frozenset(checker.names), vocabulary.functions)


def _syntax_position(text: str, error: SyntaxError) -> int | None:
    if error.lineno is None or error.offset is None:
        return None
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[: error.lineno - 1]) + error.offset


_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE: dict[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
COMPARISON_SYMBOLS: dict[type[ast.cmpop], str] = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
}
_REFUSED: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access (.) is not allowed",
    ast.Subscript: "subscripts ([...]) are not allowed",
    ast.Lambda: "lambdas are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.IfExp: "conditional expressions (x if c else y) are not allowed",
    ast.NamedExpr: "assignment (:=) is not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.Starred: "* arguments are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
}
_OPERATOR_NAMES: dict[type[ast.AST], str] = {
    ast.Pow: "** (power)", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
    ast.LShift: "<<", ast.RShift: ">>", ast.Invert: "~", ast.In: "in", ast.NotIn: "not in",
    ast.Is: "is", ast.IsNot: "is not",
}


class _Checker:
    """Walks a parsed tree; raises :class:`ExpressionError` at the first node not whitelisted."""

    def __init__(self, text: str, vocabulary: Vocabulary) -> None:
        self.text = text
        self.vocabulary = vocabulary
        self.names: set[str] = set()

    def fail(self, node: ast.AST, message: str) -> ExpressionError:
        return ExpressionError(message, _position(self.text, node))

    def check(self, node: ast.AST, depth: int) -> Kind:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"the expression is nested more than {MAX_DEPTH} levels deep")
        for refused, message in _REFUSED.items():
            if isinstance(node, refused):
                raise self.fail(node, message)
        handler = getattr(self, f"check_{type(node).__name__}", None)
        if handler is None:
            raise self.fail(node, f"{type(node).__name__} is not allowed in an expression")
        return handler(node, depth + 1)

    def number(self, node: ast.AST, depth: int, role: str) -> None:
        if self.check(node, depth) != NUMBER:
            raise self.fail(node, f"{role} needs a number, got a condition")

    def condition(self, node: ast.AST, depth: int, role: str) -> None:
        if self.check(node, depth) != CONDITION:
            raise self.fail(node, f"{role} needs a condition (a comparison), got a number")

    def check_Constant(self, node: ast.Constant, depth: int) -> Kind:
        value = node.value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return NUMBER
        if isinstance(value, str):
            raise self.fail(node, "text is only allowed as a function argument"
                            if self.vocabulary.string_arguments else "text constants are not allowed")
        raise self.fail(node, f"only numbers are allowed as constants, got {value!r}")

    def check_Name(self, node: ast.Name, depth: int) -> Kind:
        name = node.id
        if "__" in name:
            raise self.fail(node, f"names with a double underscore are not allowed: {name}")
        if name in self.vocabulary.names:
            self.names.add(name)
            return NUMBER
        if name in self.vocabulary.text_names:
            raise self.fail(node, f"{name} is text: use it as a function argument, e.g. margin({name})")
        if name in self.vocabulary.functions:
            raise self.fail(node, f"{name} is a function: call it as {name}(...)")
        raise self.fail(node, _unknown(self.vocabulary.what, name, self.vocabulary.names))

    def check_Call(self, node: ast.Call, depth: int) -> Kind:
        if not isinstance(node.func, ast.Name):
            self.check(node.func, depth)  # raises for attribute access, subscripts, lambdas...
            raise self.fail(node.func, "only named functions can be called")
        name = node.func.id
        if "__" in name:
            raise self.fail(node.func, f"names with a double underscore are not allowed: {name}")
        function = self.vocabulary.functions.get(name)
        if function is None:
            raise self.fail(node.func, _unknown("function", name, self.vocabulary.functions))
        if node.keywords:
            raise self.fail(node.keywords[0].value, f"{name}() takes positional arguments only")
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self.fail(argument, _REFUSED[ast.Starred])
        count = len(node.args)
        if count < function.min_args or (function.max_args is not None and count > function.max_args):
            raise self.fail(node, f"{name}() takes {function.arity()}, got {count}")
        for argument in node.args:
            if self._text(argument):
                if not function.takes_text and self.vocabulary.string_arguments:
                    raise self.fail(argument, f"{name}() takes numbers, not text")
                if function.takes_text:
                    if isinstance(argument, ast.Name):
                        self.names.add(argument.id)
                    continue
            if function.takes_text:
                raise self.fail(argument, f"{name}() takes a quoted id such as {name}('helpdesk')")
            self.number(argument, depth, f"an argument of {name}()")
        return NUMBER

    def _text(self, node: ast.AST) -> bool:
        """Whether ``node`` is a text argument this vocabulary allows."""
        if not self.vocabulary.string_arguments:
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return True
        return isinstance(node, ast.Name) and node.id in self.vocabulary.text_names

    def check_BinOp(self, node: ast.BinOp, depth: int) -> Kind:
        if type(node.op) not in _BINARY:
            raise self.fail(node, f"the operator {_OPERATOR_NAMES.get(type(node.op), '?')} is not allowed")
        self.number(node.left, depth, "arithmetic")
        self.number(node.right, depth, "arithmetic")
        return NUMBER

    def check_UnaryOp(self, node: ast.UnaryOp, depth: int) -> Kind:
        if isinstance(node.op, ast.Not):
            self.condition(node.operand, depth, "not")
            return CONDITION
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            self.number(node.operand, depth, "a sign")
            return NUMBER
        raise self.fail(node, f"the operator {_OPERATOR_NAMES.get(type(node.op), '?')} is not allowed")

    def check_Compare(self, node: ast.Compare, depth: int) -> Kind:
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise self.fail(node, f"the operator {_OPERATOR_NAMES.get(type(op), '?')} is not allowed")
        for operand in (node.left, *node.comparators):
            self.number(operand, depth, "a comparison")
        return CONDITION

    def check_BoolOp(self, node: ast.BoolOp, depth: int) -> Kind:
        word = "and" if isinstance(node.op, ast.And) else "or"
        for value in node.values:
            self.condition(value, depth, word)
        return CONDITION


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    listing = ", ".join(known) if known else "none"
    return f'unknown {what} "{name}"{hint}; allowed: {listing}'


def _position(text: str, node: ast.AST) -> int | None:
    """1-based character position of a node (``ast`` counts UTF-8 bytes within a line)."""
    line, offset = getattr(node, "lineno", None), getattr(node, "col_offset", None)
    if line is None or offset is None:
        return None
    lines = text.splitlines(keepends=True)
    before = sum(len(previous) for previous in lines[: line - 1])
    current = lines[line - 1] if line - 1 < len(lines) else ""
    return before + len(current.encode("utf-8")[:offset].decode("utf-8", errors="ignore")) + 1


def evaluate_node(node: ast.expr, values: Mapping[str, float | None],
                  functions: Mapping[str, Callable[..., float]]) -> Value:
    """Evaluate a checked node; ``None`` (undefined) spreads, ``and``/``or`` are three-valued."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        return None if value is None else float(value)
    if isinstance(node, ast.BinOp):
        left = evaluate_node(node.left, values, functions)
        right = evaluate_node(node.right, values, functions)
        if left is None or right is None:
            return None
        try:
            return _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            return None
    if isinstance(node, ast.UnaryOp):
        operand = evaluate_node(node.operand, values, functions)
        if operand is None:
            return None
        if isinstance(node.op, ast.Not):
            return not operand
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.Compare):
        return _compare(node, values, functions)
    if isinstance(node, ast.BoolOp):
        return _kleene(node, values, functions)
    if isinstance(node, ast.Call):
        return _call(node, values, functions)
    raise TypeError(f"unchecked node {type(node).__name__}")  # parse_expression refuses it


def _compare(node: ast.Compare, values: Mapping[str, float | None],
             functions: Mapping[str, Callable[..., float]]) -> bool | None:
    operands = [evaluate_node(n, values, functions) for n in (node.left, *node.comparators)]
    results = [None if a is None or b is None else _COMPARE[type(op)](a, b)
               for op, a, b in zip(node.ops, operands, operands[1:])]
    return _all(results)


def _kleene(node: ast.BoolOp, values: Mapping[str, float | None],
            functions: Mapping[str, Callable[..., float]]) -> bool | None:
    results = [evaluate_node(n, values, functions) for n in node.values]
    if isinstance(node.op, ast.And):
        return _all(results)
    if any(r is True for r in results):
        return True
    return None if any(r is None for r in results) else False


def _all(results: list[Value]) -> bool | None:
    if any(r is False for r in results):
        return False
    return None if any(r is None for r in results) else True


def _argument(node: ast.expr, values: Mapping[str, float | str | None],
              functions: Mapping[str, Callable[..., float]]) -> float | str | None:
    """A call's argument: text as written (a constant, or a text name's value), else a number."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and isinstance(values.get(node.id), str):
        return values[node.id]
    return evaluate_node(node, values, functions)  # type: ignore[arg-type]


def _call(node: ast.Call, values: Mapping[str, float | None],
          functions: Mapping[str, Callable[..., float]]) -> float | None:
    name = node.func.id  # type: ignore[attr-defined]  # checked: a Name
    arguments = [_argument(a, values, functions) for a in node.args]
    if any(a is None for a in arguments):
        return None
    result = functions[name](*arguments)
    return None if result is None else float(result)
