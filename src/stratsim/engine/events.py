"""The one event type the engine schedules: a callback at a later time, on SimPy's clock.

A SimPy process per customer costs a generator, a process object and several events; the
engine instead schedules a :class:`Callback` — an already-triggered event carrying the
customer as its value — directly on the environment's heap. SimPy's own loop pops it at
its time and calls the function with the event. This is how the engine keeps its per
customer cost near that of SimPy's event loop itself.

This relies on how SimPy 4 represents a triggered event (``_ok``, ``_value``, ``callbacks``)
and on ``Environment.schedule``; ``pyproject.toml`` pins ``simpy<5`` for that reason, and
``tests/engine/test_station.py`` exercises it directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simpy.core import Environment
from simpy.events import NORMAL, Event


class Callback(Event):
    """Call ``function(event)`` after ``delay_h`` hours; ``event.value`` is ``value``."""

    def __init__(
        self, env: Environment, delay_h: float, function: Callable[[Event], None], value: Any = None
    ) -> None:
        self.env = env
        self.callbacks = [function]
        self._value = value
        self._ok = True
        env.schedule(self, NORMAL, delay_h)
