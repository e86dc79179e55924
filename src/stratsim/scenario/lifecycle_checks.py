"""Whole-scenario checks of the service lifecycle and of complaints (not the dependency graph).

A service's ``status``, ``launch``, ``retire`` and ``fallback`` must tell one consistent story,
and the plan's ``launch`` actions and a segment's complaints desk must name services that can
play their part. Like :mod:`stratsim.scenario.checks`, these run on plain data, tolerate values
of the wrong type (field errors, reported elsewhere) and return located findings, so every
error of a file is reported in one pass. Unknown fallback ids and a fallback to itself are
reported with the other cross references (``checks._dependency_references``); the checks that
involve dependencies (a live service depending on a retired one) belong to the portfolio graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .paths import Finding, show
from .plain import hours as _hours
from .plain import mappings as _mappings


def _status(service: dict[Any, Any]) -> Any:
    return service.get("status", "catalogue")


def _status_fields(sc: Any) -> Iterator[Finding]:
    """``launch`` only on a pipeline service; a retired one has neither ``launch`` nor ``retire``."""
    for i, service in sc.services:
        status, own = _status(service), show(service.get("id"))
        if service.get("launch") is not None and status != "pipeline":
            yield Finding(("services", i, "launch"),
                          f"service {own} has a launch time but status {show(status)}: only a "
                          "pipeline service is launched (set status: pipeline, or remove launch)")
        if status == "retired" and service.get("retire") is not None:
            yield Finding(("services", i, "retire"),
                          f"service {own} is already retired at time 0: remove retire, or give "
                          "it status catalogue")


def _fallback_loops(sc: Any) -> Iterator[Finding]:
    """A chain of fallbacks that comes back to where it started would redirect for ever."""
    fallback = {svc["id"]: svc.get("fallback") for _, svc in sc.services
                if isinstance(svc.get("id"), str) and isinstance(svc.get("fallback"), str)}
    reported: set[str] = set()
    for i, service in sc.services:
        own = service.get("id")
        if not isinstance(own, str) or own in reported or fallback.get(own) in (None, own):
            continue
        chain, current = [own], fallback[own]
        while current in fallback and current not in chain:
            chain.append(current)
            current = fallback[current]
        if current == own:
            reported.update(chain)
            names = " → ".join([*chain, own])
            yield Finding(("services", i, "fallback"),
                          f"fallbacks form a loop: {names} (demand would be redirected for ever)")


def _launch_actions(sc: Any) -> Iterator[Finding]:
    """A plan's ``launch`` names a pipeline service."""
    status = {svc["id"]: _status(svc) for _, svc in sc.services if isinstance(svc.get("id"), str)}
    actions = sc.section("plan").get("actions")
    for i, action in _mappings(actions):
        target = action.get("launch")
        if isinstance(target, str) and target in status and status[target] != "pipeline":
            yield Finding(("strategy", "plan", "actions", i, "launch"),
                          f"service {show(target)} has status {show(status[target])}: only a "
                          "pipeline service can be launched")


def _pipeline_retire(sc: Any) -> Iterator[Finding]:
    """A pipeline service retired before any launch could take place."""
    launches: dict[str, list[float]] = {}
    for _, action in _mappings(sc.section("plan").get("actions")):
        at = _hours(action.get("at"))
        if isinstance(action.get("launch"), str) and at is not None:
            launches.setdefault(action["launch"], []).append(at)
    for i, service in sc.services:
        retire = _hours(service.get("retire"))
        if _status(service) != "pipeline" or retire is None or service.get("launch") is not None:
            continue
        own = service.get("id")
        if not any(at < retire for at in launches.get(own, [])):
            yield Finding(("services", i, "retire"),
                          f"pipeline service {show(own)} is retired at {retire:g}h but never "
                          "launched before: give it a launch time (or a plan action launch)")


def _complaint_desks(sc: Any) -> Iterator[Finding]:
    """A complaints desk is a known service, not one the segment's complaints are about."""
    from .checks import _unknown  # the one did-you-mean message of the checks

    for i, segment in sc.segments:
        complaints = segment.get("complaints")
        desk = complaints.get("desk") if isinstance(complaints, dict) else None
        if not isinstance(desk, str):
            continue
        path = ("segments", i, "complaints", "desk")
        if desk not in sc.service_ids:
            yield Finding(path, _unknown("service", desk, sc.service_ids))
        elif isinstance(segment.get("mix"), dict) and segment["mix"].get(desk):
            yield Finding(path, f"service {show(desk)} is in the mix of segment "
                                f"{show(segment.get('id'))}: a complaints desk handles complaints "
                                "about other services, so it cannot also be a service the segment "
                                "asks for")


LIFECYCLE_CHECKS: tuple[Callable[[Any], Iterator[Finding]], ...] = (
    _status_fields,
    _fallback_loops,
    _launch_actions,
    _pipeline_retire,
    _complaint_desks,
)
"""The lifecycle and relationship checks, in reporting order."""
