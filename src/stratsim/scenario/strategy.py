"""The four P's of ITIL service strategy as scenario sections (DESIGN §1).

``perspective`` (vision, objectives, constraints), ``position`` (target segments, market prices),
``plan`` (budget, dated actions, pricing rules, promotions) and ``pattern`` (rosters, rules,
reviews).  The models accept the whole language so that a file is checked completely; which parts
the current release can simulate is decided separately, in :mod:`stratsim.scenario.support`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator

from .base import ScenarioModel
from .durations import Duration
from .limits import MAX_MONEY, up_to
from .rosters import RosterWindow

PositivePrice = up_to(float, MAX_MONEY, "", Field(gt=0))
PositiveWeight = Annotated[float, Field(gt=0)]


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
    """Label used in logs and reports."""
    services: list[str]
    """Ids of the services the rule prices."""
    when: str
    """Condition under which the rule applies, e.g. "hour < 8 or hour >= 18"."""
    factor: float = Field(gt=0)
    """Multiplier of the list price while the condition holds."""


class PostDip(ScenarioModel):
    """The demand lost after a promotion (customers who bought early)."""

    for_: Duration = Field(alias="for")
    """How long the dip lasts after the promotion ends."""
    share: float = Field(ge=0, le=1)
    """Share of demand lost during the dip. Unit: share."""


class Promotion(ScenarioModel):
    """A campaign that lifts demand and/or discounts the price for a time."""

    name: str | None = Field(default=None)
    """Label used in logs and reports."""
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
    """Price reduction during the campaign (0.1 = 10 % off). Unit: share."""
    cost: float = Field(default=0, ge=0)
    """Cost of the campaign. Unit: currency."""
    post_dip: PostDip | None = Field(default=None)
    """Demand dip after the campaign; absent = none."""

    @field_validator("to")
    @classmethod
    def _after_start(cls, value: float, info: ValidationInfo) -> float:
        start = info.data.get("from_")
        if start is not None and value <= start:
            raise ValueError(f"to must be after from ({start:g}h), got {value:g}h")
        return value


class Plan(ScenarioModel):
    """Budget, dated actions, pricing and promotions."""

    budget: Budget | None = Field(default=None)
    """Spending budget; absent = none."""
    actions: list[dict[str, Any]] = Field(
        default_factory=list
    )
    """Dated actions: launch, retire, set_staff, set_price."""
    pricing: list[PricingRule] = Field(default_factory=list)
    """Pricing rules: price factors while a condition holds."""
    promotions: list[Promotion] = Field(default_factory=list)
    """Promotions: campaigns that lift demand or discount the price for a time."""


class Pattern(ScenarioModel):
    """Lasting processes: staffing rosters, state-triggered rules, periodic reviews."""

    rosters: dict[str, list[RosterWindow]] = Field(
        default_factory=dict,
    )
    """Service id → its weekly roster windows, repeated every week; outside the windows the
    service's base `staff` is on duty. Windows of one service must not overlap."""
    rules: list[dict[str, Any]] = Field(
        default_factory=list
    )
    """State-triggered rules (surge staffing, dynamic prices)."""
    reviews: list[dict[str, Any]] = Field(
        default_factory=list
    )
    """Periodic reviews of the portfolio."""


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
