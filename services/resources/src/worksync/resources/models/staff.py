"""Staff skills: the skills of workspace's staff profiles (`workspace.staff.*`)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ARRAY, BigInteger, Boolean, CheckConstraint, Index, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from worksync.resources.models.base import Base


class StaffSkills(Base):
    """The newest state seen of one staff profile: its skills and whether they count (a
    deleted profile or one whose employment is not active keeps its row, and its sequence,
    so that an older event arriving late changes nothing)."""

    __tablename__ = "staff_skills"

    staff_profile_id: Mapped[UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[UUID]
    user_id: Mapped[UUID]
    skills: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    contributes: Mapped[bool] = mapped_column(Boolean, server_default=false())
    sequence: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        # The forecast and the optimiser read a workspace's contributing profiles per user.
        Index(
            "ix_staff_skills_workspace_id_user_id",
            "workspace_id",
            "user_id",
            postgresql_where=text("contributes"),
        ),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
    )
