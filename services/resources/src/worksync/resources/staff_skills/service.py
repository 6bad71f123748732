"""Staff skills from workspace's staff events: one row per staff profile.

Newest sequence wins: an event older than (or as old as) the stored state of its profile
changes nothing. A profile counts (`contributes`) while it is not deleted and its
employment is active or on probation, as workspace counts a department's people; a
deactivated or deleted profile keeps its row and sequence, so a late `created` cannot bring
its skills back.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.resources.messaging.consumed import StaffSnapshot
from worksync.resources.staff_skills.repository import StaffSkillsRepository

# Workspace's `ACTIVE_EMPLOYMENT_STATUSES`.
COUNTED_EMPLOYMENT_STATUSES = frozenset({"active", "probation"})


async def apply_staff(
    session: AsyncSession, staff: StaffSnapshot, *, sequence: int, deleted: bool
) -> None:
    await StaffSkillsRepository(session).store(
        staff_profile_id=staff.staff_profile_id,
        workspace_id=staff.workspace_id,
        user_id=staff.user_id,
        skills=staff.skills,
        contributes=not deleted and staff.employment_status in COUNTED_EMPLOYMENT_STATUSES,
        sequence=sequence,
    )
