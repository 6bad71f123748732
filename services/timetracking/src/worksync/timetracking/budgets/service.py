"""Budgets: the project's figures, and the thresholds announced as entries are written.

`BudgetWatch.check` runs in the transaction of every write that adds consumed time (a
create, a change, a stopped timer) of a project with a budget. It takes an advisory lock
on the project first, so the writes of one project's time count one after another: each
sums the consumption with every earlier write committed, and the 20 writes that together
cross 80 % find exactly one of them crossing. A threshold's row is claimed by an insert
that does nothing when it exists (per measure, budget value and threshold), and only the
claiming transaction records the event.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import ProjectContext
from worksync.timetracking.budgets.repository import BudgetRepository
from worksync.timetracking.budgets.rules import percent_of, thresholds_reached
from worksync.timetracking.budgets.schemas import ProjectBudget
from worksync.timetracking.messaging.recording import record_threshold
from worksync.timetracking.models import BudgetMeasure


class BudgetWatch:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.budgets = BudgetRepository(session)

    async def check(self, workspace_id: UUID, project_id: UUID, actor_id: UUID) -> None:
        """Announce the thresholds the project's consumption has newly reached."""
        budget = await self.budgets.budget(workspace_id, project_id)
        if not budget.any:
            return
        await self.budgets.lock_key(f"budget:{project_id}")
        await self.budgets.flush()
        consumed = await self.budgets.consumed(workspace_id, project_id)
        for measure, limit, value in (
            (BudgetMeasure.HOURS, budget.budget_hours, consumed.hours),
            (BudgetMeasure.AMOUNT, budget.budget_amount, consumed.amount),
        ):
            for percent in thresholds_reached(value, limit):
                assert limit is not None
                reached = await self.budgets.reach(
                    workspace_id, project_id, measure, limit, percent, value
                )
                if reached is not None:
                    currency = budget.currency if measure is BudgetMeasure.AMOUNT else None
                    await record_threshold(self.session, reached, currency, actor_id=actor_id)

    async def of(self, context: ProjectContext) -> ProjectBudget:
        workspace_id, project_id = context.workspace.workspace_id, context.project.id
        budget = await self.budgets.budget(workspace_id, project_id)
        consumed = await self.budgets.consumed(workspace_id, project_id)
        return ProjectBudget(
            project_id=project_id,
            currency=budget.currency,
            budget_hours=budget.budget_hours,
            budget_amount=budget.budget_amount,
            consumed_hours=consumed.hours,
            billable_amount=consumed.amount,
            hours_percent=percent_of(consumed.hours, budget.budget_hours),
            amount_percent=percent_of(consumed.amount, budget.budget_amount),
        )
