"""The staff CSV export, streamed as it is read.

Columns, in this order: `staff_id`, `user_id`, `email`, `display_name`, `department_code`,
`position`, `job_grade`, `phone`, `date_of_joining`, `date_of_leaving`,
`employment_status`, `is_department_manager` (`true`/`false`), `notes`, `skills` (one cell,
the names joined by `; `). Dates are `YYYY-MM-DD`, absent values empty cells; quoting is
the csv module's (RFC 4180). Text that a spreadsheet would run as a formula is neutralised
(`staff.cells`). The file can be imported again as it is: the import takes the
neutralisation off and reads past `display_name` and `is_department_manager`, which are
derived.

The response outlives the request's session, so the rows are read in a session of their
own, through a server-side cursor, after the endpoint has checked the caller's access.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.workspace.staff.cells import skills_cell, text_cell
from worksync.workspace.staff.repository import StaffRepository
from worksync.workspace.staff.schemas import StaffFilters

COLUMNS = (
    "staff_id",
    "user_id",
    "email",
    "display_name",
    "department_code",
    "position",
    "job_grade",
    "phone",
    "date_of_joining",
    "date_of_leaving",
    "employment_status",
    "is_department_manager",
    "notes",
    "skills",
)
ROWS_PER_CHUNK = 500

Cell = str | UUID | date | bool | None


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return text_cell(value)
    return str(value)


def _csv(rows: Iterable[Iterable[Cell]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


async def staff_csv(
    sessionmaker: async_sessionmaker[AsyncSession], workspace_id: UUID, filters: StaffFilters
) -> AsyncIterator[str]:
    """The header, then the live profiles matching `filters` by staff id, in chunks."""
    yield _csv([COLUMNS])
    async with sessionmaker() as session, session.begin():
        staff = StaffRepository(session)
        async for chunk in staff.export_chunks(workspace_id, filters, ROWS_PER_CHUNK):
            yield _csv(
                (
                    profile.staff_id,
                    profile.user_id,
                    email,
                    display_name,
                    department_code,
                    profile.position,
                    profile.job_grade,
                    profile.phone,
                    profile.date_of_joining,
                    profile.date_of_leaving,
                    profile.employment_status,
                    profile.is_department_manager,
                    profile.notes,
                    skills_cell(profile.skills),
                )
                for profile, email, display_name, department_code in chunk
            )
