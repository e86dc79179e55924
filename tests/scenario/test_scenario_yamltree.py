"""YAML reading: syntax errors in plain words, keys that are not names, nesting limits."""

from __future__ import annotations

import pytest
from scenario_testkit import issues_of, position

from stratsim.scenario.yamltree import MAX_DEPTH, parse_yaml

SYNTAX = {
    # name: (text, where the fix is (needle, occurrence), words of the plain hint, parser's words)
    "tab": ("a: 1\n\tb: 2\n", ("\tb", 1), "a tab character: YAML indents with spaces only",
            "found character '\\t'"),
    "missing colon": ("a: 1\nb 2\nc: 3\n", ("b 2", 1), "add the missing colon",
                      "could not find expected ':'"),
    "list item without dash": ("a:\n  - 1\n  2\n", ("2\n", 1), "or the '- '",
                               "could not find expected ':'"),
    "indentation": ("a:\n  b: 1\n c: 2\n", ("c: 2", 1), "indent it exactly like the other keys",
                    "expected <block end>"),
    "list under a mapping": ("a:\n  b: 1\n  - 2\n", ("- 2", 1), "indent the list under the key",
                             "expected <block end>, but found '-'"),
    "colon in a value": ("a: b: c\n", (": c", 1), "put a value that contains ': ' in quotes",
                         "mapping values are not allowed here"),
    "unclosed quote": ('a: "abc\nb: 2\n', ('"abc', 1), "a quote opened here is never closed",
                       "found unexpected end of stream"),
    "unclosed bracket": ("a: [1, 2\nb: 3\n", ("[", 1), "the list in brackets [ ] opened here is not closed",
                         "expected ',' or ']'"),
    "unclosed inner bracket": ("a: {b: [1, 2}\n", ("[", 1), "the list in brackets [ ] opened here",
                               "expected ',' or ']'"),
    "unclosed brace": ("a: {x: 1\nb: 3\n", ("{", 1), "the mapping in braces { } opened here is not closed",
                       "expected ',' or '}'"),
    "undefined alias": ("a: *x\n", ("*x", 1), "needs an anchor (&name)", "found undefined alias"),
    "value starting with @": ("a: @x\n", ("@x", 1), "put the value in quotes", "cannot start any token"),
    "bad escape": ('a: "c:\\new\\q"\n', ('q"', 1), "write \\\\ for a backslash", "unknown escape"),
    "two documents": ("a: 1\n---\nb: 2\n", ("---", 1), "holds one YAML document", "another document"),
    "control character": ("a: \x01\n", ("\x01", 1), "control character 0x01", "special characters"),
}


@pytest.mark.parametrize("case", SYNTAX, ids=list(SYNTAX))
def test_a_syntax_error_says_what_to_fix_in_plain_words(case: str) -> None:
    text, (needle, occurrence), hint, parser = SYNTAX[case]
    (issue,) = issues_of(text, "s.yaml")
    assert issue.message.startswith("invalid YAML: ")
    assert hint in issue.message and parser in issue.message, issue.message
    assert (issue.line, issue.column) == position(text, needle, occurrence)


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("mix: {a: 1, ~: 0}\n", "~", "cannot be null"),
        ("null: x\n", "null", "cannot be null"),
        ("on: 1\n", "on", 'YAML reads on as true; put it in quotes'),
        ("3: x\n", "3", 'put it in quotes ("3")'),
        ("2024-01-01: x\n", "2024", 'put it in quotes ("2024-01-01")'),
        ("? [a]\n: 1\n", "[a]", "not a list or mapping"),
    ],
)
def test_a_key_that_is_not_a_name_is_an_error_at_the_key(text: str, key: str, words: str) -> None:
    tree, issues = parse_yaml(text, "k.yaml")
    (issue,) = issues
    assert words in issue.message
    assert (issue.line, issue.column) == position(text, key)
    assert tree is not None and all(isinstance(k, str) for k in tree.entries)


def test_null_keys_fail_validation_with_their_place(valid_text: str) -> None:
    text = valid_text.replace("mix: {helpdesk: 1}", "mix: {helpdesk: 1, ~: 0}") + "null: x\n"
    issues = [i for i in issues_of(text) if "cannot be null" in i.message]
    assert [(i.path, i.line) for i in issues] == [
        ("segments[retail].mix", position(text, "~")[0]), ("", position(text, "null: x")[0])]


def test_nesting_too_deep_names_the_line_where_it_passes_the_limit() -> None:
    text = "name: x\nservices:\n  - id: a\n    tiers: " + "[" * 150 + "]" * 150 + "\n"
    (issue,) = issues_of(text, "deep.yaml")
    assert issue.message.startswith("the YAML is nested too deeply: more than 100 levels")
    # the top mapping, the services list and its item are 3 levels: bracket 98 passes the limit
    assert (issue.line, issue.column) == (4, len("    tiers: ") + MAX_DEPTH - 3 + 1)


def test_nesting_deep_on_many_lines_points_at_the_line() -> None:
    text = "a:\n" + "".join("  " * depth + "- \n" for depth in range(1, 120))
    (issue,) = issues_of(text)
    assert "nested too deeply" in issue.message and issue.line == 2 + MAX_DEPTH - 1


def test_nesting_through_aliases_is_an_issue_not_a_crash() -> None:
    deep = "[" * 60 + "1" + "]" * 60
    text = f"a: &a {deep}\nb: &b {deep.replace('1', '*a')}\nc: {deep.replace('1', '*b')}\n"
    issues = [i for i in issues_of(text) if "nested too deeply" in i.message]
    assert issues and all("through aliases" in i.message for i in issues)
    assert issues[0].line == 1   # inside a, which b and c nest into each other


def test_a_hundred_levels_are_fine() -> None:
    tree, issues = parse_yaml("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n", "f")
    assert tree is not None and issues == []
