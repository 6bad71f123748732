"""The resources API: capacity profiles and time off, allocations, conflicts, utilization,
milestones with their dependencies and deliverables, the critical path and the report."""

from __future__ import annotations

from fastapi import FastAPI

from worksync.common.app import create_service_app
from worksync.common.serving import served_app
from worksync.resources.allocations.endpoints import router as allocations_router
from worksync.resources.config import ResourcesSettings
from worksync.resources.conflicts.endpoints import router as conflicts_router
from worksync.resources.deliverables.endpoints import router as deliverables_router
from worksync.resources.forecast.endpoints import router as forecast_router
from worksync.resources.milestones.endpoints import router as milestones_router
from worksync.resources.models import directory_tables
from worksync.resources.optimizer.endpoints import router as optimizer_router
from worksync.resources.team_members.endpoints import router as team_members_router
from worksync.resources.templates.endpoints import router as templates_router
from worksync.resources.utilization.endpoints import router as utilization_router

DESCRIPTION = (
    "Capacity and allocation: members' capacity profiles and time off, their allocations "
    "to projects, the over-allocation conflicts these cause, and utilization (capacity, "
    "allocated and tracked hours per week or month); project milestones with their "
    "dependencies and deliverables, the critical path and the milestone report; an "
    "optimiser proposing moves and cuts of allocations that remove over-allocations."
)


def create_app(settings: ResourcesSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or ResourcesSettings(),
        title="WorkSync resources",
        description=DESCRIPTION,
        # By how often clients call them (`create_service_app`).
        routers=[
            allocations_router,
            utilization_router,
            team_members_router,
            conflicts_router,
            milestones_router,
            deliverables_router,
            templates_router,
            forecast_router,
            optimizer_router,
        ],
        directory_tables=directory_tables,
    )


def create_app_from_environment() -> FastAPI:
    """The uvicorn factory: settings from the environment (`served_app`)."""
    return served_app(ResourcesSettings(), create_app)
