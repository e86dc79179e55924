"""A service station: servers, a waiting room with priority levels, and its own clock sums.

Semantics (``docs/model.md``, "Stations"; a contract):

* a customer who finds a free server starts at once; otherwise, if ``queue_capacity``
  waiting places are taken, they are **blocked**; else if the number waiting is at least
  their segment's ``balk_at`` they **balk**; else they wait;
* the waiting room holds one FIFO queue per priority level; the lowest level is served first,
  never preempting a customer in service;
* a waiting customer whose patience runs out **reneges**; reneged customers are left in
  their deque and skipped when reached (removal from the middle of a deque would cost
  O(queue) per customer), so ``waiting`` — not the deques' lengths — is the queue length;
* when staff drops below the number busy, the extra servers finish their customers first and
  count as staffed until they do: staffed servers are ``max(staff, busy)`` at all times;
* a completion is booked to the period account of the customer's (segment, tier) only while
  the station is ``counting`` — inside the measured window — whichever cohort it belongs to.

The station integrates the number waiting, busy and staffed over time (``*_area`` in
server-hours), and counts its arrivals, starts of service and their waits, so that time
averages over any window are differences of two snapshots. The
number waiting and busy change at every event and are integrated as the clock advances; the
staffed count changes only at roster changes and overruns, and is integrated piecewise between
those, so a constant staff gives exactly ``staff × hours`` whatever the events in between
(replications that staff alike then report identical staffed hours, with zero variance).
The staff on duty, the surge staff among them and the price are integrated the same way
(``staff_area``, ``surge_area``, ``price_area``) for the time series and the overtime cost.

A :class:`PricedStation` is a station whose price can change during the run: each customer
carries the price quoted at arrival, and completions are booked per quote (``Account``).
"""

from __future__ import annotations

import math
from collections import deque
from heapq import heappush
from typing import TYPE_CHECKING

from stratsim.economics.satisfaction import BEST, SCORE_LOST, score_served
from stratsim.engine.cells import Cell
from stratsim.engine.events import DEPARTURE, Clock
from stratsim.engine.model import StationSpec

if TYPE_CHECKING:
    from stratsim.engine.recording import BinRecorder

WAITING = 0
IN_SERVICE = 1
GONE = 2

#: Stands for "no limit" in integer comparisons on the hot path.
UNLIMITED = 1 << 62


class Customer:
    """One customer (or request) at a station, with the attributes drawn at arrival."""

    __slots__ = ("arrival_h", "work_h", "level", "cell", "state", "sends", "complaint_u")
    # ``sends`` (the dependency edges it will send requests on) is set only at stations that take
    # part in dependencies (:mod:`stratsim.engine.dependencies`); elsewhere it is never read.
    # ``complaint_u`` (the uniform deciding whether it complains) is drawn at arrival for the
    # customers of a segment that may complain (:mod:`stratsim.engine.relationship`) only.

    def __init__(self, arrival_h: float, work_h: float, level: int, cell: Cell) -> None:
        self.arrival_h = arrival_h
        self.work_h = work_h
        self.level = level
        self.cell = cell
        self.state = WAITING


class QuotedCustomer(Customer):
    """A customer of a service whose price can change: ``quote`` is the price it was quoted at
    arrival, ``(service price, 1 − promotion discount)``."""

    __slots__ = ("quote",)


class Station:
    """The run-time state of one service."""

    def __init__(self, env: Clock, spec: StationSpec, staff: int) -> None:
        self.env = env
        self.spec = spec
        self.staff = staff
        self.busy = 0
        self.waiting = 0
        self.capacity = UNLIMITED if spec.queue_capacity is None else spec.queue_capacity
        self.queues: list[deque[Customer]] = [deque() for _ in range(spec.levels)]
        self.arrivals_total = 0
        self.started_total = 0
        self.wait_total_h = 0.0
        self.counting = False
        self.last_h = 0.0
        self.queue_area = 0.0
        self.busy_area = 0.0
        self.staffed = staff
        self.staffed_since_h = 0.0
        self.staffed_area_before = 0.0
        self.offered = True
        self.surge = 0
        self.duty_since_h = 0.0
        self.staff_area_before = 0.0
        self.surge_area_before = 0.0
        self.price = spec.price
        self.price_since_h = 0.0
        self.price_area_before = 0.0
        self.recorder: BinRecorder | None = None
        self._departure = self._depart   # the bound method made once, not once per customer
        self._agenda, self._ids = env._queue, env._eid   # type: ignore[attr-defined]
        self.bin_due_h = math.inf
        """End of the time series' current bin: a change at or after it closes the bin first."""

    # -- clock sums -------------------------------------------------------------------
    def advance(self, now: float) -> None:
        """Bring the clock sums up to ``now``, just before the station's state changes: first
        close the time-series bins that ended by then (every station's), then add the time
        since the last change to the waiting and busy integrals."""
        if now >= self.bin_due_h:
            self.recorder.close_until(now)  # type: ignore[union-attr]
        dt = now - self.last_h
        if dt > 0.0:
            self.queue_area += self.waiting * dt
            self.busy_area += self.busy * dt
            self.last_h = now

    def staffed_area(self, now: float) -> float:
        """Staffed server-hours from time 0 to ``now``."""
        return self.staffed_area_before + self.staffed * (now - self.staffed_since_h)

    def _restaff(self, now: float) -> None:
        """Close the current staffed piece if ``max(staff, busy)`` has changed."""
        staffed = self.staff if self.staff > self.busy else self.busy
        if staffed != self.staffed:
            self.staffed_area_before = self.staffed_area(now)
            self.staffed = staffed
            self.staffed_since_h = now

    def staff_area(self, now: float) -> float:
        """Server-hours of staff on duty (surge included, overrun not) from time 0 to ``now``."""
        return self.staff_area_before + self.staff * (now - self.duty_since_h)

    def surge_area(self, now: float) -> float:
        """Server-hours of surge staff on duty from time 0 to ``now``."""
        return self.surge_area_before + self.surge * (now - self.duty_since_h)

    def price_area(self, now: float) -> float:
        """The price integrated over time from 0 to ``now`` (currency × hours)."""
        return self.price_area_before + self.price * (now - self.price_since_h)

    def set_price(self, price: float) -> None:
        """Change the service's price (strategy events only)."""
        now = self.env._now
        self.advance(now)   # closes the time series' bins that ended before the change
        self.price_area_before = self.price_area(now)
        self.price = price
        self.price_since_h = now

    @property
    def in_system(self) -> int:
        return self.waiting + self.busy

    # -- customer journey -------------------------------------------------------------
    def arrive(self, customer: Customer, now: float, balk_at: int) -> bool:
        """Admit, start, block or balk an arriving customer; True if they now wait in queue."""
        self.advance(now)
        cell = customer.cell
        cell.arrivals += 1
        self.arrivals_total += 1
        if self.busy < self.staff:
            cell.in_system += 1
            self._start(customer, now)
            return False
        waiting = self.waiting
        if waiting >= self.capacity:
            cell.blocked += 1
            cell.scoring = customer
            cell.satisfaction_sum += SCORE_LOST
            return False
        if waiting >= balk_at:
            cell.balked += 1
            cell.scoring = customer
            cell.satisfaction_sum += SCORE_LOST
            return False
        self.waiting = waiting + 1
        cell.in_system += 1
        self.queues[customer.level].append(customer)
        return True

    def renege(self, customer: Customer) -> None:
        """Patience ran out: leave the queue if still waiting (else nothing happens)."""
        if customer.state != WAITING:
            return
        self.advance(self.env._now)
        customer.state = GONE
        self.waiting -= 1
        cell = customer.cell
        cell.reneged += 1
        cell.in_system -= 1
        cell.scoring = customer
        cell.satisfaction_sum += SCORE_LOST

    def set_staff(self, staff: int, surge: int = 0) -> None:
        """Change the number of servers on duty (``surge`` of them surge staff); new servers take
        waiting customers at once."""
        now = self.env._now
        self.advance(now)
        self.staff_area_before = self.staff_area(now)
        self.surge_area_before = self.surge_area(now)
        self.duty_since_h = now
        self.staff = staff
        self.surge = surge
        self._start_waiting(now)
        self._restaff(now)

    def rearrive(self, customer: Customer, now: float, balk_at: int) -> bool:
        """A deferred customer, already counted among its cohort's arrivals, reaches the station."""
        customer.cell.arrivals -= 1
        return self.arrive(customer, now, balk_at)

    def withdraw(self) -> None:
        """The service is retired: waiting customers leave unserved, counted as unavailable.

        Customers in service finish (their servers' overrun counts as staffed time).
        """
        self.advance(self.env._now)
        self.offered = False
        for queue in self.queues:
            for customer in queue:
                if customer.state == WAITING:
                    customer.state = GONE
                    cell = customer.cell
                    cell.unavailable += 1
                    cell.in_system -= 1
                    cell.scoring = customer
                    cell.satisfaction_sum += SCORE_LOST
            queue.clear()
        self.waiting = 0

    def _start(self, customer: Customer, now: float) -> None:
        customer.state = IN_SERVICE
        self.busy += 1
        wait = now - customer.arrival_h
        self.started_total += 1
        self.wait_total_h += wait
        cell = customer.cell
        cell.started += 1
        cell.wait_sum_h += wait
        cell.waits.add(wait)
        if wait <= cell.sla_wait_h:
            cell.sla_hits += 1
        tolerance = cell.tolerance_h
        cell.scoring = customer
        cell.satisfaction_sum += BEST if wait <= tolerance else score_served(wait, tolerance)
        # schedule(...) written out: once per customer
        heappush(self._agenda, (now + customer.work_h, DEPARTURE, next(self._ids), self._departure, customer))

    def _depart(self, customer: Customer) -> None:
        now = self.env._now
        self.advance(now)
        self.busy -= 1
        if self.busy >= self.staff:  # a leaving server's overrun has ended
            self._restaff(now)
        cell = customer.cell
        cell.served += 1
        cell.in_system -= 1
        if self.counting:
            account = cell.account
            account.completed += 1
            account.completed_work_h += customer.work_h
        if self.waiting:
            self._start_waiting(now)

    def _start_waiting(self, now: float) -> None:
        while self.waiting and self.busy < self.staff:
            self.waiting -= 1
            self._start(self._pop(), now)

    def _pop(self) -> Customer:
        for queue in self.queues:
            while queue:
                customer = queue.popleft()
                if customer.state == WAITING:
                    return customer
        raise AssertionError("waiting count is positive but every queue is empty")


class PricedStation(Station):
    """A station whose price can change: completions are booked at the price each customer was
    quoted at arrival (``customer.quote`` = ``(service price, 1 − discount)``).

    ``gross_total`` and ``discount_total`` sum every completion since time 0 (for the rules'
    ``revenue`` and ``margin``); the accounts book the window's completions per quote.
    """

    def __init__(self, env: Clock, spec: StationSpec, staff: int) -> None:
        super().__init__(env, spec, staff)
        self.gross_total = 0.0
        self.discount_total = 0.0

    def _depart(self, customer: QuotedCustomer) -> None:  # type: ignore[override]
        quote = customer.quote
        account = customer.cell.account
        gross = quote[0] * account.tier_factor
        self.gross_total += gross
        self.discount_total += gross * (1.0 - quote[1])
        if self.counting:
            account.quotes[quote] = account.quotes.get(quote, 0) + 1
        Station._depart(self, customer)
