"""Relations as an issue shows them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from worksync.common.examples import body_examples
from worksync.work_items.enums import RelationType


class RelationCreate(BaseModel):
    """This issue `type` the other: `blocks`, `blocked_by`, `relates_to`, `duplicates`,
    `duplicated_by`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"type": "blocks", "issue_id": "0195f3b4-9c3f-7e08-8a5b-6d1e2f7c4b92"}
        ),
    )

    type: RelationType
    issue_id: UUID = Field(description="The other issue, of the same project")


class Relation(BaseModel):
    id: UUID
    type: RelationType = Field(description="From the point of view of the issue asked about")
    issue_id: UUID = Field(description="The other issue")
    created_by: UUID
    created_at: datetime
