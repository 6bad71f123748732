"""Least privilege: every service's processes connect as its own role, confined to its schema."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from scripts.local_system import RunningSystem
from scripts.system import GATEWAY, SERVICES

SCHEMAS = {service.name: service.schema for service in SERVICES if service.schema is not None}
# The workers open their listening connection a moment after the gateway answers ready.
CONNECTED_WITHIN_SECONDS = 15.0


def _read_version(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        query = sql.SQL("SELECT version_num FROM {}.alembic_version").format(sql.Identifier(schema))
        conn.execute(query).fetchall()


def test_each_role_reads_its_own_schema_and_is_refused_on_every_other(
    system: RunningSystem,
) -> None:
    for own, other in itertools.permutations(SCHEMAS, 2):
        url = system.service_database_url(own)
        _read_version(url, SCHEMAS[own])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _read_version(url, SCHEMAS[other])


def test_a_role_cannot_create_objects_in_public(system: RunningSystem) -> None:
    for service in SCHEMAS:
        url = system.service_database_url(service)
        with (
            psycopg.connect(url, autocommit=True) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute("CREATE TABLE public.least_privilege_probe (id int)")


def test_the_running_processes_connect_as_their_roles_never_as_the_administrator(
    system: RunningSystem,
) -> None:
    roles = {role.name for role in system.database_roles.values()}
    assert len(roles) == len(SCHEMAS)
    deadline = time.monotonic() + CONNECTED_WITHIN_SECONDS
    with psycopg.connect(system.database_url, autocommit=True) as conn:
        while True:
            users = {
                user
                for (user,) in conn.execute(
                    "SELECT usename FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            }
            if roles <= users or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        admin = conn.execute("SELECT current_user").fetchone()
    assert admin is not None
    assert roles <= users, f"missing: {roles - users}"
    assert admin[0] not in users


def test_a_role_has_what_the_kit_needs_notify_listen_and_advisory_locks(
    system: RunningSystem,
) -> None:
    for service in SCHEMAS:
        url = system.service_database_url(service)
        with psycopg.connect(url, autocommit=True) as listener, psycopg.connect(url) as writer:
            listener.execute("LISTEN least_privilege_probe")
            with writer.transaction():
                writer.execute("SELECT pg_advisory_xact_lock(hashtextextended('probe', 0))")
                writer.execute("SELECT pg_notify('least_privilege_probe', %s)", (service,))
            notices = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]
            assert notices == [service]


def _children(pid: int) -> list[int]:
    """The processes `pid` started (the system's APIs, workers and gateway)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = status.read_text().splitlines()
        except OSError:
            continue
        parent = next((line.split()[1] for line in lines if line.startswith("PPid:")), None)
        if parent == str(pid):
            found.append(int(status.parent.name))
    return found


def _environment(pid: int) -> tuple[str, dict[str, str]]:
    """The module a process runs (`-m <module>`) and its environment."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    module = command[command.index(b"-m") + 1].decode()
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return module, dict(pair.decode().split("=", 1) for pair in pairs if b"=" in pair)


def test_each_process_holds_only_its_own_database_role_and_the_secrets_it_uses(
    system: RunningSystem,
) -> None:
    holders = {
        "WORKSYNC_INTERNAL_SECRET": {"identity", "gateway"},
        "IDENTITY_KEY_ENCRYPTION_SECRET": {"identity"},
    }
    by_module = {service.module: service for service in (*SERVICES, GATEWAY)}
    seen: set[str] = set()
    for pid in _children(system.process.pid):
        module, environment = _environment(pid)
        service = by_module[module.removesuffix(".worker")]
        seen.add(module)
        for secret, names in holders.items():
            holds = secret in environment
            assert holds == (service.name in names), (module, secret)
        credentials = {
            key: value
            for key, value in environment.items()
            if key.endswith(("_DATABASE_URL", "_DB_PASSWORD", "_DB_ROLE"))
        }
        if service.schema is None:
            assert credentials == {}, module
        else:
            own = f"{service.env_prefix}_DATABASE_URL"
            assert credentials == {own: system.service_database_url(service.name)}, module
    assert len(seen) == len(SERVICES) * 2 + 1, seen
