"""`/workspaces/{ws}/projects/{pid}/budget`."""

from __future__ import annotations

from fastapi import APIRouter

from worksync.common.directory import DIRECTORY_ERRORS, ProjectAdmin
from worksync.timetracking.budgets.schemas import ProjectBudget
from worksync.timetracking.dependencies import BudgetWatchDep

router = APIRouter(prefix="/workspaces/{ws}/projects/{pid}", tags=["budgets"])


@router.get("/budget", response_model=ProjectBudget, responses=DIRECTORY_ERRORS)
async def project_budget(context: ProjectAdmin, budgets: BudgetWatchDep) -> ProjectBudget:
    """The project's budget against its consumed rounded hours and billable amount
    (project and workspace admins: budgets are not every member's business)."""
    return await budgets.of(context)
