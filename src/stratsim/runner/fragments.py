"""Writing a YAML fragment and the files beside it, all or nothing.

``stratsim forecast`` and ``stratsim staff`` write ``--out FILE.yaml`` holding exactly the
fragment a scenario takes (``{segments: [...]}`` or ``{rosters: {service: [...]}}``), and
their other outputs beside it as ``FILE.<suffix>`` (``FILE.png``, ``FILE.csv``,
``FILE.json``). Every file is first written under a hidden partial name in the same folder
and moved into place only when all are complete, the YAML last: a fragment on disk is always
a whole one. Existing files are refused unless ``force``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from stratsim.errors import OutputError

FRAGMENT_SUFFIXES = (".yaml", ".yml")


class SiblingFiles:
    """The fragment ``FILE.yaml`` and its siblings ``FILE.<suffix>``, staged then committed."""

    def __init__(self, out: Path, suffixes: Iterable[str], force: bool) -> None:
        if out.suffix.lower() not in FRAGMENT_SUFFIXES:
            raise OutputError(f"--out {out}: expected a file name ending in .yaml (the fragment; "
                              "the other outputs go beside it)")
        self.fragment = out
        self.stem = out.with_suffix("")
        self.suffixes = tuple(suffixes)
        self.staged: dict[Path, Path] = {}
        existing = [p for p in self.targets() if p.exists()]
        if existing and not force:
            names = ", ".join(str(p) for p in existing)
            raise OutputError(f"{names} already exist(s); use --force to replace")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(f"cannot create {out.parent}: {error.strerror or error}") from None

    def path(self, suffix: str) -> Path:
        """Where the sibling with this suffix (``.png``…) ends up."""
        return self.fragment if suffix == self.fragment.suffix else Path(f"{self.stem}{suffix}")

    def targets(self) -> list[Path]:
        return [self.fragment, *(self.path(s) for s in self.suffixes)]

    def stage(self, target: Path, write: Callable[[Path], None]) -> None:
        """Write ``target``'s content to its partial name with ``write(path)``."""
        partial = target.with_name(f".{target.name}.partial")
        try:
            write(partial)
        except OSError as error:
            raise OutputError(f"cannot write {target}: {error.strerror or error}") from None
        self.staged[target] = partial

    def stage_text(self, target: Path, text: str) -> None:
        self.stage(target, lambda p: p.write_text(text, encoding="utf-8"))

    def stage_json(self, target: Path, document: Any) -> None:
        self.stage_text(target, json.dumps(document, indent=2, ensure_ascii=False) + "\n")

    def commit(self) -> list[Path]:
        """Move every staged file into place, the fragment last; return the final paths."""
        order = sorted(self.staged, key=lambda target: target == self.fragment)
        try:
            for target in order:
                os.replace(self.staged[target], target)
        except OSError as error:
            self.abandon()
            raise OutputError(f"cannot write {target}: {error.strerror or error}") from None
        self.staged.clear()
        return order

    def abandon(self) -> None:
        """Delete whatever was staged."""
        for partial in self.staged.values():
            partial.unlink(missing_ok=True)
        self.staged.clear()


def fragment_yaml(document: dict[str, Any], comment: str) -> str:
    """YAML of a fragment: block mappings, number lists on one line, a ``#`` header comment."""
    body = yaml.safe_dump(document, sort_keys=False, default_flow_style=None, width=100,
                          allow_unicode=True)
    header = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return header + body
