"""The consoles print user text as text: no markup, no emoji codes, no terminal control."""

from __future__ import annotations

import io

from rich.table import Table

from stratsim.console import PlainConsole, labelled, printable

USER_TEXT = "[/x] [bold]b[/bold] :100: :smile: [link=http://x]l[/link] \\[ ]"


def rendered(*objects, width: int = 200) -> str:
    buffer = io.StringIO()
    console = PlainConsole(file=buffer, width=width)
    for item in objects:
        console.print(item, soft_wrap=True)
    return buffer.getvalue()


def test_strings_print_verbatim() -> None:
    assert rendered(USER_TEXT) == USER_TEXT + "\n"
    assert rendered("file.yaml:100:15: x") == "file.yaml:100:15: x\n"


def test_labelled_lines_style_only_the_label() -> None:
    line = labelled("error", "red", USER_TEXT)
    assert line.plain == f"error {USER_TEXT}"
    assert [(span.start, span.end) for span in line.spans] == [(0, len("error"))]


def test_table_cells_and_titles_print_verbatim() -> None:
    table = Table(title=USER_TEXT)
    table.add_column(USER_TEXT)
    table.add_row(USER_TEXT)
    assert rendered(table, width=400).count(USER_TEXT) == 3


def test_control_characters_are_shown_not_obeyed() -> None:
    assert printable("a\x1b[31mb\x07c\ud800\td\u202ee") == "a\\x1b[31mb\\x07c\\ud800\\x09d\\u202ee"
    assert printable("two\nlines, ünïcödé, 中文, 🙂, \u200d") == "two\nlines, ünïcödé, 中文, 🙂, \u200d"
    assert rendered("x\x1b[2Jy") == "x\\x1b[2Jy\n"
