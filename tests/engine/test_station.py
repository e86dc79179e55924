"""A station's rules, driven customer by customer on a SimPy clock."""

import simpy
import pytest

from stratsim.engine.distributions import DurationDistribution
from stratsim.engine.cells import Cell
from stratsim.engine.events import Callback
from stratsim.engine.model import StationSpec, TierSpec
from stratsim.strategy.rosters import StaffSchedule
from stratsim.engine.station import UNLIMITED, Customer, Station


def make_station(staff=1, queue_capacity=None, tiers=None):
    tiers = tiers or (TierSpec("default", 0, 0, 1.0, None),)
    spec = StationSpec("desk", 0, staff, StaffSchedule(()), queue_capacity,
                       DurationDistribution("exponential", (1.0,), 1.0, 1.0), tiers, False, 10.0, 0.0, 0.0, 0.0)
    env = simpy.Environment()
    return env, Station(env, spec, staff)


def arrive_at(env, station, at_h, work_h, cell, level=0, balk_at=UNLIMITED, patience_h=None, log=None):
    def arrive(event):
        customer = Customer(env.now, work_h, level, cell)
        if log is not None:
            log.append(customer)
        if station.arrive(customer, env.now, balk_at) and patience_h is not None:
            Callback(env, patience_h, station.renege, customer)
    Callback(env, at_h, arrive)


def cell(sla_wait_h=None):
    return Cell(0, 0, 0, 10.0, sla_wait_h)


def test_fifo_single_server_waits():
    env, station = make_station(staff=1)
    c = cell()
    for at in (0.0, 0.1, 0.2):
        arrive_at(env, station, at, 1.0, c)
    env.run()
    # starts at 0, 1, 2: waits 0, 0.9, 1.8
    assert c.started == c.served == 3
    assert c.wait_sum_h == pytest.approx(2.7)
    assert c.revenue == pytest.approx(30.0)
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
    gold, std = Cell(0, 0, 0, 20.0, None), Cell(0, 0, 1, 10.0, None)
    order = []
    arrive_at(env, station, 0.0, 1.0, std, level=1, log=order)   # in service until 1
    arrive_at(env, station, 0.1, 1.0, std, level=1, log=order)
    arrive_at(env, station, 0.2, 1.0, gold, level=0, log=order)  # overtakes the waiting std
    env.run()
    assert gold.wait_sum_h == pytest.approx(0.8)
    assert std.wait_sum_h == pytest.approx(1.9)    # 0 + (2.0 - 0.1)
    assert gold.revenue == 20.0 and std.revenue == 20.0


def test_leaving_server_finishes_its_customer_and_counts_as_staffed():
    env, station = make_station(staff=2)
    c = cell()
    arrive_at(env, station, 0.0, 3.0, c)
    arrive_at(env, station, 0.0, 3.0, c)
    arrive_at(env, station, 0.5, 1.0, c)                       # waits
    Callback(env, 1.0, lambda e: station.set_staff(1))
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
    Callback(env, 2.0, lambda e: station.set_staff(2))
    env.run()
    assert c.wait_sum_h == pytest.approx(4.0)
    assert c.served == 2
