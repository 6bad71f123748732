"""A project's budget as the API reads it."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field

from worksync.common.fields import Money


class ProjectBudget(BaseModel):
    project_id: UUID
    currency: str | None
    budget_hours: Decimal | None
    budget_amount: Money | None
    consumed_hours: Decimal = Field(description="Rounded hours of the finished entries")
    billable_amount: Money = Field(description="Rate times rounded hours of billable entries")
    hours_percent: Decimal | None = Field(description="Consumed of the budget hours, in %")
    amount_percent: Decimal | None = Field(description="Billable of the budget amount, in %")
