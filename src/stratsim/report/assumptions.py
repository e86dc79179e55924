"""What a scenario assumed, in a few lines, and what differs between two scenarios.

Both read the copy of the scenario a results folder keeps (``scenario.yaml``: the scenario as
run, ``extends`` resolved) as plain YAML data — never the engine. The digest names horizon,
replications, warm-up, demand, staff and prices in words a meeting reads; the difference is
a table of the settings that changed and a unified diff of the two files.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from stratsim.report.labels import number

Digest = list[tuple[str, str]]


def parse_scenario(text: str | None) -> dict[str, Any] | None:
    """The scenario copy as data; ``None`` when there is none or it is not a YAML mapping."""
    if not text:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


_DURATION = re.compile(r"^([0-9.]+)(s|min|h|d|w)$")


def _text(value: Any) -> str:
    """A YAML value in a line: numbers without trailing zeros, durations spaced (``18 min``),
    lists and maps compact."""
    if isinstance(value, str) and _DURATION.match(value):
        return _DURATION.sub(r"\1 \2", value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return number(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


def _distribution(spec: Any) -> str:
    if not isinstance(spec, Mapping):
        return _text(spec)
    kind = spec.get("dist", "?")
    rest = ", ".join(f"{k} {_text(v)}" for k, v in spec.items() if k != "dist")
    return f"{kind} ({rest})" if rest else str(kind)


def _shares(mapping: Any) -> str:
    if not isinstance(mapping, Mapping):
        return _text(mapping)
    return ", ".join(f"{k} {number(float(v) * 100)} %" for k, v in mapping.items())


def _roster(windows: Any) -> str:
    if not isinstance(windows, list) or not windows:
        return "none"
    return "; ".join(f"{w.get('days', '?')} {w.get('from', '?')}–{w.get('to', '?')}: {w.get('staff', '?')}"
                     for w in windows if isinstance(w, Mapping))


def digest(scenario: Mapping[str, Any], summary: Mapping[str, Any] | None = None) -> Digest:
    """``(topic, text)`` lines: the run's frame, then each service (staff, work, SLA, money),
    then each segment (demand, mix, patience), then the strategy's market prices."""
    lines: Digest = []
    horizon, warmup = scenario.get("horizon"), scenario.get("warmup", "0h")
    lines.append(("horizon", f"{_text(horizon)}, of which warm-up {_text(warmup)} (not measured)"))
    replications = (summary or {}).get("replications", scenario.get("replications"))
    seed = (summary or {}).get("seed", scenario.get("seed"))
    lines.append(("replications", f"{replications} (seed {seed})"))
    if scenario.get("time_bin") is not None:
        lines.append(("time series", f"bins of {_text(scenario['time_bin'])}"))
    if scenario.get("start"):
        lines.append(("calendar start", _text(scenario["start"])))
    rosters = (((scenario.get("strategy") or {}).get("pattern") or {}).get("rosters")) or {}
    for service in scenario.get("services") or []:
        if not isinstance(service, Mapping):
            continue
        sid = service.get("id", "?")
        staff = f"{service.get('staff', '?')} base"
        if rosters.get(sid):
            staff += f"; roster {_roster(rosters[sid])}"
        lines.append((f"{sid}: staff", staff))
        capacity = service.get("queue_capacity")
        lines.append((f"{sid}: work", f"service time {_distribution(service.get('service_time'))}; "
                      + ("unlimited queue" if capacity is None else f"queue of {capacity} places")))
        sla = service.get("sla")
        if isinstance(sla, Mapping):
            lines.append((f"{sid}: SLA", f"{number(float(sla.get('attainment', 0.8)) * 100)} % within "
                                         f"{_text(sla.get('wait'))}"))
        costs = service.get("costs") or {}
        money = f"price {_text(service.get('price', 0))}"
        if costs:
            money += (f"; cost {_text(costs.get('staff_hour', 0))}/staff-hour, "
                      f"{_text(costs.get('per_request', 0))}/request, {_text(costs.get('fixed_per_day', 0))}/day")
        lines.append((f"{sid}: money", money))
        tiers = service.get("tiers") or []
        if tiers:
            described = []
            for tier in tiers:
                text = f"{tier.get('id')} (priority {tier.get('priority')}, price ×{_text(tier.get('price_factor', 1))}"
                if isinstance(tier.get("sla"), Mapping):
                    text += (f", SLA {number(float(tier['sla'].get('attainment', 0.8)) * 100)} % within "
                             f"{_text(tier['sla'].get('wait'))}")
                described.append(text + ")")
            lines.append((f"{sid}: tiers", "; ".join(described)))
    for segment in scenario.get("segments") or []:
        if not isinstance(segment, Mapping):
            continue
        gid = segment.get("id", "?")
        demand = (f"{_text(segment.get('rate'))} per hour at profile 1; daily {_text(segment.get('daily_profile', 'flat'))}; "
                  f"weekly {_text(segment.get('weekly_profile', 'flat'))}")
        growth = segment.get("growth_per_year")
        if growth:
            demand += f"; growth {number(float(growth) * 100)} % a year"
        elasticity = segment.get("price_elasticity")
        if elasticity:
            demand += f"; price elasticity {_text(elasticity)}"
        lines.append((f"{gid}: demand", demand))
        mix = f"mix {_shares(segment.get('mix'))}"
        if segment.get("tiers"):
            mix += f"; tiers {_shares(segment['tiers'])}"
        lines.append((f"{gid}: mix", mix))
        patience = segment.get("patience")
        behaviour = f"patience {_distribution(patience) if patience else 'unlimited'}"
        if segment.get("balk_at") is not None:
            behaviour += f"; balks when {segment['balk_at']} are waiting"
        lines.append((f"{gid}: behaviour", behaviour))
    market = ((scenario.get("strategy") or {}).get("position") or {}).get("market_price")
    if market:
        lines.append(("market prices", _text(market)))
    return lines


def side_by_side(digests: Mapping[str, Digest]) -> tuple[list[str], list[tuple[str, list[str], bool]]]:
    """Topics of several digests aligned: ``(topic, text per scenario, differs)`` in first-seen order."""
    topics: dict[str, None] = {}
    by_name = {}
    for name, lines in digests.items():
        by_name[name] = dict(lines)
        topics.update(dict.fromkeys(topic for topic, _ in lines))
    names = list(digests)
    rows = []
    for topic in topics:
        texts = [by_name[n].get(topic, "–") for n in names]
        rows.append((topic, texts, len(set(texts)) > 1))
    return names, rows


# -- differences -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One setting that differs: its path and its values in the baseline and the scenario."""

    path: str
    before: str
    after: str


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Leaves of YAML data by path; list items with an ``id`` are named by it (``services[helpdesk]``)."""
    if isinstance(value, Mapping):
        if not value:
            return {path: "{}"}
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(value, list):
        if value and all(isinstance(item, Mapping) and "id" in item for item in value):
            out = {}
            for item in value:
                out.update(_flatten({k: v for k, v in item.items() if k != "id"}, f"{path}[{item['id']}]"))
            return out
        if value and any(isinstance(item, (Mapping, list)) for item in value):
            out = {}
            for i, item in enumerate(value):
                out.update(_flatten(item, f"{path}[{i}]"))
            return out
        return {path: value}
    return {path: value}


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Settings that differ between two scenarios, in the order of the files."""
    old, new = _flatten(before), _flatten(after)
    out = []
    for path in dict.fromkeys([*old, *new]):
        if old.get(path, _MISSING) != new.get(path, _MISSING):
            out.append(Change(path, _text(old[path]) if path in old else "(not set)",
                              _text(new[path]) if path in new else "(not set)"))
    return out


_MISSING = object()


@dataclass(frozen=True)
class DiffLine:
    css: str
    text: str


def unified_diff(before: str, after: str, before_name: str, after_name: str) -> list[DiffLine]:
    """A unified diff of two files, each line classed (``add``, ``del``, ``hunk``, ``file``, ``ctx``)."""
    lines = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), before_name, after_name,
                                     n=2, lineterm=""):
        if line.startswith(("+++", "---")):
            css = "file"
        elif line.startswith("@@"):
            css = "hunk"
        elif line.startswith("+"):
            css = "add"
        elif line.startswith("-"):
            css = "del"
        else:
            css = "ctx"
        lines.append(DiffLine(css, line))
    return lines


def differences(baseline: str, texts: Mapping[str, str | None]) -> tuple[list[dict[str, Any]], list[str]]:
    """For each scenario but the baseline: its changed settings and the diff of the files;
    and the names whose file is missing."""
    missing = [name for name, text in texts.items() if not text]
    base_text = texts.get(baseline)
    if not base_text:
        return [], missing
    base_data = parse_scenario(base_text) or {}
    out = []
    for name, text in texts.items():
        if name == baseline or not text:
            continue
        out.append({
            "baseline": baseline, "scenario": name,
            "changes": changes(base_data, parse_scenario(text) or {}),
            "lines": unified_diff(base_text, text, f"{baseline}/scenario.yaml", f"{name}/scenario.yaml"),
        })
    return out, missing


def differing_paths(diffs: Sequence[dict[str, Any]]) -> set[str]:
    return {change.path for diff in diffs for change in diff["changes"]}
