"""Results folders as the report reads them: a run, a comparison or a sweep, from files alone.

The report never calls the engine: everything it shows comes from the files a command wrote,
so ``stratsim report DIR`` can redraw any results folder. What a folder holds is told by its
files: ``comparison.json`` (a comparison), ``sweep.csv`` (a sweep), ``summary.json`` (a run).
A file a chart needs but the folder lacks (an older result, a run without a time series)
leaves that chart out; it is never drawn empty.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from stratsim.errors import ResultsError
from stratsim.report.profiles import WeekProfile, read_week_csv, read_week_profile
from stratsim.runner.output import (
    COMPARISON_FILE,
    MANIFEST_FILE,
    MODEL_FILE,
    SCENARIO_COPY_FILE,
    SCENARIOS_FOLDER,
    SUMMARY_FILE,
    SWEEP_FILE,
    SWEEP_PLAN_FILE,
    TIMESERIES_FILE,
    WAITS_FILE,
    WEEK_FILE,
)

RUN, COMPARE, SWEEP = "run", "compare", "sweep"


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ResultsError(f"{path}: cannot read: {error.strerror or error}") from None
    except ValueError as error:
        raise ResultsError(f"{path}: not valid JSON ({error})") from None


def _optional_json(path: Path) -> Any:
    return read_json(path) if path.is_file() else None


def _optional_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else None
    except OSError as error:
        raise ResultsError(f"{path}: cannot read: {error.strerror or error}") from None


@dataclass(frozen=True)
class WaitDistribution:
    """Waits before service of one group of customers: histogram bins (minutes) and the
    customers who started service in each, plus those admitted who gave up waiting.

    Shares are of the *admitted* customers (started service, or reneged), the population of
    ``sla_attainment``: the curve levels off below 100 % by the share who gave up.
    """

    wait_from_min: np.ndarray
    wait_to_min: np.ndarray
    customers: np.ndarray
    gave_up: float = 0.0

    @property
    def served(self) -> int:
        return int(self.customers.sum())

    @property
    def admitted(self) -> float:
        return self.served + self.gave_up

    def with_gave_up(self, gave_up: float) -> "WaitDistribution":
        return WaitDistribution(self.wait_from_min, self.wait_to_min, self.customers, gave_up)

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """Points of the cumulative distribution: waits (minutes) and the share of the admitted
        customers who started service within that wait (linear inside a bin)."""
        upper = np.where(np.isnan(self.wait_to_min), self.wait_from_min, self.wait_to_min)
        cumulative = np.cumsum(self.customers) / max(self.admitted, 1.0)
        before = np.concatenate(([0.0], cumulative[:-1]))
        x = np.concatenate(([0.0], np.column_stack((self.wait_from_min, upper)).ravel()))
        y = np.concatenate(([0.0], np.column_stack((before, cumulative)).ravel()))
        return x, y

    def share_within(self, minutes: float) -> float:
        """Share of the admitted customers who started service within ``minutes``."""
        x, y = self.curve()
        return float(np.interp(minutes, x, y))

    def served_quantile(self, share: float) -> float:
        """The wait (minutes) that ``share`` of the customers who started service did not exceed."""
        x, y = self.curve()
        return float(np.interp(share * self.served / max(self.admitted, 1.0), y, x))


def read_waits(path: Path) -> dict[tuple[str, str], WaitDistribution]:
    """``waits.csv``: ``(service, tier)`` → distribution (tier ``""`` for a service without tiers)."""
    rows: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                high = float(row["wait_to_min"]) if row["wait_to_min"] else float("nan")
                rows.setdefault((row["service"], row["tier"]), []).append(
                    (float(row["wait_from_min"]), high, float(row["customers"])))
    except OSError as error:
        raise ResultsError(f"{path}: cannot read: {error.strerror or error}") from None
    except (KeyError, ValueError, TypeError) as error:
        raise ResultsError(f"{path}: not a stratsim wait table ({error})") from None
    return {key: WaitDistribution(*(np.array(column) for column in zip(*sorted(values))))
            for key, values in rows.items()}


@dataclass
class RunResults:
    """One run's folder: ``summary.json`` and whatever else it holds."""

    folder: Path
    summary: dict[str, Any]
    manifest: dict[str, Any] | None
    model: dict[str, Any] | None
    scenario_text: str | None
    kind: str = field(default=RUN, init=False)

    @classmethod
    def load(cls, folder: Path) -> "RunResults":
        summary = read_json(folder / SUMMARY_FILE)
        if not isinstance(summary, dict) or "kpis" not in summary or "services" not in summary:
            raise ResultsError(f"{folder / SUMMARY_FILE}: not a stratsim summary (no kpis or services)")
        return cls(folder, summary, _optional_json(folder / MANIFEST_FILE),
                   _optional_json(folder / MODEL_FILE), _optional_text(folder / SCENARIO_COPY_FILE))

    @property
    def name(self) -> str:
        return str(self.summary.get("scenario", self.folder.name))

    @property
    def services(self) -> list[str]:
        return list(self.summary["services"])

    @property
    def window_h(self) -> float:
        return float(self.summary["horizon_hours"]) - float(self.summary["warmup_hours"])

    @cached_property
    def profile(self) -> WeekProfile | None:
        """The week per service from ``week.csv``, else folded from ``timeseries.csv`` (a
        folder written before ``week.csv`` existed); ``None`` without either."""
        replications = int(self.summary["replications"])
        horizon_h = float(self.summary["horizon_hours"])
        week = self.folder / WEEK_FILE
        if week.is_file():
            bin_h = min(float((self.model or {}).get("time_bin_hours", 1.0)), horizon_h)
            return read_week_csv(week, self.services, replications, bin_h)
        path = self.folder / TIMESERIES_FILE
        if not path.is_file():
            return None
        return read_week_profile(path, self.services, replications, float(self.summary["warmup_hours"]), horizon_h)

    def read_shared(self) -> None:
        """Read what several charts use (the week profile) now, so that charts drawn in
        separate processes do not each read it again."""
        _ = self.profile

    @cached_property
    def waits(self) -> dict[tuple[str, str], WaitDistribution] | None:
        path = self.folder / WAITS_FILE
        return read_waits(path) if path.is_file() else None

    def service_model(self, service: str) -> dict[str, Any]:
        """The service's entry of ``model.json`` (empty without one)."""
        return ((self.model or {}).get("services") or {}).get(service) or {}


def _scenario_folders(folder: Path) -> dict[str, Path]:
    """Subfolders holding one scenario's run files, by the scenario name in their summary:
    ``compare`` writes them under ``scenarios/``; any direct subfolder is looked at too."""
    found: dict[str, Path] = {}
    nested = folder / SCENARIOS_FOLDER
    candidates = [*(nested.iterdir() if nested.is_dir() else ()), *folder.iterdir()]
    for sub in sorted(p for p in candidates if p.is_dir()):
        summary = sub / SUMMARY_FILE
        if summary.is_file():
            try:
                name = json.loads(summary.read_text(encoding="utf-8")).get("scenario")
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(name, str):
                found.setdefault(name, sub)
    return found


@dataclass
class CompareResults:
    """A comparison's folder: ``comparison.json`` and, where found, each scenario's run files."""

    folder: Path
    comparison: dict[str, Any]
    manifest: dict[str, Any] | None
    runs: dict[str, RunResults]
    kind: str = field(default=COMPARE, init=False)

    @classmethod
    def load(cls, folder: Path) -> "CompareResults":
        comparison = read_json(folder / COMPARISON_FILE)
        if (not isinstance(comparison, dict) or not isinstance(comparison.get("scenarios"), dict)
                or comparison.get("baseline") not in comparison["scenarios"]):
            raise ResultsError(f"{folder / COMPARISON_FILE}: not a stratsim comparison "
                               "(no scenarios, or the baseline is not one of them)")
        runs = {name: RunResults.load(path) for name, path in _scenario_folders(folder).items()
                if name in comparison["scenarios"]}
        return cls(folder, comparison, _optional_json(folder / MANIFEST_FILE), runs)

    @property
    def baseline(self) -> str:
        return str(self.comparison["baseline"])

    @property
    def names(self) -> list[str]:
        """Scenario names, the baseline first, then in the comparison's order."""
        return [self.baseline, *(n for n in self.comparison["scenarios"] if n != self.baseline)]

    @property
    def name(self) -> str:
        return " vs ".join(self.names)

    def scenario(self, name: str) -> dict[str, Any]:
        return self.comparison["scenarios"][name]

    def difference(self, name: str) -> dict[str, Any]:
        return (self.comparison.get("differences") or {}).get(name) or {}


def _number(text: str) -> float | None:
    try:
        return float(text) if text != "" else None
    except ValueError:
        return None


@dataclass
class SweepResults:
    """A sweep's folder: ``sweep.csv`` (one row per point) and its plan, if kept."""

    folder: Path
    columns: list[str]
    rows: list[dict[str, str]]
    plan: dict[str, Any] | None
    manifest: dict[str, Any] | None
    scenario_text: str | None
    kind: str = field(default=SWEEP, init=False)
    #: The KPIs whose response to the parameters is charted (``None``: the default choice).
    chosen_kpis: list[str] | None = field(default=None, init=False)

    @classmethod
    def load(cls, folder: Path) -> "SweepResults":
        path = folder / SWEEP_FILE
        try:
            with open(path, newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                rows = list(reader)
                columns = list(reader.fieldnames or [])
        except OSError as error:
            raise ResultsError(f"{path}: cannot read: {error.strerror or error}") from None
        if "point" not in columns or not any(c.endswith("_mean") for c in columns):
            raise ResultsError(f"{path}: not a stratsim sweep table (no point or KPI columns)")
        return cls(folder, columns, rows, _optional_json(folder / SWEEP_PLAN_FILE),
                   _optional_json(folder / MANIFEST_FILE), _optional_text(folder / SCENARIO_COPY_FILE))

    @property
    def name(self) -> str:
        for document in (self.manifest, self.plan):
            if document and isinstance(document.get("scenario"), str):
                return document["scenario"]
        return self.folder.name

    @property
    def params(self) -> list[str]:
        """Parameter columns: between ``point`` and the first KPI column."""
        first_kpi = next(i for i, c in enumerate(self.columns) if c.endswith("_mean"))
        return [c for c in self.columns[:first_kpi] if c != "point"]

    @property
    def kpis(self) -> list[str]:
        return [c[: -len("_mean")] for c in self.columns if c.endswith("_mean")
                and f"{c[: -len('_mean')]}_ci95_low" in self.columns]

    @property
    def pareto_kpis(self) -> list[str] | None:
        kpis = (self.plan or {}).get("pareto")
        return list(kpis) if kpis and "pareto" in self.columns else None

    def values(self, column: str) -> list[float | None]:
        return [_number(row.get(column, "")) for row in self.rows]

    def on_front(self) -> list[bool]:
        return [row.get("pareto", "").strip().lower() == "true" for row in self.rows]


Results = RunResults | CompareResults | SweepResults


def load_results(folder: Path) -> Results:
    """Read a results folder; :class:`ResultsError` when it holds no stratsim result."""
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such folder")
    if (folder / COMPARISON_FILE).is_file():
        return CompareResults.load(folder)
    if (folder / SWEEP_FILE).is_file():
        return SweepResults.load(folder)
    if (folder / SUMMARY_FILE).is_file():
        return RunResults.load(folder)
    raise ResultsError(f"{folder}: holds no stratsim result (no {SUMMARY_FILE}, {COMPARISON_FILE} "
                       f"or {SWEEP_FILE}); give the folder a run, compare or sweep wrote")
