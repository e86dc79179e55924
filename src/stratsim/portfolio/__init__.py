"""The service portfolio as a graph: dependencies, lifecycle, validation and impact analysis.

A portfolio is a directed graph (networkx ``DiGraph``) whose nodes are the services and whose
edges are their ``depends_on`` entries, pointing from the dependent to the service it depends
on. :mod:`~stratsim.portfolio.graph` builds it from a validated scenario,
:mod:`~stratsim.portfolio.validation` checks a scenario's dependencies and lifecycle (on plain
data, so it runs beside the field errors of an invalid file), and
:mod:`~stratsim.portfolio.impact` says what a retirement or a staff loss would touch.

The modules are imported by name (``from stratsim.portfolio.graph import portfolio_graph``):
this package imports nothing itself, so the scenario loader can use the validation without
loading the rest.
"""
