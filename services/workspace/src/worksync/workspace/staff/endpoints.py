"""`/workspaces/{ws}/staff`: staff profiles. Members and above read them (private fields
only admins, owners and the staff member themself); admins and owners change, import and
export them."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep, SessionmakerDep
from worksync.common.errors import error_responses
from worksync.common.fields import Skill
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.common.preconditions import IfMatch
from worksync.common.responses import encoded
from worksync.workspace.access import WorkspaceAdmin, WorkspaceMember
from worksync.workspace.dependencies import StaffImportDep, StaffServiceDep
from worksync.workspace.enums import EmploymentStatus
from worksync.workspace.models import idempotency_keys
from worksync.workspace.staff.export import staff_csv
from worksync.workspace.staff.schemas import (
    StaffCreate,
    StaffDeactivation,
    StaffFilters,
    StaffImportResult,
    StaffImportRow,
    StaffProfile,
    StaffSort,
    StaffStats,
    StaffTransfer,
    StaffTransferCreate,
    StaffUpdate,
)
from worksync.workspace.staff.uploads import MAX_IMPORT_ROWS, read_body, read_rows

router = APIRouter(prefix="/workspaces/{ws}/staff", tags=["staff"])

Paging = Annotated[PageParams, Depends(page_params)]


def _import_row_schema() -> dict[str, Any]:
    """A row's JSON schema; the enums it refers to are in the document's components
    already (the read models use them), so its own copies are dropped."""
    schema = StaffImportRow.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return schema


IMPORT_ROWS_EXAMPLE = [
    {
        "staff_id": "E042",
        "email": "ada.lovelace@example.com",
        "department_code": "ENG-PLATFORM",
        "position": "Senior Backend Engineer",
        "date_of_joining": "2026-03-02",
        "skills": ["Python", "PostgreSQL"],
    },
    {
        "staff_id": "E043",
        "user_id": "0195f3a2-8d47-7e21-a3c5-6f9b2d1e8a73",
        "department_code": "ENG-PLATFORM",
        "employment_status": "probation",
    },
]
IMPORT_CSV_EXAMPLE = (
    "staff_id,email,department_code,position,date_of_joining,skills\n"
    "E042,ada.lovelace@example.com,ENG-PLATFORM,Senior Backend Engineer,2026-03-02,"
    "Python;PostgreSQL\n"
    "E043,grace.hopper@example.com,ENG-PLATFORM,Backend Engineer,2026-03-16,Go\n"
)


def _example(summary: str, value: Any) -> dict[str, Any]:
    return {"two_rows": {"summary": summary, "value": value}}


# The body is read by hand (it may be JSON, CSV or a form), so OpenAPI is told its shapes,
# and (no model carrying them) their examples.
IMPORT_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"type": "array", "maxItems": MAX_IMPORT_ROWS, "items": _import_row_schema()},
            "examples": _example("Two staff members, by email and by user id", IMPORT_ROWS_EXAMPLE),
        },
        "text/csv": {
            "schema": {"type": "string", "description": "A header row, then rows"},
            "examples": _example("Two staff members, skills separated by `;`", IMPORT_CSV_EXAMPLE),
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            },
            "examples": _example("The CSV file as an upload", {"file": IMPORT_CSV_EXAMPLE}),
        },
    },
}


async def staff_filters(
    department_id: UUID | None = None,
    include_sub_departments: Annotated[
        bool, Query(description="With department_id: its sub-departments' staff too")
    ] = False,
    employment_status: EmploymentStatus | None = None,
    is_department_manager: bool | None = None,
    search: Annotated[
        str | None,
        Query(max_length=100, description="Part of the staff id, position, name or email"),
    ] = None,
    skill: Annotated[
        Skill | None, Query(description="Only staff with this skill (ignoring case)")
    ] = None,
) -> StaffFilters:
    return StaffFilters(
        department_id=department_id,
        include_sub_departments=include_sub_departments,
        employment_status=employment_status,
        is_department_manager=is_department_manager,
        search=search,
        skill=skill,
    )


Filters = Annotated[StaffFilters, Depends(staff_filters)]


@router.get(
    "", response_model=Page[StaffProfile], responses=error_responses(400, 401, 403, 404, 422)
)
async def list_staff(
    access: WorkspaceMember,
    service: StaffServiceDep,
    filters: Filters,
    params: Paging,
    sort: StaffSort = StaffSort.STAFF_ID,
) -> Page[StaffProfile]:
    """The workspace's live staff profiles."""
    items, next_cursor = await service.page(access, filters, sort, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=StaffProfile,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def create_staff_profile(
    request: StaffCreate,
    access: WorkspaceAdmin,
    service: StaffServiceDep,
    session: SessionDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create a member's staff profile (admins)."""

    async def create() -> StaffProfile:
        return await service.create(access, request, now)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"staff.create:{access.workspace_id}:{access.user_id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.post(
    "/bulk-import",
    status_code=status.HTTP_201_CREATED,
    response_model=StaffImportResult,
    responses=error_responses(400, 401, 403, 404, 409, 413, 415, 422),
    openapi_extra={"requestBody": IMPORT_BODY},
)
async def import_staff(
    http_request: Request,
    access: WorkspaceAdmin,
    importer: StaffImportDep,
    session: SessionDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Import staff profiles from CSV or JSON (admins): all rows or none."""
    body = await read_body(http_request.stream(), http_request.headers.get("content-length"))
    rows = read_rows(http_request.headers.get("content-type", ""), body)

    async def run() -> StaffImportResult:
        return await importer.run(access, rows, now)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"staff.import:{access.workspace_id}:{access.user_id}",
        payload=rows,
        status_code=status.HTTP_201_CREATED,
        produce=run,
    )


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The staff profiles as CSV, with a header row",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **error_responses(401, 403, 404, 422),
    },
)
async def export_staff(
    access: WorkspaceAdmin, sessionmaker: SessionmakerDep, filters: Filters
) -> StreamingResponse:
    """The live staff profiles matching the list's filters, as CSV (admins)."""
    filename = f"staff-{access.workspace.slug}.csv"
    return StreamingResponse(
        staff_csv(sessionmaker, access.workspace_id, filters),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/stats", response_model=StaffStats, responses=error_responses(401, 403, 404))
async def get_staff_stats(access: WorkspaceMember, service: StaffServiceDep) -> StaffStats:
    """Live staff counted per employment status and per department."""
    return await service.stats(access)


@router.get(
    "/{staff_profile_id}",
    response_model=StaffProfile,
    responses=error_responses(401, 403, 404, 422),
)
async def get_staff_profile(
    staff_profile_id: UUID, access: WorkspaceMember, service: StaffServiceDep
) -> Response:
    """A staff profile."""
    profile = await service.get(access, staff_profile_id)
    return encoded(profile, etag=profile.version)


@router.patch(
    "/{staff_profile_id}",
    response_model=StaffProfile,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def update_staff_profile(
    staff_profile_id: UUID,
    request: StaffUpdate,
    access: WorkspaceAdmin,
    service: StaffServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> Response:
    """Change a staff profile (admins); departments change by transfer."""
    profile = await service.update(access, staff_profile_id, request, now, if_match)
    return encoded(profile, etag=profile.version)


@router.delete(
    "/{staff_profile_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def delete_staff_profile(
    staff_profile_id: UUID,
    access: WorkspaceAdmin,
    service: StaffServiceDep,
    now: NowDep,
    if_match: IfMatch,
) -> None:
    """Delete a staff profile (admins)."""
    await service.delete(access, staff_profile_id, now, if_match)


@router.post(
    "/{staff_profile_id}/transfer",
    status_code=status.HTTP_201_CREATED,
    response_model=StaffTransfer,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def transfer_staff(
    staff_profile_id: UUID,
    request: StaffTransferCreate,
    access: WorkspaceAdmin,
    service: StaffServiceDep,
) -> StaffTransfer:
    """Move a staff member to another department (admins); the move is recorded."""
    return await service.transfer(access, staff_profile_id, request)


@router.get(
    "/{staff_profile_id}/transfers",
    response_model=Page[StaffTransfer],
    responses=error_responses(400, 401, 403, 404, 422),
)
async def list_staff_transfers(
    staff_profile_id: UUID, access: WorkspaceMember, service: StaffServiceDep, params: Paging
) -> Page[StaffTransfer]:
    """The staff member's transfers, oldest first."""
    items, next_cursor = await service.page_transfers(access, staff_profile_id, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/{staff_profile_id}/deactivate",
    response_model=StaffProfile,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def deactivate_staff(
    staff_profile_id: UUID,
    request: StaffDeactivation,
    access: WorkspaceAdmin,
    service: StaffServiceDep,
    now: NowDep,
) -> StaffProfile:
    """Resign or suspend a staff member (admins): they stop managing departments."""
    return await service.deactivate(access, staff_profile_id, request, now)
