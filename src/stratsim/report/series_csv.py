"""Reading ``timeseries.csv`` fast: data lines in chunks, columns parsed by numpy's C reader.

A long run's time series has as many rows as customers (208,334 for 500,000 customers of one
service); the csv module and ``float()`` per field took over a second for what numpy's reader
does in a third of it. The file is read :data:`CHUNK_ROWS` lines at a time, so its size, not
memory, grows with the run.
"""

from __future__ import annotations

import csv
import math
import warnings
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path

import numpy as np

from stratsim.errors import ResultsError

CHUNK_ROWS = 200_000


def read_chunks(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    """The header's names and the data lines, :data:`CHUNK_ROWS` at a time."""
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader([handle.readline()]), None)
        if not header:
            raise ResultsError(f"{path}: empty file")
        while lines := list(islice(handle, CHUNK_ROWS)):
            yield header, lines


def parse_columns(lines: list[str], header: list[str], names: Sequence[str], dtype: type = float,
                  may_be_blank: Sequence[str] = ()) -> np.ndarray:
    """Columns ``names`` of CSV ``lines`` parsed by numpy's C reader, one row per line, one
    column per name; an empty field is an error, except in ``may_be_blank`` (read as ``nan``)."""
    converters = {header.index(name): _float_or_nan for name in may_be_blank}   # keyed by file column
    with warnings.catch_warnings():   # a blank line is skipped, as the csv module would
        warnings.filterwarnings("ignore", message="Input line .* contained no data", category=UserWarning)
        return np.loadtxt(lines, delimiter=",", quotechar='"', comments=None,
                          usecols=[header.index(n) for n in names], dtype=dtype,
                          converters=converters or None, ndmin=2, encoding=None)


def _float_or_nan(text: str) -> float:
    return float(text) if text else math.nan
