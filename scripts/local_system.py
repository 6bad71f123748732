"""Start the whole system as `make up` does, on free ports, for tests and benchmarks."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import psycopg
from psycopg import sql

from scripts.run_system import DatabaseRole, database_roles
from scripts.system import GATEWAY, ROOT, SERVICES
from worksync.identity.config import DEVELOPMENT_KEY_ENCRYPTION_SECRET

READY_TIMEOUT_SECONDS = 180.0
STOP_TIMEOUT_SECONDS = 30.0


class SystemFailed(RuntimeError):
    """The system did not start, or did not stop cleanly."""


@dataclass(frozen=True)
class RunningSystem:
    gateway_url: str
    service_urls: dict[str, str]
    ports: dict[str, int]
    database_url: str
    amqp_url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    # Each service's own login role (by service name), as its API and worker connect.
    database_roles: dict[str, DatabaseRole]

    def service_database_url(self, service: str) -> str:
        """The URL `service`'s processes connect with: its role, not the administrator."""
        return self.database_roles[service].url(self.database_url)

    @property
    def exchange(self) -> str:
        return self.env["WORKSYNC_EVENTS_EXCHANGE"]

    def broker_object_names(self) -> list[str]:
        """Exchanges and queues this system declared, to delete afterwards."""
        prefix = self.env["WORKSYNC_EVENTS_QUEUE_PREFIX"]
        queues = [f"{prefix}{service.name}.events" for service in SERVICES]
        return [
            *queues,
            *(f"{queue}.dead" for queue in queues),
            self.env["WORKSYNC_EVENTS_EXCHANGE"],
            self.env["WORKSYNC_DEAD_LETTER_EXCHANGE"],
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def running_system(
    *, database_url: str, amqp_url: str, name: str, extra_env: dict[str, str] | None = None
) -> Iterator[RunningSystem]:
    """Run `python -m scripts.run_system` until the block ends, then stop it with Ctrl-C.

    Exchanges and queues are named after `name`, so that parallel systems on one broker
    never see each other's events. Raises `SystemFailed` when the system does not come up
    or does not stop cleanly (exit code 0, every port closed). The services' database
    roles (named after the database) are dropped at the end.
    """
    ports = {service.env_prefix: free_port() for service in (*SERVICES, GATEWAY)}
    # Workers and the gateway serve metrics on a port of their own (by default the API port
    # + 1000, which a random port may push past the range or onto a taken one).
    metrics_ports = {service.env_prefix: free_port() for service in (*SERVICES, GATEWAY)}
    # Chosen here rather than by the system, so that tests can connect as each role.
    passwords = {
        f"{service.env_prefix}_DB_PASSWORD": secrets.token_urlsafe(24)
        for service in SERVICES
        if service.schema is not None
    }
    env = {
        **os.environ,
        "WORKSYNC_ENVIRONMENT": "test",
        "WORKSYNC_DATABASE_URL": database_url,
        "WORKSYNC_AMQP_URL": amqp_url,
        "WORKSYNC_EVENTS_EXCHANGE": f"worksync.events.{name}",
        "WORKSYNC_DEAD_LETTER_EXCHANGE": f"worksync.dead.{name}",
        "WORKSYNC_EVENTS_QUEUE_PREFIX": f"{name}.",
        "WORKSYNC_LOG_LEVEL": "WARNING",
        **{f"{prefix}_PORT": str(port) for prefix, port in ports.items()},
        **{f"{prefix}_METRICS_PORT": str(port) for prefix, port in metrics_ports.items()},
        # People registered by a scenario act at once: identity verifies them itself, which
        # it allows only in development.
        "IDENTITY_ENVIRONMENT": "development",
        "IDENTITY_AUTO_VERIFY_EMAILS": "true",
        **passwords,
        # Given explicitly, as a deployment gives them, so that tests see where they go; the
        # key-encryption secret keeps its development value, which tests reading identity's
        # keys themselves use too.
        "WORKSYNC_INTERNAL_SECRET": secrets.token_urlsafe(32),
        "IDENTITY_KEY_ENCRYPTION_SECRET": DEVELOPMENT_KEY_ENCRYPTION_SECRET,
        **(extra_env or {}),
    }
    # A process group of its own: whatever happens in the block, none of it outlives it.
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.run_system"], cwd=ROOT, env=env, start_new_session=True
    )
    system = RunningSystem(
        gateway_url=f"http://127.0.0.1:{ports[GATEWAY.env_prefix]}",
        service_urls={s.name: f"http://127.0.0.1:{ports[s.env_prefix]}" for s in SERVICES},
        ports=ports,
        database_url=database_url,
        amqp_url=amqp_url,
        env=env,
        process=process,
        database_roles=database_roles(env),
    )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not _ready(system.gateway_url):
            if process.poll() is not None:
                raise SystemFailed(f"the system exited early with {process.returncode}")
            if time.monotonic() > deadline:
                raise SystemFailed("the system did not become ready")
            time.sleep(0.3)
        yield system
        process.send_signal(signal.SIGINT)
        if process.wait(timeout=STOP_TIMEOUT_SECONDS) != 0:
            raise SystemFailed(f"the system exited with {process.returncode} on Ctrl-C")
        still_open = [p for p in ports.values() if _answers(p)]
        if still_open:
            raise SystemFailed(f"ports {still_open} still answer after Ctrl-C")
    finally:
        if process.poll() is None:
            # The block failed: Ctrl-C still lets run_system stop its children in order.
            process.send_signal(signal.SIGINT)
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
        # Whatever is left of the group (children of a run_system that did not stop) goes.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        _drop_roles(database_url, system.database_roles.values())


def _drop_roles(database_url: str, roles: Iterable[DatabaseRole]) -> None:
    """Roles belong to the whole server: drop them with their grants (in this database)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        for role in roles:
            name = sql.Identifier(role.name)
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role.name,)).fetchone():
                conn.execute(sql.SQL("DROP OWNED BY {}").format(name))
                conn.execute(sql.SQL("DROP ROLE {}").format(name))


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
