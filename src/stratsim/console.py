"""How the command line prints: user text always as text, never as markup or emoji codes.

Scenario names, ids, keys, paths and the values quoted in error messages are the user's text.
Printed through rich with its defaults, ``[/x]`` in a name crashes with a ``MarkupError``,
``[bold]`` in a key silently disappears and ``file.yaml:100:15`` becomes ``file.yaml💯15``. So
every console the CLI prints through is made here with markup, emoji codes and highlighting
off: a ``str`` printed, or put in a table cell or title, is shown exactly as written.  Style
comes only from :class:`~rich.text.Text` objects built in code (:func:`labelled`), never from
parsing a string.  What a terminal would obey rather than show (escape sequences, other
control characters, lone surrogates that cannot be encoded) is shown as a ``\\x1b``-style escape.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from rich.console import Console
from rich.text import Text

_UNPRINTABLE = frozenset({"Cc", "Cs"})   # control characters, lone surrogates
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides and isolates: they would reorder the rest of the printed line."""


def printable(text: str) -> str:
    """``text`` with control characters (but the line break), bidirectional overrides and lone
    surrogates written as escapes (``\\x1b``, ``\\u202e``, ``\\ud800``); everything else,
    markup-like brackets and any script included, unchanged."""
    if text.isprintable():
        return text
    return "".join(_escape(char) if _unprintable(char) else char for char in text)


def _unprintable(char: str) -> bool:
    if char == "\n":
        return False
    return char in _BIDI_CONTROLS or unicodedata.category(char) in _UNPRINTABLE


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class PlainConsole(Console):
    """A rich console that shows every string as plain text (see the module docstring)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(markup=False, emoji=False, highlight=False, **options)

    def render_str(self, text: str, **options: Any) -> Text:
        """Every ``str`` rich renders (printed, a table cell, a title) passes here."""
        options.update(markup=False, emoji=False, highlight=False)
        return super().render_str(printable(text), **options)


def labelled(label: str, style: str, text: str) -> Text:
    """A line such as ``error <text>``: the label styled, the user's ``text`` as it is."""
    return Text.assemble((label, style), " ", printable(text))
