"""Showback: internal services' cost allocated to the services that consume them.

Pure arithmetic, no simulation. An internal service's cost (staff + per-request + fixed over
the measured window) is allocated to the services that sent it requests, in proportion to the
requests each sent. A consumer that is itself internal passes what it received on, with its
own cost, to *its* consumers in the same way, so the cost flows along the dependency graph
until it reaches customer-facing services. Cost an internal service cannot pass on (nobody
sent it a request in the window, or it only circulates among internal services that send
nothing to customer-facing ones) is ``unallocated``.

**Exactness (the residual).** Each internal service's cost is followed separately along the
graph and its pieces reaching each service are summed with :func:`math.fsum`. The rounding
residual — a few units in the last place — goes to its largest allocation (the first in id
order on a tie): the other parts are rounded to multiples of the cost's unit in the last place
(``math.ulp(cost)``, a change far below a cent) and the largest is set to the cost minus them,
which is then exact, so ``fsum`` of the parts is the cost exactly; a cost with no allocation at
all is unallocated whole. So for every internal service the parts sum to
its cost exactly, and the allocations plus the unallocated cost sum to the internal cost
(up to the rounding of that final sum itself). A service that sends no requests to internal
services is allocated nothing: exactly 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

#: Passes along the graph before what is still circulating (cycles of internal services that
#: never reach a customer-facing one) is declared unallocated.
MAX_PASSES = 10_000
#: What is still circulating after a pass, relative to the cost followed, that counts as none.
NEGLIGIBLE = 1e-15


@dataclass(frozen=True)
class Showback:
    """The allocation of every internal service's cost.

    ``allocated[(consumer, internal)]`` is what customer-facing ``consumer`` carries of
    ``internal``'s own cost; ``unallocated[internal]`` the part of it no customer-facing
    service carries.
    """

    allocated: dict[tuple[str, str], float]
    unallocated: dict[str, float]

    def allocated_to(self, consumer: str) -> float:
        """Everything ``consumer`` carries (exactly rounded sum)."""
        return math.fsum(v for (c, _), v in sorted(self.allocated.items()) if c == consumer)


def allocate_showback(
    own_cost: Mapping[str, float], internal: set[str] | frozenset[str],
    requests: Mapping[tuple[str, str], float],
) -> Showback:
    """Allocate the ``own_cost`` of every ``internal`` service along ``requests``.

    ``requests[(consumer, provider)]`` is how many requests ``consumer`` sent ``provider``;
    ``own_cost`` holds every service's own cost (only internal ones are allocated).
    """
    consumers: dict[str, list[tuple[str, float]]] = {}
    for (consumer, provider), n in sorted(requests.items()):
        if provider in internal and n > 0:
            consumers.setdefault(provider, []).append((consumer, float(n)))
    allocated: dict[tuple[str, str], float] = {}
    unallocated: dict[str, float] = {}
    for source in sorted(internal):
        parts, rest = _follow(source, own_cost.get(source, 0.0), internal, consumers)
        _close_exactly(source, own_cost.get(source, 0.0), parts, rest, allocated, unallocated)
    return Showback(allocated, unallocated)


def _follow(source: str, cost: float, internal: set[str] | frozenset[str],
            consumers: dict[str, list[tuple[str, float]]]) -> tuple[dict[str, list[float]], list[float]]:
    """Pass ``source``'s cost along the graph: pieces reaching each customer-facing service,
    and the pieces that stay unallocated."""
    parts: dict[str, list[float]] = {}
    rest: list[float] = []
    mass = {source: cost}
    for _ in range(MAX_PASSES):
        moving: dict[str, list[float]] = {}
        for node, amount in sorted(mass.items()):
            takers = consumers.get(node)
            if not takers:
                rest.append(amount)
                continue
            total = math.fsum(n for _, n in takers)
            for consumer, n in takers:
                piece = amount * (n / total)
                if consumer in internal:
                    moving.setdefault(consumer, []).append(piece)
                else:
                    parts.setdefault(consumer, []).append(piece)
        mass = {node: math.fsum(pieces) for node, pieces in moving.items()}
        if math.fsum(abs(v) for v in mass.values()) <= NEGLIGIBLE * abs(cost):
            rest.extend(mass.values())
            break
    else:
        rest.extend(mass.values())
    return parts, rest


def _close_exactly(source: str, cost: float, parts: dict[str, list[float]], rest: list[float],
                   allocated: dict[tuple[str, str], float], unallocated: dict[str, float]) -> None:
    """Sum the pieces and put the rounding residual on the largest allocation."""
    sums = {consumer: math.fsum(pieces) for consumer, pieces in sorted(parts.items())}
    left = math.fsum(rest)
    if sums:
        largest = max(sorted(sums), key=lambda c: sums[c])
        grid = math.ulp(cost)
        for consumer in sums:
            if consumer != largest:
                sums[consumer] = _on_grid(sums[consumer], grid)
        left = _on_grid(left, grid)
        others = [v for c, v in sums.items() if c != largest] + [left]
        sums[largest] = _closing_part(cost, others)
    else:
        left = cost
    for consumer, value in sums.items():
        allocated[(consumer, source)] = value
    unallocated[source] = left


def _on_grid(value: float, grid: float) -> float:
    """``value`` rounded to a multiple of ``grid`` (a power of two: exact arithmetic)."""
    return round(value / grid) * grid


def _closing_part(total: float, others: list[float]) -> float:
    """The part that makes ``fsum([*others, part]) == total``: ``total − fsum(others)``
    (exactly rounded), nudged by a unit in the last place in the rare case where the rounding
    of that difference still leaves the sum a unit off."""
    part = math.fsum([total, *(-v for v in others)])
    for _ in range(8):
        error = math.fsum([*others, part]) - total
        if error == 0.0:
            break
        part = math.nextafter(part, -math.inf if error > 0 else math.inf)
    return part
