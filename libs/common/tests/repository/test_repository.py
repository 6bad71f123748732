"""The base repository: flushing through it turns a named constraint into the service's
error and leaves every other refusal a defect; locking reads afresh; keys lock in one order;
a mapped class's select read as Core rows gives the values its objects hold (and no
column the class leaves unmapped), and `read_rows` reads them in the session's transaction
without the ORM's execution step."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import (
    CheckConstraint,
    Row,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, Unmapped, mapped_column, unmapped_column

from worksync.common.db import (
    IdMixin,
    Model,
    loaded_values,
    service_metadata,
)
from worksync.common.errors import Conflict
from worksync.common.repository import Repository, as_table_rows
from worksync.common.testing.waiting import eventually, sessions_waiting_for_a_lock

SCHEMA = f"repo_{uuid.uuid4().hex[:12]}"


class Base(Model):
    __abstract__ = True
    metadata = service_metadata(SCHEMA)


class Gadget(IdMixin, Base):
    __tablename__ = "gadgets"
    __table_args__ = (
        UniqueConstraint("name"),
        CheckConstraint("length(name) > 1", name="name_long_enough"),
    )

    name: Mapped[str] = mapped_column(String(50))
    # Read by SQL alone, as an issue's search vector is: its rows must not read it either.
    notes: Unmapped[str | None] = unmapped_column(Text)


class NameTaken(Conflict):
    def __init__(self) -> None:
        super().__init__("Another gadget has this name", code="gadget_name_taken")


class GadgetRepository(Repository):
    constraint_errors = {"uq_gadgets_name": NameTaken}


async def test_a_named_constraint_becomes_the_services_error(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    name = uuid.uuid4().hex
    async with sessionmaker.begin() as session:
        await GadgetRepository(session).add(Gadget(name=name))

    async with sessionmaker() as session:
        with pytest.raises(NameTaken) as refused:
            await GadgetRepository(session).add(Gadget(name=name))
        assert isinstance(refused.value.__cause__, IntegrityError)


async def test_a_constraint_it_does_not_name_stays_a_defect(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        with pytest.raises(IntegrityError):
            await GadgetRepository(session).add(Gadget(name="x"))


async def test_statements_run_through_it_are_checked_too(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    name = uuid.uuid4().hex
    async with sessionmaker.begin() as session:
        await GadgetRepository(session).add(Gadget(name=name))

    async with sessionmaker() as session:
        with pytest.raises(NameTaken):
            await GadgetRepository(session).execute(
                insert(Gadget).values(id=uuid.uuid4(), name=name)
            )


async def test_locking_flushes_pending_changes_and_reads_the_row_afresh(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    gadget = Gadget(name=uuid.uuid4().hex)
    async with sessionmaker.begin() as session:
        repository = GadgetRepository(session)
        await repository.add(gadget)
        gadget.name = renamed = uuid.uuid4().hex

        locked = await repository.lock_for_update(select(Gadget).where(Gadget.id == gadget.id))

        assert locked is gadget
        assert locked.name == renamed


async def test_a_select_read_as_table_rows_gives_what_its_objects_hold(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    names = sorted(uuid.uuid4().hex for _ in range(3))
    async with sessionmaker.begin() as session:
        await GadgetRepository(session).add_all([Gadget(name=name) for name in names])
    fields = ("id", "name")
    query = select(Gadget).where(Gadget.name.in_(names)).order_by(Gadget.name)

    async with sessionmaker() as session:
        rows = list(await session.execute(as_table_rows(query)))
        gadgets = list(await session.scalars(query))

        assert all(isinstance(row, Row) for row in rows)
        assert [row.name for row in rows] == names
        assert all(set(row._fields) == {"id", "name"} for row in rows)
        assert [loaded_values(row, fields) for row in rows] == [
            loaded_values(gadget, fields) for gadget in gadgets
        ]
        # No object was built for the rows: only the scalars' three are in the session.
        assert len(session.identity_map) == len(names)


async def test_read_rows_reads_in_the_sessions_transaction_past_the_orm(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    names = sorted(uuid.uuid4().hex for _ in range(2))
    query = as_table_rows(select(Gadget).where(Gadget.name.in_(names)).order_by(Gadget.name))
    async with sessionmaker() as session:
        repository = GadgetRepository(session)
        # Flushed, not committed: only the session's own transaction sees them.
        await repository.add_all([Gadget(name=name) for name in names])
        orm_executions: list[object] = []
        event.listen(session.sync_session, "do_orm_execute", orm_executions.append)
        rows = await repository.read_rows(query)
        assert orm_executions == []
        assert rows == list(await session.execute(query))
        assert len(orm_executions) == 1
        assert [row.name for row in rows] == names
        await session.rollback()
        assert await repository.read_rows(query) == []


async def _free(sessionmaker: async_sessionmaker[AsyncSession], keys: list[str]) -> list[bool]:
    """Whether another transaction could take each key now (without waiting for it)."""
    async with sessionmaker() as session:
        taken = [
            await session.scalar(
                select(func.pg_try_advisory_xact_lock(func.hashtextextended(key, 0)))
            )
            for key in keys
        ]
        await session.rollback()
    return [bool(free) for free in taken]


async def test_locked_keys_stay_locked_until_commit(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    prefix = uuid.uuid4().hex
    keys = [f"{prefix}:{name}" for name in ("b", "a", "c", "a")]
    async with sessionmaker() as session:
        await GadgetRepository(session).lock_keys(keys)
        assert await _free(sessionmaker, keys) == [False] * 4
        await session.commit()
    assert await _free(sessionmaker, keys) == [True] * 4


async def test_overlapping_key_sets_given_in_opposite_orders_never_deadlock(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    prefix = uuid.uuid4().hex
    keys = [f"{prefix}:{n}" for n in range(5)]

    async def take(given: list[str]) -> None:
        async with sessionmaker.begin() as session:
            await GadgetRepository(session).lock_keys(given)

    # Both stop at the middle key, which a third holds. Were each to lock in its own
    # order, one would hold the keys before it, the other those after it, and whichever
    # got the middle key next would wait for the other's: a deadlock.
    async with sessionmaker() as holder:
        await GadgetRepository(holder).lock_key(keys[2])
        taking = asyncio.gather(take(keys), take(keys[::-1]))
        await eventually(lambda: _waiting(sessionmaker, 2))
        await holder.commit()
    await taking


async def _waiting(sessionmaker: async_sessionmaker[AsyncSession], count: int) -> bool:
    return await sessions_waiting_for_a_lock(sessionmaker) >= count
