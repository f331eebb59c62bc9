"""Starts the pieces of a small production on loopback: app servers, a task worker, HAProxy.

Everything listens on 127.0.0.1 only and is stopped when the soak ends, whatever happens.
"""

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
    default-server inter 1s fall 3 rise 2
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
                    self.env,
                    self.workdir / f"app{index}.log",
                )
            )  # fmt: skip
        self.worker = Process(
            "worker",
            [python, "manage.py", "db_worker"],
            self.env,
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


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"{url} did not become healthy within {timeout:.0f} s")


def production_env(database_url: str, redis_url: str, workdir: Path) -> dict[str, str]:
    """Production settings on loopback: DEBUG off, real keys, Redis, plain HTTP."""
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
    }
