"""The scenario-file reference (``docs/scenario-reference.md``), generated from the models.

Every field of every scenario model gets a row: its YAML path, type (with the limits the model
enforces), default, unit, meaning and whether this release simulates it. The meaning and unit
are the field's docstring (``Unit: ...`` at its end), so the reference, the JSON Schema for
editors and the loader's hints say the same thing; "supported" comes from
:data:`~stratsim.scenario.support.UNSUPPORTED`; presets, duration units and day words from their
own tables. Nothing here is typed twice, so the reference cannot drift from what the loader
accepts: ``tests/scenario/test_scenario_reference.py`` fails when the committed file differs from
:func:`scenario_reference`. Regenerate it with::

    python -m stratsim.scenario.reference > docs/scenario-reference.md
"""

from __future__ import annotations

import datetime
import inspect
import re
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .base import one_line
from .distributions import Distribution
from .durations import HOURS_PER_UNIT, Duration, PositiveDuration
from .durations import is_duration_type as _is_duration
from .models import DailyProfile, Identifier, Scenario, ScenarioName, WeeklyProfile
from .profiles import DAILY_PRESETS, WEEKLY_PRESETS
from .rosters import DAY_GROUPS, DAY_NAMES, DaySpec, EndClock, StartClock
from .schema import EXTENDS_DESCRIPTION
from .support import UNSUPPORTED

REGENERATE = "python -m stratsim.scenario.reference > docs/scenario-reference.md"

#: Named field types, shown by name rather than by what they are made of.
NAMED_TYPES: tuple[tuple[Any, str], ...] = (
    (Duration, "[duration](#durations)"),
    (PositiveDuration, "[duration](#durations)"),
    (Distribution, "[distribution](#duration-distributions)"),
    (DailyProfile, "[daily profile](#daily-profiles)"),
    (WeeklyProfile, "[weekly profile](#weekly-profiles)"),
    (Identifier, "id"),
    (ScenarioName, "name"),
    (DaySpec, "[days](#roster-days)"),
    (StartClock, '"HH:MM"'),
    (EndClock, '"HH:MM" or "24:00"'),
)
SIMPLE_TYPES: dict[Any, str] = {
    int: "integer", float: "number", str: "text", bool: "`true` or `false`",
    datetime.date: "date (YYYY-MM-DD)", Any: "anything",
}  # fmt: skip
LIMITS: tuple[tuple[type, str, str], ...] = (
    (annotated_types.Gt, "gt", ">"),
    (annotated_types.Ge, "ge", "≥"),
    (annotated_types.Lt, "lt", "<"),
    (annotated_types.Le, "le", "≤"),
    (annotated_types.MinLen, "min_length", "length ≥"),
    (annotated_types.MaxLen, "max_length", "length ≤"),
)
KEY = re.compile(r"(?P<what>\w+) (?P<kind>id|name) →")
UNIT = re.compile(r"\s*Unit: (?P<unit>[^.]+)\.\s*$")
UNIT_NAMES = {"s": "seconds", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Section:
    """One model and the YAML paths where it appears (``[*]`` = every list item)."""

    model: type[BaseModel]
    paths: tuple[str, ...]


def scenario_reference() -> str:
    """The scenario-file reference in Markdown (the text of ``docs/scenario-reference.md``)."""
    sections, distributions = _sections(Scenario)
    parts = [_INTRO.format(regenerate=REGENERATE), _durations()]
    parts += [_model_section(section, level="##") for section in sections]
    parts.append(_DISTRIBUTIONS_INTRO)
    parts += [_model_section(section, level="###") for section in distributions]
    parts += [_profiles(), _days(), _RULES]
    return "\n\n".join(part.strip("\n") for part in parts) + "\n"


# -- walking the models -------------------------------------------------------------------------


def _sections(root: type[BaseModel]) -> tuple[list[Section], list[Section]]:
    """Models in the order a reader meets them (depth first), and the distributions apart."""
    paths: dict[type[BaseModel], list[str]] = {}
    union_members: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel], path: str) -> None:
        paths.setdefault(model, []).append(path)
        for name, hint in _hints(model):
            for child, suffix, in_union in _models_in(hint, model.model_fields[name]):
                if in_union:
                    union_members.add(child)
                visit(child, f"{_join(path, _yaml_name(model, name))}{suffix}")

    visit(root, "")
    ordered = [Section(m, tuple(p)) for m, p in paths.items()]
    return ([s for s in ordered if s.model not in union_members],
            [s for s in ordered if s.model in union_members])


def _hints(model: type[BaseModel]) -> list[tuple[str, Any]]:
    """``(field name, annotation with Annotated kept)`` for the model's fields, in order.

    A field typed by a single literal (a distribution's ``dist``) comes first, as it selects
    what the other fields mean.
    """
    hints = get_type_hints(model, include_extras=True)
    fields = [(name, hints[name]) for name in model.model_fields]
    return sorted(fields, key=lambda item: get_origin(item[1]) is not Literal)


def _models_in(hint: Any, field: FieldInfo) -> Iterator[tuple[type[BaseModel], str, bool]]:
    """Models inside a field's type: ``(model, path suffix, reached through a union)``."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        yield from _models_in(args[0], field)
    elif origin in (Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        through_union = len(members) > 1
        for member in members:
            for model, suffix, nested in _models_in(member, field):
                yield model, suffix, nested or through_union
    elif origin is list:
        for model, suffix, nested in _models_in(args[0], field):
            yield model, f"[*]{suffix}", nested
    elif origin is dict:
        for model, suffix, nested in _models_in(args[1], field):
            yield model, f".<{_key_name(field)}>{suffix}", nested
    elif inspect.isclass(hint) and issubclass(hint, BaseModel):
        yield hint, "", False


def _key_name(field: FieldInfo) -> str:
    """What a mapping's keys are, from its description ("Service id → ..." → ``service``)."""
    match = KEY.match(one_line(field.description or ""))
    return match.group("what").lower() if match else "key"


def _key_kind(field: FieldInfo) -> str | None:
    """A mapping's keys as its description names them ("Service id → ..." → ``service id``)."""
    match = KEY.match(one_line(field.description or ""))
    if match is None:
        return None
    what = match.group("what")
    what = what if what.isupper() else what.lower()  # "Service" → "service", "KPI" stays
    return f"{what} {match.group('kind')}"


def _yaml_name(model: type[BaseModel], name: str) -> str:
    return model.model_fields[name].alias or name


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# -- one model ----------------------------------------------------------------------------------


def _model_section(section: Section, level: str) -> str:
    model = section.model
    where = ", ".join(f"`{p}`" for p in section.paths) if section.paths != ("",) else "the top level"
    lines = [
        f"{level} {model.__name__}",
        "",
        f"{one_line(inspect.getdoc(model) or '')} At {where}.",
        "",
        "| YAML path | type | default | unit | meaning | supported |",
        "|---|---|---|---|---|---|",
    ]
    if model is Scenario:
        lines.append(_row(["`extends`", "text (a file path)", "absent", "—",
                           EXTENDS_DESCRIPTION, "yes"]))
    for name, hint in _hints(model):
        field = model.model_fields[name]
        yaml_name = _yaml_name(model, name)
        paths = [_join(p, yaml_name) for p in section.paths]
        meaning, unit = _meaning_and_unit(field, hint)
        lines.append(_row([
            "<br>".join(f"`{p}`" for p in paths),
            _type(hint, _key_kind(field)) + _limits(field.metadata),
            _default(field, hint),
            unit,
            meaning,
            _support(paths),
        ]))
    return "\n".join(lines)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _meaning_and_unit(field: FieldInfo, hint: Any) -> tuple[str, str]:
    """The field's docstring, with its ``Unit: ...`` sentence taken out into the unit column."""
    text = one_line(field.description or "")
    match = UNIT.search(text)
    if match:
        return text[: match.start()], match.group("unit")
    return text, "time" if _is_duration(hint) else "—"


def _has(hint: Any, alias: Any) -> bool:
    """Whether ``alias`` is the annotation or one of the members of its union."""
    return hint == alias or any(arg == alias for arg in get_args(hint))


def _type(hint: Any, keys: str | None = None) -> str:
    """A field's type in words; ``keys`` names a mapping's keys (else their type is shown)."""
    for alias, text in NAMED_TYPES:
        if hint == alias:
            return text
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return _type(args[0], keys) + _limits(args[1:])
    if origin in (Union, types.UnionType):
        return " or ".join(_type(a, keys) for a in args if a is not type(None))
    if origin is Literal:
        return " or ".join(f"`{value}`" for value in args)
    if origin is list:
        return f"list of {_type(args[0])}"
    if origin is dict:
        return f"mapping {keys or _type(args[0])} → {_type(args[1])}"
    if inspect.isclass(hint) and issubclass(hint, BaseModel):
        return f"[{hint.__name__}](#{hint.__name__.lower()})"
    return SIMPLE_TYPES.get(hint, getattr(hint, "__name__", str(hint)))


def _limits(metadata: Any) -> str:
    """The numeric limits among a type's metadata, e.g. ``" ≥ 0, ≤ 1"``."""
    found = []
    for item in metadata:
        if isinstance(item, FieldInfo):
            found.append(_limits(item.metadata).strip(", "))
            continue
        for kind, attribute, symbol in LIMITS:
            if isinstance(item, kind):
                found.append(f"{symbol} {getattr(item, attribute):g}")
    found = [f for f in found if f]
    return (" " + ", ".join(found)) if found else ""


def _default(field: FieldInfo, hint: Any) -> str:
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "all defaults"
        return "`[]`" if isinstance(value, list) else "`{}`"
    value = field.default
    if value is None:
        return "absent"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f"`{value}`" if value else '`""`'
    if _is_duration(hint):
        return f"`{value:g}h`"
    return f"`{value:g}`" if isinstance(value, (int, float)) else f"`{value}`"


def _support(paths: list[str]) -> str:
    """"yes", or why not: the unsupported-features table decides."""
    verdicts = dict.fromkeys(_support_of(path) for path in paths)
    return "; ".join(verdicts)


def _support_of(path: str) -> str:
    for pattern, _used, reason in UNSUPPORTED:
        if path == pattern:
            return f"not yet ({reason}): only the default is accepted"
        if path.startswith((f"{pattern}.", f"{pattern}[")):
            return f"not yet ({reason}): see `{pattern}`"
    return "yes"


# -- fixed tables from their sources ------------------------------------------------------------


def _durations() -> str:
    units = ", ".join(f"`{unit}` ({UNIT_NAMES.get(unit, unit)}, {hours:g} h)"
                      for unit, hours in HOURS_PER_UNIT.items() if hours >= 1)
    small = ", ".join(f"`{unit}` ({UNIT_NAMES.get(unit, unit)})"
                      for unit, hours in HOURS_PER_UNIT.items() if hours < 1)
    return f"""
## Durations

Every time in a scenario is a duration: a number followed by a unit,
{small}, {units};
decimals are allowed (`1.5d`, `208333.3h`), a space before the unit too (`15 min`), and a bare
number is hours (`0.25` = 15 minutes). Durations are ≥ 0 and stored in hours; any other unit
or form is refused with the accepted forms in the message. The clock starts on a Monday at
00:00, so a time such as a promotion's `from: 14d` is Monday of the third week, 00:00.
"""


def _profiles() -> str:
    daily = "\n".join(f"| `{name}` | {', '.join(f'{v:g}' for v in factors)} |"
                      for name, factors in DAILY_PRESETS.items())
    weekly = "\n".join(f"| `{name}` | {', '.join(f'{v:g}' for v in factors)} |"
                       for name, factors in WEEKLY_PRESETS.items())
    return f"""
## Daily profiles

`segments[*].daily_profile` is one of these names or a list of 24 factors ≥ 0, hour 00:00-01:00
first. Factors multiply the rate as written (a list is not rescaled); the presets average 1.0
over the day, so switching between them reshapes a day without changing its number of
customers.

| preset | factors, hour 0 to hour 23 |
|---|---|
{daily}

## Weekly profiles

`segments[*].weekly_profile` is one of these names or a list of 7 factors ≥ 0, Monday first,
used as written.

| preset | factors, Monday to Sunday |
|---|---|
{weekly}
"""


def _days() -> str:
    groups = ", ".join(
        f"`{word}` ({', '.join(DAY_NAMES[d] for d in days)})" for word, days in DAY_GROUPS.items()
    )
    return f"""
## Roster days

`days` of a roster window names the days the window starts on, as a text or a list of texts:
day names, three-letter (`{'`, `'.join(DAY_NAMES)}`) or full, any case;
ranges `mon-fri`, which may wrap (`fri-mon` is Friday to Monday); comma lists `mon,wed,fri`;
and the words {groups}.
A day named twice counts once. A window runs from `from` to `to` on each of its days;
one whose `to` is not after its `from` runs past midnight into the next day (Sunday's into
Monday's), and windows of one service must not overlap anywhere in the week.
"""


_INTRO = """
# Scenario file reference

<!-- Generated from the scenario models by `{regenerate}`.
     Do not edit by hand: a test fails when this file and the models disagree. -->

A scenario is a YAML file: the services of a portfolio, the customer segments whose demand
they meet, a strategy, and the run settings. This page lists every field the format accepts.
What the numbers mean once simulated is in [the model](model.md); what a run reports, in
[the KPI reference](kpis.md). For completion and checking in an editor, `stratsim schema >
stratsim.schema.json` gives the JSON Schema of the same models, with the same descriptions.

How to read the tables:

* **YAML path**: where the field sits; `[*]` stands for every item of a list, `<service>`
  (or another word in angle brackets) for every key of a mapping.
* **type**: the limits shown (≥ 0, > 0, ...) are enforced; other rules are in the meaning and
  under [rules across fields](#rules-across-fields). Types are strict: `"5"` is not a number,
  `yes` is not `true`, and `.inf` or `.nan` are refused.
* **default**: "required" fields must be given; "absent" means the field may be left out and
  then has no value (the meaning says what that does).
* **unit**: money is in the scenario's own currency, whatever it is; every duration is
  written with its own unit (see [durations](#durations)).
* **supported**: "yes", or "not yet": this release accepts such a field only at its default
  and refuses any other value with a located "not supported yet" error, rather than running
  as if it were absent.

Unknown fields are errors (with a "did you mean"), and every error of a file is reported at
once, each with its file, line, column and field. A file with `extends` holds only what differs
from its base: mappings merge key by key, lists of items with an `id` merge by id (an item
with a new id is added), any other value replaces the base's; the merged result must then be a
complete scenario.
"""

_DISTRIBUTIONS_INTRO = """
## Duration distributions

`services[*].service_time` and `segments[*].patience` are distributions of durations, chosen by
`dist`; every parameter is a [duration](#durations). Each customer draws its own value.
"""

_RULES = """
## Rules across fields

Checked on the whole file, and reported together with the field errors:

* service ids are unique, segment ids are unique, and tier ids are unique within a service;
* every key of a segment's `mix`, of `strategy.pattern.rosters` and of
  `strategy.position.market_price` is a service id; the ids in `target_segments`, and the
  services and segments named by pricing rules and promotions, exist;
* a tier a segment's `tiers` gives a share > 0 must be a tier of every service the segment
  asks for (`mix` share > 0) that declares tiers (a service without declared tiers serves
  everyone in one implicit tier);
* a service that has demand and a waiting room (`queue_capacity` absent or > 0) must have
  staff at some hour of the week, from `staff` or a roster window: otherwise its customers
  would wait for ever (`queue_capacity: 0` makes it a pure loss system instead);
* a segment with a price elasticity cannot ask for a free service that has a market price
  (its demand would be infinite), and a price so far below the market price that the demand
  overflows is refused;
* roster windows of one service do not overlap at any hour of the week;
* a service does not depend on itself or on an unknown service, and blocking dependencies form
  no cycle (the error names it: `helpdesk → identity → helpdesk`); a fallback is another
  existing service;
* a service depends on no service that is not offered whenever it is, within the horizon: not
  on a retired service, not on a pipeline service before that one's launch (the `launch` field
  or the plan's earliest `launch` action), not on a service after that one's `retire` (see
  [the portfolio graph](portfolio.md));
* ids of segments, services and (segment, service) pairs must not collide on their 32-bit
  random-stream keys (astronomically rare; rename one if it happens).
"""


def main() -> None:
    """Print the reference (``python -m stratsim.scenario.reference > docs/...``)."""
    print(scenario_reference(), end="")


if __name__ == "__main__":
    main()
