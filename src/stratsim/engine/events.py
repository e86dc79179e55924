"""The engine's clock: SimPy's environment, whose agenda also holds plain calls, and the fixed
order of simultaneous events.

A SimPy process per customer costs a generator, a process object and several events. The
engine schedules instead a **call** — ``function(value)`` at an absolute time — straight on
the environment's heap, as the entry ``(at_h, priority, id, function, value)`` next to
SimPy's own ``(time, priority, id, event)`` entries. The loop (:func:`run_until`) pops a call
and makes it: no event object, no callback list, for each of the two or three events a
customer causes. This is how the engine keeps its per customer cost near that of a bare
callback loop.

A :class:`Clock` is still a complete SimPy environment: its :meth:`Clock.step` makes a call
or processes a SimPy event, whichever is next, so ``Clock.run()``, timeouts and processes work
on it, interleaved with the engine's calls in one order.

**Simultaneous events.** The heap orders entries by ``(time, priority, id)``, ids counting
up as entries are scheduled. Every call carries a :class:`Priority`, so events at the same
instant happen in one documented order whatever the order they were scheduled in:

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

This relies on how SimPy 4 represents its heap (``_queue``, ``_eid``, ``_now``);
``pyproject.toml`` pins ``simpy<5`` for that reason, and ``tests/engine/test_events.py``
exercises it directly.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from heapq import heappop, heappush
from typing import Any

from simpy.core import Environment


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

#: A call's heap entry: ``(at_h, priority, id, function, value)``; SimPy's own have 4 items.
CALL_ENTRY = 5

Call = Callable[[Any], None]


class Clock(Environment):
    """SimPy's environment, whose heap also holds the engine's calls (see the module docstring)."""

    def step(self) -> None:
        """Make the next call, or process the next SimPy event (SimPy's own ``step``)."""
        queue = self._queue  # type: ignore[attr-defined]
        if queue and len(queue[0]) == CALL_ENTRY:
            self._now, _, _, function, value = heappop(queue)
            function(value)
        else:
            super().step()


def schedule(clock: Clock, at_h: float, priority: Priority, function: Call, value: Any = None) -> int:
    """Call ``function(value)`` at absolute time ``at_h``; return the call's id.

    The time is absolute, not a delay, so two events meant for the same instant (a roster
    change at 08:00 and a departure at 07:00 + 1 h) land on exactly the same float. The hot
    paths (an arrival, a departure) push the same entry themselves, without this call.
    """
    entry_id = next(clock._eid)  # type: ignore[attr-defined]
    heappush(clock._queue, (at_h, priority, entry_id, function, value))  # type: ignore[attr-defined]
    return entry_id


def run_until(clock: Clock, last: int) -> None:
    """Make the scheduled calls in order up to and including the one whose id is ``last``.

    :meth:`Clock.step` written out, since this loop runs once per event of a run: the engine
    schedules only calls (a SimPy event on the heap would stop it with a ``ValueError``: run
    those with ``Clock.run``), and ``last`` is on the heap before the loop starts, so the heap
    cannot run dry first."""
    queue = clock._queue  # type: ignore[attr-defined]
    while True:
        clock._now, _, entry_id, function, value = heappop(queue)  # type: ignore[attr-defined]
        function(value)
        if entry_id == last:
            return


def run_while(clock: Clock, until_h: float, going: Callable[[], bool]) -> None:
    """Make the scheduled calls in order while the next is due by ``until_h`` and ``going()``
    (asked before each call); calls only, as :func:`run_until`."""
    queue = clock._queue  # type: ignore[attr-defined]
    while queue and queue[0][0] <= until_h and going():
        clock._now, _, _, function, value = heappop(queue)  # type: ignore[attr-defined]
        function(value)
