"""A schema of a test's own holding a metadata's tables, for kit pieces tested on tables of
their own (the repository base, the relay and consumer, the directory, housekeeping)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.schema import CreateSchema, DropSchema


@asynccontextmanager
async def schema_with_tables(
    engine: AsyncEngine, schema: str, metadata: MetaData
) -> AsyncIterator[None]:
    """`schema` with `metadata`'s tables in it until the block ends, then dropped whole."""
    async with engine.begin() as connection:
        await connection.execute(CreateSchema(schema))
        await connection.run_sync(metadata.create_all)
    try:
        yield
    finally:
        async with engine.begin() as connection:
            await connection.execute(DropSchema(schema, cascade=True))
