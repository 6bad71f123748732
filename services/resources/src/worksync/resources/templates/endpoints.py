"""`/workspaces/{ws}/milestone-templates` and `…/projects/{pid}/milestones/from-template`.

Members read templates; workspace admins write them; planners of a project (workspace
admins, project admins) apply one to it.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from worksync.common.db import SessionDep
from worksync.common.directory import DIRECTORY_ERRORS, WorkspaceAdmin, WorkspaceMember
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.resources.dependencies import MilestoneServiceDep, TemplateServiceDep
from worksync.resources.milestones.access import ProjectPlanner
from worksync.resources.milestones.schemas import MilestoneRead
from worksync.resources.models import idempotency_keys
from worksync.resources.templates.schemas import (
    FromTemplate,
    TemplateCreate,
    TemplateRead,
    TemplateUpdate,
)

router = APIRouter(prefix="/workspaces/{ws}", tags=["milestone templates"])

Paging = Annotated[PageParams, Depends(page_params)]


class AppliedTemplate(BaseModel):
    milestones: list[MilestoneRead]


@router.get(
    "/milestone-templates",
    response_model=Page[TemplateRead],
    responses={**DIRECTORY_ERRORS, **error_responses(400, 422)},
)
async def list_milestone_templates(
    context: WorkspaceMember, service: TemplateServiceDep, params: Paging
) -> Page[TemplateRead]:
    """The workspace's milestone templates, oldest first."""
    items, next_cursor = await service.page(context, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/milestone-templates",
    status_code=status.HTTP_201_CREATED,
    response_model=TemplateRead,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def create_milestone_template(
    request: TemplateCreate,
    context: WorkspaceAdmin,
    service: TemplateServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Add a milestone template (workspace admins); names are unique, ignoring case."""

    async def create() -> TemplateRead:
        return await service.create(context, request)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"milestone_templates.create:{context.workspace_id}:{context.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.get(
    "/milestone-templates/{template_id}",
    response_model=TemplateRead,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def get_milestone_template(
    template_id: UUID, context: WorkspaceMember, service: TemplateServiceDep
) -> Response:
    """A milestone template."""
    template = await service.get(context, template_id)
    return encoded(template, etag=template.version)


@router.patch(
    "/milestone-templates/{template_id}",
    response_model=TemplateRead,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def update_milestone_template(
    template_id: UUID,
    request: TemplateUpdate,
    context: WorkspaceAdmin,
    service: TemplateServiceDep,
    if_match: IfMatch,
) -> Response:
    """Change a template (workspace admins); milestones made from it stay as they are."""
    template = await service.update(context, template_id, request, if_match)
    return encoded(template, etag=template.version)


@router.delete(
    "/milestone-templates/{template_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def delete_milestone_template(
    template_id: UUID, context: WorkspaceAdmin, service: TemplateServiceDep, if_match: IfMatch
) -> None:
    """Delete a template (workspace admins)."""
    await service.delete(context, template_id, if_match)


@router.post(
    "/projects/{pid}/milestones/from-template",
    status_code=status.HTTP_201_CREATED,
    response_model=AppliedTemplate,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def create_milestones_from_template(
    request: FromTemplate,
    context: ProjectPlanner,
    templates: TemplateServiceDep,
    milestones: MilestoneServiceDep,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create the template's milestones, dependencies and deliverables in the project, dated
    from `anchor_date`, all in one transaction."""

    async def apply() -> AppliedTemplate:
        ids = await templates.apply(context, request)
        return AppliedTemplate(milestones=await milestones.many(context, ids))

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"milestones.from_template:{context.project.id}:{context.workspace.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=apply,
    )
