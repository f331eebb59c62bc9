"""Runs the task worker and keeps it running: `manage.py worker` (what `make run` and the
deployment's process manager start).

django-tasks' `db_worker` exits when its database goes away (a PostgreSQL restart), and a
worker killed outright leaves its job "running". This supervisor starts `db_worker` as a child,
starts it again whenever it exits (sooner while it ran well, backing off to a few seconds while
the database is still down), fails the jobs of a child that died mid-job at once, sweeps for
jobs whose lease ran out (a worker on another machine that died), and tells /healthz it is
alive. SIGTERM or Ctrl+C stops the child gracefully and then the supervisor.
"""

import logging
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from practice import jobs
from practice.models import WorkerHeartbeat

logger = logging.getLogger(__name__)
# Restarts wait this long at first, doubling up to MAX while the child keeps failing at once.
FIRST_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 4.0
# A child that ran this long was healthy: its next restart starts from the first delay again.
HEALTHY_RUN_SECONDS = 30


class Supervisor:
    def __init__(self, *, command: list[str], beat_seconds: float) -> None:
        self.command = command
        self.beat_seconds = beat_seconds
        self.name = jobs.worker_name()
        self.stopping = threading.Event()
        self.child: subprocess.Popen | None = None
        # Children that died while the database was away: their jobs are failed once it is back.
        self.dead_children: set[str] = set()

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping.set()
        # Ctrl+C in a terminal reaches the child too; a second signal would cut its task short.
        if signum == signal.SIGTERM and self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)

    def run(self) -> None:
        delay = FIRST_DELAY_SECONDS
        while not self.stopping.is_set():
            started = time.monotonic()
            _, returncode = self.run_once()
            if self.stopping.is_set():
                break
            if time.monotonic() - started > HEALTHY_RUN_SECONDS:
                delay = FIRST_DELAY_SECONDS
            logger.warning("Task worker exited (%s); starting it again in %ss", returncode, delay)
            self.stopping.wait(delay)
            delay = min(delay * 2, MAX_DELAY_SECONDS)

    def run_once(self) -> tuple[str, int]:
        """Starts the worker, watches it until it exits, and cleans up after it."""
        self.look_after_jobs()
        self.child = subprocess.Popen(self.command, cwd=settings.BASE_DIR)  # noqa: S603
        child_name = jobs.worker_name(self.child.pid)
        while True:
            try:
                returncode = self.child.wait(timeout=self.beat_seconds)
                break
            except subprocess.TimeoutExpired:
                self.look_after_jobs()
        self.dead_children.add(child_name)
        self.look_after_jobs()
        return child_name, returncode

    def look_after_jobs(self) -> None:
        """Says this worker is alive and ends the jobs whose worker is gone. Survives the
        database being away: it only tries again at the next beat."""
        try:
            close_old_connections()
            now = timezone.now()
            WorkerHeartbeat.objects.update_or_create(name=self.name, defaults={"seen_at": now})
            WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
            for child_name in sorted(self.dead_children):
                jobs.fail_abandoned(worker=child_name)
                self.dead_children.discard(child_name)
            jobs.fail_abandoned()
        except DatabaseError:
            logger.warning("Task worker supervisor: the database is not answering")
            connection.close()

    def forget(self) -> None:
        """A supervisor that stops on purpose is no longer a worker /healthz should count."""
        try:
            WorkerHeartbeat.objects.filter(name=self.name).delete()
        except DatabaseError:
            logger.warning("Task worker supervisor: could not say it stopped")


class Command(BaseCommand):
    help = "Runs the task worker (db_worker), restarts it when it exits, and recovers its jobs."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds the worker waits between polls."
        )
        parser.add_argument(
            "--beat", type=float, default=5.0, help="Seconds between the supervisor's checks."
        )

    def handle(self, *args, interval: float, beat: float, **options) -> None:
        command = [
            sys.executable,
            "-m",
            "django",
            "db_worker",
            "--no-reload",
            f"--interval={interval}",
        ]
        command.append(f"--verbosity={options['verbosity']}")
        supervisor = Supervisor(command=command, beat_seconds=beat)
        signal.signal(signal.SIGTERM, supervisor.stop)
        signal.signal(signal.SIGINT, supervisor.stop)
        try:
            supervisor.run()
        finally:
            supervisor.forget()
