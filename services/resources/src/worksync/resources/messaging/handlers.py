"""Events -> the directory, capacity profiles and the actual-hours projection.

Idempotent: the consumer's inbox drops duplicates; the directory and the projection
apply an event only when its sequence is newer than what they hold. Capacity profiles follow
the directory's membership after it applied the event (the handlers are merged, the
directory's first), so a late or repeated membership event changes nothing:

- `workspace.member.added`: a profile with the defaults unless one exists, reactivated if
  inactive (a returning member);
- `workspace.member.updated`: the same, except that an inactive profile stays so (an
  admin may have deactivated it); it covers an `added` that arrives after its update;
- `workspace.member.removed`: the profile, if any, becomes inactive.

`timetracking.entry.*` feed the actual hours, a batch of them at once (`actuals.service`);
`workitems.issue.*` feed the tracked-issue projection and milestone progress
(`milestones.issues`); `workspace.staff.*` the staff skills (`staff_skills.service`).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import directory_handlers, merge_handlers
from worksync.common.events.envelope import CloudEvent
from worksync.common.events.handlers import Handler, versions_handler
from worksync.resources.actuals.service import apply_entries
from worksync.resources.members import MemberRepository
from worksync.resources.messaging.consumed import (
    EntryCreated,
    EntryDeleted,
    EntrySnapshot,
    EntryUpdated,
    IssueCreated,
    IssueDeleted,
    IssueRestored,
    IssueSnapshot,
    IssueUpdated,
    MemberAdded,
    MemberChange,
    MemberRemoved,
    MemberUpdated,
    StaffCreated,
    StaffDeactivated,
    StaffDeleted,
    StaffSnapshot,
    StaffTransferred,
    StaffUpdated,
)
from worksync.resources.milestones.issues import apply_issue
from worksync.resources.models import directory_tables
from worksync.resources.staff_skills.service import apply_staff
from worksync.resources.team_members.service import join, leave


async def _is_current_membership(session: AsyncSession, data: MemberChange, sequence: int) -> bool:
    """Whether the directory holds exactly this event's version of the membership (an
    older event left it as it was)."""
    stored = await MemberRepository(session).sequence(data.workspace_id, data.user_id)
    return stored == sequence


async def on_member_added(session: AsyncSession, event: CloudEvent) -> None:
    data = event.parse_data(MemberChange)
    if await _is_current_membership(session, data, event.sequence):
        await join(session, data.workspace_id, data.user_id, reactivate=True)


async def on_member_updated(session: AsyncSession, event: CloudEvent) -> None:
    data = event.parse_data(MemberChange)
    if await _is_current_membership(session, data, event.sequence):
        await join(session, data.workspace_id, data.user_id, reactivate=False)


async def on_member_removed(session: AsyncSession, event: CloudEvent) -> None:
    data = event.parse_data(MemberChange)
    if await _is_current_membership(session, data, event.sequence):
        await leave(session, data.workspace_id, data.user_id)


# Each entry event type: the model of its data and whether it deletes the entry.
_ENTRY_EVENTS: Mapping[str, tuple[type[EntrySnapshot], bool]] = {
    EntryCreated.event_type: (EntryCreated, False),
    EntryUpdated.event_type: (EntryUpdated, False),
    EntryDeleted.event_type: (EntryDeleted, True),
}


# One handler for every entry type, so that a batch mixing them is one call.
on_entry = versions_handler(_ENTRY_EVENTS, apply_entries)


def _on_staff(*, deleted: bool) -> Handler:
    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        await apply_staff(
            session, event.parse_data(StaffSnapshot), sequence=event.sequence, deleted=deleted
        )

    return handle


async def on_issue(session: AsyncSession, event: CloudEvent) -> None:
    await apply_issue(session, event.parse_data(IssueSnapshot), sequence=event.sequence)


HANDLERS: Mapping[str, Handler] = merge_handlers(
    directory_handlers(directory_tables),
    {
        MemberAdded.event_type: on_member_added,
        MemberUpdated.event_type: on_member_updated,
        MemberRemoved.event_type: on_member_removed,
        EntryCreated.event_type: on_entry,
        EntryUpdated.event_type: on_entry,
        EntryDeleted.event_type: on_entry,
        IssueCreated.event_type: on_issue,
        IssueUpdated.event_type: on_issue,
        IssueDeleted.event_type: on_issue,
        IssueRestored.event_type: on_issue,
        StaffCreated.event_type: _on_staff(deleted=False),
        StaffUpdated.event_type: _on_staff(deleted=False),
        StaffTransferred.event_type: _on_staff(deleted=False),
        StaffDeactivated.event_type: _on_staff(deleted=False),
        StaffDeleted.event_type: _on_staff(deleted=True),
    },
)
