"""`make bench`: how long deriving the body model of every library shape takes, uncached.

The safety checker reads each pose's and modification's joints from its figure (routines/
body.py); in a process that is done once per shape and then memoised. This times the cold
derivation of all library shapes, the fastest of a few runs, against the 200 ms budget.
"""

import os
import statistics
import time

from django.core.management.base import BaseCommand

from routines.builder.body import derive_uncached
from routines.library.loader import library_figures, read_library

BUDGET_MS = 200


class Command(BaseCommand):
    help = "Time deriving the body model of every library shape (no cache)."

    def handle(self, *args, **options) -> None:
        figures = list(library_figures(read_library()).values())
        runs, cpu_runs = [], []
        for _ in range(7):
            start, cpu_start = time.perf_counter(), time.process_time()
            for figure in figures:
                derive_uncached(figure)
            runs.append((time.perf_counter() - start) * 1000)
            cpu_runs.append((time.process_time() - cpu_start) * 1000)
        # Judged on the fastest run, as `timeit` advises: slower runs measure the other
        # processes sharing the machine, not this code. The median and the processor time
        # are printed beside it, with the load average that says how busy the machine was.
        fastest = min(runs)
        verdict = "within" if fastest <= BUDGET_MS else "OVER"
        self.stdout.write(
            f"body model: {len(figures)} shapes in {fastest:.0f} ms (fastest of {len(runs)}; "
            f"median {statistics.median(runs):.0f} ms, processor time "
            f"{statistics.median(cpu_runs):.0f} ms, load average {os.getloadavg()[0]:.1f}), "
            f"{verdict} the {BUDGET_MS} ms budget"
        )
