"""The real system, started the way `make up` starts it, on free ports and a fresh database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from scripts.system import GATEWAY, ROOT, SERVICES
from worksync.common.testing.infra import (
    TestInfrastructure,
    create_database,
    drop_database,
    unique_name,
)

READY_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class RunningSystem:
    gateway_url: str
    service_urls: dict[str, str]
    database_url: str
    amqp_url: str
    exchange: str
    process: subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`make up` exited early with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail("the system did not become ready")


@pytest.fixture(scope="session")
def system(worksync_infra: TestInfrastructure) -> Iterator[RunningSystem]:
    database = unique_name("worksync_e2e")
    database_url = create_database(worksync_infra.admin_database_url, database)
    suffix = unique_name("e2e")
    ports = {service.env_prefix: _free_port() for service in (*SERVICES, GATEWAY)}
    env = {
        **os.environ,
        "WORKSYNC_ENVIRONMENT": "test",
        "WORKSYNC_DATABASE_URL": database_url,
        "WORKSYNC_AMQP_URL": worksync_infra.amqp_url,
        "WORKSYNC_EVENTS_EXCHANGE": f"worksync.events.{suffix}",
        "WORKSYNC_DEAD_LETTER_EXCHANGE": f"worksync.dead.{suffix}",
        "WORKSYNC_EVENTS_QUEUE_PREFIX": f"{suffix}.",
        "WORKSYNC_LOG_LEVEL": "WARNING",
        # Every test client shares 127.0.0.1; the gateway's own tests cover its limits.
        "GATEWAY_AUTH_RATE_PER_MINUTE": "6000",
        "GATEWAY_AUTH_BURST": "1000",
        **{f"{prefix}_PORT": str(port) for prefix, port in ports.items()},
    }
    process = subprocess.Popen([sys.executable, "-m", "scripts.run_system"], cwd=ROOT, env=env)
    gateway_url = f"http://127.0.0.1:{ports[GATEWAY.env_prefix]}"
    running = RunningSystem(
        gateway_url=gateway_url,
        service_urls={s.name: f"http://127.0.0.1:{ports[s.env_prefix]}" for s in SERVICES},
        database_url=database_url,
        amqp_url=worksync_infra.amqp_url,
        exchange=env["WORKSYNC_EVENTS_EXCHANGE"],
        process=process,
    )
    stopped_cleanly = False
    try:
        _wait_ready(gateway_url, process)
        yield running
        # Ctrl-C, as a user stops `make up`: everything ends and the runner exits 0.
        process.send_signal(signal.SIGINT)
        stopped_cleanly = process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        drop_database(worksync_infra.admin_database_url, database)
        _delete_broker_objects(worksync_infra.amqp_url, suffix, env)
    for port in ports.values():
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers"
    assert stopped_cleanly, "`make up` did not stop cleanly on Ctrl-C"


def _delete_broker_objects(amqp_url: str, suffix: str, env: dict[str, str]) -> None:
    import asyncio

    from worksync.common.testing.infra import delete_amqp_objects

    queues = [f"{suffix}.{s.name}.events" for s in SERVICES]
    names = [*queues, *(f"{q}.dead" for q in queues)]
    names += [env["WORKSYNC_EVENTS_EXCHANGE"], env["WORKSYNC_DEAD_LETTER_EXCHANGE"]]
    asyncio.run(delete_amqp_objects(amqp_url, names))
