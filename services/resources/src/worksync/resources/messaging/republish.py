"""Which of resources' projections the operator tools may rebuild (`python -m
worksync.common.ops rebuild resources directory`, `... rebuild resources staff_skills`).
Nothing resources publishes is read into another service's projection, so it offers
nothing to republish.
"""

from __future__ import annotations

from worksync.common.ops.services import (
    Projection,
    ServiceOperations,
    directory_projection,
)
from worksync.common.repository import orm_table
from worksync.resources.config import ResourcesSettings
from worksync.resources.messaging.published import outbox
from worksync.resources.models import StaffSkills, directory_tables

OPERATIONS = ServiceOperations(
    settings=ResourcesSettings,
    outbox=outbox,
    projections=(
        directory_projection(directory_tables),
        Projection("staff_skills", (orm_table(StaffSkills),), ("workspace.staff",)),
    ),
)
