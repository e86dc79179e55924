"""Analytical companions to the simulation engine.

Submodules:

``stratsim.analysis.queueing``
    Closed-form and exactly solved queueing-theory results (Erlang B/C/A, M/M/c/K,
    M/G/1, priority queues, Jackson networks, staffing). Users take these as first
    estimates of a scenario; the validation tests compare simulated output with them.

The submodules are not imported here, so that ``import stratsim.analysis`` stays cheap;
import the one you need, e.g. ``from stratsim.analysis import queueing``.
"""

from __future__ import annotations
