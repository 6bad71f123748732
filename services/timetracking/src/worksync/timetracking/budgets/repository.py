"""A project's budget and consumption, and the thresholds it reached."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from sqlalchemy import Uuid, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert

from worksync.common.repository import Repository
from worksync.timetracking.models import BudgetThreshold, MonthlyTotal, directory_tables

SECONDS_PER_HOUR = Decimal(3600)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Budget:
    budget_hours: Decimal | None
    budget_amount: Decimal | None
    currency: str | None

    @property
    def any(self) -> bool:
        return self.budget_hours is not None or self.budget_amount is not None


@dataclass(frozen=True)
class Consumed:
    """Rounded hours of the project's finished entries, and their billable amount."""

    hours: Decimal
    amount: Decimal


# Built once with bound values: every write of time reads it.
_projects, _workspaces = directory_tables.projects, directory_tables.workspaces
_BUDGET = (
    select(
        _projects.c.budget_hours,
        _projects.c.budget_amount,
        func.coalesce(_projects.c.currency, _workspaces.c.currency),
    )
    .select_from(_projects)
    .outerjoin(_workspaces, _workspaces.c.id == _projects.c.workspace_id)
    .where(
        _projects.c.id == bindparam("project_id", type_=Uuid),
        _projects.c.workspace_id == bindparam("workspace_id", type_=Uuid),
    )
)


class BudgetRepository(Repository):
    async def budget(self, workspace_id: UUID, project_id: UUID) -> Budget:
        row = (
            await self.session.execute(
                _BUDGET, {"project_id": project_id, "workspace_id": workspace_id}
            )
        ).one_or_none()
        if row is None:
            return Budget(None, None, None)
        hours, amount, currency = row
        return Budget(
            None if hours is None else Decimal(hours),
            None if amount is None else Decimal(amount),
            currency,
        )

    async def consumed(self, workspace_id: UUID, project_id: UUID) -> Consumed:
        """The project's finished time and billable amount, from its monthly totals."""
        row = (
            await self.session.execute(
                select(
                    func.coalesce(func.sum(MonthlyTotal.seconds), 0),
                    func.coalesce(func.sum(MonthlyTotal.amount), 0),
                ).where(
                    MonthlyTotal.workspace_id == workspace_id,
                    MonthlyTotal.project_id == project_id,
                )
            )
        ).one()
        return Consumed(
            hours=(Decimal(row[0]) / SECONDS_PER_HOUR).quantize(CENT),
            amount=(Decimal(row[1]) / SECONDS_PER_HOUR).quantize(CENT),
        )

    async def reach(
        self,
        workspace_id: UUID,
        project_id: UUID,
        measure: str,
        budget: Decimal,
        percent: int,
        consumed: Decimal,
    ) -> BudgetThreshold | None:
        """The threshold's row if this call wrote it (None: reached before)."""
        statement = (
            insert(BudgetThreshold)
            .values(
                workspace_id=workspace_id,
                project_id=project_id,
                measure=measure,
                budget=budget,
                threshold_percent=percent,
                consumed=consumed,
                version=1,
            )
            .on_conflict_do_nothing(
                index_elements=["project_id", "measure", "budget", "threshold_percent"]
            )
            .returning(BudgetThreshold)
        )
        reached: BudgetThreshold | None = await self.session.scalar(
            select(BudgetThreshold).from_statement(statement)
        )
        return reached
