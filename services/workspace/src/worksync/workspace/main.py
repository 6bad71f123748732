"""The workspace API: workspaces, members, invitations, projects, clients, categories, teams,
departments and staff."""

from __future__ import annotations

from fastapi import FastAPI

from worksync.common.app import create_service_app
from worksync.common.serving import served_app
from worksync.workspace.categories.endpoints import router as categories_router
from worksync.workspace.clients.endpoints import router as clients_router
from worksync.workspace.config import WorkspaceSettings
from worksync.workspace.departments.endpoints import router as departments_router
from worksync.workspace.invitations.endpoints import public_router as invitation_links_router
from worksync.workspace.invitations.endpoints import router as invitations_router
from worksync.workspace.members.endpoints import router as members_router
from worksync.workspace.project_members.endpoints import router as project_members_router
from worksync.workspace.projects.endpoints import router as projects_router
from worksync.workspace.staff.endpoints import router as staff_router
from worksync.workspace.teams.endpoints import project_router as project_teams_router
from worksync.workspace.teams.endpoints import router as teams_router
from worksync.workspace.workspaces.endpoints import router as workspaces_router

DESCRIPTION = (
    "Organisations, people, projects: workspaces and their settings, members and "
    "invitations, projects and their members, clients, categories, teams, departments "
    "and staff profiles."
)


def create_app(settings: WorkspaceSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or WorkspaceSettings(),
        title="WorkSync workspace",
        description=DESCRIPTION,
        routers=[
            workspaces_router,
            members_router,
            invitations_router,
            invitation_links_router,
            projects_router,
            project_members_router,
            project_teams_router,
            clients_router,
            categories_router,
            teams_router,
            departments_router,
            staff_router,
        ],
    )


def create_app_from_environment() -> FastAPI:
    """The uvicorn factory: settings from the environment (`served_app`)."""
    return served_app(WorkspaceSettings(), create_app)
