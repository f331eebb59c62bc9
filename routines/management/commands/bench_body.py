"""`make bench`: how long deriving the body model of every library shape takes, uncached.

The safety checker reads each pose's and modification's joints from its figure (routines/
body.py); in a process that is done once per shape and then memoised. This times the cold
derivation of all library shapes, the median of a few runs, against the 200 ms budget.
"""

import statistics
import time

from django.core.management.base import BaseCommand

from routines.body import derive_uncached
from routines.library import library_figures, read_library

BUDGET_MS = 200


class Command(BaseCommand):
    help = "Time deriving the body model of every library shape (no cache)."

    def handle(self, *args, **options) -> None:
        figures = list(library_figures(read_library()).values())
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            for figure in figures:
                derive_uncached(figure)
            runs.append((time.perf_counter() - start) * 1000)
        median = statistics.median(runs)
        verdict = "within" if median <= BUDGET_MS else "OVER"
        self.stdout.write(
            f"body model: {len(figures)} shapes in {median:.0f} ms (median of {len(runs)}), "
            f"{verdict} the {BUDGET_MS} ms budget"
        )
