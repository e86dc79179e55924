"""The four P's of ITIL service strategy as scenario sections (``docs/scenario-reference.md``).

``perspective`` (vision, objectives, constraints), ``position`` (target segments, market prices),
``plan`` (budget, dated actions, pricing rules, promotions) and ``pattern`` (rosters, rules,
reviews).  The models accept the whole language so that a file is checked completely; which parts
the current release can simulate is decided separately, in :mod:`stratsim.scenario.support`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, WithJsonSchema, field_validator, model_validator

from .base import ScenarioModel
from .durations import Duration
from .limits import MAX_MONEY, up_to
from .paths import show
from .rosters import RosterWindow

PositivePrice = up_to(float, MAX_MONEY, "", Field(gt=0))
PositiveWeight = Annotated[float, Field(gt=0)]
PositiveFactor = Annotated[float, Field(gt=0)]
StaffCount = Annotated[int, Field(ge=0)]
PositiveStaff = Annotated[int, Field(ge=1)]
Label = Annotated[str, Field(min_length=1, max_length=80)]


def _number_or_expression(kind: str, valid: Any) -> Any:
    """A before-validator: a number for which ``valid`` holds, or an expression as text.

    The expression itself is checked by the whole-scenario checks, which know the services it
    may name; here only the type and range are, with one message instead of one per union member.
    """

    def check(value: Any) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and valid(value):
            return value
        raise ValueError(f"expected {kind} or an expression in quotes, got {show(value)}")

    return BeforeValidator(check)


FactorValue = Annotated[
    float | str,
    _number_or_expression("a number > 0", lambda v: 0 < v < float("inf")),
    WithJsonSchema({"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "string"}]}),
]
"""A price factor: a number > 0, or an expression giving one at run time."""
StaffValue = Annotated[
    int | str,
    _number_or_expression("a whole number ≥ 0", lambda v: isinstance(v, int) and v >= 0),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}]}),
]
"""A staff level: a whole number ≥ 0, or an expression giving one at run time."""


def _exactly_one(model: Any, keys: tuple[str, ...], what: str) -> None:
    """Refuse a mapping that gives none or several of ``keys`` (in YAML spelling)."""
    given = [key for key in keys if getattr(model, key, None) is not None]
    if len(given) != 1:
        listing = ", ".join(keys)
        got = "none" if not given else " and ".join(given)
        raise ValueError(f"{what} needs exactly one of {listing}; got {got}")


class Perspective(ScenarioModel):
    """Where the organisation wants to go and how a scenario is judged."""

    vision: str = Field(default="")
    """Vision statement (documentation only)."""
    objectives: dict[str, PositiveWeight] = Field(
        default_factory=dict,
    )
    """KPI name → weight (> 0, relative), used to score and rank scenarios (see the README's
    "Compare strategies" for how each KPI is normalised)."""
    constraints: list[str] = Field(
        default_factory=list,
    )
    """Conditions on KPIs a scenario must meet, e.g. "satisfaction >= 4.0"."""


class Position(ScenarioModel):
    """Where the portfolio stands in its market."""

    target_segments: list[str] = Field(
        default_factory=list
    )
    """Ids of the segments the strategy aims at."""
    market_price: dict[str, PositivePrice] = Field(
        default_factory=dict,
    )
    """Service id → market reference price: the price at which a segment's `rate` holds, the
    base of price elasticity (a service without one is its own reference). Unit: currency per
    request."""


class Budget(ScenarioModel):
    """The money the plan may spend."""

    per_month: float = Field(ge=0)
    """Money the plan may spend per 30-day month. Unit: currency per month."""


class PricingRule(ScenarioModel):
    """A price factor applied to services while a condition holds (peak/off-peak pricing)."""

    name: str | None = Field(default=None)
    """Label in `rules.csv` and `summary.json`; absent = `pricing[<position>]`."""
    services: list[str]
    """Ids of the services the rule prices."""
    when: str
    """Condition under which the rule applies, over the time and the state now (`queue`, `busy`,
    `staff`, `price`), e.g. "hour < 8 or hour >= 18"; evaluated at every whole hour and whenever
    anything else of the strategy happens."""
    factor: float = Field(gt=0)
    """Multiplier of the price while the condition holds; overlapping rules multiply."""


class PostDip(ScenarioModel):
    """The demand lost after a promotion (customers who bought early)."""

    for_: Duration = Field(alias="for")
    """How long the dip lasts after the promotion ends."""
    share: float = Field(ge=0, le=1)
    """Share of demand lost during the dip. Unit: share."""


class Promotion(ScenarioModel):
    """A campaign that lifts demand and/or discounts the price for a time."""

    name: str | None = Field(default=None)
    """Label in `rules.csv` and `summary.json`; absent = `promotions[<position>]`."""
    segments: list[str]
    """Ids of the segments targeted."""
    services: list[str]
    """Ids of the services promoted."""
    from_: Duration = Field(alias="from")
    """Start of the campaign, as time since the clock start."""
    to: Duration
    """End of the campaign, as time since the clock start (after `from`)."""
    uplift: float = Field(default=0, ge=0)
    """Relative demand increase during the campaign (0.3 = +30 %). Unit: share."""
    discount: float = Field(default=0, ge=0, lt=1)
    """Price reduction during the campaign (0.1 = 10 % off): moves demand through elasticity;
    the discounts given are promotion cost. Unit: share."""
    cost: float = Field(default=0, ge=0)
    """Cost of the campaign, spread evenly over its time and split equally between its services
    (promotion cost). Unit: currency."""
    post_dip: PostDip | None = Field(default=None)
    """Demand dip after the campaign; absent = none."""

    @field_validator("to")
    @classmethod
    def _after_start(cls, value: float, info: ValidationInfo) -> float:
        start = info.data.get("from_")
        if start is not None and value <= start:
            raise ValueError(f"to must be after from ({start:g}h), got {value:g}h")
        return value


ACTION_KINDS = ("set_staff", "set_price", "set_price_factor", "retire", "launch")
"""The keys of a dated action, in the order simultaneous actions are applied (then by service)."""


class Action(ScenarioModel):
    """A dated action of the plan: at a time, change one thing (exactly one of the action keys)."""

    at: Duration
    """When the action takes effect, as time since the clock start (before the horizon)."""
    name: Label | None = Field(default=None)
    """Label used in `rules.csv` and `summary.json`; absent = `actions[<position>]`."""
    set_staff: dict[str, StaffCount] | None = Field(default=None)
    """Service id → new base staff: on duty wherever no roster window covers the time (roster
    windows still apply). Unit: servers."""
    set_price: dict[str, PositivePrice] | None = Field(default=None)
    """Service id → new list price (the reference of elasticity stays the market price, else the
    price in the file). Unit: currency per request."""
    set_price_factor: dict[str, PositiveFactor] | None = Field(default=None)
    """Service id → price factor, replacing any factor set earlier by an action, rule or review;
    pricing rules multiply on top."""
    retire: str | None = Field(default=None)
    """Id of a service to stop offering: its waiting customers leave as unavailable, its later
    demand is unavailable, its staff go home. Refused (and logged) while live services depend on
    it."""
    launch: str | None = Field(default=None)
    """Id of a pipeline service to start offering: from then on it takes its demand and its
    staff are on duty, and its `costs.launch` is booked. Refused (and logged) if it is already
    offered or retired."""

    @model_validator(mode="after")
    def _one_action(self) -> Action:
        _exactly_one(self, ACTION_KINDS, "an action")
        return self


class Plan(ScenarioModel):
    """Budget, dated actions, pricing and promotions."""

    budget: Budget | None = Field(default=None)
    """Spending budget; absent = none."""
    actions: list[Action] = Field(
        default_factory=list
    )
    """Dated actions: set_staff, set_price, set_price_factor, retire (launch comes with the
    service lifecycle)."""
    pricing: list[PricingRule] = Field(default_factory=list)
    """Pricing rules: price factors while a condition holds."""
    promotions: list[Promotion] = Field(default_factory=list)
    """Promotions: campaigns that lift demand or discount the price for a time."""


class RuleEffect(ScenarioModel):
    """What a rule does when its condition holds: exactly one of `add_staff`, `set_price_factor`."""

    add_staff: dict[str, PositiveStaff] | None = Field(default=None)
    """Service id → extra servers (surge staff) for `for`, costed at the service's
    `costs.overtime_factor`; never above the rule's `max_staff`. Unit: servers."""
    for_: Duration | None = Field(default=None, alias="for", gt=0)
    """How long surge staff stay (with `add_staff` only); absent = 4h."""
    set_price_factor: dict[str, FactorValue] | None = Field(default=None)
    """Service id → price factor (a number, or an expression such as "1 + queue('helpdesk') / 50"),
    kept within the rule's `floor` and `ceiling`; it replaces any factor set earlier and stays
    until set again."""

    @model_validator(mode="after")
    def _one_effect(self) -> RuleEffect:
        _exactly_one(self, ("add_staff", "set_price_factor"), "then")
        if self.for_ is not None and self.add_staff is None:
            raise ValueError("for applies to add_staff only (a price factor stays until set again)")
        return self


def _check_limits(model: Any) -> None:
    floor, ceiling = model.floor, model.ceiling
    if floor is not None and ceiling is not None and floor > ceiling:
        raise ValueError(f"floor ({floor:g}) must not be above ceiling ({ceiling:g})")


class Rule(ScenarioModel):
    """A state-triggered rule of the pattern: every `every`, if `when` holds, do `then`."""

    name: Label
    """Unique name among rules and reviews: labels `rules.csv` and `summary.json`, and orders rules
    evaluated at the same instant."""
    every: Duration = Field(gt=0)
    """Evaluation interval: the rule is evaluated at every, 2 × every, … from the clock start."""
    window: Duration | None = Field(default=None, gt=0)
    """Look-back of the functions over a recent window (`wait_mean`, `wait_p90`, `utilization`,
    `served`, `revenue`, `margin`, `satisfaction`); absent = `every`."""
    cooldown: Duration = Field(default=0)
    """After an action is taken, the rule is not evaluated again for this long."""
    when: str
    """Condition over time and live state, e.g. "queue('helpdesk') > 15"."""
    then: RuleEffect
    """What to do while the condition holds."""
    max_staff: StaffCount | None = Field(default=None)
    """Staff on duty an action may never exceed (surge included); absent = no limit. Unit:
    servers."""
    floor: PositiveFactor | None = Field(default=None)
    """Lowest price factor an action may set; a lower value is raised to it."""
    ceiling: PositiveFactor | None = Field(default=None)
    """Highest price factor an action may set; a higher value is lowered to it."""

    @model_validator(mode="after")
    def _limits(self) -> Any:
        _check_limits(self)
        return self


class ReviewEffect(ScenarioModel):
    """What a review does to a service whose condition holds: exactly one key."""

    retire: Literal["service"] | None = Field(default=None)
    """`retire: service` stops offering the reviewed service (refused while live services depend
    on it)."""
    set_price_factor: FactorValue | None = Field(default=None)
    """New price factor of the reviewed service (a number or an expression), within `floor` and
    `ceiling`."""
    set_staff: StaffValue | None = Field(default=None)
    """New base staff of the reviewed service (a whole number or an expression, rounded), within
    `max_staff`. Unit: servers."""

    @model_validator(mode="after")
    def _one_effect(self) -> ReviewEffect:
        _exactly_one(self, ("retire", "set_price_factor", "set_staff"), "then")
        return self


class Review(ScenarioModel):
    """A periodic portfolio review: every `every`, each service in turn (as `service`)."""

    name: Label
    """Unique name among rules and reviews: labels `rules.csv` and `summary.json`."""
    every: Duration = Field(gt=0)
    """Review interval: reviews happen at every, 2 × every, … from the clock start."""
    window: Duration | None = Field(default=None, gt=0)
    """Look-back of the functions over a recent window (`margin(service)` …); absent = `every`."""
    services: list[str] | None = Field(default=None)
    """Ids of the services reviewed; absent = every service."""
    when: str
    """Condition for one service, named `service` in it, e.g. "margin(service) < 0"."""
    then: ReviewEffect
    """What to do to a service whose condition holds."""
    max_staff: StaffCount | None = Field(default=None)
    """Staff on duty an action may never exceed (surge included); absent = no limit. Unit:
    servers."""
    floor: PositiveFactor | None = Field(default=None)
    """Lowest price factor an action may set; a lower value is raised to it."""
    ceiling: PositiveFactor | None = Field(default=None)
    """Highest price factor an action may set; a higher value is lowered to it."""

    @model_validator(mode="after")
    def _limits(self) -> Any:
        _check_limits(self)
        return self


class Pattern(ScenarioModel):
    """Lasting processes: staffing rosters, state-triggered rules, periodic reviews."""

    rosters: dict[str, list[RosterWindow]] = Field(
        default_factory=dict,
    )
    """Service id → its weekly roster windows, repeated every week; outside the windows the
    service's base `staff` is on duty. Windows of one service must not overlap."""
    rules: list[Rule] = Field(
        default_factory=list
    )
    """State-triggered rules (surge staffing, dynamic prices), evaluated every `every`."""
    reviews: list[Review] = Field(
        default_factory=list
    )
    """Periodic reviews of the portfolio, service by service."""


class Strategy(ScenarioModel):
    """The strategy in the four P's: perspective, position, plan and pattern."""

    perspective: Perspective = Field(default_factory=Perspective)
    """Perspective: vision, objectives and constraints."""
    position: Position = Field(default_factory=Position)
    """Position: target segments and market reference prices."""
    plan: Plan = Field(default_factory=Plan)
    """Plan: budget, dated actions, pricing rules and promotions."""
    pattern: Pattern = Field(default_factory=Pattern)
    """Pattern: weekly rosters, state-triggered rules and periodic reviews."""
