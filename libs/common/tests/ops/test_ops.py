"""The operator's command line against a real database and broker: republish, rebuild and
outbox status, on a miniature producer and consumer built like the services."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.config import CommonSettings
from worksync.common.events.relay import OutboxRelay
from worksync.common.events.topology import declare_topology
from worksync.common.ids import new_id
from worksync.common.ops.cli import parse, run
from worksync.common.ops.republish import SnapshotNotRecorded, republish
from worksync.common.ops.services import AggregateType, ServiceOperations

from .sample import (
    GADGETS,
    Gadget,
    GadgetRetired,
    GadgetUpdated,
    gadget_copies,
    messaging,
    record_gadget,
)

Services = Callable[[], dict[str, ServiceOperations]]
Eventually = Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]


async def _ops(services: Services, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = await run(parse(argv), out, services)
    return status, out.getvalue()


async def _gadgets(
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_id: UUID,
    count: int,
    *,
    retired: int = 0,
) -> list[Gadget]:
    """`count` gadgets created (version 1), the first `retired` of them retired (version 2)."""
    async with sessionmaker() as session, session.begin():
        gadgets = [
            Gadget(id=new_id(), workspace_id=workspace_id, name=f"gadget {n}", version=0)
            for n in range(count)
        ]
        session.add_all(gadgets)
        for gadget in gadgets:
            await record_gadget(session, gadget, GadgetUpdated)
        for gadget in gadgets[:retired]:
            gadget.retired = True
            await record_gadget(session, gadget, GadgetRetired)
    return gadgets


async def _outbox(sessionmaker: async_sessionmaker[AsyncSession]) -> list[dict[str, Any]]:
    table = messaging.outbox
    async with sessionmaker() as session:
        rows = await session.execute(select(table.c.envelope).order_by(table.c.created_at))
        return [row.envelope for row in rows]


async def _count(sessionmaker: async_sessionmaker[AsyncSession], table: Any) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def _copies(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[Any, ...]]:
    async with sessionmaker() as session:
        rows = await session.execute(select(gadget_copies).order_by(gadget_copies.c.id))
        return [tuple(row) for row in rows]


async def test_a_snapshot_is_the_event_of_a_change_at_the_current_version(
    sessionmaker: async_sessionmaker[AsyncSession], services: Services
) -> None:
    (gadget,) = await _gadgets(sessionmaker, new_id(), 1, retired=1)
    async with sessionmaker() as session:
        before = await session.get_one(Gadget, gadget.id)
    last_change = (await _outbox(sessionmaker))[-1]

    status, output = await _ops(services, "republish", "sample.gadget")

    assert status == 0, output
    assert output.splitlines()[-1] == "republished 1 sample.gadget snapshot(s) into sample's outbox"
    *_, snapshot = await _outbox(sessionmaker)
    assert snapshot["id"] != last_change["id"]
    different = {"id", "time", "traceparent"}
    assert {k: v for k, v in snapshot.items() if k not in different} == {
        k: v for k, v in last_change.items() if k not in different
    }
    assert (snapshot["type"], snapshot["sequence"]) == ("sample.gadget.retired", 2)
    async with sessionmaker() as session:
        after = await session.get_one(Gadget, gadget.id)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)


async def test_republish_goes_in_batches_and_keeps_to_a_workspace(
    sessionmaker: async_sessionmaker[AsyncSession], services: Services
) -> None:
    workspace, other = new_id(), new_id()
    await _gadgets(sessionmaker, workspace, 7)
    await _gadgets(sessionmaker, other, 2)
    created = len(await _outbox(sessionmaker))

    argv = ("republish", "sample.gadget", "--workspace", str(workspace), "--batch-size", "3")
    status, output = await _ops(services, *argv)

    assert status == 0, output
    assert output.splitlines()[:3] == [f"sample.gadget: {n} recorded" for n in (3, 6, 7)]
    snapshots = (await _outbox(sessionmaker))[created:]
    assert len(snapshots) == 7
    assert {envelope["workspaceid"] for envelope in snapshots} == {str(workspace)}
    assert len({envelope["subject"] for envelope in snapshots}) == 7


async def _records_nothing(session: AsyncSession, rows: Sequence[Gadget]) -> None:
    del session, rows


async def _renames(session: AsyncSession, rows: Sequence[Gadget]) -> None:
    for row in rows:
        row.name = "renamed"
        await GADGETS.record(session, [row])


@pytest.mark.parametrize("record", [_records_nothing, _renames])
async def test_a_snapshot_function_that_does_anything_else_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession],
    record: Callable[[AsyncSession, Sequence[Gadget]], Awaitable[None]],
) -> None:
    (gadget,) = await _gadgets(sessionmaker, new_id(), 1)
    created = len(await _outbox(sessionmaker))
    broken = AggregateType("sample.gadget", Gadget, Gadget.workspace_id, record)

    with pytest.raises(SnapshotNotRecorded):
        await republish(sessionmaker, broken)

    assert len(await _outbox(sessionmaker)) == created
    async with sessionmaker() as session:
        assert (await session.get_one(Gadget, gadget.id)).name == "gadget 0"


async def test_republish_changes_nothing_up_to_date_and_refills_a_rebuilt_projection(
    sessionmaker: async_sessionmaker[AsyncSession],
    services: Services,
    relay: OutboxRelay,
    consuming: object,
    eventually: Eventually,
) -> None:
    await _gadgets(sessionmaker, new_id(), 5, retired=2)
    await _gadgets(sessionmaker, new_id(), 3)
    await relay.publish_pending()

    async def all_handled() -> bool:
        outboxed = await _count(sessionmaker, messaging.outbox)
        return await _count(sessionmaker, messaging.inbox) == outboxed

    await eventually(all_handled)
    projected = await _copies(sessionmaker)
    assert len(projected) == 8
    assert sum(1 for row in projected if row[3]) == 2

    # Up to date: every snapshot is handled, and is no news.
    assert (await _ops(services, "republish", "sample.gadget"))[0] == 0
    assert await relay.publish_pending() == 8
    await eventually(all_handled)
    assert await _copies(sessionmaker) == projected

    status, output = await _ops(services, "rebuild", "sample", "gadgets", "--yes")
    assert status == 0, output
    assert f"({len(projected)} rows)" in output
    assert "python -m worksync.common.ops republish sample.gadget" in output
    assert await _copies(sessionmaker) == []

    assert (await _ops(services, "republish", "sample.gadget"))[0] == 0
    await relay.publish_pending()

    async def refilled() -> bool:
        return await _copies(sessionmaker) == projected

    await eventually(refilled)


async def test_rebuild_asks_for_yes_and_names_what_it_knows(
    sessionmaker: async_sessionmaker[AsyncSession],
    services: Services,
) -> None:
    async with sessionmaker() as session, session.begin():
        await session.execute(
            gadget_copies.insert().values(
                id=new_id(), workspace_id=new_id(), name="kept", sequence=1
            )
        )

    status, output = await _ops(services, "rebuild", "sample", "gadgets")
    assert (status, await _count(sessionmaker, gadget_copies)) == (1, 1)
    assert "add --yes" in output
    status, output = await _ops(services, "rebuild", "sample", "widgets", "--yes")
    assert (status, output.strip()) == (2, "sample has no projection widgets; known: gadgets")
    status, output = await _ops(services, "rebuild", "nobody", "gadgets", "--yes")
    assert (status, output.strip()) == (2, "unknown service nobody; known: sample")
    status, output = await _ops(services, "republish", "sample.gadget", "sample.widget")
    assert (status, output.strip()) == (
        2,
        "no service republishes 'sample.widget'; known: sample.gadget",
    )
    assert await _count(sessionmaker, gadget_copies) == 1
    assert await _outbox(sessionmaker) == []  # an unknown type stops the command before it acts


async def test_outbox_status_counts_the_backlog_and_the_consumer_lag(
    sessionmaker: async_sessionmaker[AsyncSession],
    services: Services,
    settings: CommonSettings,
    relay: OutboxRelay,
    worksync_amqp_channel: Any,
) -> None:
    status, output = await _ops(services, "outbox", "status", "--json")
    assert status == 1, output  # the queue does not exist yet
    (sample,) = json.loads(output)
    assert sample["outbox"] == {
        "unpublished": 0,
        "oldest_age_seconds": None,
        "failed_attempts": 0,
        "last_error": None,
    }
    assert sample["queue"] is None
    assert "no queue" in sample["errors"]["broker"]

    await declare_topology(
        worksync_amqp_channel,
        exchange=settings.events_exchange,
        dead_letter_exchange=settings.dead_letter_exchange,
        queue=settings.events_queue,
        bindings=["sample.gadget.*"],
    )
    await _gadgets(sessionmaker, new_id(), 3)
    assert await relay.publish_pending() == 3
    await _gadgets(sessionmaker, new_id(), 2)

    status, output = await _ops(services, "outbox", "status", "--json")
    assert status == 0, output
    (sample,) = json.loads(output)
    assert sample["service"] == "sample"
    assert sample["outbox"]["unpublished"] == 2
    assert sample["outbox"]["oldest_age_seconds"] >= 0
    assert sample["queue"] == {
        "queue": settings.events_queue,
        "ready": 3,
        "consumers": 0,
        "dead": 0,
    }
    assert sample["errors"] == {}

    status, table = await _ops(services, "outbox", "status", "--service", "sample")
    assert status == 0, table
    header, row = table.splitlines()
    assert header.split("\t")[:2] == ["service", "backlog"]
    assert row.split("\t")[:2] == ["sample", "2"]
    assert row.split("\t")[4:] == [settings.events_queue, "3", "0", "0"]
    assert (await _ops(services, "outbox", "status", "--service", "nobody"))[0] == 2


def test_the_module_runs_as_a_command() -> None:
    import subprocess

    shown = subprocess.run(
        [sys.executable, "-m", "worksync.common.ops", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for command in ("deadletters", "outbox", "republish", "rebuild"):
        assert command in shown.stdout
