"""`/workspaces/{ws}/templates`: project templates, applying them, saving a project as one."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Response, status
from fastapi.responses import JSONResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.directory import (
    DIRECTORY_ERRORS,
    VIEWER_ERRORS,
    WorkspaceGuest,
    WorkspaceMember,
)
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.work_items.dependencies import TemplateServiceDep
from worksync.work_items.models import idempotency_keys
from worksync.work_items.templates.schemas import (
    AppliedTemplate,
    ApplyTemplate,
    Template,
    TemplateCreate,
    TemplateFromProject,
    TemplateSummary,
    TemplateUpdate,
)

router = APIRouter(prefix="/workspaces/{ws}/templates", tags=["templates"])

TemplateId = Annotated[UUID, Path(description="The template's id")]


@router.get(
    "",
    response_model=Page[TemplateSummary],
    responses={**VIEWER_ERRORS, **error_responses(400, 422)},
)
async def list_templates(
    context: WorkspaceGuest,
    service: TemplateServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
    search: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="Words of name, category or description"),
    ] = None,
    category: Annotated[
        str | None, Query(max_length=100, description="Exactly this category")
    ] = None,
) -> Page[TemplateSummary]:
    """The workspace's templates by name."""
    items, next_cursor = await service.page(context, search, category, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Template,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def create_template(
    request: TemplateCreate,
    context: WorkspaceMember,
    service: TemplateServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create a template (workspace members)."""

    async def create() -> Template:
        return await service.create(context, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"templates.create:{context.workspace_id}:{context.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.post(
    "/from-project",
    status_code=status.HTTP_201_CREATED,
    response_model=Template,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def save_project_as_template(
    request: TemplateFromProject, context: WorkspaceMember, service: TemplateServiceDep
) -> Template:
    """Save a project's issues as a template (workspace members who see the project)."""
    return await service.from_project(context, request)


@router.get(
    "/{template_id}",
    response_model=Template,
    responses={**VIEWER_ERRORS, **error_responses(422)},
)
async def get_template(
    template_id: TemplateId, context: WorkspaceGuest, service: TemplateServiceDep
) -> Response:
    """One template with its phases and tasks."""
    template = await service.get(context, template_id)
    return encoded(template, etag=template.version)


@router.patch(
    "/{template_id}",
    response_model=Template,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def update_template(
    template_id: TemplateId,
    request: TemplateUpdate,
    context: WorkspaceMember,
    service: TemplateServiceDep,
    if_match: IfMatch,
) -> Response:
    """Change a template (its creator or a workspace admin)."""
    template = await service.update(context, template_id, request, if_match)
    return encoded(template, etag=template.version)


@router.delete(
    "/{template_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def delete_template(
    template_id: TemplateId,
    context: WorkspaceMember,
    service: TemplateServiceDep,
    if_match: IfMatch,
) -> None:
    """Delete a template (its creator or a workspace admin)."""
    await service.delete(context, template_id, if_match)


@router.post(
    "/{template_id}/apply",
    status_code=status.HTTP_201_CREATED,
    response_model=AppliedTemplate,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def apply_template(
    template_id: TemplateId,
    request: ApplyTemplate,
    context: WorkspaceMember,
    service: TemplateServiceDep,
    now: NowDep,
) -> AppliedTemplate:
    """Create the template's issues in a project (its members and admins), all or none."""
    return await service.apply(context, template_id, request, now)
