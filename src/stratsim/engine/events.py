"""The one event type the engine schedules, and the fixed order of simultaneous events.

A SimPy process per customer costs a generator, a process object and several events; the
engine instead schedules a :class:`Callback` — an already-triggered event carrying the
customer as its value — directly on the environment's heap. The loop (:func:`run_until`,
SimPy's own ``step`` written out) pops it at its time and calls the function with the event.
This is how the engine keeps its per customer cost near that of SimPy's event loop itself.

**Simultaneous events.** SimPy's heap orders events by ``(time, priority, insertion
number)``. Every callback carries a :class:`Priority`, so events at the same instant happen
in one documented order whatever the order they were scheduled in:

1. ``BOOKKEEPING`` — the end of the warm-up, the horizon, time-bin closes: they observe the
   state just before the instant's changes;
2. ``STAFFING`` — roster changes: so a server whose shift ends at 08:00 takes no new
   customer at 08:00;
   ``STRATEGY`` — then the strategy's changes at that instant (dated actions, promotions,
   pricing, rules, reviews), in the order of :mod:`stratsim.engine.strategy`, which see the
   roster in force and change things before any customer moves;
3. ``DEPARTURE`` — service completions: a server freed at an instant serves a waiting
   customer whose patience runs out at that instant, and an arrival at that instant;
4. ``RENEGE`` — patience running out;
5. ``ARRIVAL`` — new customers, who find the state every other change has left.

Events of one kind at one instant commute (two departures at one station start the same
waiting customers in either order), so insertion order decides nothing that is measured.

This relies on how SimPy 4 represents a triggered event (``_ok``, ``_value``, ``callbacks``)
and on its heap entries; ``pyproject.toml`` pins ``simpy<5`` for that reason, and
``tests/engine/test_station.py`` exercises it directly.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from heapq import heappop, heappush
from typing import Any

from simpy.core import Environment
from simpy.events import Event


class Priority(IntEnum):
    """Order of events at the same instant: lower first (see the module docstring)."""

    BOOKKEEPING = 0
    STAFFING = 1
    STRATEGY = 2
    DEPARTURE = 3
    RENEGE = 4
    ARRIVAL = 5


#: The customer journey's priorities under plain names: reading ``Priority.DEPARTURE`` goes
#: through the enum class (about 0.1 µs), which a long run would pay once per event.
DEPARTURE, RENEGE, ARRIVAL = Priority.DEPARTURE, Priority.RENEGE, Priority.ARRIVAL


class Callback(Event):
    """Call ``function(event)`` at absolute time ``at_h``; ``event.value`` is ``value``.

    The time is absolute, not a delay, so two events meant for the same instant (a roster
    change at 08:00 and a departure at 07:00 + 1 h) land on exactly the same float.
    """

    def __init__(
        self,
        env: Environment,
        at_h: float,
        priority: Priority,
        function: Callable[[Event], None],
        value: Any = None,
    ) -> None:
        self.env = env
        self.callbacks = [function]
        self._value = value
        self._ok = True
        heappush(env._queue, (at_h, priority, next(env._eid), self))  # type: ignore[attr-defined]


def run_until(env: Environment, last: Event) -> None:
    """Process the scheduled events in order up to and including ``last``.

    SimPy's ``Environment.run(until=last)`` with its ``step`` written out, since this loop runs
    once per event of a run. What ``step`` does besides is not needed here: every event the
    engine schedules is a :class:`Callback`, born triggered and never failed, and ``last`` is
    on the heap before the loop starts, so the heap cannot run dry first."""
    queue = env._queue  # type: ignore[attr-defined]
    while True:
        env._now, _, _, event = heappop(queue)  # type: ignore[attr-defined]
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            callback(event)
        if event is last:
            return
