"""`make bench`: every main page timed on a large studio, in a throwaway database.

Seeds 10,000 clients (two precautions and a trigger each), 5,000 routines of 8 steps, 10,000
sessions over half a year with before-and-after check-ins, home practice, 50,000 audit events
(prints among them) and 20 members, each instructor with a care team, with bulk inserts: a
studio under way, as the demo is, so the dashboard is the to-do list and not the first steps.
Then for every page a signed-in person opens (the dashboard both as the owner and as an
instructor) it prints the query count, the median and 95th-percentile server time over 50
requests (of 20, the 95th percentile is all but the slowest one) and the response size, each
p95 against its budget of 50 ms; a page over budget is flagged, and named again at the end,
where the command fails. Requests go
through Django's test client, in process; server time is what the request log records (from the
first middleware in to the response out), with garbage collected between requests as a gunicorn
worker does (practice/collector.py). Then the memory of uncached handout renders (RSS after 50
and after 500) and requests per second of the client list against a bare view (a view that
returns "ok" through the same middleware, routines/management/bench_server.py), over HTTP from
one gunicorn worker with the production configuration, as the issue measured them: at least
THROUGHPUT_TARGET.

SQLite by default: a temporary file, deleted afterwards. On PostgreSQL (DATABASE_URL) the
configured database is used and emptied, so its name must contain "bench":
`createdb bench_scale` and `DATABASE_URL=postgres://…/bench_scale make bench`.
"""

import contextlib
import gc
import http.client
import json
import logging
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.test import Client as TestClient
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from clients.intake_link_services import intake_link_send
from clients.models import (
    AuditEvent,
    CheckIn,
    Client,
    ConsentDocument,
    ConsentSignature,
    HomePractice,
    IntakeInvitation,
    Precaution,
    Session,
    Trigger,
)
from clients.sessions.services import clients_refresh_last_seen, week_start
from clients.vocabulary import Condition, TriggerCategory
from practice.collector import collect_between_requests, stop_collecting_between_requests
from practice.models import Membership, Studio, User
from routines.models import Pose, Routine, RoutineStep
from routines.paper import handouts
from routines.paper.handouts import PrintOptions

CLIENTS, ROUTINES, STEPS, EVENTS, MEMBERS = 10_000, 5_000, 8, 50_000, 20
SESSIONS, HISTORY_DAYS, PLANNED_SHARE = 10_000, 180, 10
# One event in ten is a print, as in a studio that prints a handout after most sessions.
PRINT_SHARE = 10
# Every fifth client keeps a home practice log, eight weeks of it.
PRACTICE_EVERY, PRACTICE_WEEKS = 5, 8
# One client in fifty has intake answers waiting for review (the to-do list reads them).
INTAKE_WAITING_EVERY = 50
# Everything the intake link asks, answered: what a review page shows at its fullest.
INTAKE_ANSWERS = {
    "about": {
        "preferred_name": "Rosie",
        "pronouns": "she/her",
        "email": "rosie@example.org",
        "phone": "+44 7700 900123",
        "emergency_contact": "A friend, 07700 900456",
    },
    "room": {"wishes": ["near_door", "eyes_open"], "note": "A window I can see."},
    **{
        f"precaution-{n}": {
            "condition": condition,
            "other": "",
            "side": "right",
            "since": "March",
            "clinician": "No deep bends for now.",
        }
        for n, condition in ((1, "thr_posterior"), (2, "knee_injury"))
    },
    **{
        f"trigger-{n}": {"category": category, "note": "Footsteps.", "helps": "Saying where."}
        for n, category in ((1, "someone_behind"), (2, "eyes_closed"))
    },
    "touch": "ask",
}
BATCH = 2_000
FIRST_NAMES = [
    "Ada",
    "Bo",
    "Cai",
    "Dara",
    "Eli",
    "Fen",
    "Gus",
    "Hana",
    "Ines",
    "Jo",
    "Kit",
    "Lior",
    "Mei",
    "Nia",
    "Oli",
    "Pia",
    "Quin",
    "Rosa",
    "Sam",
    "Tom",
]
TARGET_MS = 50
# The client list against a view that does nothing, through the same middleware: the list's
# own work (its queries and its template) may at most match what every request costs anyway.
THROUGHPUT_TARGET = 0.5
WARM_UP = 3
HTMX = {"HX-Request": "true"}
SIZE_LIMIT = 200 * 1024


THROUGHPUT_ROUNDS = 3
SERVER_START_SECONDS = 120


@contextmanager
def _bench_server():
    """gunicorn serving routines/management/bench_server.py on this process's database, with
    this process's keys (the session signed in here is valid there); yields its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        database_url = f"sqlite:///{database['NAME']}"
    else:
        database_url = os.environ["DATABASE_URL"]
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    # With DEBUG off the pages name static files through WhiteNoise's manifest: written here,
    # as a deployment writes it, or a fresh clone's first page would fail to find it.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    command = [sys.executable, "-m", "gunicorn", "routines.management.bench_server:application"]
    server = subprocess.Popen(  # noqa: S603 - our own fixed command
        [*command, "--log-level", "warning"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                if _get(port, "/healthz", {}) < 500:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise CommandError("The bench's gunicorn did not start (see its output above).")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(30)


def _get(port: int, url: str, cookies: dict[str, str]) -> int:
    """One GET on a connection of its own (gunicorn's sync worker closes each), its status."""
    server = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
        server.request("GET", url, headers={"Cookie": cookie} if cookie else {})
        response = server.getresponse()
        response.read()
        return response.status
    finally:
        server.close()


def _requests_per_second(port: int, url: str, cookies: dict[str, str], count: int) -> float:
    """`count` GETs over two connections at once, so the one worker always has the next."""

    def send(share: int) -> None:
        for _ in range(share):
            if (status := _get(port, url, cookies)) != 200:
                raise CommandError(f"{url} answered {status}")

    send(2)  # warm: the worker's first requests compile templates and open the database
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(send, [count // 2, count - count // 2]))
    return count / (time.perf_counter() - started)


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _ServerTimes(logging.Handler):
    """The duration the request log writes for each request (practice/observability.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.durations: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.durations.append(record.__dict__["duration_ms"])  # the request log line's extra


@contextmanager
def _server_times():
    log = logging.getLogger("groundwork.requests")
    times = _ServerTimes()
    # Kept from the console: one JSON line per request would time the terminal, not the page.
    log.addHandler(times)
    propagate, log.propagate = log.propagate, False
    try:
        yield times
    finally:
        log.removeHandler(times)
        log.propagate = propagate


@contextmanager
def _collector_as_in_gunicorn():
    threshold = gc.get_threshold()
    collect_between_requests()
    try:
        yield
    finally:
        stop_collecting_between_requests(threshold)


@contextmanager
def _throwaway_database():
    # No setup_test_environment(): its template instrumentation would be timed with the pages.
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            old_name = connection.settings_dict["NAME"]
            connection.settings_dict["TEST"]["NAME"] = str(Path(folder) / "bench.sqlite3")
            connection.creation.create_test_db(verbosity=0, autoclobber=True)
            try:
                yield
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        return
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise CommandError(f"Refusing to empty the database {name!r}: its name must hold 'bench'.")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    try:
        yield
    finally:
        call_command("flush", interactive=False, verbosity=0)


class Command(BaseCommand):
    help = "Times every main page on a studio of 10,000 clients (see `make bench`)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument("--renders", type=int, default=500, help="uncached PDFs for memory")

    def handle(self, *args, requests: int, renders: int, **options) -> None:
        settings_for_bench = override_settings(
            ALLOWED_HOSTS=["testserver"],
            DEBUG=False,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        )
        with _throwaway_database(), settings_for_bench, _server_times() as times:
            started = time.perf_counter()
            world = self._seed()
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"Seeded in {seconds:.0f} s ({connection.vendor}): {CLIENTS} clients, "
                f"{ROUTINES} routines of {STEPS} steps, {EVENTS} audit events, {MEMBERS} members"
            )
            self._server_times = times
            self._over_budget: list[str] = []
            # As a gunicorn worker does after start-up (gunicorn.conf.py post_worker_init).
            with _collector_as_in_gunicorn():
                self._pages(world, requests)
                self._throughput(world, requests)
            self._memory(world, renders)
        if self._over_budget:
            raise CommandError("Over budget: " + "; ".join(self._over_budget))
        self.stdout.write(
            f"\nEvery page within budget (p95 {TARGET_MS} ms), and the client list at "
            f"{THROUGHPUT_TARGET}x a bare view or more."
        )

    # --- Seeding ------------------------------------------------------------------------------

    def _seed(self) -> dict:
        rng = random.Random(11)  # noqa: S311 - made-up names, not secrets
        studio = Studio.objects.create(name="Large Studio", contact_email="large@example.com")
        owner = User.objects.create_user("owner@bench.test", "bench-password-123", name="Owner")
        password = owner.password
        users = User.objects.bulk_create(
            User(email=f"member{n}@bench.test", name=f"Member {n}", password=password)
            for n in range(MEMBERS - 1)
        )
        owner_membership = Membership.objects.create(
            user=owner, studio=studio, role=Membership.Role.OWNER
        )
        instructors = Membership.objects.bulk_create(
            Membership(user=user, studio=studio, role=Membership.Role.INSTRUCTOR) for user in users
        )
        teachers = [owner_membership, *instructors]
        clients = []
        for start in range(0, CLIENTS, BATCH):
            clients += Client.objects.bulk_create(
                Client(
                    studio=studio,
                    preferred_name=f"{rng.choice(FIRST_NAMES)}{n}",
                    full_name=f"{rng.choice(FIRST_NAMES)} Example{n}",
                    pronouns="they/them",
                    email=f"client{n}@example.org",
                    phone="+44 7700 900123",
                    emergency_contact="A friend, 07700 900456",
                    goals="Some ease in the hips when walking.",
                    props="a bolster",
                    created_by=owner,
                )
                for n in range(start, min(start + BATCH, CLIENTS))
            )
        # Each instructor looks after every nineteenth client, as their care team.
        CareTeam = Client.care_team.through
        CareTeam.objects.bulk_create(
            (
                CareTeam(client_id=client.pk, membership_id=instructors[n % len(instructors)].pk)
                for n, client in enumerate(clients)
            ),
            batch_size=BATCH,
        )
        Precaution.objects.bulk_create(
            (
                Precaution(
                    client=client,
                    condition=condition,
                    restricted_movements=["hip_flexion_past_90"],
                    note="No bending past a right angle until the review.",
                )
                for client in clients
                for condition in (Condition.HIP_REPLACEMENT_POSTERIOR, Condition.KNEE_INJURY)
            ),
            batch_size=BATCH,
        )
        Trigger.objects.bulk_create(
            (
                Trigger(
                    client=client,
                    category=TriggerCategory.SOMEONE_BEHIND,
                    note="Startles when someone walks behind.",
                    what_helps="Mat facing the door.",
                )
                for client in clients
            ),
            batch_size=BATCH,
        )
        old = ConsentDocument.objects.create(studio=studio, version=1, text="Version one.")
        ConsentDocument.objects.create(studio=studio, version=2, text="Version two.")
        ConsentSignature.objects.bulk_create(
            (
                ConsentSignature(client=client, document=old, signed_name=client.full_name)
                for client in clients[::2]
            ),
            batch_size=BATCH,
        )
        poses = list(Pose.objects.filter(studio=None, retired=False).order_by("slug")[:STEPS])
        routines = Routine.objects.bulk_create(
            (
                Routine(
                    studio=studio,
                    title=f"Gentle hips {n}",
                    client=clients[n * 2] if n % 2 else None,
                    status=Routine.Status.READY if n % 3 else Routine.Status.DRAFT,
                    # Built by the teacher who looks after the client (the owner for the rest).
                    created_by=instructors[n * 2 % len(instructors)].user if n % 2 else owner,
                    updated_by=owner,
                )
                for n in range(ROUTINES)
            ),
            batch_size=BATCH,
        )
        RoutineStep.objects.bulk_create(
            (
                RoutineStep(
                    routine=routine,
                    position=position,
                    pose=pose,
                    hold_breaths=5,
                    cue="Only as far as feels kind.",
                )
                for routine in routines
                for position, pose in enumerate(poses, start=1)
            ),
            batch_size=BATCH * 4,
        )
        now = timezone.now()
        self._seed_sessions(rng, studio, owner, clients, teachers, now)
        intake_token = self._seed_intake_links(studio, owner, clients, now)
        viewed = ("client", "full record opened", AuditEvent.Action.VIEW)
        printed = ("client handout", "handout printed", AuditEvent.Action.PRINT)
        kinds = [printed if n % PRINT_SHARE == 0 else viewed for n in range(EVENTS)]
        AuditEvent.objects.bulk_create(
            (
                AuditEvent(
                    studio=studio,
                    actor=owner,
                    actor_label=owner.email,
                    action=action,
                    client=clients[n % CLIENTS],
                    client_code=clients[n % CLIENTS].code,
                    record_type=record_type,
                    summary=summary,
                    ip_address="203.0.113.9",
                    at=now - timedelta(minutes=n),
                )
                for n, (record_type, summary, action) in enumerate(kinds)
            ),
            batch_size=BATCH * 2,
        )
        if connection.vendor == "postgresql":
            # As autovacuum would soon after a bulk load: statistics for the planner, and the
            # visibility map that lets counts read an index alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
                # The bulk load's pages written out now, not by the checkpointer mid-benchmark
                # (a role without the right to checkpoint benchmarks without it).
                with contextlib.suppress(DatabaseError):
                    cursor.execute("CHECKPOINT")
        session = (
            Session.objects.filter(studio=studio, status=Session.Status.HELD)
            .order_by("-starts_at")
            .first()
        )
        assert session is not None, "the benchmark data has held sessions"
        # Its routine chosen, so the room sheet lists an 8-step routine's props.
        session.routine_code = routines[1].code
        session.save(update_fields=["routine_code"])
        return {
            "studio": studio,
            "owner": owner,
            # An instructor, with her care team and the routines she built for them.
            "instructor": instructors[0].user,
            "session": session,
            "client": clients[1],
            "intake_review": IntakeInvitation.objects.get(client=clients[1]),
            "intake_token": intake_token,
            # Tailored for a client with two precautions (open safety conflicts)...
            "routine": routines[1],
            # ...and one for nobody: the only kind of handout the PDF cache may hold.
            "untailored": routines[0],
        }

    def _seed_intake_links(self, studio, owner, clients, now) -> str:
        """Answers waiting for review (the page's client among them, signed on the current
        consent text), and one link sent and open: its token, for the client's page."""
        document = ConsentDocument.objects.filter(studio=studio).order_by("-version").first()
        assert document is not None, "the benchmark studio has a consent text"
        answers = {
            **INTAKE_ANSWERS,
            "consent": {
                "document": str(document.code),
                "version": document.version,
                "signed_name": "Rosie Example",
                "signed_at": now.isoformat(),
                "address": "203.0.113.9",
            },
        }
        waiting = [clients[1], *clients[INTAKE_WAITING_EVERY::INTAKE_WAITING_EVERY]]
        IntakeInvitation.objects.bulk_create(
            (
                IntakeInvitation(
                    client=client,
                    token_hash=secrets.token_hex(32),
                    created_by=owner,
                    created_at=now - timedelta(days=3),
                    expires_at=now + timedelta(days=11),
                    opened_at=now - timedelta(days=2),
                    submitted_at=now - timedelta(days=2),
                    answers_data=json.dumps(answers),
                )
                for client in waiting
            ),
            batch_size=BATCH,
        )
        _, token = intake_link_send(client=clients[2], by=owner)
        return token

    def _seed_sessions(self, rng, studio, owner, clients, teachers, now) -> None:
        """Half a year of sessions as the demo keeps them: most held, with a check-in before
        and after for each client; one in ten planned over the coming two weeks, a few of them
        today; one in ten a pair. Then home practice, and each client's last held session."""
        sessions, attendance = [], []
        for n in range(SESSIONS):
            planned = n % PLANNED_SHARE == 0
            hours = rng.randint(1, 14 * 24) if planned else -rng.randint(2, HISTORY_DAYS * 24)
            sessions.append(
                Session(
                    studio=studio,
                    teacher=teachers[n % len(teachers)],
                    starts_at=now + timedelta(hours=hours),
                    status=Session.Status.PLANNED if planned else Session.Status.HELD,
                    created_by=owner,
                )
            )
            attendance.append([rng.randrange(CLIENTS) for _ in range(2 if n % 10 == 5 else 1)])
        sessions = Session.objects.bulk_create(sessions, batch_size=BATCH)
        Attending = Session.clients.through
        Attending.objects.bulk_create(
            (
                Attending(session_id=session.pk, client_id=clients[index].pk)
                for session, indexes in zip(sessions, attendance, strict=True)
                for index in set(indexes)
            ),
            batch_size=BATCH,
        )
        CheckIn.objects.bulk_create(
            (
                CheckIn(
                    session=session,
                    client=clients[index],
                    moment=moment,
                    hips=rng.randint(2, 8),
                    settled=rng.randint(3, 9),
                    words="Warmer in the right hip." if moment == CheckIn.Moment.BEFORE else "",
                    recorded_by=owner,
                )
                for session, indexes in zip(sessions, attendance, strict=True)
                if session.status == Session.Status.HELD
                for index in set(indexes)
                for moment in CheckIn.Moment.values
            ),
            batch_size=BATCH,
        )
        this_week = week_start(now.date())
        HomePractice.objects.bulk_create(
            (
                HomePractice(
                    client=client,
                    week_starting=this_week - timedelta(weeks=week),
                    days=rng.randint(1, 7),
                    recorded_by=owner,
                )
                for client in clients[::PRACTICE_EVERY]
                for week in range(1, PRACTICE_WEEKS + 1)
            ),
            batch_size=BATCH,
        )
        clients_refresh_last_seen(clients=Client.objects.filter(studio=studio))

    # --- Pages --------------------------------------------------------------------------------

    def _page_urls(self, world: dict) -> list[tuple[str, str]]:
        """Every page a signed-in person opens, as the owner sees it."""
        studio, client, routine = world["studio"], world["client"], world["routine"]
        session = world["session"]
        s, c, r, v = studio.code, client.code, routine.code, session.code
        attendee = session.clients.first().code
        return [
            ("dashboard (owner)", reverse("studio_dashboard", args=[s])),
            ("client list", reverse("client_list", args=[s])),
            ("client list, page 200", reverse("client_list", args=[s]) + "?page=200"),
            ("client search", reverse("client_list", args=[s]) + "?q=rosa"),
            ("client chooser (htmx)", reverse("client_choose", args=[s]) + "?q=mei"),
            ("new client form", reverse("client_create", args=[s])),
            ("client page", reverse("client_detail", args=[s, c])),
            (
                "intake answers to review",
                reverse("intake_link_review", args=[s, c, world["intake_review"].code]),
            ),
            ("client edit form", reverse("client_edit", args=[s, c])),
            (
                "intake section (htmx)",
                reverse("intake_section", args=[s, c]) + "?block=precautions",
            ),
            ("home practice", reverse("home_practice", args=[s, c])),
            ("sessions", reverse("session_list", args=[s])),
            ("new session form", reverse("session_create", args=[s])),
            ("session page", reverse("session_detail", args=[s, v])),
            ("check-in form", reverse("checkin", args=[s, v, attendee, "before"])),
            ("session note form", reverse("session_note", args=[s, v, attendee])),
            ("session routine chooser", reverse("session_routine", args=[s, v])),
            ("room sheet", reverse("session_room_sheet", args=[s, v])),
            ("calendar settings", reverse("calendar_settings", args=[s])),
            ("routine list", reverse("routine_list", args=[s])),
            ("routine list, page 100", reverse("routine_list", args=[s]) + "?page=100"),
            ("new routine form", reverse("routine_create", args=[s])),
            ("builder", reverse("routine_detail", args=[s, r])),
            # What the builder fetches as soon as it is shown, then a search.
            ("picker, whole library (htmx)", reverse("step_picker", args=[s, r])),
            ("picker, search (htmx)", reverse("step_picker", args=[s, r]) + "?q=hip"),
            ("library", reverse("pose_list", args=[s])),
            ("print page", reverse("routine_print", args=[s, r])),
            ("handout settings", reverse("handout_settings", args=[s])),
            ("team", reverse("team", args=[s])),
            ("studio settings", reverse("studio_settings", args=[s])),
            ("audit trail", reverse("audit_list", args=[s])),
            ("audit trail, one client", reverse("audit_list", args=[s]) + f"?client={c}"),
            ("consent page", reverse("consent_text", args=[s])),
            ("export start", reverse("studio_export", args=[s])),
        ]

    def _time(self, client: TestClient, url: str, runs: int, headers=None) -> tuple:
        for _ in range(WARM_UP):  # templates compiled, caches and the connection warm
            response = client.get(url, headers=headers or {})
        assert response.status_code == 200, (url, response.status_code)
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url, headers=headers or {})
        durations = self._server_times.durations
        durations.clear()
        for _ in range(runs):
            response = client.get(url, headers=headers or {})
        assert len(durations) == runs, "the request log wrote no duration"
        return len(queries), list(durations), len(response.content)

    def _row(self, name: str, queries: int | str, timings: list[float], size: int, limit=True):
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
        flags = []
        if limit and p95 > TARGET_MS:
            flags.append(f"p95 > {TARGET_MS} ms")
            self._over_budget.append(f"{name} ({p95:.0f} ms)")
        if limit and size > SIZE_LIMIT:
            flags.append("> 200 KB")
            self._over_budget.append(f"{name} ({size / 1024:.0f} KB)")
        self.stdout.write(
            f"  {name:<32} {queries!s:>7} {p50:9.1f} {p95:9.1f} {size / 1024:9.1f}  "
            f"{', '.join(flags) or 'ok'}"
        )

    def _pages(self, world: dict, runs: int) -> None:
        owner = TestClient()
        owner.force_login(world["owner"])
        instructor = TestClient()
        instructor.force_login(world["instructor"])
        self.stdout.write(
            f"\nPages, {runs} requests each (ms; KB); budget: p95 {TARGET_MS} ms, "
            f"{SIZE_LIMIT // 1024} KB"
        )
        self.stdout.write(f"  {'page':<32} {'queries':>7} {'p50':>9} {'p95':>9} {'size':>9}")
        pages = [(name, url, owner) for name, url in self._page_urls(world)]
        dashboard = reverse("studio_dashboard", args=[world["studio"].code])
        pages.insert(1, ("dashboard (instructor)", dashboard, instructor))
        # The client's own intake link, on her phone: no account, only the token checked.
        intake = reverse("intake_link_form", args=[world["intake_token"]])
        pages.append(("intake link (client, public)", intake, TestClient()))
        for name, url, client in pages:
            headers = HTMX if "(htmx)" in name else None
            queries, timings, size = self._time(client, url, runs, headers)
            self._row(name, queries, timings, size)
        studio, routine = world["studio"], world["untailored"]
        pdf_url = reverse("routine_handout", args=[studio.code, routine.code])
        queries, timings, size = self._time(owner, pdf_url, runs)
        self._row("handout PDF, cached", queries, timings, size, limit=False)
        self._uncached_pdf(world, runs)

    def _uncached_pdf(self, world: dict, runs: int) -> None:
        """The tailored handout, rendered afresh each time (a PDF about one client is never
        cached), against WeasyPrint alone on the same HTML."""
        from routines.paper import pdf

        routine = Routine.objects.select_related("studio", "client").get(pk=world["routine"].pk)
        client = TestClient()
        client.force_login(world["owner"])
        # Confirmed: the routine has open conflicts, so the print page asks before printing.
        url = reverse("routine_handout", args=[routine.studio.code, routine.code]) + "?confirmed=1"
        html = handouts.handout_html(routine, PrintOptions(), routine.created_by)
        assert client.get(url)["Content-Type"] == "application/pdf"
        full, floor = [], []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            full.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            pdf.render_here(html, routine.studio)
            floor.append((time.perf_counter() - started) * 1000)
        self._row("handout PDF, uncached", "-", full, len(response.content), limit=False)
        self._row("WeasyPrint alone, same HTML", "-", floor, len(response.content), limit=False)
        ratio = statistics.median(full) / statistics.median(floor)
        verdict = "ok" if ratio <= 1.15 else "over 1.15"
        self.stdout.write(f"  uncached PDF / WeasyPrint alone (medians): {ratio:.2f}  {verdict}")

    def _throughput(self, world: dict, runs: int) -> None:
        """Requests per second over HTTP, as the issue measured them: one gunicorn worker with
        the production configuration (gunicorn.conf.py, DEBUG off) on this database, kept busy
        by two connections at a time, serving the client list and then the bare view."""
        client = TestClient()
        client.force_login(world["owner"])
        list_url = reverse("client_list", args=[world["studio"].code])
        # Her session and the CSRF cookie its first page gave her, as a browser sends them.
        client.get(list_url)
        cookie = {name: morsel.value for name, morsel in client.cookies.items()}
        rates: dict[str, list[float]] = {"client list": [], "bare view": []}
        with _bench_server() as port:
            # Taken in turns, so that a moment the machine is busy falls on both alike.
            for _ in range(THROUGHPUT_ROUNDS):
                for name, url in (("client list", list_url), ("bare view", "/bench-bare/")):
                    rates[name].append(_requests_per_second(port, url, cookie, runs * 10))
        best = {name: max(values) for name, values in rates.items()}
        ratio = best["client list"] / best["bare view"]
        verdict = "ok" if ratio >= THROUGHPUT_TARGET else f"under {THROUGHPUT_TARGET}"
        if ratio < THROUGHPUT_TARGET:
            self._over_budget.append(f"client list at {ratio:.2f}x a bare view")
        self.stdout.write(
            f"\nRequests per second over HTTP, one gunicorn worker (best of {THROUGHPUT_ROUNDS}): "
            f"client list {best['client list']:.0f}, bare view {best['bare view']:.0f}; "
            f"client list / bare view {ratio:.2f} (target {THROUGHPUT_TARGET}): {verdict}"
        )

    def _memory(self, world: dict, renders: int) -> None:
        """RSS of the process over uncached renders: growth after the first 50 should level."""
        routine = Routine.objects.select_related("studio", "client").get(pk=world["routine"].pk)
        html = handouts.handout_html(routine, PrintOptions(), routine.created_by)
        after_50 = None
        for number in range(1, renders + 1):
            handouts.render_pdf(html, routine.studio)
            if number == 50:
                after_50 = _rss_mb()
        if after_50 is None:
            return
        final = _rss_mb()
        growth = (final - after_50) / after_50 * 100
        verdict = "ok" if growth < 10 else "over 10%"
        self.stdout.write(
            f"\nMemory over {renders} uncached renders: RSS {after_50:.0f} MB after 50, "
            f"{final:.0f} MB after {renders} ({growth:+.1f}%)  {verdict}"
        )
