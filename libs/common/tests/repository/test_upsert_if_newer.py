"""A projection's row stored from an event only when its `sequence` is newer: the statement
built once per table and columns, every column but the key's overwritten, `also_set` left to
its default, `also_when` storing beside a newer sequence, a refused constraint answered as
the repository's error."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import CheckConstraint, ColumnElement, Table, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import Model, service_metadata
from worksync.common.errors import Conflict
from worksync.common.repository import Repository, orm_table, upsert_if_newer

SCHEMA = f"upsert_{uuid.uuid4().hex[:12]}"


class Base(Model):
    __abstract__ = True
    metadata = service_metadata(SCHEMA)


class Known(Base):
    __tablename__ = "known"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    thing_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str]
    note: Mapped[str | None]
    sequence: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.clock_timestamp())


KNOWN = orm_table(Known)


class EmptyName(Conflict):
    def __init__(self) -> None:
        super().__init__("A name is needed", code="empty_name")


class KnownRepository(Repository):
    constraint_errors = {"ck_known_name_not_empty": EmptyName}


async def _store(
    sessionmaker: async_sessionmaker[AsyncSession], values: dict[str, Any], **options: Any
) -> bool:
    async with sessionmaker.begin() as session:
        return await KnownRepository(session).store_if_newer(
            KNOWN, values, key=("thing_id",), **options
        )


async def _stored(sessionmaker: async_sessionmaker[AsyncSession], thing_id: uuid.UUID) -> Any:
    async with sessionmaker() as session:
        return (await session.execute(select(KNOWN).where(KNOWN.c.thing_id == thing_id))).one()


async def test_only_a_newer_sequence_is_stored(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    thing_id = uuid.uuid4()
    first = {"thing_id": thing_id, "name": "first", "note": "a note", "sequence": 2}
    assert await _store(sessionmaker, first)
    # The same version again, and an older one: both change nothing.
    assert not await _store(sessionmaker, {**first, "name": "again"})
    assert not await _store(sessionmaker, {**first, "name": "older", "sequence": 1})
    assert (await _stored(sessionmaker, thing_id)).name == "first"
    # A newer one overwrites every column it names, a None included.
    assert await _store(sessionmaker, {**first, "name": "newer", "note": None, "sequence": 3})
    stored = await _stored(sessionmaker, thing_id)
    assert (stored.name, stored.note, stored.sequence) == ("newer", None, 3)


async def test_also_set_takes_the_columns_default_on_every_store(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    thing_id = uuid.uuid4()
    values = {"thing_id": thing_id, "name": "thing", "note": None, "sequence": 1}
    assert await _store(sessionmaker, values)
    created = (await _stored(sessionmaker, thing_id)).updated_at
    assert await _store(sessionmaker, {**values, "sequence": 2}, also_set=("updated_at",))
    touched = (await _stored(sessionmaker, thing_id)).updated_at
    assert touched > created
    # Without it, the stored value stays.
    assert await _store(sessionmaker, {**values, "sequence": 3})
    assert (await _stored(sessionmaker, thing_id)).updated_at == touched


def _fills_in_the_note(table: Table, excluded: Any) -> ColumnElement[bool]:
    return and_(table.c.sequence == excluded.sequence, table.c.note.is_(None))


async def test_also_when_stores_beside_a_newer_sequence(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    thing_id = uuid.uuid4()
    values = {"thing_id": thing_id, "name": "thing", "note": None, "sequence": 4}
    assert await _store(sessionmaker, values)
    statement = upsert_if_newer(
        KNOWN, tuple(values), key=("thing_id",), also_when=_fills_in_the_note
    )
    async with sessionmaker.begin() as session:
        stored = await session.execute(statement, {**values, "note": "filled in"})
        assert stored.scalar_one() == thing_id
    assert (await _stored(sessionmaker, thing_id)).note == "filled in"
    async with sessionmaker.begin() as session:
        kept = await session.execute(statement, {**values, "note": "not again"})
        assert kept.first() is None
    assert (await _stored(sessionmaker, thing_id)).note == "filled in"


async def test_a_refused_constraint_is_the_repositorys_error(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(EmptyName):
        await _store(
            sessionmaker, {"thing_id": uuid.uuid4(), "name": "", "note": None, "sequence": 1}
        )


def test_the_statement_is_built_once_per_table_and_columns() -> None:
    columns = ("thing_id", "name", "sequence")
    built = upsert_if_newer(KNOWN, columns, key=("thing_id",))
    assert upsert_if_newer(KNOWN, columns, key=("thing_id",)) is built
    assert upsert_if_newer(KNOWN, (*columns, "note"), key=("thing_id",)) is not built
    # Values are bound by name; the key is never overwritten.
    assert set(built.compile().params) == set(columns)
    sql = str(built.compile())
    assert "SET name = excluded.name, sequence = excluded.sequence" in sql
    assert f"WHERE {SCHEMA}.known.sequence < excluded.sequence" in sql
