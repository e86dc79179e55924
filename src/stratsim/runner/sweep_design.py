"""The design of a sweep: which parameters, which values, which points (grid or Latin hypercube).

Parsing ``--param PATH=VALUES`` and a file's ``sweep:`` block, making the points, and checking
every point's scenario before anything runs. Running the points and their files are in
:mod:`stratsim.runner.sweep`, whose docstring gives the decisions.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from stratsim.errors import Issue, ScenarioError
from stratsim.runner.directions import BETTER
from stratsim.scenario import Scenario
from stratsim.scenario.overrides import PathError, base_data, resolve_path, revalidate, with_values
from stratsim.scenario.paths import Path as DocPath

#: The sampler's stream: ``SeedSequence(seed, spawn_key=(SAMPLING_KEY,))``. Replication
#: streams have three-part keys, so this one can never coincide with any of them.
SAMPLING_KEY = 0x53574550   # "SWEP"


@dataclass(frozen=True)
class Origin:
    """Where a parameter was given: a ``--param`` option, or an entry of a file's ``sweep:`` block."""

    file: str
    line: int | None = None
    column: int | None = None
    field: str = ""

    def issue(self, message: str) -> Issue:
        return Issue(self.file, self.line, self.column, self.field, message)


@dataclass(frozen=True)
class SweepParam:
    """One swept parameter: discrete ``values``, or a continuous range ``low .. high``."""

    path: str
    spec: str
    values: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    origin: Origin = field(default_factory=lambda: Origin("--param"))

    @property
    def continuous(self) -> bool:
        return self.low is not None

    def value_at(self, u: float) -> Any:
        """The value at ``u`` in [0, 1): linear on a range, equal shares over values."""
        if self.continuous:
            assert self.low is not None and self.high is not None
            return self.low + u * (self.high - self.low)
        return self.values[min(int(u * len(self.values)), len(self.values) - 1)]


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _scalar(text: str) -> Any:
    try:
        return yaml.safe_load(text) if text.strip() else text
    except yaml.YAMLError:
        return text


def spec_text(values: Any) -> str:
    """A file's values (a list, a number, a text) as the command line would write them."""
    if isinstance(values, list):
        return ",".join(json.dumps(v) if isinstance(v, str) and "," in v else plain(v) for v in values)
    return plain(values)


def plain(value: Any) -> str:
    """A value as the command line writes it (``true``, ``4``, ``20min``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_param(path: str, spec: str | Any, origin: Origin) -> SweepParam:
    """A parameter from its path and values; a malformed value is a :class:`ScenarioError`."""
    if isinstance(spec, list):
        if not spec:
            raise ScenarioError([origin.issue("expected at least one value, got an empty list")])
        return SweepParam(path, spec_text(spec), tuple(spec), origin=origin)
    if not isinstance(spec, str):
        return SweepParam(path, plain(spec), (spec,), origin=origin)
    text = spec.strip()
    if ".." in text:
        low_text, _, high_text = text.partition("..")
        low, high = _number(low_text.strip()), _number(high_text.strip())
        if low is None or high is None:
            raise ScenarioError([origin.issue(
                f"a range lo..hi needs two numbers, got {text!r}; list other values: a,b,c")])
        if isinstance(low, int) and isinstance(high, int):
            if high < low:
                raise ScenarioError([origin.issue(f"range {text}: {high} is below {low}")])
            return SweepParam(path, text, tuple(range(low, high + 1)), origin=origin)
        if not high > low:
            raise ScenarioError([origin.issue(f"range {text}: expected lo < hi")])
        return SweepParam(path, text, (), float(low), float(high), origin)
    items = [item.strip() for item in text.split(",")]
    if any(item == "" for item in items):
        raise ScenarioError([origin.issue(f"expected values separated by commas, got {text!r}")])
    return SweepParam(path, text, tuple(_scalar(item) for item in items), origin=origin)


def parse_option(option: str) -> SweepParam:
    """``PATH=VALUES`` from the command line."""
    origin = Origin(f"--param {option}")
    path, sep, spec = option.partition("=")
    if not sep or not path.strip() or not spec.strip():
        raise ScenarioError([origin.issue("expected PATH=VALUES, such as services.helpdesk.staff=4..8")])
    return parse_param(path.strip(), spec, origin)


@dataclass(frozen=True)
class SweepDesign:
    """The parameters (in order), the Latin hypercube size (``None``: full grid), the Pareto KPIs."""

    params: tuple[SweepParam, ...]
    samples: int | None = None
    pareto: tuple[str, ...] | None = None

    def check(self) -> None:
        problems = []
        if not self.params:
            problems.append(Issue("--param", None, None, "",
                                  "nothing to sweep: give --param PATH=VALUES or a sweep: block in the file"))
        seen: set[str] = set()
        for param in self.params:
            if param.path in seen:
                problems.append(param.origin.issue(f"{param.path} is swept twice"))
            seen.add(param.path)
            if param.continuous and self.samples is None:
                problems.append(param.origin.issue(
                    f"the continuous range {param.spec} needs --samples N (a Latin hypercube), "
                    "or list the values to run: a,b,c"))
        if self.pareto is not None:
            if len(self.pareto) < 2:
                problems.append(Issue("--pareto", None, None, "", "expected two KPIs, such as profit,sla_attainment"))
            for kpi in self.pareto:
                if kpi not in BETTER:
                    problems.append(Issue("--pareto", None, None, "",
                                          f"no better direction is defined for {kpi!r}; use one of "
                                          f"{', '.join(sorted(BETTER))}"))
        if problems:
            raise ScenarioError(problems)

    def points(self, seed: int) -> list[dict[str, Any]]:
        """Every point: ``{path: value}``, the grid in row-major order or the hypercube's sample."""
        if self.samples is None:
            combos = itertools.product(*(p.values for p in self.params))
            return [{p.path: v for p, v in zip(self.params, combo)} for combo in combos]
        unit = latin_hypercube(len(self.params), self.samples, seed)
        return [{p.path: _plain_number(p.value_at(float(u))) for p, u in zip(self.params, row)} for row in unit]


def _plain_number(value: Any) -> Any:
    return float(value) if isinstance(value, np.floating) else value


def latin_hypercube(dimensions: int, samples: int, seed: int) -> np.ndarray:
    """``samples × dimensions`` points in [0, 1), one per stratum of every dimension."""
    from scipy.stats import qmc

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SAMPLING_KEY,)))
    try:
        sampler = qmc.LatinHypercube(d=dimensions, rng=rng)
    except TypeError:   # scipy < 1.15 names it seed
        sampler = qmc.LatinHypercube(d=dimensions, seed=rng)
    return sampler.random(samples)


def file_origins(scenario_file: Path) -> Callable[[str], Origin]:
    """Where each entry of the file's ``sweep.params`` is (line, column), for error messages.

    An entry the file does not hold itself (inherited through ``extends``) is named by field only.
    """
    from stratsim.scenario.yamltree import flatten, parse_yaml

    located = None
    try:
        tree, _ = parse_yaml(scenario_file.read_text(encoding="utf-8"), str(scenario_file))
        located = flatten(tree) if tree is not None else None
    except (OSError, ValueError):
        pass

    def origin(path: str) -> Origin:
        where = located.keys.get(("sweep", "params", path)) if located is not None else None
        if where is None or where.line is None:
            return Origin(str(scenario_file), field=f"sweep.params.{path}")
        return Origin(where.file, where.line, where.column, f"sweep.params.{path}")

    return origin


def merge_design(file_block: Any, options: Sequence[str], samples: int | None, pareto: str | None,
                 file_origin: Callable[[str], Origin]) -> SweepDesign:
    """The file's ``sweep:`` block with the command line's parameters added (same path: the
    command line wins), and its ``--samples``/``--pareto`` if given."""
    params: dict[str, SweepParam] = {}
    if file_block is not None:
        for path, spec in file_block.params.items():
            params[path] = parse_param(path, spec, file_origin(path))
    for option in options:
        param = parse_option(option)
        params.pop(param.path, None)
        params[param.path] = param
    if samples is None and file_block is not None:
        samples = file_block.samples
    kpis: tuple[str, ...] | None = None
    if pareto is not None:
        kpis = tuple(k.strip() for k in pareto.split(",") if k.strip())
    elif file_block is not None and file_block.pareto is not None:
        kpis = tuple(file_block.pareto)
    design = SweepDesign(tuple(params.values()), samples, kpis)
    design.check()
    return design


def point_scenarios(base: Scenario, design: SweepDesign, points: Sequence[dict[str, Any]]) -> list[Scenario]:
    """The scenario of every point, validated; every problem at once as a :class:`ScenarioError`.

    Each parameter's own values are checked first (on the base scenario), so an error names
    the parameter that caused it; a point is checked as a whole only when its values passed.
    """
    data = base_data(base)
    problems: list[Issue] = []
    paths: dict[str, DocPath] = {}
    for param in design.params:
        try:
            paths[param.path] = resolve_path(data, param.path)
        except PathError as error:
            problems.append(param.origin.issue(str(error)))
            continue
        candidates = (param.low, param.high) if param.continuous else param.values
        for value in dict.fromkeys(candidates):
            _, findings = revalidate(with_values(data, {paths[param.path]: value}))
            problems.extend(param.origin.issue(f"value {plain(value)}: {finding}") for finding in findings)
    if problems:
        raise ScenarioError(problems)
    scenarios = []
    for index, point in enumerate(points):
        scenario, findings = revalidate(with_values(data, {paths[p]: v for p, v in point.items()}))
        label = ", ".join(f"{p}={plain(v)}" for p, v in point.items())
        problems.extend(Issue(f"sweep point {index}", None, None, "", f"({label}): {finding}") for finding in findings)
        if scenario is not None:
            scenarios.append(scenario)
    if problems:
        raise ScenarioError(problems)
    return scenarios
