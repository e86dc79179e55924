"""The four P's of ITIL service strategy as scenario sections (DESIGN §1).

``perspective`` (vision, objectives, constraints), ``position`` (target segments, market prices),
``plan`` (budget, dated actions, pricing rules, promotions) and ``pattern`` (rosters, rules,
reviews).  The models accept the whole language so that a file is checked completely; which parts
the current release can simulate is decided separately, in :mod:`stratsim.scenario.support`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from .base import ScenarioModel
from .durations import Duration
from .limits import MAX_MONEY, up_to
from .rosters import RosterWindow

PositivePrice = up_to(float, MAX_MONEY, "", Field(gt=0))


class Perspective(ScenarioModel):
    """Where the organisation wants to go and how a scenario is judged."""

    vision: str = Field(default="", description="Free-text vision statement (documentation only).")
    objectives: dict[str, float] = Field(
        default_factory=dict,
        description="KPI name → weight, used to score and rank scenarios.",
    )
    constraints: list[str] = Field(
        default_factory=list,
        description='Conditions a scenario must meet, e.g. "satisfaction >= 4.0".',
    )


class Position(ScenarioModel):
    """Where the portfolio stands in its market."""

    target_segments: list[str] = Field(
        default_factory=list, description="Ids of the segments the strategy aims at."
    )
    market_price: dict[str, PositivePrice] = Field(
        default_factory=dict,
        description="Service id → market reference price (> 0), the base of price elasticity.",
    )


class Budget(ScenarioModel):
    """The money the plan may spend."""

    per_month: float = Field(ge=0, description="Budget per 30-day month (≥ 0).")


class PricingRule(ScenarioModel):
    """A price factor applied to services while a condition holds (peak/off-peak pricing)."""

    name: str | None = Field(default=None, description="Label used in logs and reports.")
    services: list[str] = Field(description="Ids of the services the rule prices.")
    when: str = Field(description='Condition, e.g. "hour < 8 or hour >= 18".')
    factor: float = Field(gt=0, description="Multiplier of the list price while active (> 0).")


class PostDip(ScenarioModel):
    """The demand lost after a promotion (customers who bought early)."""

    for_: Duration = Field(alias="for", description="How long the dip lasts after the promotion.")
    share: float = Field(ge=0, le=1, description="Share of demand lost during the dip (0-1).")


class Promotion(ScenarioModel):
    """A campaign that lifts demand and/or discounts the price for a time."""

    name: str | None = Field(default=None, description="Label used in logs and reports.")
    segments: list[str] = Field(description="Ids of the segments targeted.")
    services: list[str] = Field(description="Ids of the services promoted.")
    from_: Duration = Field(alias="from", description="Start time (from the clock start).")
    to: Duration = Field(description="End time (after from).")
    uplift: float = Field(default=0, ge=0, description="Relative demand increase (≥ 0).")
    discount: float = Field(default=0, ge=0, lt=1, description="Price reduction share [0, 1).")
    cost: float = Field(default=0, ge=0, description="Campaign cost (≥ 0).")
    post_dip: PostDip | None = Field(default=None, description="Demand dip after the campaign.")

    @field_validator("to")
    @classmethod
    def _after_start(cls, value: float, info: ValidationInfo) -> float:
        start = info.data.get("from_")
        if start is not None and value <= start:
            raise ValueError(f"to must be after from ({start:g}h), got {value:g}h")
        return value


class Plan(ScenarioModel):
    """Budget, dated actions, pricing and promotions."""

    budget: Budget | None = Field(default=None, description="Spending budget.")
    actions: list[dict[str, Any]] = Field(
        default_factory=list, description="Dated actions: launch, retire, set_staff, set_price."
    )
    pricing: list[PricingRule] = Field(default_factory=list, description="Pricing rules.")
    promotions: list[Promotion] = Field(default_factory=list, description="Promotions.")


class Pattern(ScenarioModel):
    """Lasting processes: staffing rosters, state-triggered rules, periodic reviews."""

    rosters: dict[str, list[RosterWindow]] = Field(
        default_factory=dict,
        description="Service id → weekly roster windows (staff outside them is the base staff).",
    )
    rules: list[dict[str, Any]] = Field(
        default_factory=list, description="State-triggered rules (surge staffing, dynamic prices)."
    )
    reviews: list[dict[str, Any]] = Field(
        default_factory=list, description="Periodic reviews of the portfolio."
    )


class Strategy(ScenarioModel):
    """The strategy in the four P's: perspective, position, plan and pattern."""

    perspective: Perspective = Field(default_factory=Perspective, description="Vision and goals.")
    position: Position = Field(default_factory=Position, description="Market position.")
    plan: Plan = Field(default_factory=Plan, description="Budget, actions, pricing, promotions.")
    pattern: Pattern = Field(default_factory=Pattern, description="Rosters, rules, reviews.")
