"""Which of resources' projections the operator tools may rebuild (`python -m
worksync.common.ops rebuild resources directory`). Nothing resources publishes is read
into another service's projection, so it offers nothing to republish.
"""

from __future__ import annotations

from worksync.common.ops.services import ServiceOperations, directory_projection
from worksync.resources.config import ResourcesSettings
from worksync.resources.messaging.published import outbox
from worksync.resources.models import directory_tables

OPERATIONS = ServiceOperations(
    settings=ResourcesSettings,
    outbox=outbox,
    projections=(directory_projection(directory_tables),),
)
