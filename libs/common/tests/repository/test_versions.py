"""`Repository.lock_version`: the client's `If-Match` checked against the row as locked, so
two writers holding the same version never both write."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import Integer, String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, Model, service_metadata
from worksync.common.errors import PreconditionFailed
from worksync.common.preconditions import parse_if_match
from worksync.common.repository import Repository

SCHEMA = f"versions_{uuid.uuid4().hex[:12]}"


class Base(Model):
    __abstract__ = True
    metadata = service_metadata(SCHEMA)


class Note(IdMixin, Base):
    __tablename__ = "notes"

    text: Mapped[str] = mapped_column(String(50))
    version: Mapped[int] = mapped_column(Integer, default=0)


class NoteRepository(Repository):
    async def lock(self, note_id: uuid.UUID, if_match: str | None) -> Note | None:
        expected = None if if_match is None else parse_if_match(if_match)
        return await self.lock_version(select(Note).where(Note.id == note_id), expected)


@pytest.fixture
async def note(sessionmaker: async_sessionmaker[AsyncSession]) -> Note:
    row = Note(text="first", version=3)
    async with sessionmaker.begin() as session:
        await NoteRepository(session).add(row)
    return row


async def test_the_current_version_any_version_or_no_precondition_pass(
    sessionmaker: async_sessionmaker[AsyncSession], note: Note
) -> None:
    for if_match in ('"3"', '"1", "3"', "*", None):
        async with sessionmaker() as session:
            locked = await NoteRepository(session).lock(note.id, if_match)
            assert locked is not None
            assert locked.version == 3


async def test_a_stale_or_weak_version_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession], note: Note
) -> None:
    for if_match in ('"2"', 'W/"3"'):
        async with sessionmaker() as session:
            with pytest.raises(PreconditionFailed) as refused:
                await NoteRepository(session).lock(note.id, if_match)
            assert refused.value.status == 412
            assert refused.value.code == "precondition_failed"


async def test_an_absent_row_is_none_whatever_the_precondition(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        assert await NoteRepository(session).lock(uuid.uuid4(), '"0"') is None


async def test_two_writers_with_the_same_version_race_and_exactly_one_writes(
    sessionmaker: async_sessionmaker[AsyncSession], note: Note
) -> None:
    first_locked = asyncio.Event()

    async def write(text: str, *, first: bool) -> str:
        async with sessionmaker.begin() as session:
            if not first:
                # The second reads while the first holds the row: it must wait, not pass.
                await first_locked.wait()
            try:
                row = await NoteRepository(session).lock(note.id, '"3"')
            except PreconditionFailed:
                return "refused"
            assert row is not None
            if first:
                first_locked.set()
                await asyncio.sleep(0.2)
            row.text, row.version = text, row.version + 1
            return "written"

    outcomes = await asyncio.gather(write("one", first=True), write("two", first=False))

    assert sorted(outcomes) == ["refused", "written"]
    async with sessionmaker() as session:
        stored = await session.get(Note, note.id)
        assert stored is not None
        assert (stored.text, stored.version) == ("one", 4)
