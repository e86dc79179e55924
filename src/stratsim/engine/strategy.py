"""The strategy at run time: dated actions, promotions, pricing, rules and reviews on the clock.

One :class:`StrategyRuntime` per replication applies a compiled
:class:`~stratsim.strategy.plan.StrategySpec`. It keeps its own agenda of what is due when, and
schedules one engine event (priority ``STRATEGY``: after the roster changes of the instant, before
any customer moves) per instant at which something is due. At an instant, things happen in this
fixed order, whatever the order of the file (``docs/model.md``, "Strategy at run time"):

0. surge staff whose time is up leave, and windows of rules are snapshotted;
1. dated actions, by kind (set_staff, set_price, set_price_factor, retire, launch), then by
   service (the lifecycle's launch and retire times in the file are dated actions too);
2. promotions start, end, and their post-dips end;
3. pricing rules are evaluated (at every whole hour, and at every instant at which anything else
   of the strategy happens), so the rules that follow see the prices in force;
4. state-triggered rules, by name;
5. reviews, by name, each over its services by id.

Every firing, refusal and end is a :class:`RuleRow` handed to a sink (the runner streams them to
``rules.csv``); firings and refusals inside the measured window are counted per item for
``summary.json``. The engine never writes files.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from heapq import heappop, heappush
from typing import Any

from stratsim.engine.cells import Cell
from stratsim.engine.demand import DemandSource, DynamicDemandSource
from stratsim.engine.events import Clock, Priority, schedule
from stratsim.engine.model import Model
from stratsim.engine.probes import Flows, Probe, window_value
from stratsim.engine.station import Station
from stratsim.strategy.conditions import (
    SERVICE,
    WINDOW_FUNCTIONS,
    clock_values,
    condition_values,
    format_values,
)
from stratsim.strategy.expressions import Expression
from stratsim.strategy.plan import (
    ActionSpec,
    PromotionSpec,
    ReviewSpec,
    RuleSpec,
    StrategySpec,
    Value,
)
from stratsim.strategy.pricing import DEFERRAL_HORIZON_H, best_window, price_response, product
from stratsim.strategy.rosters import BASE_STAFF

RANK_EXPIRY, RANK_ACTION, RANK_PROMOTION, RANK_PRICING, RANK_RULE, RANK_REVIEW = range(6)


def multiple_h(k: int, every_h: float) -> float:
    """``k × every_h``, exact on the clock's minute grid when ``every_h`` is whole minutes.

    ``every: 10min`` is 1/6 h, which a float cannot hold: 65 × (1/6) is 10.833333333333332, but
    650 min / 60 is 10.833333333333334, the float nearest 10:50 — the same float as a roster
    change or a dated action at 10:50, so they meet at one instant.
    """
    minutes = every_h * 60.0
    if abs(minutes - round(minutes)) < 1e-9:
        return k * round(minutes) / 60.0
    return k * every_h

RULES_FIELDS = (
    "time_h", "kind", "name", "service", "action", "outcome", "detail", "condition", "values",
)
"""Columns of a :class:`RuleRow` (``rules.csv`` adds ``replication`` and ``datetime`` first)."""

APPLIED, REFUSED, ENDED = "applied", "refused", "ended"


@dataclass(frozen=True)
class RuleRow:
    """One entry of the strategy log.

    ``kind`` is action, pricing, promotion, rule or review; ``outcome`` is applied, refused or
    ended; ``detail`` says what changed (or why it was refused); ``condition`` and ``values`` are
    the condition and the values it saw (empty for dated actions and promotions).
    """

    time_h: float
    kind: str
    name: str
    service: str
    action: str
    outcome: str
    detail: str = ""
    condition: str = ""
    values: str = ""

    def as_tuple(self) -> tuple[Any, ...]:
        return (self.time_h, self.kind, self.name, self.service, self.action, self.outcome,
                self.detail, self.condition, self.values)


@dataclass(eq=False)
class Offset:
    """Surge staff added by a rule firing, until ``until_h``, never above ``cap`` on duty."""

    amount: int
    until_h: float
    cap: int | None
    label: str


@dataclass
class ServiceState:
    """What the strategy has done to one service so far."""

    list_price: float
    base_staff: int
    roster: int
    set_factor: float = 1.0
    pricing_factor: float = 1.0
    offsets: list[Offset] = field(default_factory=list)
    retired_at: float | None = None
    launched_at: float | None = 0.0
    """When the service started being offered (0 for a catalogue service); ``None`` until a
    pipeline service is launched, and for ever for a service retired from the start."""

    @property
    def offered(self) -> bool:
        return self.launched_at is not None and self.retired_at is None

    def offered_h(self, t0: float, t1: float) -> float:
        """Hours the service was offered within ``[t0, t1)``."""
        if self.launched_at is None:
            return 0.0
        end = t1 if self.retired_at is None else min(t1, self.retired_at)
        return max(0.0, end - max(t0, self.launched_at))

    def on_duty(self) -> int:
        """Staff on duty before surge: the roster window's, else the base staff."""
        return self.base_staff if self.roster == BASE_STAFF else self.roster

    def surge(self, on_duty: int) -> int:
        """Surge staff on duty: the offsets, kept so that staff never exceed any active cap."""
        total = sum(offset.amount for offset in self.offsets)
        caps = [offset.cap for offset in self.offsets if offset.cap is not None]
        if caps:
            total = min(total, max(0, min(caps) - on_duty))
        return total


@dataclass
class _Periodic:
    """A rule or review being run: its window snapshots and cooldown."""

    spec: RuleSpec | ReviewSpec
    count: int = 0
    snapshots: list[dict[int, Flows]] = field(default_factory=list)
    cooldown_until: float = -math.inf


class StrategyRuntime:
    """Applies a compiled strategy to one replication's stations and demand sources."""

    def __init__(self, env: Clock, model: Model, stations: list[Station],
                 sources: list[DemandSource], cells: dict[int, list[Cell]],
                 sink: Callable[[RuleRow], None] | None) -> None:
        assert model.strategy is not None
        self.env = env
        self.model = model
        self.spec: StrategySpec = model.strategy
        self.stations = stations
        self.sources = sources
        self.sink = sink
        self.index = {station.spec.id: i for i, station in enumerate(stations)}
        self.state = [ServiceState(s.spec.price, s.spec.base_staff,
                                   s.spec.roster.staff_at(0.0, BASE_STAFF)) for s in stations]
        self.demands_of: dict[int, list[int]] = {}
        for k, demand in enumerate(model.demands):
            if isinstance(sources[k], DynamicDemandSource):
                self.demands_of.setdefault(demand.station_index, []).append(k)
        self.active: dict[int, set[str]] = {k: set() for k in range(len(model.demands))}
        self.dipping: dict[int, set[str]] = {k: set() for k in range(len(model.demands))}
        self.promotions = {p.label: p for p in self.spec.promotions}
        self.pricing_active: set[str] = set()
        self.probes = [Probe(station, cells.get(i, []), self._offered_until(i), self._campaign_until(i))
                       for i, station in enumerate(stations)]
        self.counts = {label: {"fired": 0, "refused": 0} for label in self.spec.labels}
        self._agenda: list[tuple[Any, ...]] = []
        self._instants: set[float] = set()
        self._seq = 0
        self._priced_at = -1.0
        self._tariffs: dict[tuple[int, int], float] = {}
        self._windows: dict[tuple[str, int], tuple[int, tuple[int, int, float]]] = {}
        self._discounts = {k: [p for p in self.spec.promotions if k in p.demands and p.discount > 0]
                           for k in range(len(model.demands))}
        self.launch_cost = [0.0] * len(stations)
        self._start_lifecycle()
        self._wire_deferral()

    def _start_lifecycle(self) -> None:
        """Services not in the catalogue at time 0 are not offered and have no staff on duty."""
        lifecycle = self.model.lifecycle
        if lifecycle is None:
            return
        for i, station in enumerate(self.stations):
            if not lifecycle.offered_at_start[i]:
                state = self.state[i]
                state.launched_at = None
                if lifecycle.retired_at_start[i]:
                    state.retired_at = 0.0
                station.offered = False
                self._apply_staff(i)

    # -- agenda ---------------------------------------------------------------------
    def _push(self, at: float, rank: int, key: Any, function: Callable[[float, Any], None],
              argument: Any = None) -> None:
        self._seq += 1
        heappush(self._agenda, (at, rank, key, self._seq, function, argument))
        if at not in self._instants:
            self._instants.add(at)
            schedule(self.env, at, Priority.STRATEGY, self._run)

    def _run(self, _: None) -> None:
        now = self.env._now
        if self.spec.pricing and self._priced_at != now:
            self._push(now, RANK_PRICING, "", self._evaluate_pricing)
        agenda = self._agenda
        while agenda and agenda[0][0] <= now:
            _, _, _, _, function, argument = heappop(agenda)
            function(now, argument)
        self._instants.discard(now)

    def start(self) -> None:
        """Put everything of the strategy on the agenda."""
        for action in self.spec.actions:
            self._push(action.at_h, RANK_ACTION, action.order[1:], self._act, action)
        for promotion in self.spec.promotions:
            self._push(promotion.from_h, RANK_PROMOTION, promotion.label, self._promotion_starts, promotion)
            self._push(promotion.to_h, RANK_PROMOTION, promotion.label, self._promotion_ends, promotion)
        if self.spec.pricing:
            self._push(0.0, RANK_PRICING, "", self._pricing_tick)
        for spec in (*self.spec.rules, *self.spec.reviews):
            self._start_periodic(_Periodic(spec))

    # -- logging and counting -------------------------------------------------------
    def _log(self, row: RuleRow) -> None:
        if row.outcome != ENDED and self.model.warmup_h <= row.time_h < self.model.horizon_h:
            self.counts[row.name]["fired" if row.outcome == APPLIED else "refused"] += 1
        if self.sink is not None:
            self.sink(row)

    def record(self) -> dict[str, dict[str, int]]:
        """Firings and refusals per item inside the measured window (for ``summary.json``)."""
        return {label: dict(counts) for label, counts in self.counts.items()}

    # -- money for the window -------------------------------------------------------
    def _offered_until(self, i: int) -> Callable[[float], float]:
        def offered(t: float) -> float:
            return self.state[i].offered_h(0.0, t)
        return offered

    def _campaign_until(self, i: int) -> Callable[[float], float]:
        promotions = [p for p in self.spec.promotions if i in p.stations and p.cost > 0]

        def campaign(t: float) -> float:
            return math.fsum(p.cost / len(p.stations) * min(1.0, max(0.0, (t - p.from_h) / (p.to_h - p.from_h)))
                             for p in promotions)
        return campaign

    def window_money(self) -> tuple[list[float], list[float]]:
        """Per station: hours offered in the window, and campaign cost accrued in it."""
        warmup, horizon = self.model.warmup_h, self.model.horizon_h
        offered, campaigns = [], []
        for i, probe in enumerate(self.probes):
            offered.append(self.state[i].offered_h(warmup, horizon))
            campaigns.append(probe.campaign_cost(horizon) - probe.campaign_cost(warmup))
        return offered, campaigns

    def offered_between(self, i: int, t0: float, t1: float) -> float:
        """Hours service ``i`` was offered within ``[t0, t1)`` (for the months' fixed cost)."""
        return self.state[i].offered_h(t0, t1)

    def launch_cost_between(self, i: int, t0: float, t1: float) -> float:
        """The launch cost of service ``i`` booked within ``[t0, t1)`` (it is booked at its launch,
        once, when that falls in the measured window)."""
        launched = self.state[i].launched_at
        booked = self.launch_cost[i]
        return booked if booked and launched is not None and t0 <= launched < t1 else 0.0

    # -- staff ----------------------------------------------------------------------
    def on_roster(self, i: int, value: int) -> None:
        """A roster change point of station ``i`` (``BASE_STAFF`` = the base staff)."""
        self.state[i].roster = value
        self._apply_staff(i)

    def _apply_staff(self, i: int) -> None:
        state, station = self.state[i], self.stations[i]
        if not state.offered:
            staff, surge = 0, 0
        else:
            on_duty = state.on_duty()
            surge = state.surge(on_duty)
            staff = on_duty + surge
        if staff != station.staff or surge != station.surge:
            station.set_staff(staff, surge)

    def _expire(self, now: float, target: tuple[int, Offset]) -> None:
        i, offset = target
        state = self.state[i]
        if offset not in state.offsets:
            return  # the service was retired meanwhile
        state.offsets.remove(offset)
        self._apply_staff(i)
        self._log(RuleRow(now, "rule", offset.label, self.stations[i].spec.id,
                          f"add_staff +{offset.amount}", ENDED,
                          f"surge over: {self.stations[i].staff} on duty"))

    # -- prices and demand ------------------------------------------------------------
    def _reprice(self, i: int, now: float) -> None:
        state, station = self.state[i], self.stations[i]
        price = state.list_price * state.set_factor * state.pricing_factor
        if price != station.price:
            station.set_price(price)
        for k in self.demands_of.get(i, ()):
            self._update_demand(k, now)

    def _update_demand(self, k: int, now: float) -> None:
        demand, source = self.model.demands[k], self.sources[k]
        station = self.stations[demand.station_index]
        promotions = [self.promotions[label] for label in self.active[k]]
        keep = product(sorted(1.0 - p.discount for p in promotions))
        uplift = product(sorted(1.0 + p.uplift for p in promotions))
        dip = product(sorted(1.0 - self.promotions[label].dip_share for label in self.dipping[k]))
        response = price_response(station.price * keep, station.spec.reference_price, demand.elasticity)
        source.quote = (station.price, keep)
        source.set_factor(response / demand.static_response * uplift * dip, now)

    def _wire_deferral(self) -> None:
        """Give flexible customers the look-ahead of prices they can know in advance."""
        tariffed = {s for p in self.spec.pricing if p.time_only for s in p.stations}
        discounted = {k for p in self.spec.promotions if p.discount > 0 for k in p.demands}
        for k, source in enumerate(self.sources):
            if not isinstance(source, DynamicDemandSource) or source.spec.flexibility <= 0:
                continue
            if source.spec.station_index in tariffed or k in discounted:
                source.best_window = self._best_window_of(k)

    def _best_window_of(self, k: int) -> Callable[[float], tuple[int, int, float]]:
        station = self.model.demands[k].station_index
        discounts = self._discounts[k]
        key = ("pair", k) if discounts else ("station", station)  # pairs without discounts share

        def window(now: float) -> tuple[int, int, float]:
            hour = int(now)
            cached = self._windows.get(key)
            if cached is not None and cached[0] == hour:
                return cached[1]
            ratios = [self._tariff(station, hour + j) * self._keep_at(discounts, float(hour + j))
                      for j in range(DEFERRAL_HORIZON_H + 1)]
            found = best_window(ratios)
            self._windows[key] = (hour, found)
            return found
        return window

    def _tariff(self, i: int, hour: int) -> float:
        """The product of the time-only pricing rules in force at the start of ``hour``."""
        key = (i, hour)
        factor = self._tariffs.get(key)
        if factor is None:
            values = clock_values(float(hour))
            factor = product(sorted(p.factor for p in self.spec.pricing
                                    if p.time_only and i in p.stations and p.when.evaluate(values) is True))
            self._tariffs[key] = factor
        return factor

    @staticmethod
    def _keep_at(discounts: list[PromotionSpec], t: float) -> float:
        """``Π (1 − discount)`` of the promotions among ``discounts`` running at ``t``."""
        if not discounts:
            return 1.0
        return product(sorted(1.0 - p.discount for p in discounts if p.from_h <= t < p.to_h))

    # -- dated actions ------------------------------------------------------------------
    def _act(self, now: float, action: ActionSpec) -> None:
        i = action.station
        service = self.stations[i].spec.id
        if action.kind == "retire":
            self._retire(now, i, "action", action.label, "retire")
            return
        if action.kind == "launch":
            self._launch(now, i, action.label)
            return
        state = self.state[i]
        text = f"{action.kind} {action.value:g}"
        if state.retired_at is not None:
            self._log(RuleRow(now, "action", action.label, service, text, REFUSED, "the service is retired"))
            return
        if action.kind == "set_staff":
            before = state.base_staff
            state.base_staff = int(action.value)
            self._apply_staff(i)
            detail = f"base staff {before} → {state.base_staff}; {self.stations[i].staff} on duty"
        else:
            before_price = self.stations[i].price
            if action.kind == "set_price":
                state.list_price = action.value
            else:
                state.set_factor = action.value
            self._reprice(i, now)
            detail = f"price {before_price:g} → {self.stations[i].price:g}"
        self._log(RuleRow(now, "action", action.label, service, text, APPLIED, detail))

    def _retire(self, now: float, i: int, kind: str, label: str, text: str,
                condition: str = "", values: str = "") -> bool:
        state, station = self.state[i], self.stations[i]
        service = station.spec.id
        live = [d for d in station.spec.dependents
                if d in self.index and self.state[self.index[d]].retired_at is None]
        if state.retired_at is not None:
            reason = "the service is already retired"
        elif live:
            reason = f"refused: live services depend on it ({', '.join(live)})"
        else:
            waiting = station.waiting
            state.retired_at = now
            station.withdraw()
            state.offsets.clear()
            self._apply_staff(i)
            detail = (f"no longer offered: {waiting} waiting customers left unserved (unavailable), "
                      "later demand is unavailable")
            self._log(RuleRow(now, kind, label, service, text, APPLIED, detail, condition, values))
            return True
        self._log(RuleRow(now, kind, label, service, text, REFUSED, reason, condition, values))
        return False

    def _launch(self, now: float, i: int, label: str) -> None:
        """A pipeline service starts being offered: staff on duty, demand taken, launch cost
        booked if the launch falls in the measured window."""
        state, station = self.state[i], self.stations[i]
        service = station.spec.id
        if state.retired_at is not None or state.launched_at is not None:
            reason = "the service is retired" if state.retired_at is not None else "already offered"
            self._log(RuleRow(now, "action", label, service, "launch", REFUSED, reason))
            return
        state.launched_at = now
        station.offered = True
        self._apply_staff(i)
        cost = self.model.lifecycle.launch_cost[i] if self.model.lifecycle is not None else 0.0
        booked = self.model.warmup_h <= now < self.model.horizon_h
        if booked:
            self.launch_cost[i] += cost
        detail = f"offered from now: {station.staff} on duty"
        if cost:
            detail += f"; launch cost {cost:g} {'booked' if booked else 'outside the measured window'}"
        self._log(RuleRow(now, "action", label, service, "launch", APPLIED, detail))

    # -- promotions ---------------------------------------------------------------------
    def _promotion_starts(self, now: float, promotion: PromotionSpec) -> None:
        for k in promotion.demands:
            self.active[k].add(promotion.label)
        self._promotion_changed(now, promotion, APPLIED,
                                f"uplift +{promotion.uplift:.0%}, discount {promotion.discount:.0%}")

    def _promotion_ends(self, now: float, promotion: PromotionSpec) -> None:
        dips = promotion.dip_h > 0 and promotion.dip_share > 0
        for k in promotion.demands:
            self.active[k].discard(promotion.label)
            if dips:
                self.dipping[k].add(promotion.label)
        if dips:
            self._push(now + promotion.dip_h, RANK_PROMOTION, promotion.label, self._dip_ends, promotion)
        detail = (f"post-dip −{promotion.dip_share:.0%} until {now + promotion.dip_h:g}h" if dips
                  else "campaign over")
        self._promotion_changed(now, promotion, ENDED, detail)

    def _dip_ends(self, now: float, promotion: PromotionSpec) -> None:
        for k in promotion.demands:
            self.dipping[k].discard(promotion.label)
        self._promotion_changed(now, promotion, ENDED, "post-dip over")

    def _promotion_changed(self, now: float, promotion: PromotionSpec, outcome: str, detail: str) -> None:
        for k in promotion.demands:
            self._update_demand(k, now)
        for i in promotion.stations:
            self._log(RuleRow(now, "promotion", promotion.label, self.stations[i].spec.id,
                              "promotion", outcome, detail))

    # -- pricing ------------------------------------------------------------------------
    def _pricing_tick(self, now: float, _: Any) -> None:
        self._evaluate_pricing(now, None)
        self._push(math.floor(now) + 1.0, RANK_PRICING, "", self._pricing_tick)

    def _evaluate_pricing(self, now: float, _: Any) -> None:
        if self._priced_at == now:
            return
        self._priced_at = now
        values = clock_values(now)
        functions = self._instant_functions()
        holding = {p.label for p in self.spec.pricing if p.when.evaluate(values, functions) is True}
        changed = [p for p in self.spec.pricing if (p.label in holding) != (p.label in self.pricing_active)]
        if not changed:
            return
        self.pricing_active = holding
        stations = sorted({i for p in changed for i in p.stations})
        for i in stations:
            self.state[i].pricing_factor = product(sorted(
                p.factor for p in self.spec.pricing if p.label in holding and i in p.stations))
            self._reprice(i, now)
        for rule in changed:
            seen = format_values(condition_values(rule.when, values, functions))
            outcome = APPLIED if rule.label in holding else ENDED
            for i in rule.stations:
                station = self.stations[i]
                self._log(RuleRow(now, "pricing", rule.label, station.spec.id,
                                  f"price factor {rule.factor:g}", outcome,
                                  f"price now {station.price:g}", rule.when.text, seen))

    # -- state functions ------------------------------------------------------------------
    def _station_of(self, service: str) -> Station:
        return self.stations[self.index[service]]

    def _instant_functions(self) -> dict[str, Callable[[str], float]]:
        station = self._station_of
        return {
            "queue": lambda s: float(station(s).waiting),
            "busy": lambda s: float(station(s).busy),
            "staff": lambda s: float(station(s).staff),
            "price": lambda s: station(s).price,
        }

    def _functions(self, before: dict[int, Flows], now: dict[int, Flows]) -> dict[str, Callable[[str], Any]]:
        functions: dict[str, Callable[[str], Any]] = dict(self._instant_functions())
        for name in WINDOW_FUNCTIONS:
            functions[name] = self._windowed(name, before, now)
        return functions

    def _windowed(self, name: str, before: dict[int, Flows], now: dict[int, Flows]) -> Callable[[str], Any]:
        def value(service: str) -> float | None:
            i = self.index[service]
            return window_value(name, self.stations[i], before[i], now[i])
        return value

    def _snapshot(self, spec: RuleSpec | ReviewSpec, now: float) -> dict[int, Flows]:
        if not spec.needs_window:
            return {}  # only instantaneous state is read: nothing to take
        return {i: self.probes[i].flows(now, spec.needs_p90) for i in spec.reads}

    # -- rules and reviews ----------------------------------------------------------------
    def _start_periodic(self, run: _Periodic) -> None:
        spec = run.spec
        if spec.window_h == spec.every_h:
            run.snapshots.append(self._snapshot(spec, 0.0))
        else:
            k = 1
            while multiple_h(k, spec.every_h) - spec.window_h <= 0.0:
                run.snapshots.append(self._snapshot(spec, 0.0))
                k += 1
            self._push(multiple_h(k, spec.every_h) - spec.window_h, RANK_EXPIRY, spec.label,
                       self._take_snapshot, (run, k))
        rank = RANK_RULE if isinstance(spec, RuleSpec) else RANK_REVIEW
        self._push(multiple_h(1, spec.every_h), rank, spec.label, self._evaluate_periodic, run)

    def _take_snapshot(self, now: float, target: tuple[_Periodic, int]) -> None:
        run, k = target
        run.snapshots.append(self._snapshot(run.spec, now))
        spec = run.spec
        self._push(multiple_h(k + 1, spec.every_h) - spec.window_h, RANK_EXPIRY, spec.label,
                   self._take_snapshot, (run, k + 1))

    def _evaluate_periodic(self, now: float, run: _Periodic) -> None:
        spec = run.spec
        run.count += 1
        before = run.snapshots.pop(0)
        current = self._snapshot(spec, now)
        if spec.window_h == spec.every_h:
            run.snapshots.append(current)
        rank = RANK_RULE if isinstance(spec, RuleSpec) else RANK_REVIEW
        self._push(multiple_h(run.count + 1, spec.every_h), rank, spec.label, self._evaluate_periodic, run)
        if now < run.cooldown_until:
            return
        functions = self._functions(before, current)
        if isinstance(spec, RuleSpec):
            if self._rule(now, spec, functions):
                run.cooldown_until = now + spec.cooldown_h
        else:
            self._review(now, spec, functions)

    def _rule(self, now: float, spec: RuleSpec, functions: dict[str, Callable[[str], Any]]) -> bool:
        values: dict[str, Any] = clock_values(now)
        if spec.when.evaluate(values, functions) is not True:
            return False
        seen = format_values(condition_values(spec.when, values, functions))
        applied = False
        for i, amount in spec.add_staff:
            applied |= self._add_staff(now, spec, i, amount, seen)
        for i, value in spec.set_price_factor:
            factor = self._number(value, values, functions)
            applied |= self._set_factor(now, "rule", spec.label, i, factor, spec, spec.when.text, seen)
        return applied

    def _review(self, now: float, spec: ReviewSpec, functions: dict[str, Callable[[str], Any]]) -> None:
        for i in spec.stations:
            if not self.state[i].offered:
                continue
            service = self.stations[i].spec.id
            values: dict[str, Any] = {**clock_values(now), SERVICE: service}
            if spec.when.evaluate(values, functions) is not True:
                continue
            seen = format_values(condition_values(spec.when, values, functions))
            if spec.effect == "retire":
                self._retire(now, i, "review", spec.label, "retire", spec.when.text, seen)
            elif spec.effect == "set_price_factor":
                factor = self._number(spec.value, values, functions)  # type: ignore[arg-type]
                self._set_factor(now, "review", spec.label, i, factor, spec, spec.when.text, seen)
            else:
                staff = self._number(spec.value, values, functions)  # type: ignore[arg-type]
                self._set_staff(now, spec, i, staff, seen)

    @staticmethod
    def _number(value: Value, values: dict[str, Any], functions: dict[str, Callable[[str], Any]]) -> float | None:
        if isinstance(value, Expression):
            result = value.evaluate(values, functions)
            return None if result is None or isinstance(result, bool) else float(result)
        return value

    def _add_staff(self, now: float, spec: RuleSpec, i: int, amount: int, seen: str) -> bool:
        station, state = self.stations[i], self.state[i]
        service, text = station.spec.id, f"add_staff +{amount} for {spec.for_h:g}h"
        on_duty = station.staff
        room = amount if spec.max_staff is None else spec.max_staff - on_duty
        added = min(amount, room)
        if not state.offered or added <= 0:
            reason = ("the service is not offered" if not state.offered
                      else f"max_staff {spec.max_staff} reached ({on_duty} on duty)")
            self._log(RuleRow(now, "rule", spec.label, service, text, REFUSED, reason, spec.when.text, seen))
            return False
        offset = Offset(added, now + spec.for_h, spec.max_staff, spec.label)
        state.offsets.append(offset)
        self._apply_staff(i)
        self._push(offset.until_h, RANK_EXPIRY, spec.label, self._expire, (i, offset))
        detail = f"{on_duty} → {station.staff} on duty until {offset.until_h:g}h"
        if added < amount:
            detail += f" (+{added} of +{amount}: max_staff {spec.max_staff})"
        self._log(RuleRow(now, "rule", spec.label, service, text, APPLIED, detail, spec.when.text, seen))
        return True

    def _set_factor(self, now: float, kind: str, label: str, i: int, factor: float | None,
                    limits: RuleSpec | ReviewSpec, condition: str, seen: str) -> bool:
        station, state = self.stations[i], self.state[i]
        service = station.spec.id
        if state.retired_at is not None or factor is None or not factor > 0 or not math.isfinite(factor):
            reason = ("the service is retired" if state.retired_at is not None
                      else f"the price factor is {'undefined' if factor is None else f'{factor:g}'}, "
                           "not a number > 0")
            self._log(RuleRow(now, kind, label, service, "set_price_factor", REFUSED, reason, condition, seen))
            return False
        wanted = factor
        if limits.floor is not None and factor < limits.floor:
            factor = limits.floor
        if limits.ceiling is not None and factor > limits.ceiling:
            factor = limits.ceiling
        before = station.price
        state.set_factor = factor
        self._reprice(i, now)
        detail = f"price {before:g} → {station.price:g}"
        if factor != wanted:
            detail += f" ({wanted:.6g} kept within floor/ceiling)"
        self._log(RuleRow(now, kind, label, service, f"set_price_factor {factor:g}", APPLIED, detail,
                          condition, seen))
        return True

    def _set_staff(self, now: float, spec: ReviewSpec, i: int, staff: float | None, seen: str) -> None:
        station, state = self.stations[i], self.state[i]
        service = station.spec.id
        if staff is None or not math.isfinite(staff):
            self._log(RuleRow(now, "review", spec.label, service, "set_staff", REFUSED,
                              "the staff level is undefined", spec.when.text, seen))
            return
        wanted = max(0, int(round(staff)))
        level = wanted if spec.max_staff is None else min(wanted, spec.max_staff)
        before = state.base_staff
        state.base_staff = level
        self._apply_staff(i)
        detail = f"base staff {before} → {level}; {station.staff} on duty"
        if level != wanted:
            detail += f" ({wanted} kept within max_staff)"
        self._log(RuleRow(now, "review", spec.label, service, f"set_staff {level}", APPLIED, detail,
                          spec.when.text, seen))


__all__ = ["RULES_FIELDS", "RuleRow", "StrategyRuntime"]
