"""FastAPI dependencies: the services, over the request's session and the directory.

Endpoints guard with the kit's `WorkspaceMember` and `WorkspaceAdmin`, which resolve `{ws}`
before anything else runs: a foreign workspace is a 404 whatever the rest of the request
holds, and guests get 403 from every route (resources are planned by members, for members).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from worksync.common.db import SessionDep
from worksync.common.directory import DirectoryDep
from worksync.resources.allocations.service import AllocationService
from worksync.resources.config import ResourcesSettings
from worksync.resources.conflicts.service import ConflictService
from worksync.resources.deliverables.service import DeliverableService
from worksync.resources.forecast.service import ForecastService
from worksync.resources.milestones.service import MilestoneService
from worksync.resources.optimizer.service import OptimizerService
from worksync.resources.team_members.service import TeamMemberService
from worksync.resources.templates.service import TemplateService
from worksync.resources.utilization.service import UtilizationService


async def get_team_member_service(
    session: SessionDep, directory: DirectoryDep
) -> TeamMemberService:
    return TeamMemberService(session, directory)


async def get_allocation_service(session: SessionDep, directory: DirectoryDep) -> AllocationService:
    return AllocationService(session, directory)


async def get_conflict_service(session: SessionDep) -> ConflictService:
    return ConflictService(session)


async def get_utilization_service(session: SessionDep) -> UtilizationService:
    return UtilizationService(session)


async def get_milestone_service(session: SessionDep, directory: DirectoryDep) -> MilestoneService:
    return MilestoneService(session, directory)


async def get_deliverable_service(
    session: SessionDep, directory: DirectoryDep
) -> DeliverableService:
    return DeliverableService(session, directory)


async def get_template_service(session: SessionDep) -> TemplateService:
    return TemplateService(session)


async def get_forecast_service(session: SessionDep) -> ForecastService:
    return ForecastService(session)


async def get_optimizer_service(session: SessionDep, request: Request) -> OptimizerService:
    settings: ResourcesSettings = request.app.state.settings
    return OptimizerService(session, settings.optimizer_time_limit_seconds)


TeamMemberServiceDep = Annotated[TeamMemberService, Depends(get_team_member_service)]
AllocationServiceDep = Annotated[AllocationService, Depends(get_allocation_service)]
ConflictServiceDep = Annotated[ConflictService, Depends(get_conflict_service)]
UtilizationServiceDep = Annotated[UtilizationService, Depends(get_utilization_service)]
MilestoneServiceDep = Annotated[MilestoneService, Depends(get_milestone_service)]
DeliverableServiceDep = Annotated[DeliverableService, Depends(get_deliverable_service)]
TemplateServiceDep = Annotated[TemplateService, Depends(get_template_service)]
ForecastServiceDep = Annotated[ForecastService, Depends(get_forecast_service)]
OptimizerServiceDep = Annotated[OptimizerService, Depends(get_optimizer_service)]
