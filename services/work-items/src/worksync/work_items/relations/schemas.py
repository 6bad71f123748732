"""Relations as an issue shows them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from worksync.work_items.enums import RelationType


class RelationCreate(BaseModel):
    """This issue `type` the other: `blocks`, `blocked_by`, `relates_to`, `duplicates`,
    `duplicated_by`."""

    model_config = ConfigDict(extra="forbid")

    type: RelationType
    issue_id: UUID = Field(description="The other issue, of the same project")


class Relation(BaseModel):
    id: UUID
    type: RelationType = Field(description="From the point of view of the issue asked about")
    issue_id: UUID = Field(description="The other issue")
    created_by: UUID
    created_at: datetime
