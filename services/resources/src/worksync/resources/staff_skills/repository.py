"""SQL of the staff-skills projection."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import CompoundSelect, literal_column, select, union_all

from worksync.common.fields import distinct_skills
from worksync.common.repository import Repository, orm_table
from worksync.resources.models import CapacityProfile, StaffSkills

_STAFF_SKILLS = orm_table(StaffSkills)


class StaffSkillsRepository(Repository):
    async def store(
        self,
        *,
        staff_profile_id: UUID,
        workspace_id: UUID,
        user_id: UUID,
        skills: Sequence[str],
        contributes: bool,
        sequence: int,
    ) -> bool:
        """Store the profile's state if `sequence` is newer than the stored one; whether it was."""
        values = {
            "staff_profile_id": staff_profile_id,
            "workspace_id": workspace_id,
            "user_id": user_id,
            "skills": list(skills),
            "contributes": contributes,
            "sequence": sequence,
        }
        return await self.store_if_newer(_STAFF_SKILLS, values, key=("staff_profile_id",))

    async def skills_by_user(self, workspace_id: UUID) -> dict[UUID, list[str]]:
        """Each user's skills in the workspace: their active capacity profile's, then those
        of their contributing staff profiles (duplicates ignoring case dropped, the first
        spelling kept), in one statement. Users without any skill are left out."""
        statement: CompoundSelect[UUID, int, list[str]] = union_all(
            select(
                CapacityProfile.user_id,
                literal_column("0").label("source"),
                CapacityProfile.skills,
            ).where(CapacityProfile.workspace_id == workspace_id, CapacityProfile.is_active),
            select(
                StaffSkills.user_id,
                literal_column("1").label("source"),
                StaffSkills.skills,
            ).where(StaffSkills.workspace_id == workspace_id, StaffSkills.contributes),
        ).order_by("user_id", "source")
        gathered: dict[UUID, list[str]] = {}
        for row in await self.session.execute(statement):
            gathered.setdefault(row.user_id, []).extend(row.skills)
        return {user_id: distinct_skills(skills) for user_id, skills in gathered.items() if skills}
