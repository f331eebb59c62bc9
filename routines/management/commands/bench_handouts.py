"""`make bench`: how long a handout takes, against the floor of WeasyPrint alone.

Runs in a throwaway test database (the real one is never touched): an 8-step routine from the
library, rendered several times. Prints medians: the full handout render (queries, template,
PDF), the same HTML rendered by WeasyPrint directly, their ratio, and a cached download. Then
the same routine tailored for a client with a hip precaution and a trigger: what choosing the
other ways to do each step (routines/builder/other_ways.py) adds to the handout (budget 20 ms), and
the
uncached tailored handout against WeasyPrint alone on its HTML (budget 1.0x the floor's
ratio, see above).
"""

import statistics
import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings, setup_test_environment

from clients.models import Client as ClientRecord
from clients.models import Precaution, Trigger
from clients.safety_rules import USUAL_RESTRICTIONS
from clients.vocabulary import BodySide, Condition, SetBy, TriggerCategory
from practice.models import Membership, Studio, User
from routines.builder.other_ways import routine_other_ways
from routines.models import Pose, Routine, RoutineStep
from routines.paper import handouts, pdf
from routines.paper.handouts import PrintOptions

OTHER_WAYS_BUDGET_MS = 20.0

STEP_SLUGS = [
    "belly-breathing",
    "knees-to-chest",
    "reclined-figure-four",
    "butterfly",
    "supported-bridge",
    "reclined-twist",
    "legs-up-the-wall",
    "constructive-rest",
]


@contextmanager
def _throwaway_database():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _ms(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _interleaved_medians(first, second, runs: int) -> tuple[float, float]:
    """Alternates the two so that a busy machine slows both alike; returns their medians."""
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        timings[0].append(_ms(first))
        timings[1].append(_ms(second))
    return statistics.median(timings[0]), statistics.median(timings[1])


class Command(BaseCommand):
    help = "Benchmarks handout rendering (see `make bench`)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=9)

    def handle(self, *args, runs: int, **options) -> None:
        with _throwaway_database(), override_settings(ALLOWED_HOSTS=["testserver"]):
            routine, user = self._routine()
            self._report(routine, user, runs)
            self._report_other_ways(self._tailored(routine), user, runs)

    def _routine(self) -> tuple[Routine, User]:
        studio = Studio.objects.create(name="Bench Studio", contact_email="bench@example.com")
        user = User.objects.create_user("bench@example.com", "bench-password-123", name="Bench")
        Membership.objects.create(user=user, studio=studio, role=Membership.Role.OWNER)
        routine = Routine.objects.create(studio=studio, title="Eight gentle steps", created_by=user)
        for position, slug in enumerate(STEP_SLUGS, start=1):
            pose = Pose.objects.get(studio=None, slug=slug)
            RoutineStep.objects.create(
                routine=routine,
                position=position,
                pose=pose,
                hold_breaths=pose.hold_breaths,
                hold_seconds=pose.hold_seconds,
                cue="Only as far as feels kind today.",
            )
        return routine, user

    def _report(self, routine: Routine, user: User, runs: int) -> None:
        studio = routine.studio
        options = PrintOptions()

        def full_render() -> bytes:
            fresh = Routine.objects.select_related("studio", "client").get(pk=routine.pk)
            html = handouts.handout_html(fresh, options, user)
            return handouts.render_pdf(html, studio)

        html = handouts.handout_html(routine, options, user)

        def weasyprint_only() -> bytes:
            # WeasyPrint with the same HTML, stylesheet and fonts, without our queries,
            # templates, cache or child process.
            return pdf.render_here(html, studio)

        full_render()  # warm fonts and template caches for both measurements
        render_ms, floor_ms = _interleaved_medians(full_render, weasyprint_only, runs)

        client = Client()
        client.force_login(user)
        url = f"/studios/{studio.code}/routines/{routine.code}/handout.pdf"
        assert client.get(url).status_code == 200  # renders once and fills the cache
        cached_ms = statistics.median(_ms(lambda: client.get(url)) for _ in range(runs))

        self.stdout.write(f"Handout PDF, 8-step routine, median of {runs} runs")
        self.stdout.write(f"  full render (queries + template + PDF)  {render_ms:8.1f} ms")
        self.stdout.write(f"  WeasyPrint alone, same HTML (floor)     {floor_ms:8.1f} ms")
        self.stdout.write(f"  ratio full / floor                      {render_ms / floor_ms:8.2f}")
        self.stdout.write(f"  cached download (HTTP, no render)       {cached_ms:8.1f} ms")

    def _tailored(self, routine: Routine) -> Routine:
        """The same eight steps for a client with a precaution and a trigger to check against."""
        client = ClientRecord.objects.create(
            studio=routine.studio, preferred_name="Rosa", full_name="Rosa Bench"
        )
        Precaution.objects.create(
            client=client,
            condition=Condition.HIP_REPLACEMENT_POSTERIOR,
            side=BodySide.RIGHT,
            restricted_movements=USUAL_RESTRICTIONS[Condition.HIP_REPLACEMENT_POSTERIOR],
            set_by=SetBy.SURGEON,
        )
        Trigger.objects.create(client=client, category=TriggerCategory.SOMEONE_BEHIND)
        routine.client = client
        routine.save()
        return routine

    def _report_other_ways(self, routine: Routine, user: User, runs: int) -> None:
        studio = routine.studio
        options = PrintOptions()

        def fresh() -> Routine:
            return Routine.objects.select_related("studio", "client").get(pk=routine.pk)

        def choose() -> None:
            tailored = fresh()
            steps = list(tailored.steps.select_related("pose", "modification"))
            routine_other_ways(tailored, steps)

        def html_with(offer: bool):
            def render() -> str:
                tailored = fresh()
                tailored.offer_other_ways = offer
                return handouts.handout_html(tailored, options, user)

            return render

        choose()  # the body model's shapes are cached per shape, as in a running server
        choose_ms = statistics.median(_ms(choose) for _ in range(runs))
        with_ms, without_ms = _interleaved_medians(html_with(True), html_with(False), runs)
        self.stdout.write(f"Tailored handout with other ways, 8 steps, median of {runs} runs")
        self.stdout.write(
            f"  choosing the other ways (queries + checks) {choose_ms:6.1f} ms "
            f"(budget {OTHER_WAYS_BUDGET_MS:.0f} ms)"
        )
        self.stdout.write(
            f"  handout HTML with / without other ways   {with_ms:6.1f} / {without_ms:.1f} ms "
            f"(adds {with_ms - without_ms:.1f} ms)"
        )
        html = html_with(True)()

        def full_render() -> bytes:
            return handouts.render_pdf(html_with(True)(), studio)

        def weasyprint_only() -> bytes:
            return pdf.render_here(html, studio)

        full_render()
        render_ms, floor_ms = _interleaved_medians(full_render, weasyprint_only, runs)
        self.stdout.write(f"  full render, uncached (tailored)         {render_ms:8.1f} ms")
        self.stdout.write(f"  WeasyPrint alone, same HTML (floor)      {floor_ms:8.1f} ms")
        self.stdout.write(f"  ratio full / floor                       {render_ms / floor_ms:8.2f}")
