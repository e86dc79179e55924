"""Load a scenario file: YAML with located errors, ``extends``, validation, all issues at once.

:func:`load_scenario` either returns a valid :class:`~stratsim.scenario.models.Scenario` that
this release can simulate, or raises :class:`~stratsim.errors.ScenarioError` holding **every**
problem found (``docs/scenario-reference.md``): YAML syntax, duplicate keys, field errors,
cross-reference errors and features not supported yet, each with file, line, column, field path
and a message quoting the bad value. Reporting everything in one pass saves the planner an
edit-run-edit loop per mistake.  Field paths name list items by id
(``services[helpdesk].staff``), as :func:`~.paths.format_path` explains.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path as FsPath

from pydantic import ValidationError

from ..errors import Issue, ScenarioError
from .checks import check_scenario
from .extends import merge
from .messages import KEY_ERRORS, describe, yaml_path
from .models import Scenario
from .paths import Finding, format_path, show
from .support import unsupported_features
from .yamltree import LMap, LNode, LocatedData, LScalar, Location, flatten, parse_yaml

EXPECTED_TOP = (
    "expected a mapping of scenario fields (stratsim: 1, name, horizon, services, segments, ...)"
)


@dataclass(frozen=True)
class _Source:
    """A file being loaded: its display name, folder for relative ``extends``, and the chain
    of files that extended into it (to detect cycles)."""

    name: str
    folder: FsPath
    chain: tuple[tuple[str, str], ...]  # (resolved key, display name)


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load, merge (``extends``) and validate a scenario file.

    Raises :class:`~stratsim.errors.ScenarioError` with every issue found, each located.
    """
    display = os.fspath(path)
    text, issue = _read(FsPath(path), display, None)
    if issue is not None:
        raise ScenarioError([issue])
    key = _key(FsPath(path))
    return _finish(*_tree(text, _Source(display, FsPath(path).parent, ((key, display),))), display)


def load_scenario_text(text: str, filename: str = "<string>") -> Scenario:
    """Validate scenario YAML given as text.  ``filename`` names it in errors; a relative
    ``extends`` is resolved from its folder (from the working directory for ``<string>``)."""
    folder = FsPath.cwd() if filename.startswith("<") else FsPath(filename).parent
    key = filename if filename.startswith("<") else _key(FsPath(filename))
    return _finish(*_tree(text, _Source(filename, folder, ((key, filename),))), filename)


def _key(path: FsPath) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError, ValueError):
        return os.path.abspath(path)


def _read(path: FsPath, display: str, origin: Location | None) -> tuple[str, Issue | None]:
    """Read a file as UTF-8; an unreadable file becomes one issue (at ``origin`` if given)."""
    try:
        return path.read_text(encoding="utf-8"), None
    except FileNotFoundError:
        problem = "file not found"
    except IsADirectoryError:
        problem = "is a folder, not a file"
    except UnicodeDecodeError as exc:
        problem = f"not UTF-8 text ({exc.reason})"
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or exc})"
    except ValueError:   # a NUL character, which no file name can hold
        problem = "a file name cannot contain a NUL character (\\0)"
    if origin is None:
        return "", Issue(display, None, None, "", problem)
    message = f"cannot extend {show(display)}: {problem}"
    return "", Issue(origin.file, origin.line, origin.column, "extends", message)


def _tree(text: str, source: _Source) -> tuple[LNode | None, list[Issue]]:
    """Parse one file and, recursively, the files it extends; merge them."""
    tree, issues = parse_yaml(text, source.name)
    if tree is None:
        if not issues:
            issues.append(Issue(source.name, None, None, "", f"the file is empty: {EXPECTED_TOP}"))
        return None, issues
    if not isinstance(tree, LMap):
        kind = "a list" if not isinstance(tree, LScalar) else show(tree.value)
        mark = tree.mark
        issues.append(Issue(mark.file, mark.line, mark.column, "", f"{EXPECTED_TOP}, got {kind}"))
        return None, issues
    entries = dict(tree.entries)
    extends = entries.pop("extends", None)
    tree = LMap(entries, tree.mark)
    if extends is None:
        return tree, issues
    base, base_issues = _base(extends[1], source)
    issues.extend(base_issues)
    if not isinstance(base, LMap):
        return None, issues  # validating the variant alone would only add misleading noise
    return merge(base, tree), issues


def _base(value: LNode, source: _Source) -> tuple[LNode | None, list[Issue]]:
    """Load the base scenario named by an ``extends`` value."""
    mark = value.mark
    if not isinstance(value, LScalar) or not isinstance(value.value, str) or not value.value:
        got = show(value.value) if isinstance(value, LScalar) else "a mapping or list"
        message = f"expected the path of a base scenario file, got {got}"
        return None, [Issue(mark.file, mark.line, mark.column, "extends", message)]
    if "\0" in value.value:
        message = f"expected the path of a base scenario file, got {show(value.value)}: a " \
                  "file name cannot contain a NUL character (\\0)"  # fmt: skip
        return None, [Issue(mark.file, mark.line, mark.column, "extends", message)]
    path = source.folder / value.value
    display, key = os.path.normpath(path), _key(path)
    names = [name for _, name in source.chain]
    if key in (k for k, _ in source.chain):
        cycle = " → ".join([*names, display])
        message = f"extends cycle: {cycle}"
        return None, [Issue(mark.file, mark.line, mark.column, "extends", message)]
    text, issue = _read(path, display, mark)
    if issue is not None:
        return None, [issue]
    return _tree(text, _Source(display, path.parent, source.chain + ((key, display),)))


def _finish(tree: LNode | None, issues: list[Issue], filename: str) -> Scenario:
    """Validate the merged document; raise with every issue, or return the scenario."""
    if tree is None:
        raise ScenarioError(_ordered(issues, filename))
    located = flatten(tree)
    scenario: Scenario | None = None
    checked = False
    try:
        scenario = Scenario.model_validate(located.data)
    except ValidationError as exc:
        checked = _field_issues(exc, located, filename, issues)
    if scenario is None and not checked:
        issues.extend(_located(f, located, filename) for f in check_scenario(located.data))
    features = unsupported_features(scenario if scenario is not None else located.data)
    invalid = {issue.path for issue in issues}  # a bad value is reported once, as invalid
    for feature in features:
        issue = _located(feature, located, filename)
        if issue.path not in invalid:
            issues.append(issue)
    if issues:
        raise ScenarioError(_ordered(issues, filename))
    assert scenario is not None
    return scenario


def _field_issues(
    exc: ValidationError, located: LocatedData, filename: str, issues: list[Issue]
) -> bool:
    """Append an issue per pydantic error; return whether the whole-scenario checks ran."""
    checked = False
    for error in exc.errors(include_url=False):
        if error["type"] == "scenario_checks":
            checked = True
            findings = (error.get("ctx") or {}).get("findings", [])
            issues.extend(_located(Finding(*f), located, filename) for f in findings)
            continue
        path, about_key = yaml_path(tuple(error["loc"]), located.data)
        message = describe(error, path, located.data, Scenario)
        where = located.locate(path, prefer_key=about_key or error["type"] in KEY_ERRORS)
        issues.append(_issue(where, filename, format_path(path, located.data), message))
    return checked


def _located(finding: Finding, located: LocatedData, filename: str) -> Issue:
    where = located.locate(finding.path, prefer_key=True)
    return _issue(where, filename, format_path(finding.path, located.data), finding.message)


def _issue(where: Location | None, filename: str, path: str, message: str) -> Issue:
    if where is None:
        return Issue(filename, None, None, path, message)
    return Issue(where.file, where.line, where.column, path, message)


def _ordered(issues: list[Issue], filename: str) -> list[Issue]:
    """Unique issues, the loaded file first, then by line and column (unlocated first)."""
    unique = list(dict.fromkeys(issues))
    return sorted(
        unique,
        key=lambda i: (i.file != filename, i.file, i.line or 0, i.column or 0),
    )
