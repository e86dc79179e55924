"""The scenario as validated pydantic models: the contract between the file and the engine.

Class and field names are the scenario language, documented in ``docs/scenario-reference.md``
(the engine compiles from them, and users' files rely on them): extend, never rename.  All
durations are stored in hours.  Field-level rules live on the fields (so each error is located
at its own field); rules that involve several parts of the scenario (cross references,
dependency cycles, roster overlaps) are in :mod:`stratsim.scenario.checks`, run by
:meth:`Scenario._whole_scenario_checks` and, on a file that has field errors too, directly by
the loader, so that every problem is reported in one pass.
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
from .durations import Duration, PositiveDuration
from .limits import (
    MAX_GROWTH_PER_YEAR,
    MAX_ID_LENGTH,
    MAX_MONEY,
    MAX_NAME_LENGTH,
    MAX_PRICE_FACTOR,
    MAX_DURATION_YEARS,
    MAX_RATE,
    MAX_REPLICATIONS,
    MAX_START_YEAR,
    MAX_WAITING,
    MIN_PRICE_ELASTICITY,
    StaffCount,
    down_to,
    up_to,
)
from .paths import ID_PATTERN, show
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
    Action,
    Budget,
    Pattern,
    Perspective,
    Plan,
    Position,
    PostDip,
    Promotion,
    PricingRule,
    Review,
    ReviewEffect,
    Rule,
    RuleEffect,
    Strategy,
)

__all__ = [
    "Action", "Review", "ReviewEffect", "Rule", "RuleEffect",
    "Budget", "Costs", "DISTRIBUTIONS", "Dependency", "Deterministic", "Distribution", "Empirical",
    "Exponential", "Gamma", "Lognormal", "Pattern", "Perspective", "Plan", "Position", "PostDip",
    "PricingRule", "Promotion", "RosterWindow", "Scenario", "Segment", "Service", "Sla",
    "Strategy", "Tier", "Triangular", "Uniform",
]  # fmt: skip

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
SHARE_TOLERANCE = 1e-6


def _pattern_check(pattern: str, max_length: int, what: str) -> Any:
    """An after-validator enforcing ``pattern`` and a length limit, with a message that says
    what is expected."""
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.match(value):
            raise ValueError(f"expected {what}, got {show(value)}")
        if len(value) > max_length:
            raise ValueError(f"expected at most {max_length} characters, got {len(value)}: "
                             f"{show(value)}")  # fmt: skip
        return value

    return AfterValidator(check)


Identifier = Annotated[
    str,
    _pattern_check(
        ID_PATTERN, MAX_ID_LENGTH,
        "an id of letters, digits, '_', '.' or '-' not starting with a digit",
    ),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "maxLength": MAX_ID_LENGTH}),
]
ScenarioName = Annotated[
    str,
    _pattern_check(
        NAME_PATTERN, MAX_NAME_LENGTH,
        "a name of letters, digits, '.', '_' or '-' starting with a letter or digit "
        "(it becomes a folder name)",
    ),
    WithJsonSchema({"type": "string", "pattern": NAME_PATTERN, "maxLength": MAX_NAME_LENGTH}),
]
Money = up_to(float, MAX_MONEY)
Waiting = up_to(int, MAX_WAITING, "customers waiting")
PriceFactor = up_to(float, MAX_PRICE_FACTOR)
Rate = up_to(float, MAX_RATE, "customers per hour")
Growth = up_to(float, MAX_GROWTH_PER_YEAR)
Elasticity = down_to(float, MIN_PRICE_ELASTICITY)
Replications = up_to(int, MAX_REPLICATIONS, "replications")
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

    staff_hour: Money = Field(default=0, ge=0)
    """Cost of one staffed server-hour, a leaving server's overrun included. Unit: currency per
    server-hour."""
    per_request: Money = Field(default=0, ge=0)
    """Cost of each service completed in the measured window. Unit: currency per request."""
    fixed_per_day: Money = Field(default=0, ge=0)
    """Cost per day of the measured window, whatever the activity. Unit: currency per day."""
    launch: Money = Field(default=0, ge=0)
    """One-off cost when a pipeline service launches. Unit: currency."""
    overtime_factor: float = Field(default=1.5, gt=0)
    """Multiplier of `staff_hour` for surge staff added by rules (time and a half by default).
    Unit: factor."""


class Sla(ScenarioModel):
    """Service level: the share of customers who must start service within ``wait``."""

    wait: PositiveDuration = Field(gt=0)
    """Longest acceptable wait before service starts: a customer starting within it (wait ≤
    `wait`) is an SLA hit; it is also the tolerance of the satisfaction score."""
    attainment: float = Field(
        default=0.8, gt=0, le=1
    )
    """Target share of customers starting service within `wait`. Kept for the reports and
    comparisons that judge it; it changes no simulated number. Unit: share."""


class Dependency(ScenarioModel):
    """A request this service sends to another one for a share of its customers."""

    service: str
    """Id of the service depended on."""
    share: float = Field(gt=0, le=1)
    """Probability that a customer of this service sends a request to the other one. Unit:
    probability."""
    mode: Literal["async", "blocking"] = Field(
        default="async",
    )
    """`async`: the request only loads the other service; `blocking`: the customer's completion
    (and its satisfaction and booked revenue) waits until the request has finished at the other
    service. The request is sent when this service's service ends."""


class Tier(ScenarioModel):
    """A class of service: served by priority, priced by a factor, with its own SLA."""

    id: Identifier
    """Tier id, unique within the service; segments name it in their `tiers` shares."""
    priority: int = Field(ge=0)
    """Queue priority: 0 is served first, first come first served within a priority, never
    interrupting a customer in service. Tiers may share a priority."""
    price_factor: PriceFactor = Field(default=1.0, gt=0)
    """Multiplier of the service's price for this tier's customers: changes revenue, not
    demand."""
    sla: Sla | None = Field(default=None)
    """SLA of this tier; absent = the service's SLA."""


class Service(ScenarioModel):
    """A service of the portfolio: a multi-server station with a waiting room."""

    id: Identifier
    """Unique service id: segments' `mix`, rosters and market prices refer to the service by it."""
    name: str | None = Field(default=None)
    """Display name (documentation only)."""
    staff: StaffCount = Field(ge=0)
    """Base number of servers: on duty whenever no roster window covers the time. Unit: servers."""
    queue_capacity: Waiting | None = Field(
        default=None, ge=0
    )
    """Waiting places, customers in service not included: absent = unlimited, 0 = no waiting
    room (a pure loss system). A customer who finds every server busy and every place taken is
    blocked. Unit: customers."""
    service_time: Distribution
    """Work content of one customer: how long a server is busy with them."""
    price: Money = Field(default=0, ge=0)
    """Price of one service, times the customer's tier price factor, earned when the service is
    completed; the reference of price elasticity unless the position sets a market price. Unit:
    currency per request."""
    internal: bool = Field(
        default=False
    )
    """A supporting service: it earns no revenue (its price must be 0). Its cost is allocated
    (showback) to the services that send it requests, in proportion to the requests sent."""
    costs: Costs = Field(default_factory=Costs)
    """Cost accounting parameters."""
    sla: Sla | None = Field(default=None)
    """Service level agreement (tiers may set their own); absent = no SLA, no `sla_attainment`."""
    depends_on: list[Dependency] = Field(
        default_factory=list
    )
    """Requests this service sends to other services."""
    tiers: list[Tier] = Field(default_factory=list)
    """Classes of service (priority, price factor, SLA); empty = one implicit tier for everyone."""
    status: Literal["catalogue", "pipeline", "retired"] = Field(
        default="catalogue"
    )
    """Portfolio status at time 0: `catalogue` (offered), `pipeline` (offered from `launch`),
    `retired` (not offered)."""
    launch: Duration | None = Field(default=None)
    """When a pipeline service starts being offered."""
    retire: Duration | None = Field(default=None)
    """When the service stops being offered (after `launch`)."""
    fallback: str | None = Field(
        default=None
    )
    """Id of the service that takes this one's demand while it is not offered."""

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


class Complaints(ScenarioModel):
    """Complaints and churn of a segment (see docs/model.md, "Relationship").

    A customer complains with probability `probability` × (5 − score) / 4, where score is the
    customer's satisfaction score (1–5): never when fully satisfied (5), `probability` when
    turned away or gone unserved (1).
    """

    probability: float = Field(default=0.2, ge=0, le=1)
    """Probability that a customer with the worst score (1: blocked, balked, reneged,
    unavailable) complains; it falls linearly to 0 at the best score (5). Unit: probability."""
    churn: float = Field(default=0.25, ge=0, le=1)
    """Probability that a complaint costs the segment one customer of its `customers` base (the
    complaining customer leaves for good). Unit: probability per complaint."""
    desk: str | None = Field(default=None)
    """Id of the service that handles complaints (a complaints desk with its own staff): each
    complaint sends it one request, served in the segment's tier mix there at no price and counted
    in the desk's KPIs, not as a customer of the segment. Absent = complaints are counted, not
    handled."""


class Segment(ScenarioModel):
    """A customer segment: how many arrive, when, what they ask for, how they behave."""

    id: Identifier
    """Unique segment id."""
    name: str | None = Field(default=None)
    """Display name (documentation only)."""
    rate: Rate = Field(ge=0)
    """Arrival rate of the segment's customers at time 0 where both profiles are 1, at the
    reference price. Unit: customers per hour."""
    mix: dict[str, float] = Field(
        json_schema_extra={"minProperties": 1},
    )
    """Service id → share of the segment's customers who ask for that service; shares ≥ 0
    adding up to 1 (within 1e-6). Unit: share."""
    daily_profile: DailyProfile = Field(
        default="flat"
    )
    """Demand factor of each hour of the day: a preset name or 24 factors ≥ 0, hour 00:00-01:00
    first. Factors are used as written, not rescaled (the presets average 1)."""
    weekly_profile: WeeklyProfile = Field(
        default="flat"
    )
    """Demand factor of each day of the week: a preset name or 7 factors ≥ 0, Monday first;
    used as written."""
    growth_per_year: Growth = Field(default=0, gt=-1)
    """Yearly demand growth, compounded continuously: the rate is multiplied by
    (1 + growth_per_year)^(t / 8760 h). Unit: share per year."""
    tiers: dict[str, float] | None = Field(
        default=None
    )
    """Tier id → share of the segment's customers in that tier (adding up to 1), at services
    that declare tiers; absent = every customer in a service's lowest-priority tier. Unit:
    share."""
    price_elasticity: Elasticity = Field(
        default=0, le=0
    )
    """Price elasticity of demand: the rate is multiplied by (price / reference price) ^
    price_elasticity, so demand falls as the price rises above the reference."""
    flexibility: float = Field(
        default=0, ge=0, le=1
    )
    """Share of customers willing to put a request off, up to 24 hours, to a cheaper price
    (demand shifting): all of them move for a saving of 20 % or more, proportionally fewer for
    less. Unit: share."""
    patience: Distribution | None = Field(
        default=None
    )
    """How long a waiting customer stays before leaving the queue (reneging); drawn for each
    customer. Absent = waits for ever."""
    balk_at: Waiting | None = Field(
        default=None,
        ge=0,
    )
    """A customer does not join the queue (balks) when this many customers are already waiting
    there, all tiers counted: absent = always joins, 0 = never waits. Unit: customers."""
    customers: int | None = Field(default=None, ge=1)
    """Size of the segment's customer base at time 0, eroded by churn: the segment's arrival rate
    at any time is its `rate` × remaining customers / `customers`. Absent = no base, no churn.
    Unit: customers."""
    complaints: Complaints | None = Field(default=None)
    """How dissatisfied customers of the segment complain, churn and are heard (business
    relationship management); absent = the defaults of `Complaints` when `customers` is set,
    else no complaints at all."""

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

    stratsim: Annotated[Literal[1], BeforeValidator(_format_version)]
    """Scenario format version: always 1."""
    name: ScenarioName
    """Scenario name: names the results folder (`results/<name>/`) and the scenario in the
    result files. Letters, digits, `.`, `_` and `-`, starting with a letter or digit."""
    description: str = Field(default="")
    """What this scenario is about (documentation only)."""
    start: Annotated[datetime.date | None, BeforeValidator(_to_date)] = Field(
        default=None
    )
    """Calendar date of time 0, a Monday (the clock starts Monday 00:00). It labels the time
    series' `datetime` column and changes no number."""
    horizon: PositiveDuration = Field(gt=0)
    """Simulated time of each replication, warm-up included; customers arriving in [warmup,
    horizon) are measured."""
    warmup: Duration = Field(default=0)
    """Time at the start of each replication that is simulated but not measured, so that
    queues are not measured while they fill from empty; shorter than the horizon."""
    replications: Replications = Field(default=10, ge=1)
    """Independent replications; `stratsim run --replications` overrides it."""
    seed: int = Field(default=0, ge=0)
    """Master random seed: the same scenario and seed give identical results;
    `stratsim run --seed` overrides it."""
    time_bin: Duration = Field(
        default=1.0,
        json_schema_extra={"minimum": 1 / 60},
    )
    """Width of the bins of `timeseries.csv`; at least 1 minute."""
    services: list[Service] = Field(
        json_schema_extra={"minItems": 1}
    )
    """The service portfolio: at least one service."""
    segments: list[Segment] = Field(
        json_schema_extra={"minItems": 1}
    )
    """The customer segments whose demand the services meet: at least one."""
    strategy: Strategy = Field(default_factory=Strategy)
    """The strategy in the four P's of service strategy: perspective, position, plan, pattern."""
    sweep: SweepBlock | None = Field(default=None)
    """Parameters `stratsim sweep` varies over this scenario (ignored by `run` and `compare`)."""

    @field_validator("start")
    @classmethod
    def _starts_on_monday(cls, value: datetime.date | None) -> datetime.date | None:
        if value is not None and value.year > MAX_START_YEAR:
            raise ValueError(
                f"expected a start before the year {MAX_START_YEAR + 1}, got {value.isoformat()} "
                f"(the calendar ends with the year 9999, and a run may last {MAX_DURATION_YEARS} "
                "years)"
            )
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
