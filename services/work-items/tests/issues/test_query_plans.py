"""What a new issue reads about its project costs the same in a project of any size."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.ids import new_id
from worksync.common.repository import orm_table
from worksync.work_items.issues.repository import NEXT_NUMBER_POSITION_AND_RANK
from worksync.work_items.models import Issue
from worksync.work_items.testing import Api, World

ISSUES = 3_000


async def test_a_new_issue_reads_the_last_position_and_rank_from_the_ends_of_their_indexes(
    world: World, api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    issues = orm_table(Issue)
    first = UUID((await api.issue(world))["id"])
    async with sessionmaker() as session:
        # A project of many issues: copies of the first, straight into the table.
        row = (await session.execute(select(issues).where(issues.c.id == first))).mappings().one()
        written = {name: value for name, value in row.items() if issues.c[name].computed is None}
        copies = [
            {**written, "id": new_id(), "sequence_id": 1_000 + n, "rank": f"{n:06d}1"}
            for n in range(ISSUES)
        ]
        await session.execute(insert(issues), copies)
        await session.commit()
        await session.execute(text(f"ANALYZE {issues.fullname}"))
        plan = await _plan(session, world)
    # Each maximum is the first row of a backward index scan, not an aggregate over the
    # project's issues (by the project alone, the position's was; named with the workspace,
    # the rank's was where the table had no statistics yet). With statistics, as autovacuum
    # keeps them: before the table has any, the planner guesses from its size in pages,
    # which the tests sharing this database set, and its choice flips between runs.
    assert plan.count("Scan Backward") == 2, plan
    assert "Aggregate" not in plan, plan


async def _plan(session: AsyncSession, world: World) -> str:
    connection = await session.connection()
    statement = NEXT_NUMBER_POSITION_AND_RANK.compile(dialect=connection.dialect)
    explained = await connection.exec_driver_sql(
        f"EXPLAIN {statement}",
        {**statement.params, "of_workspace": world.workspace.id, "of_project": world.project.id},
    )
    return "\n".join(explained.scalars().all())
