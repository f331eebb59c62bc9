"""`make bench`: what the gentle wording check costs per field of client-facing text.

Every text of the shipped pose library is checked as the field a teacher would write it in
(a pose's steps in one field, a version's instructions, its steps), plus a long field at the
length where the check stops. Prints the median field and the slowest one, in milliseconds;
the budget is 2 ms a field. Needs no database.
"""

import statistics
import time

from django.core.management.base import BaseCommand

from practice.gentle_words import CHECKED_LENGTH, gentle_notes
from routines.library.loader import read_library

BUDGET_MS = 2.0


def _fields() -> list[str]:
    fields = []
    for pose in read_library()["poses"]:
        fields += [pose["summary"], pose["breath_cue"], "\n".join(pose["steps"])]
        for version in pose["modifications"]:
            fields += [version["instructions"], "\n".join(version["steps"])]
    return fields


class Command(BaseCommand):
    help = "Benchmarks the gentle wording check (see `make bench`)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, runs: int, **options) -> None:
        fields = _fields()
        longest = ("You might rest here, or push a little deeper. " * 250)[:CHECKED_LENGTH]
        # Each field's best of `runs`, as timeit advises: on a shared machine the slower runs
        # measure the other processes, not the check.
        timings = []
        for text in fields:
            runs_ms = []
            for _ in range(runs):
                started = time.perf_counter()
                gentle_notes(text)
                runs_ms.append((time.perf_counter() - started) * 1000)
            timings.append(min(runs_ms))
        long_timings = []
        for _ in range(runs):
            started = time.perf_counter()
            gentle_notes(longest)
            long_timings.append((time.perf_counter() - started) * 1000)
        self.stdout.write(
            f"gentle wording check, {len(fields)} library fields, best of {runs}: median "
            f"{statistics.median(timings):.3f} ms, slowest field {max(timings):.3f} ms "
            f"(budget {BUDGET_MS} ms)"
        )
        self.stdout.write(
            f"gentle wording check, one {CHECKED_LENGTH:,}-character field: "
            f"best {min(long_timings):.2f} ms"
        )
