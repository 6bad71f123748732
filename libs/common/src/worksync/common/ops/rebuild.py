"""Clearing a projection, the consumer's half of a rebuild; republishing refills it.

A cleared projection holds no sequence, so the next event of each aggregate, a republished
snapshot or a real change, is applied whatever its version. The tables are emptied in one
transaction (`DELETE`, not `TRUNCATE`: it waits for the consumer's transaction holding a
row instead of taking the whole table away from readers).
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ops.services import Projection


async def clear(sessionmaker: async_sessionmaker[AsyncSession], projection: Projection) -> int:
    """Delete every row of the projection's tables at once; the number of rows deleted."""
    deleted = 0
    async with sessionmaker() as session, session.begin():
        connection = await session.connection()
        for table in projection.tables:
            deleted += (await connection.execute(delete(table))).rowcount
    return deleted
