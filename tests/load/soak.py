"""`make soak`: two app servers, one task worker and HAProxy on one PostgreSQL, Redis and S3.

Teachers sign in and, for a fixed time, read client pages, add notes and precautions, build
routines (two teachers on the same routine at once), print handouts and start exports. Meanwhile
the faults come, one after another: the task worker is killed with SIGKILL in the middle of an
export, one app server is stopped and brought back, Redis is stopped for 30 s, and PostgreSQL
is restarted. A run shorter than MINIMUM_SECONDS is lengthened to it, so that every fault fits
(the Redis outage is always the full 30 s). Redis, PostgreSQL and S3 are the soak's own (a
redis-server, an initdb cluster and moto's S3 server on other ports), never the machine's shared
ones; without PostgreSQL's server programs the soak uses the shared server and says it skips
that restart. The servers and the worker each have a media folder of their own: uploads and job
results live in the bucket, and at the end an export made by the worker is downloaded through
an app server.

At the end every write the load saw acknowledged is read back from the database, and the run
fails on a lost or duplicated write, a refused edit that was not a 409, a lost session, a server
error that no stopped server or database explains (so any during the Redis outage), pages not
served during the Redis outage (a gap longer than SERVED_GAP_LIMIT_SECONDS between pages
served), a job left waiting or running, a site that took longer than RECOVERY_LIMIT_SECONDS to
serve again once PostgreSQL was back, or an export that did not go through the bucket.

    python -m tests.load.soak --seconds 120 --teachers 6
"""

import argparse
import asyncio
import itertools
import os
import random
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
import psycopg

from tests.load.cluster import (
    Cluster,
    PrivatePostgres,
    PrivateRedis,
    PrivateS3,
    production_env,
    wait_healthy,
)
from tests.load.forms import find_form

PASSWORD = "soak-password-1234"
# Requests that end this long after a server was stopped count as "in flight on it".
IN_FLIGHT_GRACE_SECONDS = 5.0
ACKNOWLEDGED = {302}
CONFLICT_MESSAGE = "Someone else changed this routine"
REDIS_OUTAGE_SECONDS = 30
POSTGRES_DOWN_SECONDS = 5
RECOVERY_LIMIT_SECONDS = 5.0
# While Redis is away pages must keep coming: never this long without one served (the probe
# alone asks every second; the teachers keep working too). The same bound as a recovery.
SERVED_GAP_LIMIT_SECONDS = 5.0
# Long enough for the faults one after another: the worker killed at 10%, app1 stopped from 20%
# to 32%, Redis from 36% for 30 s, PostgreSQL restarted at 80% (5 s down, then the recovery is
# timed) and some load after it. Shorter runs are lengthened to this.
MINIMUM_SECONDS = 75
FAULTS = [
    (0.10, "kill the worker mid-export"),
    (0.20, "stop app1"),
    (0.32, "start app1"),
    (0.36, "stop Redis"),
    (0.80, "restart PostgreSQL"),
]
SHARED_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/groundwork_soak"


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    # 5xx answers and requests that got no answer, with when they ended.
    server_errors: list[tuple[float, str, int | str]] = field(default_factory=list)
    notes: set[str] = field(default_factory=set)
    precautions: set[str] = field(default_factory=set)
    steps_added: Counter = field(default_factory=Counter)
    titles: dict[str, set[str]] = field(default_factory=dict)
    conflicts: int = 0
    refused_not_409: list[str] = field(default_factory=list)
    sessions_lost: int = 0
    exports_started: int = 0
    problems: Counter = field(default_factory=Counter)
    stops: list[float] = field(default_factory=list)
    # When each answer came and its status: what was served during the Redis outage.
    answers: list[tuple[float, int]] = field(default_factory=list)
    # (from, to) while PostgreSQL was away, to the recovery limit after it was back.
    database_outages: list[tuple[float, float]] = field(default_factory=list)
    redis_outage: tuple[float, float] | None = None
    # Sign-in, then a page and a note each second, while Redis is stopped: statuses.
    redis_probe: list[int | str] = field(default_factory=list)
    load_started: float = field(default_factory=time.monotonic)
    recovery_seconds: list[float] = field(default_factory=list)
    killed_job: str = ""
    fault_notes: list[str] = field(default_factory=list)

    def record(self, kind: str, started: float, response: httpx.Response) -> None:
        self.latencies.setdefault(kind, []).append(time.monotonic() - started)
        self.statuses[response.status_code] += 1
        self.answers.append((time.monotonic(), response.status_code))
        if response.status_code >= 500:
            self.server_errors.append((time.monotonic(), kind, response.status_code))
        location = response.headers.get("location", "")
        if "/accounts/login/" in location:
            self.sessions_lost += 1


@dataclass
class Teacher:
    email: str
    studio_url: str
    client_url: str
    routine_url: str
    is_owner: bool


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


async def _sign_in(http: httpx.AsyncClient, email: str) -> None:
    page = await http.get("/accounts/login/")
    form = find_form(page.text, str(page.url), "/accounts/login/")
    form.fields.update({"login": email, "password": PASSWORD})
    response = await http.post(form.action, data=form.fields)
    if response.status_code not in ACKNOWLEDGED:
        raise SystemExit(f"{email} could not sign in ({response.status_code})")


async def _submit(
    http: httpx.AsyncClient, results: Results, kind: str, page_url: str, action: str, **values
) -> httpx.Response:
    started = time.monotonic()
    page = await http.get(page_url)
    results.record("read " + kind, started, page)
    form = find_form(page.text, str(page.url), action)
    form.fields.update(values)
    started = time.monotonic()
    response = await http.post(form.action, data=form.fields)
    if response.status_code == 303:
        # Without JavaScript a refused edit is redirected to the page that explains it
        # (with a 409), so that reloading it resubmits nothing.
        redirect = response
        response = await http.get(response.headers["location"])
        response.history = [redirect]
    results.record(kind, started, response)
    return response


async def _teacher_loop(
    teacher: Teacher,
    base_url: str,
    deadline: float,
    faults_done: asyncio.Event,
    results: Results,
    seed: int,
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        await _sign_in(http, teacher.email)
        sequence = 0
        # The load lasts as long as the faults do: a slow restart on a busy machine pushes the
        # later faults past the planned end, and they must still meet teachers at work.
        while time.monotonic() < deadline or not faults_done.is_set():
            sequence += 1
            marker = f"soak {teacher.email} {sequence}"
            action = rng.choices(
                ["read", "note", "precaution", "step", "details", "move", "print", "export"],
                weights=[8, 2, 1, 2, 2, 2, 1, 1 if teacher.is_owner else 0],
            )[0]
            try:
                await _one_action(http, teacher, action, marker, results, rng)
            except httpx.TransportError as error:
                # No answer at all: a connection the stopped server dropped mid-request.
                results.statuses[type(error).__name__] += 1
                results.server_errors.append((time.monotonic(), action, type(error).__name__))
                await asyncio.sleep(0.2)
            except LookupError as error:
                results.statuses[type(error).__name__] += 1
                results.problems[str(error)[:120]] += 1
                await asyncio.sleep(0.2)


async def _one_action(
    http: httpx.AsyncClient,
    teacher: Teacher,
    action: str,
    marker: str,
    results: Results,
    rng: random.Random,
) -> None:
    if action == "read":
        url = rng.choice([teacher.client_url, teacher.routine_url, teacher.client_url + "../"])
        started = time.monotonic()
        results.record("read", started, await http.get(url))
    elif action == "note":
        response = await _submit(
            http, results, "note", teacher.client_url, "/notes/add/", body=marker
        )
        if response.status_code in ACKNOWLEDGED:
            results.notes.add(marker)
    elif action == "precaution":
        response = await _submit(
            http,
            results,
            "precaution",
            teacher.client_url + "intake/precautions/new/",
            "/precautions/new/",
            condition="knee_injury",
            note=marker,
        )
        if response.status_code in ACKNOWLEDGED:
            results.precautions.add(marker)
    elif action == "step":
        # A search sent without JavaScript draws the picker's results (and their Add buttons)
        # on the builder page; otherwise htmx fetches them after the page.
        picker = teacher.routine_url + "?q="
        response = await _submit(http, results, "step", picker, "/steps/add/")
        _count_edit(
            results, teacher, response, lambda: results.steps_added.update([teacher.routine_url])
        )
    elif action == "details":
        title = marker.replace("soak ", "Soak routine ")
        # The details form sits on the builder page and carries the page's routine version.
        response = await _submit(
            http, results, "details", teacher.routine_url, "/edit/", title=title
        )
        _count_edit(
            results,
            teacher,
            response,
            lambda: results.titles.setdefault(teacher.routine_url, set()).add(title),
        )
    elif action == "move":
        # Moving a step claims the version too: the pair's other teacher may just have changed
        # the routine, and then the answer must be a 409, never a silent overwrite.
        response = await _submit(
            http, results, "move", teacher.routine_url, "/move/", direction="down"
        )
        _count_edit(results, teacher, response, lambda: None)
    elif action == "print":
        started = time.monotonic()
        results.record("print", started, await http.get(teacher.routine_url + "handout.pdf"))
    elif action == "export":
        # Starts the whole-studio export as a background task; the page answers at once.
        response = await _submit(
            http, results, "export", teacher.studio_url + "clients/export/", "/export/"
        )
        if response.status_code in ACKNOWLEDGED:
            results.exports_started += 1


def _count_edit(results: Results, teacher: Teacher, response: httpx.Response, on_ack) -> None:
    if response.status_code in ACKNOWLEDGED:
        on_ack()
    elif response.status_code == 409 or (
        # A refused move has nothing typed to keep: its redirect lands on the builder with
        # the message instead of a 409 page.
        response.history and CONFLICT_MESSAGE in response.text
    ):
        results.conflicts += 1
    elif response.status_code < 500:
        results.refused_not_409.append(
            f"{response.request.method} {response.request.url.path[-30:]}: {response.status_code}"
        )


def _prepare_database(database_url: str) -> None:
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def _seed_teachers(count: int) -> list[Teacher]:
    """Demo studio plus `count` teachers (the first an owner), each with a client and, in
    pairs, one shared routine tailored for that client: pairs edit the same routine at once."""
    from allauth.account.models import EmailAddress

    from clients.models import Client
    from practice.models import Membership, Studio, User
    from routines.models import Pose
    from routines.services import routine_start, step_add

    studio = Studio.objects.get(name="Willow Room Yoga")
    teachers = []
    routine = None
    poses = list(Pose.objects.visible_to(studio)[:3])
    for index in range(count):
        email = f"teacher{index}@soak.test"
        user = User.objects.create_user(email=email, password=PASSWORD, name=f"Soak {index}")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        role = Membership.Role.OWNER if index == 0 else Membership.Role.INSTRUCTOR
        Membership.objects.create(user=user, studio=studio, role=role)
        client = Client.objects.create(
            studio=studio, preferred_name=f"Soak{index}", full_name=f"Soak Client {index}"
        )
        if index % 2 == 0:
            routine = routine_start(studio=studio, by=user, title=f"Soak {index}", client=client)
            for pose in poses:
                step_add(routine=routine, pose=pose, by=user)
        teachers.append(
            Teacher(
                email=email,
                studio_url=studio.get_absolute_url(),
                client_url=client.get_absolute_url(),
                routine_url=routine.get_absolute_url(),
                is_owner=index == 0,
            )
        )
    return teachers


def _read_back(results: Results, teachers: list[Teacher], initial_steps: dict[str, int]) -> dict:
    """Every acknowledged write, looked for in the database."""
    from clients.models import Note, Precaution
    from routines.models import Routine

    notes = Counter(note.body for note in Note.objects.filter(body__isnull=False))
    precautions = Counter(p.note for p in Precaution.objects.all())
    lost = [marker for marker in results.notes if marker not in notes]
    lost += [marker for marker in results.precautions if marker not in precautions]
    saved = notes + precautions
    duplicated = [text for text, count in saved.items() if count > 1 and text.startswith("soak ")]
    wrong_steps = []
    wrong_titles = []
    for routine in Routine.objects.filter(title__isnull=False):
        url = routine.get_absolute_url()
        if url not in initial_steps:
            continue
        expected = initial_steps[url] + results.steps_added[url]
        if routine.steps.count() != expected:
            wrong_steps.append(f"{url}: {routine.steps.count()} steps, expected {expected}")
        titles = results.titles.get(url)
        if titles and routine.title not in titles:
            wrong_titles.append(f"{url}: {routine.title!r} was never acknowledged")
    return {"lost": lost, "duplicated": duplicated, "steps": wrong_steps, "titles": wrong_titles}


def _seconds_until_served(url: str, since: float, timeout: float = 60) -> float:
    while time.monotonic() - since < timeout:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return time.monotonic() - since


def _kill_worker_mid_export(owner: Teacher) -> str:
    """Starts an export and, once a worker runs it, kills that worker with SIGKILL."""
    from django.db import connections

    from clients.tasks import studio_export
    from practice import jobs
    from practice.models import BackgroundJob, Studio, User

    studio = Studio.objects.get(name="Willow Room Yoga")
    by = User.objects.get(email=owner.email)
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            job = jobs.start(
                task=studio_export,
                kind=BackgroundJob.Kind.STUDIO_EXPORT,
                permission="clients.export_studio",
                studio=studio,
                by=by,
                params={"ip_address": "127.0.0.1"},
            )
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.status == BackgroundJob.Status.RUNNING and job.worker:
                    os.kill(int(job.worker.rsplit(":", 1)[1]), signal.SIGKILL)
                    return str(job.code)
                if job.is_finished:
                    break  # done before it was caught: start another
                time.sleep(0.005)
        return ""
    finally:
        connections.close_all()


def _jobs_left_unfinished(timeout: float = 60) -> list[str]:
    """Waits for every job to end; those still waiting or running after `timeout` are stuck."""
    from django.db import connections

    from practice.models import BackgroundJob

    # This process's connection may have died with the PostgreSQL restart: take a fresh one.
    connections.close_all()
    deadline = time.monotonic() + timeout
    while True:
        unfinished = BackgroundJob.objects.filter(
            status__in=[BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING]
        )
        if not unfinished.exists() or time.monotonic() > deadline:
            return [f"{job.kind} {job.status}" for job in unfinished]
        time.sleep(0.5)


async def _run_load(
    cluster: Cluster,
    teachers: list[Teacher],
    seconds: float,
    redis_server: PrivateRedis | None,
    postgres: PrivatePostgres | None,
) -> Results:
    results = Results()
    results.load_started = time.monotonic()
    deadline = time.monotonic() + seconds
    faults_done = asyncio.Event()
    loops = [
        asyncio.create_task(_teacher_loop(t, cluster.url, deadline, faults_done, results, seed=i))
        for i, t in enumerate(teachers)
    ]

    async def faults() -> None:
        app = cluster.apps[0]
        for fraction, step in FAULTS:
            await asyncio.sleep(max(0.0, deadline - seconds * (1 - fraction) - time.monotonic()))
            print(f"--- {step} at {time.monotonic() - results.load_started:.0f} s", flush=True)
            if step == "kill the worker mid-export":
                # Waits for an export to be running; the other faults do not wait for it.
                killing = asyncio.create_task(
                    asyncio.to_thread(_kill_worker_mid_export, teachers[0])
                )
            elif step == "stop app1":
                results.stops.append(time.monotonic())
                await asyncio.to_thread(app.stop)
            elif step == "start app1":
                app.start()
                await asyncio.to_thread(
                    wait_healthy, f"http://127.0.0.1:{cluster.base_port + 1}/healthz"
                )
            elif step == "stop Redis":
                await _redis_outage(REDIS_OUTAGE_SECONDS)
            else:
                await _postgres_restart(min(POSTGRES_DOWN_SECONDS, seconds / 10))
        results.killed_job = await killing
        faults_done.set()

    async def _redis_outage(outage: float) -> None:
        if redis_server is None:
            results.fault_notes.append("Redis outage skipped: --redis-url is not the soak's own")
            return
        began = time.monotonic()
        await asyncio.to_thread(redis_server.stop)
        await _use_the_site_without_redis(began + outage)
        await asyncio.to_thread(redis_server.start)
        results.redis_outage = (began, time.monotonic())

    async def _use_the_site_without_redis(until: float) -> None:
        teacher = teachers[-1]
        async with httpx.AsyncClient(base_url=cluster.url, timeout=30) as http:
            try:
                await _sign_in(http, teacher.email)
                results.redis_probe.append("signed in")
            except (SystemExit, httpx.HTTPError, LookupError) as error:
                results.redis_probe.append(f"sign-in failed: {error}")
                return
            number = 0
            while time.monotonic() < until:
                number += 1
                marker = f"soak redis outage {number}"
                try:
                    response = await _submit(
                        http, results, "note", teacher.client_url, "/notes/add/", body=marker
                    )
                except (httpx.HTTPError, LookupError) as error:
                    results.redis_probe.append(type(error).__name__)
                else:
                    results.redis_probe.append(response.status_code)
                    if response.status_code in ACKNOWLEDGED:
                        results.notes.add(marker)
                await asyncio.sleep(max(0.0, min(1.0, until - time.monotonic())))

    async def _postgres_restart(down: float) -> None:
        if postgres is None:
            results.fault_notes.append(
                "PostgreSQL restart skipped: the shared server is never restarted"
            )
            return
        began = time.monotonic()
        await asyncio.to_thread(postgres.stop)
        await asyncio.sleep(down)
        await asyncio.to_thread(postgres.start)
        back = time.monotonic()
        results.database_outages.append((began, back + RECOVERY_LIMIT_SECONDS))
        urls = [cluster.url] + [f"http://127.0.0.1:{cluster.base_port + i}" for i in (1, 2)]
        waits = await asyncio.gather(
            *(asyncio.to_thread(_seconds_until_served, url + "/healthz", back) for url in urls)
        )
        results.recovery_seconds = list(waits)
        print(f"--- served again after {', '.join(f'{w:.1f}' for w in waits)} s", flush=True)

    await asyncio.gather(faults(), *loops)
    return results


async def _rate_limit_probe(cluster: Cluster) -> tuple[int, list[int]]:
    """Failed sign-ins through the balancer (so alternating between the servers) until the
    limit bites; then one more attempt straight at each server. Both must refuse at once: the
    counters live in Redis, not in either server."""

    async def attempt(http: httpx.AsyncClient) -> int:
        page = await http.get("/accounts/login/")
        form = find_form(page.text, str(page.url), "/accounts/login/")
        form.fields.update({"login": "nobody@soak.test", "password": "wrong-password"})
        return (await http.post(form.action, data=form.fields)).status_code

    bitten_at = 0
    async with httpx.AsyncClient(base_url=cluster.url, timeout=30) as http:
        for number in range(1, 41):
            if await attempt(http) == 429:
                bitten_at = number
                break
    direct = []
    for index in (1, 2):
        url = f"http://127.0.0.1:{cluster.base_port + index}"
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            direct.append(await attempt(http))
    return bitten_at, direct


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--teachers", type=int, default=6)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SOAK_DATABASE_URL", ""),
        help="a PostgreSQL to use instead of the soak's own cluster (then never restarted)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("SOAK_REDIS_URL", ""),
        help="a Redis to use instead of the soak's own (then never stopped)",
    )
    parser.add_argument("--port", type=int, default=18000)
    args = parser.parse_args()
    if args.seconds < MINIMUM_SECONDS:
        print(f"--- {args.seconds:.0f} s cannot hold every fault: running {MINIMUM_SECONDS} s")
        args.seconds = MINIMUM_SECONDS

    cluster = Cluster(env={}, base_port=args.port)
    postgres = redis_server = s3 = None
    try:
        s3 = PrivateS3(args.port + 30, cluster.workdir)
        s3.start()
        database_url = args.database_url
        if not database_url:
            if PrivatePostgres.binaries() is None:
                print("--- no PostgreSQL server programs here: using the shared server, and")
                print("    skipping the PostgreSQL restart (the shared server is never touched)")
                database_url = SHARED_DATABASE_URL
            else:
                postgres = PrivatePostgres(args.port + 20)
                postgres.create()
                database_url = postgres.url
        redis_url = args.redis_url
        if not redis_url:
            redis_server = PrivateRedis(args.port + 10, cluster.workdir)
            redis_server.start()
            redis_url = redis_server.url
        return _soak(args, cluster, database_url, redis_url, redis_server, postgres, s3)
    finally:
        if s3 is not None:
            s3.stop()
        if redis_server is not None:
            redis_server.stop()
        if postgres is not None:
            postgres.remove()


def _soak(
    args: argparse.Namespace,
    cluster: Cluster,
    database_url: str,
    redis_url: str,
    redis_server: PrivateRedis | None,
    postgres: PrivatePostgres | None,
    s3: PrivateS3,
) -> int:
    _prepare_database(database_url)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    cluster.env = production_env(database_url, redis_url, cluster.workdir, s3.env())
    # This process reads back with the same settings and keys as the servers.
    os.environ.update(cluster.env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "practice.settings"
    cluster.manage("collectstatic", "--noinput", "-v0")
    cluster.manage("migrate", "--noinput", "-v0")
    cluster.manage("seed_demo")
    import django

    django.setup()
    teachers = _seed_teachers(args.teachers)
    from routines.models import Routine

    initial_steps = {
        r.get_absolute_url(): r.steps.count()
        for r in Routine.objects.filter(title__startswith="Soak ")
    }
    print(f"--- logs in {cluster.workdir}", flush=True)
    try:
        cluster.start()
        started = time.monotonic()
        results = asyncio.run(_run_load(cluster, teachers, args.seconds, redis_server, postgres))
        elapsed = time.monotonic() - started
        # Before the rate-limit probe: that one uses up the address's sign-ins.
        bucket = asyncio.run(_export_through_the_bucket(cluster, teachers[0], s3))
        limit_at = asyncio.run(_rate_limit_probe(cluster))
        wait_healthy(cluster.url + "/healthz")
        stuck = _jobs_left_unfinished()
        health = httpx.get(cluster.url + "/healthz", timeout=5).json()
    finally:
        cluster.stop()
    checks = _read_back(results, teachers, initial_steps)
    checks["stuck"] = stuck
    checks["bucket"] = bucket
    checks["machine_files"] = [str(p.relative_to(cluster.workdir)) for p in cluster.machine_files()]
    checks["killed"] = _killed_job_ending(results.killed_job)
    checks["health"] = health
    return _report(results, checks, elapsed, limit_at)


async def _export_through_the_bucket(cluster: Cluster, owner: Teacher, s3: PrivateS3) -> list[str]:
    """The owner starts an export on one server; the worker (another machine) writes it to the
    bucket; it is downloaded through the balancer and leaves the bucket. Returns what failed."""
    from practice.models import BackgroundJob

    failures = []
    async with httpx.AsyncClient(base_url=cluster.url, timeout=60) as http:
        await _sign_in(http, owner.email)
        page = owner.studio_url + "clients/export/"
        response = await _submit(http, Results(), "export", page, "/export/")
        job_url = response.headers.get("location", "")
        if response.status_code not in ACKNOWLEDGED or "/jobs/" not in job_url:
            return [f"the export did not start ({response.status_code})"]
        code = job_url.rstrip("/").rsplit("/", 1)[1]
        job = await asyncio.to_thread(_job_when_finished, code)
        if job.status != BackgroundJob.Status.DONE or not job.result_name:
            return [f"the export ended {job.status}: {job.message}"]
        if job.result_name not in await asyncio.to_thread(s3.keys):
            failures.append("the export's file is not in the bucket")
        download = await http.get(job_url.rstrip("/") + "/download/")
        if download.status_code != 200 or "attachment" not in download.headers.get(
            "content-disposition", ""
        ):
            failures.append(f"the download answered {download.status_code}, not the file")
        elif owner.client_url.split("/")[-2] not in download.text:
            failures.append("the downloaded export does not hold the studio's clients")
        if job.result_name in await asyncio.to_thread(s3.keys):
            failures.append("the downloaded file is still in the bucket")
    return failures


def _job_when_finished(code: str, timeout: float = 60):
    """The job once it has ended (or as it is after `timeout`), read in this thread."""
    from django.db import connections

    from practice.models import BackgroundJob

    deadline = time.monotonic() + timeout
    try:
        while True:
            job = BackgroundJob.objects.get(code=code)
            if job.is_finished or time.monotonic() > deadline:
                return job
            time.sleep(0.5)
    finally:
        connections.close_all()


def _killed_job_ending(code: str) -> str:
    from practice.models import BackgroundJob

    if not code:
        return "no export was caught running: the worker was not killed"
    job = BackgroundJob.objects.get(code=code)
    return f"{job.get_status_display()}: {job.message}"


def _row(kind: str, values: list[float]) -> None:
    p50, p95 = _percentile(values, 0.5), _percentile(values, 0.95)
    print(f"{kind:<22}{len(values):>9}{p50:>9.0f}{p95:>9.0f}")


def _report(results: Results, checks: dict, elapsed: float, limit_at: tuple[int, list[int]]) -> int:
    in_flight = [
        e
        for e in results.server_errors
        if any(0 <= e[0] - stop <= IN_FLIGHT_GRACE_SECONDS for stop in results.stops)
        or any(began <= e[0] <= until for began, until in results.database_outages)
    ]
    unexplained = len(results.server_errors) - len(in_flight)
    total = sum(len(v) for v in results.latencies.values())
    print(f"\n{'kind':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for kind, values in sorted(results.latencies.items()):
        _row(kind, values)
    everything = [v for values in results.latencies.values() for v in values]
    _row("all", everything)
    print(f"\nrequests/s: {total / elapsed:.1f} over {elapsed:.0f} s")
    print(
        "statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(results.statuses.items(), key=str))
    )
    for problem, count in results.problems.most_common(5):
        print(f"  {count} x {problem}")
    print(
        f"5xx or no answer, in flight on the stopped server: {len(in_flight)}; "
        f"unexplained: {unexplained}"
    )
    print(
        f"acknowledged writes: {len(results.notes)} notes, {len(results.precautions)} precautions, "
        f"{sum(results.steps_added.values())} steps, "
        f"{sum(len(t) for t in results.titles.values())} detail saves, "
        f"{results.exports_started} exports started"
    )
    print(
        f"concurrent edits refused with 409: {results.conflicts}; refused otherwise: "
        f"{len(results.refused_not_409)} {results.refused_not_409[:3]}"
    )
    print(f"lost writes: {len(checks['lost'])} {checks['lost'][:3]}")
    print(f"duplicated writes: {len(checks['duplicated'])} {checks['duplicated'][:3]}")
    print(f"step counts off: {len(checks['steps'])} {checks['steps'][:3]}")
    print(f"titles never acknowledged: {len(checks['titles'])} {checks['titles'][:3]}")
    print(f"sessions lost (sent to sign-in): {results.sessions_lost}")
    # A kind of write that never went through proves nothing (a form the soak no longer finds).
    writes = {
        "notes": len(results.notes),
        "precautions": len(results.precautions),
        "steps": sum(results.steps_added.values()),
        "detail saves": sum(len(t) for t in results.titles.values()),
    }
    never_done = [kind for kind, count in writes.items() if not count]
    print(f"kinds of write never acknowledged: {never_done}")
    for note in results.fault_notes:
        print(f"note: {note}")
    print(f"worker killed mid-export; that job: {checks['killed']}")
    print(f"jobs stuck (waiting or running at the end): {len(checks['stuck'])} {checks['stuck']}")
    redis_failures = []
    if results.redis_outage:
        began, ended = results.redis_outage
        answers = [status for at, status in results.answers if began <= at <= ended]
        served_at = [at for at, status in results.answers if began <= at <= ended and status < 500]
        moments = [began, *served_at, ended]
        longest_gap = max(later - earlier for earlier, later in itertools.pairwise(moments))
        redis_failures = [
            answer
            for answer in results.redis_probe
            if answer != "signed in" and answer not in ACKNOWLEDGED
        ]
        if not results.redis_probe:
            redis_failures.append("nothing tried")
        if ended - began < REDIS_OUTAGE_SECONDS:
            redis_failures.append(f"Redis was stopped only {ended - began:.0f} s")
        if longest_gap > SERVED_GAP_LIMIT_SECONDS:
            redis_failures.append(f"{longest_gap:.1f} s without a page served")
        probe = Counter(str(answer) for answer in results.redis_probe)
        print(
            f"Redis stopped {ended - began:.1f} s: {len(served_at)} of {len(answers)} answers "
            f"served, longest gap between pages served {longest_gap:.2f} s "
            f"(limit {SERVED_GAP_LIMIT_SECONDS:.0f} s); sign-in, then a note each second: "
            + ", ".join(f"{answer}: {count}" for answer, count in probe.items())
        )
    elif not results.fault_notes:
        redis_failures.append("Redis was never stopped")
    unexplained_errors = [e for e in results.server_errors if e not in in_flight]
    for at, kind, status in unexplained_errors[:5]:
        print(f"  unexplained: {kind} {status} at {at - results.load_started:.1f} s")
    slow_recovery = [w for w in results.recovery_seconds if w > RECOVERY_LIMIT_SECONDS]
    if results.recovery_seconds:
        print(
            "served again after PostgreSQL returned (balancer, app1, app2): "
            + ", ".join(f"{w:.1f} s" for w in results.recovery_seconds)
            + f" (limit {RECOVERY_LIMIT_SECONDS:.0f} s)"
        )
    print(f"health at the end: {checks['health']}")
    print(
        "an export made by the worker, downloaded through the bucket: "
        + ("; ".join(checks["bucket"]) if checks["bucket"] else "ok")
    )
    print(
        f"files in the machines' own media folders: {len(checks['machine_files'])} "
        f"{checks['machine_files'][:3]}"
    )
    bitten_at, direct = limit_at
    shared = bool(bitten_at) and direct == [429, 429]
    print(
        f"shared rate limit: 429 at failed sign-in {bitten_at} through the balancer; then "
        f"straight at each server: {direct} ({'shared' if shared else 'NOT shared'})"
    )
    failed = (
        checks["lost"]
        or checks["duplicated"]
        or checks["stuck"]
        or not checks["killed"].startswith("Stopped by an error")
        or redis_failures
        or checks["bucket"]
        or checks["machine_files"]
        or slow_recovery
        or checks["health"].get("status") != "ok"
        or checks["steps"]
        or checks["titles"]
        or unexplained
        or results.refused_not_409
        or results.sessions_lost
        or never_done
        or not shared
    )
    print("SOAK FAILED" if failed else "SOAK PASSED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
