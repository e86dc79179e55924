"""The plan and the pattern compiled for the engine: what happens when, to which service.

:func:`compile_strategy` turns a validated scenario's dated actions, pricing rules, promotions,
state-triggered rules and reviews into frozen, picklable specs that refer to stations and demand
pairs by index; conditions are parsed once here (the loader has already checked them). The engine
(:mod:`stratsim.engine.strategy`) runs them; a scenario without any of them compiles to ``None``
and runs exactly as it would without this module.

Every strategy item has a **label**: its ``name``, else its place in the file
(``pricing[0]``); labels are unique (the loader checks) and name the item in ``rules.csv`` and
``summary.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stratsim.scenario.strategy import ACTION_KINDS, Review, Rule
from stratsim.strategy.conditions import (
    PRICING_VOCABULARY,
    REVIEW_VOCABULARY,
    RULE_VOCABULARY,
    WINDOW_FUNCTIONS,
    quoted_services,
    uses_function,
    uses_state,
)
from stratsim.strategy.expressions import NUMBER, Expression, Vocabulary, parse_expression

if TYPE_CHECKING:
    from stratsim.engine.model import DemandSpec, StationSpec
    from stratsim.scenario import Scenario

DEFAULT_SURGE_H = 4.0
"""How long surge staff stay when a rule's ``then`` gives no ``for``."""

Value = float | Expression
"""A number, or an expression evaluated when the action is taken."""


@dataclass(frozen=True)
class ActionSpec:
    """One dated change to one service: ``kind`` is set_staff, set_price, set_price_factor,
    retire or launch."""

    label: str
    at_h: float
    kind: str
    station: int
    value: float

    @property
    def order(self) -> tuple[float, int, int]:
        """Simultaneous actions apply by kind (the order of :data:`ACTION_KINDS`), then service."""
        return (self.at_h, ACTION_KINDS.index(self.kind), self.station)


@dataclass(frozen=True)
class PricingSpec:
    """A pricing rule: while ``when`` holds, the stations' prices are multiplied by ``factor``.

    ``time_only`` rules read no state, so customers can know them in advance (the tariff a
    flexible customer compares).
    """

    label: str
    stations: tuple[int, ...]
    when: Expression
    factor: float
    time_only: bool


@dataclass(frozen=True)
class PromotionSpec:
    """A campaign over some demand pairs (indexes into ``Model.demands``) and services."""

    label: str
    demands: tuple[int, ...]
    stations: tuple[int, ...]
    from_h: float
    to_h: float
    uplift: float
    discount: float
    cost: float
    dip_h: float
    dip_share: float


@dataclass(frozen=True)
class RuleSpec:
    """A state-triggered rule: ``add_staff`` or ``set_price_factor`` (one of them is empty)."""

    label: str
    every_h: float
    window_h: float
    cooldown_h: float
    when: Expression
    add_staff: tuple[tuple[int, int], ...]
    for_h: float
    set_price_factor: tuple[tuple[int, Value], ...]
    max_staff: int | None
    floor: float | None
    ceiling: float | None
    reads: tuple[int, ...]
    """Stations whose state the condition and expressions read."""
    needs_p90: bool
    needs_window: bool
    """Whether anything reads state over the window (else no snapshot is ever taken)."""


@dataclass(frozen=True)
class ReviewSpec:
    """A periodic review of ``stations`` (by id), one service at a time; ``effect`` is retire,
    set_price_factor or set_staff with its ``value``."""

    label: str
    every_h: float
    window_h: float
    stations: tuple[int, ...]
    when: Expression
    effect: str
    value: Value | None
    max_staff: int | None
    floor: float | None
    ceiling: float | None
    reads: tuple[int, ...]
    needs_p90: bool
    needs_window: bool


@dataclass(frozen=True)
class StrategySpec:
    """Everything of the strategy that runs during a replication.

    ``priced`` stations can change price during the run (their customers carry the price they
    were quoted); ``dynamic`` demand pairs can change rate or availability, or defer.
    """

    actions: tuple[ActionSpec, ...]
    pricing: tuple[PricingSpec, ...]
    promotions: tuple[PromotionSpec, ...]
    rules: tuple[RuleSpec, ...]
    reviews: tuple[ReviewSpec, ...]
    priced: frozenset[int]
    dynamic: frozenset[int]
    retirable: frozenset[int]

    @property
    def labels(self) -> tuple[str, ...]:
        """Every item's label: actions, pricing, promotions, rules, reviews."""
        seen = dict.fromkeys(a.label for a in self.actions)
        for group in (self.pricing, self.promotions, self.rules, self.reviews):
            seen.update(dict.fromkeys(item.label for item in group))
        return tuple(seen)


def _stations_read(expressions: list[Expression], index: dict[str, int]) -> tuple[int, ...]:
    return tuple(sorted({index[s] for e in expressions for s in quoted_services(e)}))


def _windowed(expressions: list[Expression]) -> bool:
    return any(uses_function(e, name) for e in expressions for name in WINDOW_FUNCTIONS)


def _value(value: float | str, vocabulary: Vocabulary) -> Value:
    return parse_expression(value, vocabulary, NUMBER) if isinstance(value, str) else float(value)


def compile_strategy(scenario: Scenario, stations: tuple[StationSpec, ...],
                     demands: tuple[DemandSpec, ...], lifecycle: tuple[ActionSpec, ...] = (),
                     changing: frozenset[int] = frozenset()) -> StrategySpec | None:
    """The run-time strategy of a validated scenario, or ``None`` if it has none.

    ``lifecycle`` holds the services' launch and retire times as dated actions, and ``changing``
    the stations whose availability is not "offered throughout" (``engine.lifecycle``): they run
    with the strategy, so that launches and retirements follow its order and its log.
    """
    plan, pattern = scenario.strategy.plan, scenario.strategy.pattern
    if not (plan.actions or plan.pricing or plan.promotions or pattern.rules or pattern.reviews
            or lifecycle or changing):
        return None
    index = {station.id: station.index for station in stations}
    by_id = sorted(index, key=str)
    actions = sorted((ActionSpec(action.name or f"actions[{i}]", action.at, kind, index[sid], float(v))
                      for i, action in enumerate(plan.actions)
                      for kind in ACTION_KINDS if getattr(action, kind) is not None
                      for sid, v in _targets(getattr(action, kind))),
                     key=lambda a: a.order)
    actions = sorted([*actions, *lifecycle], key=lambda a: a.order)
    pricing = tuple(
        PricingSpec(rule.name or f"pricing[{i}]", tuple(sorted(index[s] for s in set(rule.services))),
                    when, rule.factor, not uses_state(when))
        for i, rule in enumerate(plan.pricing)
        for when in (parse_expression(rule.when, PRICING_VOCABULARY),))
    pair = {(d.segment_index, d.station_index): k for k, d in enumerate(demands)}
    segment_index = {s.id: i for i, s in enumerate(scenario.segments)}
    promotions = tuple(
        PromotionSpec(
            promo.name or f"promotions[{i}]",
            tuple(sorted(pair[segment_index[g], index[s]] for g in set(promo.segments)
                         for s in set(promo.services) if (segment_index[g], index[s]) in pair)),
            tuple(sorted(index[s] for s in set(promo.services))),
            promo.from_, promo.to, promo.uplift, promo.discount, promo.cost,
            promo.post_dip.for_ if promo.post_dip else 0.0,
            promo.post_dip.share if promo.post_dip else 0.0)
        for i, promo in enumerate(plan.promotions))
    rules = tuple(sorted((_rule(rule, index) for rule in pattern.rules), key=lambda r: r.label))
    reviews = tuple(sorted((_review(review, index, by_id) for review in pattern.reviews),
                           key=lambda r: r.label))
    priced = ({a.station for a in actions if a.kind in ("set_price", "set_price_factor")}
              | {s for p in pricing for s in p.stations}
              | {s for p in promotions if p.discount > 0 for s in p.stations}
              | {s for r in rules for s, _ in r.set_price_factor}
              | {s for r in reviews if r.effect == "set_price_factor" for s in r.stations})
    retirable = ({a.station for a in actions if a.kind in ("retire", "launch")}
                 | {s for r in reviews if r.effect == "retire" for s in r.stations} | changing)
    promoted = {d for p in promotions for d in p.demands}
    dynamic = frozenset(k for k, d in enumerate(demands)
                        if d.station_index in priced | retirable or k in promoted)
    return StrategySpec(tuple(actions), pricing, promotions, rules, reviews,
                        frozenset(priced), dynamic, frozenset(retirable))


def _targets(value: object) -> list[tuple[str, float]]:
    """``(service id, value)`` of an action's value: a mapping, or one id (retire)."""
    if isinstance(value, dict):
        return sorted(value.items())
    return [(str(value), 0.0)]


def _rule(rule: Rule, index: dict[str, int]) -> RuleSpec:
    when = parse_expression(rule.when, RULE_VOCABULARY)
    then = rule.then
    factors = tuple((index[s], _value(v, RULE_VOCABULARY)) for s, v in sorted((then.set_price_factor or {}).items()))
    expressions = [when, *(v for _, v in factors if isinstance(v, Expression))]
    return RuleSpec(
        label=rule.name, every_h=rule.every,
        window_h=rule.window if rule.window is not None else rule.every,
        cooldown_h=rule.cooldown, when=when,
        add_staff=tuple((index[s], n) for s, n in sorted((then.add_staff or {}).items())),
        for_h=then.for_ if then.for_ is not None else DEFAULT_SURGE_H,
        set_price_factor=factors,
        max_staff=rule.max_staff, floor=rule.floor, ceiling=rule.ceiling,
        reads=_stations_read(expressions, index),
        needs_p90=any(uses_function(e, "wait_p90") for e in expressions),
        needs_window=_windowed(expressions),
    )


def _review(review: Review, index: dict[str, int], by_id: list[str]) -> ReviewSpec:
    when = parse_expression(review.when, REVIEW_VOCABULARY)
    then = review.then
    effect = next(k for k in ("retire", "set_price_factor", "set_staff") if getattr(then, k) is not None)
    raw = getattr(then, effect)
    value = None if effect == "retire" else _value(raw, REVIEW_VOCABULARY)
    names = review.services if review.services is not None else by_id
    stations = tuple(index[s] for s in sorted(set(names), key=str))
    expressions = [when, *([value] if isinstance(value, Expression) else [])]
    return ReviewSpec(
        label=review.name, every_h=review.every,
        window_h=review.window if review.window is not None else review.every,
        stations=stations, when=when, effect=effect, value=value,
        max_staff=review.max_staff, floor=review.floor, ceiling=review.ceiling,
        reads=tuple(sorted(set(_stations_read(expressions, index)) | set(stations))),
        needs_p90=any(uses_function(e, "wait_p90") for e in expressions),
        needs_window=_windowed(expressions),
    )
