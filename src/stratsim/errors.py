"""The project's own error types.

Every failure a user can cause (a bad scenario file, an output folder that would be
overwritten, a bad command-line value) is raised as a :class:`StratsimError`. The command
line turns these into one readable line per problem and exit status 2; anything else that
escapes is a bug in stratsim, never the user's fault.
"""

from __future__ import annotations

from dataclasses import dataclass


class StratsimError(Exception):
    """Base class of every error stratsim raises on purpose."""


@dataclass(frozen=True)
class Issue:
    """One located problem in a scenario file.

    ``path`` is the field path inside the document, such as ``services[0].staff``;
    ``line`` and ``column`` are 1-based and ``None`` when the value has no place in the file
    (a required field that is missing is located at its parent mapping).
    """

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class ScenarioError(StratsimError):
    """A scenario file (or a set of them) is not valid; holds every issue found in one pass."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


class OutputError(StratsimError):
    """The output folder cannot be used (it holds an earlier result, or is not writable)."""


class ResultsError(StratsimError):
    """A results folder cannot be reported on (it holds no stratsim result, or a damaged file)."""


class BackendError(StratsimError):
    """The chosen backend cannot run the work: its extra is not installed, its scheduler
    cannot be reached, or a worker died while running a task."""
