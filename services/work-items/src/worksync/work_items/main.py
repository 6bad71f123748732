"""The work-items API: states, issues and labels of projects."""

from __future__ import annotations

from fastapi import FastAPI

from worksync.common.app import create_service_app
from worksync.common.serving import served_app
from worksync.work_items.activity.endpoints import router as activity_router
from worksync.work_items.boards.endpoints import router as boards_router
from worksync.work_items.comments.endpoints import router as comments_router
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.issues.endpoints import router as issues_router
from worksync.work_items.labels.endpoints import router as labels_router
from worksync.work_items.models import directory_tables
from worksync.work_items.projects.endpoints import router as projects_router
from worksync.work_items.projects.service import ensure_project_set_up
from worksync.work_items.relations.endpoints import router as relations_router
from worksync.work_items.states.endpoints import router as states_router
from worksync.work_items.templates.endpoints import router as templates_router

DESCRIPTION = (
    "Issues and their workflow: the states of each project, issues with keys, assignees, "
    "labels, sub-issues, dates, estimates and logged time, and the project's labels."
)


def create_app(settings: WorkItemsSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or WorkItemsSettings(),
        title="WorkSync work items",
        description=DESCRIPTION,
        # By how often clients call them (`create_service_app`).
        routers=[
            issues_router,
            boards_router,
            states_router,
            labels_router,
            comments_router,
            activity_router,
            relations_router,
            projects_router,
            templates_router,
        ],
        directory_tables=directory_tables,
        project_set_up=ensure_project_set_up,
    )


def create_app_from_environment() -> FastAPI:
    """The uvicorn factory: settings from the environment (`served_app`)."""
    return served_app(WorkItemsSettings(), create_app)
