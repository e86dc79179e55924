"""Controlled random streams: one independent stream per (replication, role, entity).

Every random number in a replication comes from a stream keyed by
``SeedSequence(seed, spawn_key=(replication, role, entity))``:

* ``role`` says what the numbers are for (:class:`Role`); the registry is append-only so
  that adding a new kind of draw never shifts the numbers an existing one sees;
* ``entity`` is a stable 32-bit integer derived from the id of a segment, a service or a
  (segment, service) pair by SHA-256 (:func:`entity_key`) — never Python's ``hash()``, which
  is salted per process, and never the position in the file, which moves when a planner
  reorders the file.

The scenario is not in the key, so two scenarios that share an entity see the same draws
(common random numbers), and the worker is not in the key, so results never depend on how
replications were spread over processes or machines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from enum import IntEnum
from itertools import chain, repeat

import numpy as np

#: Numbers are drawn from numpy in blocks of this size and handed out one by one: a numpy
#: call per draw would cost more than the rest of a customer's simulation.
BATCH_SIZE = 1024


class Role(IntEnum):
    """What a stream's numbers are for. Append only: never renumber or reuse a value."""

    ARRIVALS = 0
    WORK = 1
    PATIENCE = 2
    TIER = 3
    DEPENDENCY = 4
    """Which arrivals at a service send a request on a ``depends_on`` edge: one stream per edge
    and origin of the arrivals (:func:`make_origin_stream`)."""
    CHOICE = 5
    DEFERRAL = 6
    FALLBACK_WORK = 7
    """Work content of a customer redirected to a fallback (keyed by :func:`fallback_id`)."""
    FALLBACK_TIER = 8
    """Tier uniform of a customer redirected to a fallback with several tiers for its segment."""
    COMPLAINT = 9
    """Complaint uniforms of a (segment, service) pair's customers, one per arriving customer
    of a segment that may complain, kept when it is sent to a fallback."""
    CHURN = 10
    """Churn uniforms of a segment, one per complaint."""
    DESK_WORK = 11
    """Work content of the complaints-desk requests of a segment."""
    DESK_TIER = 12
    """Tier uniform of a complaints-desk request, where the segment has several tiers there."""


def entity_key(entity_id: str) -> int:
    """The stable stream key of an entity id: the first 4 bytes of its SHA-256, big-endian."""
    return int.from_bytes(hashlib.sha256(entity_id.encode("utf-8")).digest()[:4], "big")


def pair_id(segment_id: str, service_id: str) -> str:
    """The entity id of the demand of one segment for one service."""
    return f"{segment_id}->{service_id}"


def dependency_id(source_id: str, target_id: str) -> str:
    """The entity id of the ``depends_on`` edge from one service to another."""
    return f"{source_id}=>{target_id}"


def fallback_id(segment_id: str, service_id: str, fallback_service_id: str) -> str:
    """The entity id of a segment's demand for one service redirected to one fallback."""
    return f"{pair_id(segment_id, service_id)}=>{fallback_service_id}"


class Origin(IntEnum):
    """Where an arrival at a service comes from, for the streams keyed by (entity, origin).
    Append only: never renumber or reuse a value."""

    DEMAND = 0
    """A segment's own demand for the service (origin entity: the pair)."""
    FALLBACK = 1
    """A customer redirected from a service not offered (origin entity: :func:`fallback_id`)."""
    DESK = 2
    """A complaint sent to the segment's complaints desk (origin entity: the segment)."""
    REQUEST = 3
    """A request sent on an upstream dependency edge (origin entity: the edge)."""


def make_origin_stream(seed: int, replication: int, role: Role, entity: int, origin: Origin,
                       origin_entity: int) -> np.random.Generator:
    """The generator of the stream of one entity for the arrivals of one origin: its spawn key
    is ``(replication, role, entity, origin, origin entity)``, so each origin's k-th arrival
    gets its own k-th number whatever arrives from elsewhere."""
    sequence = np.random.SeedSequence(
        seed, spawn_key=(replication, int(role), entity, int(origin), origin_entity))
    return np.random.Generator(np.random.PCG64(sequence))


def make_stream(seed: int, replication: int, role: Role, entity: int) -> np.random.Generator:
    """The generator of one stream (PCG64 bit generator)."""
    sequence = np.random.SeedSequence(seed, spawn_key=(replication, int(role), entity))
    return np.random.Generator(np.random.PCG64(sequence))


def batched(draw_batch: Callable[[int], np.ndarray]) -> Iterator[float]:
    """An endless iterator over numbers drawn ``BATCH_SIZE`` at a time by ``draw_batch``, each
    batch drawn when the one before is used up.

    Built from ``itertools`` rather than as a generator: its ``__next__`` then runs in C (a
    generator's resumes a Python frame), and a long run draws as many numbers as events."""
    return chain.from_iterable(map(np.ndarray.tolist, map(draw_batch, repeat(BATCH_SIZE))))
