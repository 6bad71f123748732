"""A whole system on a database of its own, for a benchmark run alone or by `make bench`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from scripts.local_system import RunningSystem, running_system
from worksync.common.testing.infra import (
    create_database,
    delete_amqp_objects,
    drop_database,
    unique_name,
)


@contextmanager
def own_system(
    admin_url: str, amqp_url: str, extra_env: Mapping[str, str]
) -> Iterator[RunningSystem]:
    """`running_system` on a fresh database: whatever ends the block (a benchmark's failure
    or Ctrl-C included), the system is stopped, its broker queues and exchanges deleted and
    its database (with its roles) dropped."""
    name = unique_name("bench")
    database_url = create_database(admin_url, name)
    started: RunningSystem | None = None
    try:
        with running_system(
            database_url=database_url, amqp_url=amqp_url, name=name, extra_env=dict(extra_env)
        ) as started:
            yield started
    finally:
        if started is not None:
            asyncio.run(delete_amqp_objects(amqp_url, started.broker_object_names()))
        drop_database(admin_url, name)
