"""Whole-scenario checks: cross references, dependencies and lifecycle, rosters, unservable services.

These rules involve several parts of a scenario, so no single field can check them.  They run on
plain data (the mapping a YAML file holds, or a model dumped with its aliases) rather than on
models, for one reason: a file with a field error (say a negative ``staff``) cannot become a
model, yet its unknown service in a ``mix`` must still be reported in the same pass
(``docs/scenario-reference.md``, "Rules across fields"). Every check is therefore tolerant of
values of the wrong type (those are field errors, reported elsewhere) and returns
:class:`~stratsim.scenario.paths.Finding` objects, each with the path of the value at fault so
the loader can give its file, line and column.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .durations import parse_clock
from .paths import Finding, Path, format_path, show
from .plain import first_ids as _first_ids
from .plain import mappings as _mappings
from .plain import unknown_reference as _unknown
from stratsim.clock import HOURS_PER_WEEK
from stratsim.kpis import KPIS
from stratsim.portfolio.validation import portfolio_findings
from stratsim.strategy.expressions import ExpressionError, parse_expression
from stratsim.strategy.perspective import BUDGET, CONSTRAINT_VOCABULARY, OBJECTIVE_KPIS

from .rosters import first_overlap, format_week_hour, parse_days, window_intervals
from .lifecycle_checks import LIFECYCLE_CHECKS
from .strategy_checks import STRATEGY_CHECKS


def _dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    """A finite real number, or None for anything else (booleans included, and integers too
    large for a float: the field's limit reports those)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _strings(value: Any) -> list[tuple[int, str]]:
    return [(i, item) for i, item in enumerate(_list(value)) if isinstance(item, str)]


@dataclass
class _Scenario:
    """Indexes of a raw scenario that the checks share."""

    data: dict[Any, Any]
    services: list[tuple[int, dict[Any, Any]]] = field(init=False)
    segments: list[tuple[int, dict[Any, Any]]] = field(init=False)
    service_ids: dict[str, int] = field(init=False)
    segment_ids: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.services = _mappings(self.data.get("services"))
        self.segments = _mappings(self.data.get("segments"))
        self.service_ids = _first_ids(self.services)
        self.segment_ids = _first_ids(self.segments)

    def section(self, *keys: str) -> dict[Any, Any]:
        """The mapping at ``strategy.<keys>``, or an empty one."""
        node = _dict(self.data.get("strategy"))
        for key in keys:
            node = _dict(node.get(key))
        return node


def _duplicate_ids(sc: _Scenario) -> Iterator[Finding]:
    yield from _duplicates(sc.services, ("services",), "service")
    yield from _duplicates(sc.segments, ("segments",), "segment")
    for i, service in sc.services:
        owner = show(service.get("id"))
        yield from _duplicates(_mappings(service.get("tiers")), ("services", i, "tiers"),
                               f"tier (in service {owner})")  # fmt: skip


def _duplicates(
    items: list[tuple[int, dict[Any, Any]]], base: Path, kind: str
) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for index, item in items:
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        if ident in seen:
            first = format_path(base + (seen[ident], "id"))
            yield Finding(base + (index, "id"), f"duplicate {kind} id {show(ident)} (also {first})")
        else:
            seen[ident] = index


def _mix_references(sc: _Scenario) -> Iterator[Finding]:
    for i, segment in sc.segments:
        for key in _dict(segment.get("mix")):
            if key not in sc.service_ids:
                yield Finding(("segments", i, "mix", key), _unknown("service", key, sc.service_ids))


def _strategy_service_keys(sc: _Scenario) -> Iterator[Finding]:
    sections = [(("pattern",), "rosters"), (("position",), "market_price")]
    for keys, name in sections:
        for key in _dict(sc.section(*keys).get(name)):
            if key not in sc.service_ids:
                path = ("strategy", *keys, name, key)
                yield Finding(path, _unknown("service", key, sc.service_ids))


def _plan_references(sc: _Scenario) -> Iterator[Finding]:
    plan = sc.section("plan")
    lists = [("pricing", "services", sc.service_ids, "service"),
             ("promotions", "services", sc.service_ids, "service"),
             ("promotions", "segments", sc.segment_ids, "segment")]  # fmt: skip
    for section, key, known, kind in lists:
        for k, item in _mappings(plan.get(section)):
            for m, ref in _strings(item.get(key)):
                if ref not in known:
                    path = ("strategy", "plan", section, k, key, m)
                    yield Finding(path, _unknown(kind, ref, known))
    position = sc.section("position")
    for m, ref in _strings(position.get("target_segments")):
        if ref not in sc.segment_ids:
            path = ("strategy", "position", "target_segments", m)
            yield Finding(path, _unknown("segment", ref, sc.segment_ids))


def _portfolio(sc: _Scenario) -> Iterator[Finding]:
    """Dependencies and lifecycle: :mod:`stratsim.portfolio.validation`."""
    yield from portfolio_findings(sc.data)


def _segment_tiers(sc: _Scenario) -> Iterator[Finding]:
    """Every tier a segment names (a share of 0 included) is a tier of the services it uses.

    A service without declared tiers serves everyone in its one default tier, so a segment's
    tier mix only has to name tiers of the services that declare tiers; a tier that no service
    declares at all is a typo wherever it appears.
    """
    tiers_of = {
        svc["id"]: [t.get("id") for _, t in _mappings(svc.get("tiers"))]
        for _, svc in sc.services
        if isinstance(svc.get("id"), str)
    }
    declared = {tier: 0 for tiers in tiers_of.values() for tier in tiers if isinstance(tier, str)}
    for i, segment in sc.segments:
        used = [s for s, share in _dict(segment.get("mix")).items()
                if tiers_of.get(s) and (_number(share) or 0) > 0]  # fmt: skip
        for tier in _dict(segment.get("tiers")):
            if tier not in declared:
                yield Finding(("segments", i, "tiers", tier), _unknown("tier", tier, declared))
                continue
            lacking = [s for s in used if tier not in tiers_of[s]]
            for service in lacking:
                defined = ", ".join(map(str, tiers_of[service])) or "none"
                yield Finding(
                    ("segments", i, "tiers", tier),
                    f"tier {show(tier)} is not a tier of service {show(service)}, which this "
                    f"segment's mix uses (its tiers: {defined})",
                )


def _unservable(sc: _Scenario) -> Iterator[Finding]:
    """A service with demand and a waiting room but nobody on duty at any time of the week.

    Its customers would wait for ever (the run could never drain): either the base staff is 0
    and no roster window has staff, or roster windows with staff 0 cover the whole week.
    """
    rosters = _dict(sc.section("pattern").get("rosters"))
    for i, service in sc.services:
        own = service.get("id")
        staff, capacity = service.get("staff"), service.get("queue_capacity", None)
        if not isinstance(own, str) or isinstance(staff, bool) or _number(staff) is None:
            continue
        if _number(capacity) == 0 or not _has_demand(sc, own):
            continue
        windows = [w for _, w in _mappings(rosters.get(own))]
        if any((_number(w.get("staff")) or 0) > 0 for w in windows):
            continue
        if _number(staff) == 0:
            yield Finding(
                ("services", i, "staff"),
                f"service {show(own)} has staff 0 and no roster window with staff > 0, so "
                "customers could never be served; give it staff or a roster, or set "
                "queue_capacity: 0 to turn every customer away (a pure loss system)",
            )
        elif _covered_hours(windows) >= HOURS_PER_WEEK:
            yield Finding(
                _ROSTERS + (own,),
                f"the roster of service {show(own)} has staff 0 at every hour of the week, so "
                "customers could never be served; give some window staff, or set "
                "queue_capacity: 0 to turn every customer away (a pure loss system)",
            )


def _covered_hours(windows: list[dict[Any, Any]]) -> float:
    """Hours of the week covered by well-formed windows (overlaps are reported elsewhere)."""
    intervals = [iv for w in windows for iv in (_window_intervals(w) or [])]
    return sum(end - start for start, end in intervals)


def _has_demand(sc: _Scenario, service_id: Any) -> bool:
    """Whether some segment with a positive rate sends a positive share to the service."""
    for _, segment in sc.segments:
        share = _number(_dict(segment.get("mix")).get(service_id))
        if share and share > 0 and (_number(segment.get("rate")) or 0) > 0:
            return True
    return False


def _elastic_free_services(sc: _Scenario) -> Iterator[Finding]:
    """Price elasticity of a free service against a market price would mean infinite demand."""
    market = _dict(sc.section("position").get("market_price"))
    prices = {svc["id"]: _number(svc.get("price", 0)) for _, svc in sc.services
              if isinstance(svc.get("id"), str)}
    for i, segment in sc.segments:
        elasticity = _number(segment.get("price_elasticity"))
        if not elasticity:
            continue
        for service in _dict(segment.get("mix")):
            reference = _number(market.get(service))
            if prices.get(service) == 0 and reference:
                yield Finding(
                    ("segments", i, "price_elasticity"),
                    f"price elasticity {elasticity} needs a positive price for service "
                    f"{show(service)}, which is free while its market price is {reference:g} "
                    "(demand would be infinite); give it a price or drop its market price",
                )


_ROSTERS: Path = ("strategy", "pattern", "rosters")


def _roster_overlaps(sc: _Scenario) -> Iterator[Finding]:
    for service, windows in _dict(sc.section("pattern").get("rosters")).items():
        parsed: list[tuple[int, str, list[tuple[float, float]]]] = []
        for k, window in _mappings(windows):
            intervals = _window_intervals(window)
            if intervals is None:
                continue
            for j, label, other in parsed:
                both = first_overlap(intervals, other)
                if both is not None:
                    yield Finding(
                        _ROSTERS + (service, k),
                        f"roster window {_label(window)} overlaps window "
                        f"{format_path(_ROSTERS + (service, j))} ({label}) from "
                        f"{format_week_hour(both[0])} to {format_week_hour(both[1])}",
                    )
            parsed.append((k, _label(window), intervals))


def _window_intervals(window: dict[Any, Any]) -> list[tuple[float, float]] | None:
    """The hour-of-week intervals of a raw roster window, or None if it is malformed."""
    try:
        days = parse_days(window.get("days"))
        start = parse_clock(window.get("from", window.get("from_")))
        end = parse_clock(window.get("to"), end=True)
    except ValueError:
        return None
    return window_intervals(days, start, end)


def _label(window: dict[Any, Any]) -> str:
    days = window.get("days")
    days = ",".join(days) if isinstance(days, list) else days
    return f"{days} {window.get('from', window.get('from_'))}-{window.get('to')}"


_PERSPECTIVE: Path = ("strategy", "perspective")


def _perspective(sc: _Scenario) -> Iterator[Finding]:
    """Objective KPIs must exist and have a better direction; constraints must parse.

    A constraint is parsed here, at load, with the names it may use (the portfolio KPIs and
    ``budget``), so an unknown KPI, an unknown function or an unsafe form is a located error
    before anything runs; ``budget`` needs ``strategy.plan.budget``.
    """
    perspective = sc.section("perspective")
    for kpi in _dict(perspective.get("objectives")):
        path = _PERSPECTIVE + ("objectives", kpi)
        info = KPIS.get(kpi) if isinstance(kpi, str) else None
        if info is None:
            yield Finding(path, _unknown("objective KPI", kpi, dict.fromkeys(OBJECTIVE_KPIS, 0)))
        elif not info.portfolio:
            yield Finding(path, f"{kpi} is reported per service only; objectives weigh portfolio "
                                f"KPIs: {', '.join(OBJECTIVE_KPIS)}")
        elif info.better is None:
            yield Finding(path, f"{kpi} is better neither higher nor lower, so it cannot be an "
                                "objective; weigh what it drives instead (cost, wait_mean_min, ...)")
    has_budget = isinstance(sc.section("plan").get("budget"), dict)
    for i, text in _strings(perspective.get("constraints")):
        path = _PERSPECTIVE + ("constraints", i)
        try:
            expression = parse_expression(text, CONSTRAINT_VOCABULARY)
        except ExpressionError as error:
            yield Finding(path, f"invalid constraint {show(text)}, {error}")
            continue
        if BUDGET in expression.names and not has_budget:
            yield Finding(path, f"constraint {show(text)} uses budget, but strategy.plan.budget is "
                                "not set; add budget: {per_month: ...} to strategy.plan")


CHECKS: tuple[Callable[[_Scenario], Iterator[Finding]], ...] = (
    _duplicate_ids,
    _mix_references,
    _strategy_service_keys,
    _portfolio,
    _plan_references,
    _segment_tiers,
    _unservable,
    _elastic_free_services,
    _roster_overlaps,
    _perspective,
    *STRATEGY_CHECKS,
    *LIFECYCLE_CHECKS,
)
"""Every whole-scenario check, in reporting order."""


def check_scenario(data: Any) -> list[Finding]:
    """Run every whole-scenario check on plain scenario data; return all findings."""
    if not isinstance(data, dict):
        return []
    scenario = _Scenario(data)
    return [finding for check in CHECKS for finding in check(scenario)]
