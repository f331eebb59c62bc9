"""Starts the pieces of a small production on loopback: app servers, a task worker, HAProxy,
and the soak's own Redis, PostgreSQL and S3 (moto's server), so it can stop and restart them
without touching the machine's shared services. Each app server and the worker gets a folder of
its own, as separate machines would: uploads and job results can only meet in the bucket.

Everything listens on 127.0.0.1 only and is stopped when the soak ends, whatever happens.
"""

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
# Servers start by loading the whole app (gunicorn preloads it before it forks; moto its
# services): a few seconds of CPU, which on a busy shared CI machine can take minutes to get.
START_TIMEOUT_SECONDS = 240
HAPROXY_CONFIG = """
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A server that stops accepting, or closes a kept-alive connection as it shuts down, is
    # retried on the other one. Retrying a POST is safe here: creates carry a one-time form
    # token and edits a version, so a repeat can never write twice.
    retries 3
    option redispatch
    retry-on conn-failure empty-response response-timeout
frontend portal
    bind 127.0.0.1:{port}
    default_backend app
backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    # A busy server still answers its health check: checks are patient, not hair-triggered.
    timeout check 5s
    # A server that is down is checked twice a second, so it is back in rotation soon after it
    # recovers (rise 2: within about a second).
    default-server inter 1s downinter 500ms fall 3 rise 2
{servers}
"""


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(  # noqa: S603 - our own fixed commands
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.send_signal(sig)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


@dataclass
class Cluster:
    env: dict[str, str]
    base_port: int = 18000
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="soak-")))
    apps: list[Process] = field(default_factory=list)
    worker: Process | None = None
    balancer: Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.base_port}"

    def manage(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - our own fixed commands
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True
        )

    def machine_env(self, name: str) -> dict[str, str]:
        """The shared settings, with a media and var folder that no other machine sees."""
        folder = self.workdir / f"machine-{name}"
        return {**self.env, "VAR_DIR": str(folder / "var"), "MEDIA_ROOT": str(folder / "media")}

    def machine_files(self) -> list[Path]:
        """Every file left in the machines' own media folders (none when all is in the bucket)."""
        return sorted(path for path in self.workdir.glob("machine-*/media/**/*") if path.is_file())

    def start(self) -> None:
        python = sys.executable
        for index in (1, 2):
            port = self.base_port + index
            self.apps.append(
                Process(
                    f"app{index}",
                    [
                        python, "-m", "gunicorn", "practice.wsgi",
                        "--bind", f"127.0.0.1:{port}", "--workers", "2",
                        "--worker-class", "gthread", "--threads", "4",
                        "--graceful-timeout", "20", "--timeout", "60",
                    ],
                    self.machine_env(f"app{index}"),
                    self.workdir / f"app{index}.log",
                )
            )  # fmt: skip
        self.worker = Process(
            "worker",
            # The supervisor: restarts db_worker when it exits and fails a dead worker's jobs.
            [python, "manage.py", "worker", "--beat", "1"],
            self.machine_env("worker"),
            self.workdir / "worker.log",
        )
        servers = "\n".join(
            f"    server app{i} 127.0.0.1:{self.base_port + i} check" for i in (1, 2)
        )
        config = self.workdir / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(port=self.base_port, servers=servers))
        haproxy = shutil.which("haproxy")
        if haproxy is None:
            raise SystemExit("The soak needs HAProxy: apt-get install haproxy")
        self.balancer = Process(
            "haproxy", [haproxy, "-db", "-f", str(config)], self.env, self.workdir / "lb.log"
        )
        for process in [*self.apps, self.worker, self.balancer]:
            process.start()
        for port in (self.base_port + 1, self.base_port + 2, self.base_port):
            wait_healthy(f"http://127.0.0.1:{port}/healthz")

    def stop(self) -> None:
        for process in [self.balancer, self.worker, *self.apps]:
            if process is not None:
                process.stop()


class PrivateRedis:
    """A redis-server of the soak's own on another port: stopping it harms no one else."""

    def __init__(self, port: int, workdir: Path) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise SystemExit("The soak needs Redis: apt-get install redis-server")
        self.url = f"redis://127.0.0.1:{port}/0"
        command = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(workdir)]
        self.process = Process("redis", command, dict(os.environ), workdir / "redis.log")

    def start(self) -> None:
        self.process.start()
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise SystemExit("The soak's Redis did not start")

    def stop(self) -> None:
        self.process.stop()


class PrivateS3:
    """moto's S3 server on another port: the bucket the machines share instead of a folder."""

    BUCKET = "groundwork-soak"
    ACCESS_KEY = "soak"

    def __init__(self, port: int, workdir: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        self.process = Process("s3", command, dict(os.environ), workdir / "s3.log")

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.ACCESS_KEY,
            region_name="us-east-1",
        )

    def start(self) -> None:
        self.process.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                self.client().create_bucket(Bucket=self.BUCKET)
                return
            except Exception:  # not listening yet: any failure means "wait"
                time.sleep(0.2)
        raise SystemExit("The soak's S3 server (moto) did not start")

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.BUCKET)
        return [item["Key"] for item in listing.get("Contents", [])]

    def env(self) -> dict[str, str]:
        return {
            "S3_BUCKET": self.BUCKET,
            "S3_ENDPOINT_URL": self.url,
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": self.ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": self.ACCESS_KEY,
        }

    def stop(self) -> None:
        self.process.stop()


class PrivatePostgres:
    """A PostgreSQL cluster of the soak's own (initdb in a temporary folder, another port), so
    the soak can restart it; the machine's shared server is never touched. As root, the
    cluster runs as the `postgres` user, which PostgreSQL requires."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="soak-pg-"))
        self.data = self.folder / "data"
        self.url = f"postgres://postgres@127.0.0.1:{port}/groundwork_soak"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    @staticmethod
    def binaries() -> Path | None:
        """Where initdb and pg_ctl are, or None when this machine has no PostgreSQL server."""
        for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
            if (Path(folder) / "initdb").exists():
                return Path(folder)
        initdb = shutil.which("initdb")
        return Path(initdb).parent if initdb else None

    def _run(self, tool: str, *args: str) -> None:
        binaries = self.binaries()
        assert binaries is not None
        subprocess.run(  # noqa: S603 - our own fixed commands
            [*self.as_owner, str(binaries / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=self.folder,
        )

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options,
                  "-w", "start")  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def wait_healthy(url: str, timeout: float = START_TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"{url} did not become healthy within {timeout:.0f} s")


def production_env(
    database_url: str, redis_url: str, workdir: Path, s3: dict[str, str]
) -> dict[str, str]:
    """Production settings on loopback: DEBUG off, real keys, Redis, the bucket, plain HTTP."""
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "soak-" + Fernet.generate_key().decode(),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "VAR_DIR": str(workdir / "var"),
        "MEDIA_ROOT": str(workdir / "media"),
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "LOG_LEVEL": "WARNING",
        **s3,
    }
