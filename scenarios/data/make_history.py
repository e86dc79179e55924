"""Make the sample demand history ``helpdesk-history.csv`` (synthetic: no real customer data).

Eight weeks of requests from the head-office employees of the example IT service desk
(``scenarios/helpdesk-baseline.yaml``, segment ``employees``: all their requests, to the desk
and for restores alike, as the segment's ``mix`` splits them), from Monday 2026-09-07 00:00
to Monday 2026-11-02 00:00, one row per request with its arrival time (column
``timestamp``, to the second). The truth behind it:

* a non-homogeneous Poisson process, the rate constant within each hour;
* 6.6 requests per hour on an average hour at 2026-11-02 (the end of the history), growing
  by 8 % a year (so a little less earlier on);
* the baseline's ``business-hours`` daily profile and its weekly profile
  ``[1.25, 1.05, 1.0, 0.95, 0.85, 0.12, 0.08]`` (rescaled to average 1);
* one thing the scenario format cannot express: Monday 08:00–11:00 runs 40 % above the
  product of the two profiles (the weekend's backlog). ``stratsim forecast`` reports it as
  the factorisation error.

Run from the repository root (``python scenarios/data/make_history.py``); the seed is fixed,
so the file is the same on every machine with the same numpy major version.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

SEED = 20260907
START = datetime(2026, 9, 7)          # a Monday
WEEKS = 8
RATE_AT_END = 6.6                     # per hour, profiles averaging 1
GROWTH_PER_YEAR = 0.08
DAILY = np.array([
    0.10, 0.05, 0.05, 0.05, 0.05, 0.10, 0.25, 0.80, 1.60, 2.30, 2.60, 2.50,
    1.50, 1.80, 2.40, 2.40, 1.90, 1.40, 0.80, 0.50, 0.35, 0.25, 0.15, 0.10,
])                                    # the baseline's business-hours preset (mean 1)
WEEKLY = np.array([1.25, 1.05, 1.0, 0.95, 0.85, 0.12, 0.08])
MONDAY_BACKLOG = {8: 1.4, 9: 1.4, 10: 1.4}   # Monday hour → extra factor
OUT = Path(__file__).with_name("helpdesk-history.csv")


def hourly_rates() -> np.ndarray:
    """The true rate of every hour of the history."""
    weekly = WEEKLY / WEEKLY.mean()
    hours = WEEKS * 168
    k = np.arange(hours)
    years_to_end = (k + 0.5 - hours) / 8760.0
    rates = RATE_AT_END * DAILY[k % 24] * weekly[(k // 24) % 7] * (1 + GROWTH_PER_YEAR) ** years_to_end
    for hour, factor in MONDAY_BACKLOG.items():
        rates[(k % 168) == hour] *= factor
    return rates


def main() -> None:
    rng = np.random.default_rng(SEED)
    rows = []
    for k, rate in enumerate(hourly_rates()):
        # Poisson count per hour, times uniform within it: exact for a rate constant in the hour
        for offset in np.sort(rng.uniform(0.0, 3600.0, rng.poisson(rate))):
            rows.append(START + timedelta(hours=k, seconds=int(offset)))
    with open(OUT, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["timestamp"])
        writer.writerows([moment.isoformat(sep=" ")] for moment in rows)
    print(f"wrote {len(rows)} requests to {OUT}")


if __name__ == "__main__":
    main()
