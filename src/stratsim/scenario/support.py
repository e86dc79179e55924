"""What the models accept but this release cannot simulate yet, as one table.

The scenario language (``docs/scenario-reference.md``) is larger than the engine of this
release, which simulates services, segments (rate, mix, profiles, growth, tiers, price
elasticity with market prices, flexibility, patience, balking, customer bases with complaints
and churn), costs (launch costs included), SLAs, tiers, rosters, dependencies between services,
the service lifecycle (status, launch, retire, fallback), the plan's dated actions, pricing
rules and promotions, the pattern's rules and reviews, and the perspective's objectives and
constraints with the plan's budget (judged on the results, see
:mod:`stratsim.strategy.perspective`).  A scenario using anything else must fail loudly with a
located error rather than run as if that part were absent: a promotion silently ignored is a
wrong answer presented as a right one.  Each later release deletes lines from
:data:`UNSUPPORTED` as it implements them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from .paths import Finding, Path


def _non_empty(value: Any) -> bool:
    return isinstance(value, (list, dict)) and len(value) > 0


UNSUPPORTED: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
    ("strategy.position.target_segments", _non_empty, "target segments are planned"),
)
"""``(field pattern, "is it used?" test, reason)``; ``[*]`` stands for every list item."""


def unsupported_features(scenario: BaseModel | Mapping[str, Any]) -> list[Finding]:
    """Every use of a feature this release cannot simulate, as ``(path, message)`` findings.

    Accepts a validated :class:`~stratsim.scenario.models.Scenario` or the plain mapping of a
    scenario file (so the loader can report these next to field errors on an invalid file).
    A message reads ``not supported yet (dependencies between services are planned); remove it
    to run this scenario``.
    """
    data = scenario.model_dump(by_alias=True) if isinstance(scenario, BaseModel) else scenario
    findings = []
    for pattern, used, reason in UNSUPPORTED:
        for path, value in _values_at(data, _parse_pattern(pattern), ()):
            if used(value):
                message = f"not supported yet ({reason}); remove it to run this scenario"
                findings.append(Finding(path, message))
    return findings


def _parse_pattern(pattern: str) -> list[str]:
    """``"services[*].costs.launch"`` → ``["services", "*", "costs", "launch"]``."""
    return pattern.replace("[*]", ".*").split(".")


def _values_at(node: Any, parts: list[str], path: Path) -> Iterator[tuple[Path, Any]]:
    """The values present at a field pattern; absent keys (defaults) yield nothing."""
    if not parts:
        yield path, node
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _values_at(item, rest, path + (index,))
    elif isinstance(node, Mapping) and head in node:
        yield from _values_at(node[head], rest, path + (head,))
