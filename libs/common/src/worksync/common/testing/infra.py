"""Finding (or starting) Postgres and RabbitMQ for tests, and per-run databases."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from worksync.common.db import libpq_url

DEFAULT_DATABASE_URL = "postgresql://postgres@localhost:5432/postgres"
DEFAULT_AMQP_URL = "amqp://guest:guest@localhost:5672/"

HOW_TO_START = """\
WorkSync tests need a real PostgreSQL and RabbitMQ, and none answered.
  Looked for: {database} and {amqp}
Either start them locally (Debian: `pg_ctlcluster 15 main start` and
`rabbitmq-server -detached`), point WORKSYNC_TEST_DATABASE_URL / WORKSYNC_TEST_AMQP_URL at
running ones, or install and start Docker so that testcontainers can run them."""


@dataclass(frozen=True)
class TestInfrastructure:
    admin_database_url: str
    amqp_url: str


def unique_name(prefix: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{uuid.uuid4().hex[:10]}"


def _answers(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "localhost", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def _docker_available() -> bool:
    return shutil.which("docker") is not None and os.path.exists("/var/run/docker.sock")


@contextmanager
def resolve_infrastructure(
    database_url: str | None, amqp_url: str | None
) -> Iterator[TestInfrastructure]:
    database_url = libpq_url(database_url or DEFAULT_DATABASE_URL)
    amqp_url = amqp_url or DEFAULT_AMQP_URL
    if _answers(database_url, 5432) and _answers(amqp_url, 5672):
        yield TestInfrastructure(admin_database_url=database_url, amqp_url=amqp_url)
        return
    if not _docker_available():
        pytest.exit(HOW_TO_START.format(database=database_url, amqp=amqp_url), returncode=3)
    from testcontainers.postgres import PostgresContainer
    from testcontainers.rabbitmq import RabbitMqContainer

    with (
        PostgresContainer("postgres:16-alpine", driver=None) as pg,
        RabbitMqContainer("rabbitmq:3.13-alpine") as mq,
    ):
        params = mq.get_connection_params()
        yield TestInfrastructure(
            admin_database_url=pg.get_connection_url(),
            amqp_url=f"amqp://guest:guest@{params.host}:{params.port}/",
        )


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{name}").geturl()


def create_database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return _with_database(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


async def delete_amqp_objects(amqp_url: str, names: list[str]) -> None:
    """Delete queues and exchanges by name; a name that is neither is ignored."""
    import aio_pika

    connection = await aio_pika.connect(amqp_url)
    try:
        for name in names:
            for delete in ("queue_delete", "exchange_delete"):
                channel = await connection.channel()
                try:
                    await getattr(channel, delete)(name)
                except aio_pika.exceptions.AMQPError:
                    pass
                finally:
                    if not channel.is_closed:
                        await channel.close()
    finally:
        await connection.close()
