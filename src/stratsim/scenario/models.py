"""The scenario as validated pydantic models: the contract between the file and the engine.

Class and field names are the scenario language of DESIGN §3 (the engine compiles from them, and
users' files rely on them): extend, never rename.  All durations are stored in hours.  Field-level
rules live on the fields (so each error is located at its own field); rules that involve several
parts of the scenario (cross references, dependency cycles, roster overlaps) are in
:mod:`stratsim.scenario.checks`, run by :meth:`Scenario._whole_scenario_checks` and, on a file
that has field errors too, directly by the loader, so that every problem is reported in one pass.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .base import ScenarioModel
from .checks import check_scenario
from .distributions import (
    DISTRIBUTIONS,
    Deterministic,
    Distribution,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    Triangular,
    Uniform,
)
from .durations import Duration
from .paths import show
from .profiles import (
    DAILY_PRESETS,
    WEEKLY_PRESETS,
    profile_json_schema,
    resolve_daily,
    resolve_weekly,
)
from .rosters import RosterWindow
from .sweep import SweepBlock
from .strategy import (
    Budget,
    Pattern,
    Perspective,
    Plan,
    Position,
    PostDip,
    Promotion,
    PricingRule,
    Strategy,
)

__all__ = [
    "Budget", "Costs", "DISTRIBUTIONS", "Dependency", "Deterministic", "Distribution", "Empirical",
    "Exponential", "Gamma", "Lognormal", "Pattern", "Perspective", "Plan", "Position", "PostDip",
    "PricingRule", "Promotion", "RosterWindow", "Scenario", "Segment", "Service", "Sla",
    "Strategy", "Tier", "Triangular", "Uniform",
]  # fmt: skip

ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.-]*$"
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
SHARE_TOLERANCE = 1e-6


def _pattern_check(pattern: str, what: str) -> Any:
    """An after-validator enforcing ``pattern`` with a message that says what is expected."""
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.match(value):
            raise ValueError(f"expected {what}, got {show(value)}")
        return value

    return AfterValidator(check)


Identifier = Annotated[
    str,
    _pattern_check(
        ID_PATTERN, "an id of letters, digits, '_', '.' or '-' not starting with a digit"
    ),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN}),
]
ScenarioName = Annotated[
    str,
    _pattern_check(
        NAME_PATTERN,
        "a name of letters, digits, '.', '_' or '-' starting with a letter or digit "
        "(it becomes a folder name)",
    ),
    WithJsonSchema({"type": "string", "pattern": NAME_PATTERN}),
]
DailyProfile = Annotated[
    str | list[float],
    BeforeValidator(lambda v: _profile(v, resolve_daily)),
    WithJsonSchema(profile_json_schema(DAILY_PRESETS, 24), mode="validation"),
]
WeeklyProfile = Annotated[
    str | list[float],
    BeforeValidator(lambda v: _profile(v, resolve_weekly)),
    WithJsonSchema(profile_json_schema(WEEKLY_PRESETS, 7), mode="validation"),
]


def _profile(value: Any, resolve: Any) -> Any:
    """Check a profile with its resolver; keep a preset name, normalise a list to floats."""
    factors = resolve(value)
    return value if isinstance(value, str) else list(factors)


def check_shares(shares: dict[str, float], what: str) -> dict[str, float]:
    """Shares must be non-empty, each ≥ 0, and add up to 1 (within 1e-6)."""
    if not shares:
        raise ValueError(f"expected at least one {what} share, got an empty mapping")
    for key, share in shares.items():
        if share < 0:
            raise ValueError(f"the share of {show(key)} must be ≥ 0, got {share:g}")
    total = math.fsum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"{what} shares must add up to 1, they add up to {total:g}")
    return shares


class Costs(ScenarioModel):
    """What running a service costs."""

    staff_hour: float = Field(default=0, ge=0, description="Cost per staffed server-hour.")
    per_request: float = Field(default=0, ge=0, description="Cost per request served.")
    fixed_per_day: float = Field(default=0, ge=0, description="Fixed cost per day.")
    launch: float = Field(default=0, ge=0, description="One-off cost when the service launches.")


class Sla(ScenarioModel):
    """Service level: the share of customers who must start service within ``wait``."""

    wait: Duration = Field(gt=0, description="Longest acceptable wait before service (> 0).")
    attainment: float = Field(
        default=0.8, gt=0, le=1, description="Target share served within the wait, in (0, 1]."
    )


class Dependency(ScenarioModel):
    """A request this service sends to another one for a share of its customers."""

    service: str = Field(description="Id of the service depended on.")
    share: float = Field(gt=0, le=1, description="Probability a customer needs it, in (0, 1].")
    mode: Literal["async", "blocking"] = Field(
        default="async",
        description="async: only loads the other service; blocking: completion waits for it.",
    )


class Tier(ScenarioModel):
    """A class of service: served by priority, priced by a factor, with its own SLA."""

    id: Identifier = Field(description="Tier id, unique within the service.")
    priority: int = Field(ge=0, description="0 is served first; FIFO within a priority.")
    price_factor: float = Field(default=1.0, gt=0, description="Multiplier of the price (> 0).")
    sla: Sla | None = Field(default=None, description="SLA of this tier (else the service's).")


class Service(ScenarioModel):
    """A service of the portfolio: a multi-server station with a waiting room."""

    id: Identifier = Field(description="Unique service id, used everywhere else to refer to it.")
    name: str | None = Field(default=None, description="Display name.")
    staff: int = Field(ge=0, description="Base number of servers (rosters override it).")
    queue_capacity: int | None = Field(
        default=None, ge=0, description="Waiting places: absent = unlimited, 0 = pure loss system."
    )
    service_time: Distribution = Field(description="Work content of one customer.")
    price: float = Field(default=0, ge=0, description="Price charged per customer served.")
    internal: bool = Field(
        default=False, description="A supporting service: no price, cost allocated to consumers."
    )
    costs: Costs = Field(default_factory=Costs, description="Cost accounting parameters.")
    sla: Sla | None = Field(default=None, description="Service level agreement.")
    depends_on: list[Dependency] = Field(
        default_factory=list, description="Requests sent to other services."
    )
    tiers: list[Tier] = Field(default_factory=list, description="Classes of service.")
    status: Literal["catalogue", "pipeline", "retired"] = Field(
        default="catalogue", description="Portfolio status at the start."
    )
    launch: Duration | None = Field(default=None, description="When a pipeline service launches.")
    retire: Duration | None = Field(default=None, description="When the service is retired.")
    fallback: str | None = Field(
        default=None, description="Service that takes the demand while this one is not offered."
    )

    @field_validator("internal")
    @classmethod
    def _internal_is_free(cls, value: bool, info: ValidationInfo) -> bool:
        price = info.data.get("price")
        if value and price:
            raise ValueError(
                f"an internal service has no price: set price to 0 or internal to false "
                f"(price is {price:g})"
            )
        return value

    @field_validator("retire")
    @classmethod
    def _retire_after_launch(cls, value: float | None, info: ValidationInfo) -> float | None:
        launch = info.data.get("launch")
        if value is not None and launch is not None and value <= launch:
            raise ValueError(f"retire must be after launch ({launch:g}h), got {value:g}h")
        return value


class Segment(ScenarioModel):
    """A customer segment: how many arrive, when, what they ask for, how they behave."""

    id: Identifier = Field(description="Unique segment id.")
    name: str | None = Field(default=None, description="Display name.")
    rate: float = Field(ge=0, description="Customers per hour when the profiles are 1.")
    mix: dict[str, float] = Field(
        json_schema_extra={"minProperties": 1},
        description="Service id → share of this segment's customers (shares add up to 1).",
    )
    daily_profile: DailyProfile = Field(
        default="flat", description="A preset name or 24 hourly factors ≥ 0."
    )
    weekly_profile: WeeklyProfile = Field(
        default="flat", description="A preset name or 7 daily factors ≥ 0, Monday first."
    )
    growth_per_year: float = Field(default=0, gt=-1, description="Yearly demand growth (> -1).")
    tiers: dict[str, float] | None = Field(
        default=None, description="Tier id → share of customers (shares add up to 1)."
    )
    price_elasticity: float = Field(
        default=0, le=0, description="Demand elasticity to price (≤ 0: demand falls as price rises)."
    )
    flexibility: float = Field(
        default=0, ge=0, le=1, description="Share of customers who defer to cheaper windows."
    )
    patience: Distribution | None = Field(
        default=None, description="Time a customer waits before leaving (absent = forever)."
    )
    balk_at: int | None = Field(
        default=None,
        ge=0,
        description="Customers do not join a queue when this many are waiting (0: never wait).",
    )
    customers: int | None = Field(default=None, ge=0, description="Account base (for churn).")

    @field_validator("mix")
    @classmethod
    def _mix_shares(cls, value: dict[str, float]) -> dict[str, float]:
        return check_shares(value, "mix")

    @field_validator("tiers")
    @classmethod
    def _tier_shares(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        return None if value is None else check_shares(value, "tier")

    @property
    def daily_factors(self) -> tuple[float, ...]:
        """The 24 hourly factors (a preset resolved)."""
        return resolve_daily(self.daily_profile)

    @property
    def weekly_factors(self) -> tuple[float, ...]:
        """The 7 daily factors, Monday first (a preset resolved)."""
        return resolve_weekly(self.weekly_profile)


def _format_version(value: Any) -> Any:
    """``stratsim: 1`` exactly: the file format version (not true, not 1.0)."""
    if type(value) is not int or value != 1:
        raise ValueError(f"expected stratsim: 1 (the scenario format version), got {show(value)}")
    return value


def _to_date(value: Any) -> Any:
    """Accept a date (YAML ``2024-01-01``) or its ISO text; refuse a time of day."""
    if isinstance(value, datetime.datetime):
        raise ValueError(f"expected a date such as 2024-01-01 (no time of day), got {value}")
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, datetime.date) or value is None:
        return value
    raise ValueError(f"expected a date such as 2024-01-01, got {show(value)}")


class Scenario(ScenarioModel):
    """A whole scenario: portfolio, demand and strategy, plus the run settings."""

    stratsim: Annotated[Literal[1], BeforeValidator(_format_version)] = Field(
        description="Scenario format version; must be 1."
    )
    name: ScenarioName = Field(description="Scenario name; also the name of its results folder.")
    description: str = Field(default="", description="What this scenario is about.")
    start: Annotated[datetime.date | None, BeforeValidator(_to_date)] = Field(
        default=None, description="Calendar date of the clock start; must be a Monday."
    )
    horizon: Duration = Field(gt=0, description="Simulated time per replication, warmup included.")
    warmup: Duration = Field(default=0, description="Initial time not measured (< horizon).")
    replications: int = Field(default=10, ge=1, description="Independent replications (≥ 1).")
    seed: int = Field(default=0, ge=0, description="Master random seed (≥ 0).")
    time_bin: Duration = Field(
        default=1.0,
        json_schema_extra={"minimum": 1 / 60},
        description="Width of time-series bins (at least 1min).",
    )
    services: list[Service] = Field(
        json_schema_extra={"minItems": 1}, description="The service portfolio (at least one)."
    )
    segments: list[Segment] = Field(
        json_schema_extra={"minItems": 1}, description="Customer segments (at least one)."
    )
    strategy: Strategy = Field(default_factory=Strategy, description="The strategy (four P's).")
    sweep: SweepBlock | None = Field(
        default=None, description="Parameters `stratsim sweep` varies (ignored by run and compare)."
    )

    @field_validator("start")
    @classmethod
    def _starts_on_monday(cls, value: datetime.date | None) -> datetime.date | None:
        if value is not None and value.weekday() != 0:
            raise ValueError(
                f"start must be a Monday (the clock starts Monday 00:00), "
                f"got {value.isoformat()}, a {value.strftime('%A')}"
            )
        return value

    @field_validator("time_bin")
    @classmethod
    def _bin_at_least_a_minute(cls, value: float) -> float:
        if value < 1 / 60:
            raise ValueError(f'expected a time bin of at least "1min", got {value * 3600:g}s')
        return value

    @field_validator("warmup")
    @classmethod
    def _warmup_within_horizon(cls, value: float, info: ValidationInfo) -> float:
        horizon = info.data.get("horizon")
        if horizon is not None and value >= horizon:
            raise ValueError(
                f"warmup must be shorter than the horizon ({horizon:g}h), got {value:g}h"
            )
        return value

    @field_validator("services")
    @classmethod
    def _portfolio_not_empty(cls, value: list[Service]) -> list[Service]:
        if not value:
            raise ValueError("empty portfolio: a scenario needs at least one service")
        return value

    @field_validator("segments")
    @classmethod
    def _demand_not_empty(cls, value: list[Segment]) -> list[Segment]:
        if not value:
            raise ValueError("no segments: a scenario needs at least one customer segment")
        return value

    @model_validator(mode="after")
    def _whole_scenario_checks(self) -> Scenario:
        """Cross references and whole-scenario rules, all reported together."""
        findings = check_scenario(self.model_dump(by_alias=True))
        if findings:
            raise PydanticCustomError(
                "scenario_checks",
                "{summary}",
                {"summary": "; ".join(str(f) for f in findings), "findings": findings},
            )
        return self

    @property
    def services_by_id(self) -> dict[str, Service]:
        """The services keyed by id."""
        return {service.id: service for service in self.services}

    @property
    def segments_by_id(self) -> dict[str, Segment]:
        """The segments keyed by id."""
        return {segment.id: segment for segment in self.segments}
