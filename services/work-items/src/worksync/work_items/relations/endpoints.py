"""`…/issues/{iid}/relations`: blocks / blocked by, relates to, duplicates."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, status

from worksync.common.clock import NowDep
from worksync.common.directory import DIRECTORY_ERRORS, VIEWER_ERRORS, ProjectMember, ProjectViewer
from worksync.common.errors import error_responses
from worksync.common.pagination import Page, PageParams, page_params
from worksync.work_items.dependencies import RelationServiceDep
from worksync.work_items.relations.schemas import Relation, RelationCreate

router = APIRouter(
    prefix="/workspaces/{ws}/projects/{pid}/issues/{iid}/relations", tags=["relations"]
)

IssueId = Annotated[UUID, Path(description="The issue's id")]


@router.get(
    "", response_model=Page[Relation], responses={**VIEWER_ERRORS, **error_responses(400, 422)}
)
async def list_relations(
    iid: IssueId,
    context: ProjectViewer,
    service: RelationServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
) -> Page[Relation]:
    """The issue's relations, oldest first, each as this issue sees it."""
    items, next_cursor = await service.page(context, iid, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Relation,
    responses={**DIRECTORY_ERRORS, **error_responses(409, 422)},
)
async def create_relation(
    iid: IssueId,
    request: RelationCreate,
    context: ProjectMember,
    service: RelationServiceDep,
    now: NowDep,
) -> Relation:
    """Relate the issue to another (project members); a second time is 409, and so is a
    "blocks" that would loop."""
    return await service.create(context, iid, request, now)


@router.delete(
    "/{relation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DIRECTORY_ERRORS, **error_responses(422)},
)
async def delete_relation(
    iid: IssueId,
    relation_id: Annotated[UUID, Path(description="The relation's id")],
    context: ProjectMember,
    service: RelationServiceDep,
    now: NowDep,
) -> None:
    """Remove a relation (project members), from either of its issues."""
    await service.delete(context, iid, relation_id, now)
