"""A project's setup here: its issue counter and its default states.

Set up when `workspace.project.created` arrives, or by the first request about a project
the directory learnt of through its fallback before that event, whichever comes first;
the counter row is the claim, so the default states are created exactly once.
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import DirectoryProject
from worksync.common.ids import new_id
from worksync.work_items.enums import StateGroup
from worksync.work_items.projects.repository import ProjectRepository

POSITION_STEP: Final = 1000.0

# Name, group, colour; the first is the default.
DEFAULT_STATES: Final = (
    ("Backlog", StateGroup.BACKLOG, "#A3A3A3"),
    ("Todo", StateGroup.UNSTARTED, "#3B82F6"),
    ("In Progress", StateGroup.STARTED, "#F59E0B"),
    ("Done", StateGroup.COMPLETED, "#16A34A"),
    ("Cancelled", StateGroup.CANCELLED, "#DC2626"),
)


async def set_up_project(session: AsyncSession, workspace_id: UUID, project_id: UUID) -> bool:
    """Create the counter and the default states unless the project has them (idempotent,
    safe against a concurrent setup); True when this call created them."""
    projects = ProjectRepository(session)
    if not await projects.claim(workspace_id, project_id):
        return False
    await projects.add_states(
        [
            {
                "id": new_id(),
                "workspace_id": workspace_id,
                "project_id": project_id,
                "name": name,
                "group": group.value,
                "colour": colour,
                "position": POSITION_STEP * (index + 1),
                "is_default": index == 0,
            }
            for index, (name, group, colour) in enumerate(DEFAULT_STATES)
        ]
    )
    return True


async def ensure_project_set_up(session: AsyncSession, project: DirectoryProject) -> bool:
    """Before any request's use of a project (the app's `project_set_up`): one primary-key
    look-up when it is set up already (True then), until the app remembers it."""
    if await ProjectRepository(session).is_set_up(project.id):
        return True
    await set_up_project(session, project.workspace_id, project.id)
    return False
