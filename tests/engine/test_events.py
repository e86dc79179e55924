"""The engine's clock: calls on SimPy's heap, in (time, priority, scheduling) order."""

from stratsim.engine.events import Clock, Priority, run_until, run_while, schedule


def test_calls_at_one_instant_follow_their_priority_then_their_scheduling_order():
    clock = Clock()
    made: list[str] = []
    schedule(clock, 1.0, Priority.ARRIVAL, made.append, "arrival")
    schedule(clock, 1.0, Priority.DEPARTURE, made.append, "departure 1")
    schedule(clock, 0.5, Priority.ARRIVAL, made.append, "earlier arrival")
    schedule(clock, 1.0, Priority.DEPARTURE, made.append, "departure 2")
    last = schedule(clock, 1.0, Priority.BOOKKEEPING, made.append, "bookkeeping")
    run_until(clock, last)
    assert made == ["earlier arrival", "bookkeeping"]
    assert clock.now == 1.0
    run_while(clock, 2.0, lambda: True)
    assert made[2:] == ["departure 1", "departure 2", "arrival"]


def test_run_until_stops_right_after_the_last_call_even_with_others_due_then():
    clock = Clock()
    made: list[int] = []
    last = schedule(clock, 2.0, Priority.STAFFING, made.append, 1)
    schedule(clock, 2.0, Priority.ARRIVAL, made.append, 2)
    run_until(clock, last)
    assert made == [1] and len(clock._queue) == 1


def test_run_while_asks_before_each_call_and_stops_at_the_time_limit():
    clock = Clock()
    made: list[float] = []
    for at_h in (1.0, 2.0, 3.0, 4.0):
        schedule(clock, at_h, Priority.ARRIVAL, made.append, at_h)
    run_while(clock, 10.0, lambda: len(made) < 2)
    assert made == [1.0, 2.0]
    run_while(clock, 3.0, lambda: True)
    assert made == [1.0, 2.0, 3.0] and clock.now == 3.0   # the call at 4.0 is past the limit


def test_a_clock_is_a_simpy_environment_whose_processes_interleave_with_the_calls():
    """SimPy's ``run`` steps through calls and SimPy events alike, in one time order; a call
    and an event at the same time and priority go in the order they were scheduled."""
    clock = Clock()
    seen: list[tuple[float, str]] = []

    def note(text: str):
        return lambda _: seen.append((clock.now, text))

    def process():
        for _ in range(3):
            yield clock.timeout(1.0)   # priority NORMAL (1), as STAFFING
            seen.append((clock.now, "process"))

    clock.process(process())
    schedule(clock, 0.5, Priority.ARRIVAL, note("call"))
    schedule(clock, 2.0, Priority.BOOKKEEPING, note("bookkeeping"))
    schedule(clock, 2.0, Priority.ARRIVAL, note("arrival"))
    # ties at priority 1: scheduled before the timeout due at 2.0 (made at 1.0), and after the
    # one due at 3.0 (made at 2.0)
    schedule(clock, 2.0, Priority.STAFFING, note("staffing, scheduled first"))
    schedule(clock, 2.5, Priority.ARRIVAL,
             lambda _: schedule(clock, 3.0, Priority.STAFFING, note("staffing, scheduled last")))
    clock.run()
    assert seen == [(0.5, "call"), (1.0, "process"), (2.0, "bookkeeping"),
                    (2.0, "staffing, scheduled first"), (2.0, "process"), (2.0, "arrival"),
                    (3.0, "process"), (3.0, "staffing, scheduled last")]
    assert clock.now == 3.0
