"""A station's rules, driven customer by customer on a SimPy clock."""

import pytest

from stratsim.engine.distributions import DurationDistribution
from stratsim.engine.cells import Account, Cell
from stratsim.engine.events import Clock, Priority, schedule
from stratsim.engine.model import StationSpec, TierSpec
from stratsim.strategy.rosters import StaffSchedule
from stratsim.engine.station import UNLIMITED, Customer, Station


def make_station(staff=1, queue_capacity=None, tiers=None):
    tiers = tiers or (TierSpec("default", 0, 0, 1.0, None),)
    spec = StationSpec("desk", 0, staff, StaffSchedule(()), queue_capacity,
                       DurationDistribution("exponential", (1.0,), 1.0, 1.0), tiers, False, 10.0, 0.0, 0.0, 0.0)
    env = Clock()
    station = Station(env, spec, staff)
    station.counting = True
    return env, station


def arrive_at(env, station, at_h, work_h, cell, level=0, balk_at=UNLIMITED, patience_h=None, log=None):
    def arrive(event):
        customer = Customer(env.now, work_h, level, cell)
        if log is not None:
            log.append(customer)
        if station.arrive(customer, env.now, balk_at) and patience_h is not None:
            schedule(env, env.now + patience_h, Priority.RENEGE, station.renege, customer)
    schedule(env, at_h, Priority.ARRIVAL, arrive)


def cell(sla_wait_h=None, unit_price=10.0, tier=0):
    return Cell(0, 0, tier, Account(unit_price), sla_wait_h)


def test_fifo_single_server_waits():
    env, station = make_station(staff=1)
    c = cell()
    for at in (0.0, 0.1, 0.2):
        arrive_at(env, station, at, 1.0, c)
    env.run()
    # starts at 0, 1, 2: waits 0, 0.9, 1.8
    assert c.started == c.served == 3
    assert c.wait_sum_h == pytest.approx(2.7)
    assert c.account.completed == 3 and c.account.revenue == 30.0
    assert station.busy_area == pytest.approx(3.0)


def test_queue_capacity_blocks_and_zero_capacity_is_a_loss_system():
    env, station = make_station(staff=1, queue_capacity=1)
    c = cell()
    for at in (0.0, 0.1, 0.2):
        arrive_at(env, station, at, 1.0, c)
    env.run()
    assert (c.arrivals, c.served, c.blocked) == (3, 2, 1)
    env, station = make_station(staff=2, queue_capacity=0)
    c = cell()
    for at in (0.0, 0.1, 0.2):
        arrive_at(env, station, at, 1.0, c)
    env.run()
    assert (c.served, c.blocked) == (2, 1)


def test_balking_counts_the_number_waiting():
    env, station = make_station(staff=1)
    c = cell()
    for at in (0.0, 0.1, 0.2, 0.3):
        arrive_at(env, station, at, 1.0, c, balk_at=2)
    env.run()
    # third and fourth: 1 then 2 waiting -> the fourth balks
    assert (c.served, c.balked) == (3, 1)


def test_reneging_leaves_queue_and_counts_as_sla_miss():
    env, station = make_station(staff=1)
    c = cell(sla_wait_h=2.0)
    arrive_at(env, station, 0.0, 1.0, c, patience_h=0.5)
    arrive_at(env, station, 0.1, 1.0, c, patience_h=0.5)   # would start at 1.0: reneges at 0.6
    arrive_at(env, station, 0.2, 1.0, c, patience_h=5.0)   # starts at 1.0 after the reneger left
    env.run()
    assert (c.served, c.reneged) == (2, 1)
    assert c.wait_sum_h == pytest.approx(0.8)
    assert c.sla_hits == 2 and c.started + c.reneged == 3
    assert station.waiting == 0 and c.in_system == 0


def test_priority_levels_are_served_first_without_preemption():
    tiers = (TierSpec("gold", 0, 0, 2.0, None), TierSpec("std", 1, 1, 1.0, None))
    env, station = make_station(staff=1, tiers=tiers)
    gold, std = cell(unit_price=20.0), cell(unit_price=10.0, tier=1)
    order = []
    arrive_at(env, station, 0.0, 1.0, std, level=1, log=order)   # in service until 1
    arrive_at(env, station, 0.1, 1.0, std, level=1, log=order)
    arrive_at(env, station, 0.2, 1.0, gold, level=0, log=order)  # overtakes the waiting std
    env.run()
    assert gold.wait_sum_h == pytest.approx(0.8)
    assert std.wait_sum_h == pytest.approx(1.9)    # 0 + (2.0 - 0.1)
    assert gold.account.revenue == 20.0 and std.account.revenue == 20.0


def test_leaving_server_finishes_its_customer_and_counts_as_staffed():
    env, station = make_station(staff=2)
    c = cell()
    arrive_at(env, station, 0.0, 3.0, c)
    arrive_at(env, station, 0.0, 3.0, c)
    arrive_at(env, station, 0.5, 1.0, c)                       # waits
    schedule(env, 1.0, Priority.STAFFING, lambda e: station.set_staff(1))
    env.run()
    # both keep serving until 3; the waiting one starts at 3 with one server on duty
    assert c.wait_sum_h == pytest.approx(2.5)
    # staffed = max(staff, busy): 2 until 3, then 1 until 4
    assert station.staffed_area(env.now) == pytest.approx(2 * 3 + 1 * 1)
    assert station.busy_area == pytest.approx(3 + 3 + 1)


def test_added_staff_take_waiting_customers_at_once():
    env, station = make_station(staff=0)
    c = cell()
    arrive_at(env, station, 0.0, 1.0, c)
    arrive_at(env, station, 0.0, 1.0, c)
    schedule(env, 2.0, Priority.STAFFING, lambda e: station.set_staff(2))
    env.run()
    assert c.wait_sum_h == pytest.approx(4.0)
    assert c.served == 2


def test_completions_are_booked_only_while_counting():
    env, station = make_station(staff=1)
    station.counting = False
    c = cell()
    arrive_at(env, station, 0.0, 1.0, c)
    arrive_at(env, station, 0.0, 1.0, c)
    schedule(env, 1.5, Priority.BOOKKEEPING, lambda e: setattr(station, "counting", True))
    env.run()
    assert c.served == 2                       # the cohort counts both
    assert c.account.completed == 1            # the period only the one completed at 2.0
    assert c.account.completed_work_h == 1.0


# Simultaneous events happen in the order of their Priority, whatever order they were
# scheduled in. Each case runs twice: with the competing event scheduled before the run
# (inserted first) and scheduled from an event at 0.9 h (inserted after everything else).
INSERTION_ORDERS = pytest.mark.parametrize("late", [False, True], ids=["inserted-first", "inserted-last"])


def schedule_now_or_late(env, at_h, priority, function, late):
    """Schedule ``function`` at ``at_h``, inserting it into the heap now or at 0.9 h."""
    if late:
        schedule(env, 0.9, Priority.BOOKKEEPING, lambda e: schedule(env, at_h, priority, function))
    else:
        schedule(env, at_h, priority, function)


@INSERTION_ORDERS
def test_a_shift_ending_at_a_departure_takes_no_new_customer(late):
    env, station = make_station(staff=2)
    c = cell()
    arrive_at(env, station, 0.0, 1.0, c)
    arrive_at(env, station, 0.0, 1.0, c)
    arrive_at(env, station, 0.5, 1.0, c)   # waits for a server
    schedule_now_or_late(env, 1.0, Priority.STAFFING, lambda e: station.set_staff(0), late)
    schedule(env, 3.0, Priority.STAFFING, lambda e: station.set_staff(1))
    env.run()
    # the servers going off shift at 1.0 do not take the waiting customer: it waits until 3.0
    assert c.wait_sum_h == pytest.approx(2.5)
    assert station.staffed_area(env.now) == pytest.approx(2 * 1 + 1 * 1)


@pytest.mark.parametrize("departure_inserted_last", [False, True])
def test_a_server_freed_as_patience_runs_out_serves_that_customer(departure_inserted_last):
    c = cell()
    if departure_inserted_last:
        # no server until 0.5; the first customer's departure (at 1.0) is inserted at 0.5,
        # after the second customer's renege (at 0.25 + 0.75 = 1.0) was inserted at 0.25
        env, station = make_station(staff=0)
        arrive_at(env, station, 0.0, 0.5, c)
        schedule(env, 0.5, Priority.STAFFING, lambda e: station.set_staff(1))
    else:
        env, station = make_station(staff=1)
        arrive_at(env, station, 0.0, 1.0, c)
    arrive_at(env, station, 0.25, 1.0, c, patience_h=0.75)
    env.run()
    assert (c.served, c.reneged) == (2, 0)


@INSERTION_ORDERS
def test_an_arrival_at_a_departure_finds_the_server_free(late):
    env, station = make_station(staff=1, queue_capacity=0)
    c = cell()
    arrive_at(env, station, 0.0, 1.0, c)
    schedule_now_or_late(env, 1.0, Priority.ARRIVAL,
             lambda e: station.arrive(Customer(env.now, 1.0, 0, c), env.now, UNLIMITED), late)
    env.run()
    assert (c.served, c.blocked) == (2, 0)
