"""``--warmup auto``: a pilot run, MSER-5 on its time series, the warm-up it implies.

Decisions, and why:

* **Series**: for every service, the per-bin mean number in system (``queue_mean +
  busy_mean`` of ``timeseries.csv``: customers waiting plus customers in service), averaged
  over the pilot's replications bin by bin. The number in system is the classic warm-up
  series: it shows a start-up queue and servers filling up alike, a loss system (no queue)
  included. (Taking the queue and the busy servers as two series and the larger truncation
  was tried: the busy-server series alone often truncates late on noise in short runs.)
  Averaging replications before MSER-5 removes noise, not bias, which is what MSER needs.
* **Warm-up = the largest truncation over all services**, in whole batches of 5 time bins:
  every service must be past its transient before anything is measured. A series that never
  varies truncates nothing.
* **The pilot** runs the same replications (numbers and seeds) as the run, with the file's
  horizon, warm-up 0 and everything observed. A replication's path does not depend on the
  warm-up (it only says what is counted), so the pilot sees exactly the starts the final run
  will discard.
* **The measured window keeps its length**: the final run has warm-up ``d`` and horizon
  ``d + (horizon − warmup)`` of the file — the horizon includes the warm-up, as always, and
  is extended so that a window of whole weeks stays whole weeks and KPIs stay comparable
  with a run of the file as written. The summary's ``horizon_hours`` and ``warmup_hours``
  are the values used.
* **Several scenarios (compare) share one warm-up**, the largest over all of them, so their
  measured windows are identical and paired differences compare like with like.
* Cyclic demand (a daily profile) makes the series periodic rather than stationary; MSER-5
  then still removes an initial transient but may also cut part of a first peak. A minimum at
  the end of the searched half (``at_boundary``) is reported as a warning: the transient may
  be longer than half the horizon, so the horizon is too short to tell.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from stratsim.analysis.warmup import BATCH_SIZE, MIN_BATCHES, MserResult, mser5
from stratsim.engine.model import Model
from stratsim.engine.recording import BinRow
from stratsim.engine.replication import run_replication
from stratsim.errors import StratsimError
from stratsim.runner.evaluators import Evaluator, SerialEvaluator
from stratsim.scenario import Scenario

SERIES = ("in_system_mean",)
Series = dict[str, dict[str, list[float]]]   # service → series name → value per full bin


@dataclass(frozen=True)
class PilotTask:
    """Replication ``replication`` of ``model`` (warm-up 0), recording its time series."""

    model: Model
    seed: int
    replication: int


def run_pilot_task(task: PilotTask) -> Series:
    """The per-bin series of one pilot replication; a shorter last bin is left out."""
    series: Series = {s.id: {name: [] for name in SERIES} for s in task.model.stations}
    full_bin = task.model.time_bin_h

    def sink(row: BinRow) -> None:
        if row.bin_h >= full_bin * (1 - 1e-9):
            series[row.service]["in_system_mean"].append(row.queue_mean + row.busy_mean)

    run_replication(task.model, task.seed, task.replication, sink)
    return series


def average_series(replications: Sequence[Series]) -> Series:
    """Bin-by-bin means over replications (added in replication order)."""
    first = replications[0]
    return {
        service: {name: (np.sum([rep[service][name] for rep in replications], axis=0)
                         / len(replications)).tolist()
                  for name in names}
        for service, names in first.items()
    }


@dataclass(frozen=True)
class SeriesTruncation:
    """MSER-5's answer for one series of one scenario's service."""

    scenario: str
    service: str
    series: str
    truncation_h: float
    result: MserResult

    def as_dict(self) -> dict[str, Any]:
        r = self.result
        return {"scenario": self.scenario, "service": self.service, "series": self.series,
                "truncation_h": self.truncation_h, "truncation_batches": r.truncation_batches,
                "batches": r.batches, "mser_min": r.minimum, "mser_at_0": r.statistic[0],
                "at_boundary": r.at_boundary}


@dataclass(frozen=True)
class WarmupChoice:
    """The warm-up chosen, how the final run is set, and the evidence."""

    warmup_h: float
    window_h: float
    pilot_replications: int
    pilot_horizon_h: float
    bin_h: float
    series: tuple[SeriesTruncation, ...]

    @property
    def horizon_h(self) -> float:
        return self.warmup_h + self.window_h

    @property
    def deciding(self) -> list[SeriesTruncation]:
        """The series whose truncation set the warm-up (none when it is 0)."""
        if self.warmup_h == 0:
            return []
        return [s for s in self.series if s.truncation_h == self.warmup_h]

    @property
    def warnings(self) -> list[str]:
        return [
            f"--warmup auto: the {s.series} of {s.scenario}/{s.service} is still settling at half "
            f"the horizon ({s.truncation_h:g}h); the transient may be longer: lengthen the horizon"
            for s in self.series if s.result.at_boundary
        ]

    def as_dict(self) -> dict[str, Any]:
        """The report kept in ``manifest.json`` (``warmup_auto``)."""
        return {
            "method": f"MSER-{BATCH_SIZE} on the per-bin mean number in system (queue_mean + busy_mean) "
                      "of every service, averaged over the pilot's replications; the largest truncation",
            "warmup_hours": self.warmup_h,
            "horizon_hours": self.horizon_h,
            "window_hours": self.window_h,
            "pilot": {"replications": self.pilot_replications, "horizon_hours": self.pilot_horizon_h,
                      "warmup_hours": 0, "time_bin_hours": self.bin_h, "batch_bins": BATCH_SIZE},
            "series": [s.as_dict() for s in self.series],
        }


def choose_warmup(
    scenarios: Sequence[Scenario],
    models: Sequence[Model],
    seed: int,
    replications: int,
    evaluator: Evaluator | None = None,
    on_done: Callable[[], None] | None = None,
) -> WarmupChoice:
    """Run the pilot of every scenario and choose one warm-up for all of them.

    Raises :class:`StratsimError` when a scenario's horizon holds too few time bins for MSER-5
    or the scenarios' measured windows or time bins differ.
    """
    windows = {s.horizon - s.warmup for s in scenarios}
    bins = {s.time_bin for s in scenarios}
    if len(windows) > 1 or len(bins) > 1:
        raise StratsimError("--warmup auto: the scenarios must share horizon − warmup and time_bin")
    bin_h, window_h = bins.pop(), windows.pop()
    for scenario in scenarios:
        if scenario.horizon / scenario.time_bin < BATCH_SIZE * MIN_BATCHES:
            raise StratsimError(
                f"--warmup auto: {scenario.name}: MSER-{BATCH_SIZE} needs at least "
                f"{BATCH_SIZE * MIN_BATCHES} time bins over the horizon; horizon {scenario.horizon:g}h "
                f"holds {scenario.horizon / scenario.time_bin:g} bins of {scenario.time_bin:g}h")
    pilots = [dataclasses.replace(model, warmup_h=0.0) for model in models]
    tasks = [PilotTask(model, seed, r) for model in pilots for r in range(replications)]
    results = (evaluator or SerialEvaluator()).map(run_pilot_task, tasks, on_done)
    truncations = []
    for i, scenario in enumerate(scenarios):
        averaged = average_series(results[i * replications:(i + 1) * replications])
        for service, named in averaged.items():
            for name in SERIES:
                result = mser5(named[name])
                truncations.append(SeriesTruncation(scenario.name, service, name,
                                                    result.truncation * bin_h, result))
    warmup_h = max(t.truncation_h for t in truncations)
    return WarmupChoice(warmup_h, window_h, replications, max(s.horizon for s in scenarios), bin_h,
                        tuple(truncations))


def with_warmup(scenario: Scenario, choice: WarmupChoice) -> Scenario:
    """The scenario with the chosen warm-up and the horizon extended to keep its window."""
    return scenario.model_copy(update={"warmup": choice.warmup_h, "horizon": choice.horizon_h})
