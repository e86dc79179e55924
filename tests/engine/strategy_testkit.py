"""Helpers for the strategy-at-run-time tests: small scenarios, one replication, its sinks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stratsim.analysis.queueing import poisson_count_interval
from stratsim.engine.compile import compile_scenario
from stratsim.engine.recording import BinRow
from stratsim.engine.replication import Replication
from stratsim.engine.strategy import RuleRow
from stratsim.scenario.models import Scenario

FAST = {"dist": "exponential", "mean": 0.01}
"""Service so fast, with staff so ample, that the station plays no part: arrivals are counted."""


def service(sid: str, *, staff: int = 200, service_time: dict | None = None, price: float = 10.0,
            **extra: Any) -> dict[str, Any]:
    return {"id": sid, "staff": staff, "service_time": service_time or FAST, "price": price, **extra}


def segment(gid: str, mix: dict[str, float], *, rate: float = 20.0, **extra: Any) -> dict[str, Any]:
    return {"id": gid, "rate": rate, "mix": mix, **extra}


def scenario(services: list[dict], segments: list[dict], strategy: dict | None = None, *,
             horizon: float = 300.0, warmup: float = 0.0, name: str = "s") -> Scenario:
    doc: dict[str, Any] = {"stratsim": 1, "name": name, "horizon": horizon, "warmup": warmup,
                           "services": services, "segments": segments}
    if strategy:
        doc["strategy"] = strategy
    return Scenario.model_validate(doc)


@dataclass
class Run:
    """One replication: its KPI record, its time-series bins per service, its strategy log."""

    record: dict[str, Any]
    bins: dict[str, list[BinRow]] = field(default_factory=dict)
    log: list[RuleRow] = field(default_factory=list)
    replication: Replication | None = None

    def arrivals(self, service_id: str) -> np.ndarray:
        """Customers reaching the service per time bin."""
        return np.array([row.arrivals for row in self.bins[service_id]], dtype=np.int64)

    def rows(self, name: str, outcome: str | None = None) -> list[RuleRow]:
        return [r for r in self.log if r.name == name and (outcome is None or r.outcome == outcome)]

    def seen(self, name: str) -> list[int]:
        """What the one state function of rule ``name``'s condition saw, firing by firing."""
        return [int(row.values.split("=")[1]) for row in self.rows(name)]


def served_look(watched: str, nudged: str) -> dict[str, Any]:
    """A strategy with one rule, ``look``, that every 10 h notes ``served(watched)`` in its log
    (its action, a price factor of 1 on ``nudged``, changes nothing)."""
    return {"pattern": {"rules": [{"name": "look", "every": 10, "when": f"served('{watched}') >= 0",
                                   "then": {"set_price_factor": {nudged: 1}}}]}}


def run(sc: Scenario, replication: int = 0, seed: int = 7) -> Run:
    rows: list[BinRow] = []
    log: list[RuleRow] = []
    sim = Replication(compile_scenario(sc), seed, replication, rows.append, rule_sink=log.append)
    record = sim.run()
    bins: dict[str, list[BinRow]] = defaultdict(list)
    for row in rows:
        bins[row.service].append(row)
    return Run(record, dict(bins), log, sim)


def within_poisson(count: int, mean: float, confidence: float = 0.999) -> bool:
    lo, hi = poisson_count_interval(mean, confidence)
    return lo <= count <= hi
