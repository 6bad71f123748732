"""The timetracking API: time entries, worklogs, the timer, reports (day, week and
summaries) and settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from worksync.common.app import create_service_app
from worksync.common.serving import served_app
from worksync.timetracking.breaks.endpoints import router as breaks_router
from worksync.timetracking.budgets.endpoints import router as budgets_router
from worksync.timetracking.config import TimetrackingSettings
from worksync.timetracking.entries.endpoints import router as entries_router
from worksync.timetracking.issues.service import IssueLookup
from worksync.timetracking.issues.work_items_api import WorkItemsApi
from worksync.timetracking.models import directory_tables
from worksync.timetracking.modifications.endpoints import router as modifications_router
from worksync.timetracking.reports.endpoints import router as reports_router
from worksync.timetracking.timers.endpoints import router as timer_router
from worksync.timetracking.timesheets.endpoints import router as timesheets_router
from worksync.timetracking.user_settings.endpoints import router as settings_router
from worksync.timetracking.worklogs.endpoints import router as worklogs_router

# The OpenAPI text as published ("views": the reports' today and week).
DESCRIPTION = (
    "Where the time went: time entries (timed, duration-only, from timers) rounded with "
    "their raw times kept, breaks, worklogs on issues, the timer with pauses and auto-stop, "
    "day and week views, summaries, the report, overtime, timesheets with approval and "
    "modification requests, lockdown, budgets, and user time settings."
)


def create_app(settings: TimetrackingSettings | None = None) -> FastAPI:
    settings = settings or TimetrackingSettings()

    @asynccontextmanager
    async def issue_lookup(app: FastAPI) -> AsyncIterator[None]:
        client = app.state.http_client
        app.state.issue_lookup = IssueLookup(WorkItemsApi(client, settings.work_items_api_url))
        app.state.lockdown_grace = timedelta(hours=settings.lockdown_grace_hours)
        yield

    return create_service_app(
        settings,
        title="WorkSync timetracking",
        description=DESCRIPTION,
        # By how often clients call them (`create_service_app`).
        routers=[
            entries_router,
            reports_router,
            timer_router,
            worklogs_router,
            timesheets_router,
            breaks_router,
            modifications_router,
            budgets_router,
            settings_router,
        ],
        directory_tables=directory_tables,
        extra_lifespan=issue_lookup,
    )


def create_app_from_environment() -> FastAPI:
    """The uvicorn factory: settings from the environment (`served_app`)."""
    return served_app(TimetrackingSettings(), create_app)
