"""Authorising from the directory: roles, 404 for outsiders, and the one-shot fallback."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.auth import Principal
from worksync.common.directory import (
    Directory,
    DirectoryMembership,
    DirectoryProject,
    DirectoryTables,
    DirectoryUnavailable,
    ProjectNotFound,
    ProjectRole,
    WorkspaceNotFound,
    WorkspaceRole,
    directory_handlers,
    store,
)
from worksync.common.events.envelope import CloudEvent
from worksync.common.ids import new_id
from worksync.common.roles import InsufficientRole, ProjectVisibility
from worksync.common.testing.servers import closed_port_url
from worksync.common.testing.tokens import TokenMinter
from worksync.common.testing.workspace_api import FakeWorkspaceApi
from worksync.common.testing.workspace_events import (
    member_event,
    project_event,
    project_member_event,
    workspace_event,
)


@dataclass(frozen=True)
class Caller:
    principal: Principal
    authorization: str


@dataclass(frozen=True)
class Workspace:
    id: UUID
    slug: str


@pytest.fixture
async def caller(minter: TokenMinter) -> Caller:
    token = minter.mint()
    return Caller(await minter.verifier().verify(token), f"Bearer {token}")


@pytest.fixture
async def workspace(
    tables: DirectoryTables, sessionmaker: async_sessionmaker[AsyncSession]
) -> Workspace:
    known = Workspace(new_id(), f"acme-{new_id().hex[-12:]}")
    await apply(
        tables, sessionmaker, workspace_event("created", known.id, slug=known.slug, sequence=1)
    )
    return known


async def apply(
    tables: DirectoryTables, sessionmaker: async_sessionmaker[AsyncSession], *events: CloudEvent
) -> None:
    """Run the directory's handlers on events, as the consumer would."""
    handlers = directory_handlers(tables)
    for event in events:
        async with sessionmaker.begin() as session:
            await handlers[event.type](session, event)


async def membership_of(
    directory: Directory,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace: Workspace,
    caller: Caller,
) -> DirectoryMembership:
    async with sessionmaker.begin() as session:  # a request's session: commits at the end
        return await directory.membership(
            session, workspace.slug, caller.principal, caller.authorization
        )


async def test_a_member_gets_their_role_without_a_call(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    user_id = caller.principal.user_id
    await apply(
        tables, sessionmaker, member_event("added", workspace.id, user_id, role="admin", sequence=1)
    )

    membership = await membership_of(directory, sessionmaker, workspace, caller)

    assert membership == DirectoryMembership(
        workspace.id, workspace.slug, user_id, WorkspaceRole.ADMIN
    )
    assert workspace_api.calls_about(workspace.slug) == 0


async def test_outsiders_and_unknown_workspaces_are_not_found_after_one_call(
    directory: Directory,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    with pytest.raises(WorkspaceNotFound) as raised:
        await membership_of(directory, sessionmaker, workspace, caller)
    assert raised.value.status == 404
    assert workspace_api.calls_about(workspace.slug) == 1

    unknown = Workspace(new_id(), f"nowhere-{new_id().hex[-12:]}")
    with pytest.raises(WorkspaceNotFound):
        await membership_of(directory, sessionmaker, unknown, caller)
    assert workspace_api.calls_about(unknown.slug) == 1


async def test_a_guest_is_refused_what_needs_a_member(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace: Workspace,
    caller: Caller,
) -> None:
    user_id = caller.principal.user_id
    await apply(
        tables, sessionmaker, member_event("added", workspace.id, user_id, role="guest", sequence=1)
    )

    async with sessionmaker.begin() as session:
        args = (session, workspace.slug, caller.principal, caller.authorization)
        guest = await directory.require_role(*args, at_least=WorkspaceRole.GUEST)
        assert guest.role is WorkspaceRole.GUEST
        with pytest.raises(InsufficientRole) as raised:
            await directory.require_role(*args, at_least=WorkspaceRole.MEMBER)
    assert raised.value.status == 403


async def test_a_removal_newer_than_the_fallback_answer_still_wins(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    user_id = caller.principal.user_id
    await apply(
        tables,
        sessionmaker,
        member_event("removed", workspace.id, user_id, role="member", sequence=5),
    )
    # A stale answer (an older version than the removal already applied) changes nothing.
    workspace_api.put_member(workspace.slug, workspace.id, user_id, role="member", version=4)
    with pytest.raises(WorkspaceNotFound):
        await membership_of(directory, sessionmaker, workspace, caller)

    # A re-addition a moment ago: the removed row is a miss, and the newer answer wins.
    workspace_api.put_member(workspace.slug, workspace.id, user_id, role="member", version=6)
    membership = await membership_of(directory, sessionmaker, workspace, caller)

    assert membership.role is WorkspaceRole.MEMBER
    assert workspace_api.calls_about(workspace.slug) == 2
    async with sessionmaker() as session:
        sequence = await session.scalar(
            select(tables.members.c.sequence).where(tables.members.c.user_id == user_id)
        )
    assert sequence == 6


async def test_a_failing_workspace_api_makes_the_directory_unavailable(
    directory: Directory,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
    tables: DirectoryTables,
    http_client: httpx.AsyncClient,
) -> None:
    workspace_api.failing.add(workspace.slug)
    with pytest.raises(DirectoryUnavailable) as raised:
        await membership_of(directory, sessionmaker, workspace, caller)
    assert (raised.value.status, raised.value.code) == (503, "directory_unavailable")

    unreachable = Directory(tables, http_client, closed_port_url())
    with pytest.raises(DirectoryUnavailable):
        await membership_of(unreachable, sessionmaker, workspace, caller)


async def test_project_roles_follow_workspace_and_project_roles(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    project_id, user_id = new_id(), caller.principal.user_id
    await apply(
        tables, sessionmaker, project_event("created", project_id, workspace.id, sequence=1)
    )

    async def role_as(
        workspace_role: WorkspaceRole, at_least: ProjectRole | None = None
    ) -> ProjectRole | None:
        membership = DirectoryMembership(workspace.id, workspace.slug, user_id, workspace_role)
        async with sessionmaker.begin() as session:
            access = await directory.project(
                session, membership, project_id, caller.authorization, at_least=at_least
            )
        assert (access.id, access.identifier, access.name) == (project_id, "APL", "Apollo")
        return access.role

    assert await role_as(WorkspaceRole.OWNER) is ProjectRole.ADMIN
    assert await role_as(WorkspaceRole.ADMIN, ProjectRole.ADMIN) is ProjectRole.ADMIN
    # A member sees the project without belonging to it, and no call is needed for that.
    assert await role_as(WorkspaceRole.MEMBER) is None
    assert workspace_api.calls_about(workspace.slug) == 0
    # Needing a project role, or being a guest, asks once whether one was just granted.
    with pytest.raises(InsufficientRole):
        await role_as(WorkspaceRole.MEMBER, ProjectRole.GUEST)
    with pytest.raises(ProjectNotFound):
        await role_as(WorkspaceRole.GUEST)
    assert workspace_api.calls_about(workspace.slug) == 2

    await apply(
        tables,
        sessionmaker,
        project_member_event("added", project_id, workspace.id, user_id, role="guest", sequence=1),
    )
    assert await role_as(WorkspaceRole.GUEST) is ProjectRole.GUEST
    assert await role_as(WorkspaceRole.MEMBER, ProjectRole.GUEST) is ProjectRole.GUEST
    with pytest.raises(InsufficientRole):
        await role_as(WorkspaceRole.MEMBER, ProjectRole.MEMBER)
    # A live project membership is an answer: no call, even when its role falls short.
    assert workspace_api.calls_about(workspace.slug) == 2


async def test_projects_elsewhere_or_deleted_are_not_found_without_a_call(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    foreign, deleted = new_id(), new_id()
    await apply(
        tables,
        sessionmaker,
        project_event("created", foreign, new_id(), sequence=1),
        project_event("deleted", deleted, workspace.id, sequence=2),
    )
    owner = DirectoryMembership(
        workspace.id, workspace.slug, caller.principal.user_id, WorkspaceRole.OWNER
    )

    for project_id in (foreign, deleted):
        async with sessionmaker.begin() as session:
            with pytest.raises(ProjectNotFound):
                await directory.project(session, owner, project_id, caller.authorization)
    assert workspace_api.calls_about(workspace.slug) == 0


async def test_a_project_and_a_project_membership_just_created_are_found_by_the_fallback(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    project_id, user_id = new_id(), caller.principal.user_id
    workspace_api.add_project(workspace.slug, project_id, workspace.id, version=3)
    workspace_api.add_project_member(workspace.slug, project_id, user_id, role="member", version=2)
    member = DirectoryMembership(workspace.id, workspace.slug, user_id, WorkspaceRole.MEMBER)

    for _ in range(2):
        async with sessionmaker.begin() as session:
            access = await directory.project(
                session, member, project_id, caller.authorization, at_least=ProjectRole.MEMBER
            )
        assert (access.id, access.role) == (project_id, ProjectRole.MEMBER)
    # One call for the project and one for the membership, the first time only.
    assert workspace_api.calls_about(workspace.slug) == 2

    async with sessionmaker() as session:
        project_sequence = await session.scalar(
            select(tables.projects.c.sequence).where(tables.projects.c.id == project_id)
        )
        rate = await session.scalar(
            select(tables.project_members.c.hourly_rate).where(
                tables.project_members.c.project_id == project_id
            )
        )
    # Stored one below the answer's version: the API withholds money from plain members, and
    # the event of that version must still bring it.
    assert (project_sequence, str(rate)) == (2, "95.00")


async def test_the_event_of_a_version_the_fallback_stored_still_brings_what_it_lacked(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    project_id, user_id = new_id(), caller.principal.user_id
    workspace_api.add_project(workspace.slug, project_id, workspace.id, version=3)
    member = DirectoryMembership(workspace.id, workspace.slug, user_id, WorkspaceRole.MEMBER)
    async with sessionmaker.begin() as session:
        await directory.project(session, member, project_id, caller.authorization)

    await apply(
        tables,
        sessionmaker,
        project_event(
            "updated", project_id, workspace.id, sequence=3, default_hourly_rate="120.00"
        ),
    )

    async with sessionmaker() as session:
        stored = (
            await session.execute(
                select(tables.projects.c.sequence, tables.projects.c.default_hourly_rate).where(
                    tables.projects.c.id == project_id
                )
            )
        ).one()
    assert (stored.sequence, str(stored.default_hourly_rate)) == (3, "120.00")


def member_of(workspace: Workspace, caller: Caller) -> DirectoryMembership:
    """The caller's membership, as a request's dependency resolved it."""
    return DirectoryMembership(
        workspace.id, workspace.slug, caller.principal.user_id, WorkspaceRole.MEMBER
    )


async def other_member(
    directory: Directory,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace: Workspace,
    caller: Caller,
    user_id: UUID,
) -> DirectoryMembership | None:
    async with sessionmaker.begin() as session:
        return await directory.workspace_member(
            session, member_of(workspace, caller), user_id, caller.authorization
        )


async def test_another_member_in_the_projection_is_found_without_a_call(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    colleague = new_id()
    await apply(
        tables,
        sessionmaker,
        member_event("added", workspace.id, colleague, role="guest", sequence=1),
    )

    found = await other_member(directory, sessionmaker, workspace, caller, colleague)

    assert found == DirectoryMembership(
        workspace.id, workspace.slug, colleague, WorkspaceRole.GUEST
    )
    assert workspace_api.calls_about(workspace.slug) == 0


async def test_a_member_added_a_moment_ago_is_asked_for_once_and_stored(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    newcomer = new_id()
    workspace_api.put_member(workspace.slug, workspace.id, newcomer, role="admin", version=3)

    for _ in range(2):
        found = await other_member(directory, sessionmaker, workspace, caller, newcomer)
        assert found == DirectoryMembership(
            workspace.id, workspace.slug, newcomer, WorkspaceRole.ADMIN
        )
    assert workspace_api.calls_about(workspace.slug) == 1

    members = tables.members
    async with sessionmaker() as session:
        row = (
            await session.execute(
                select(members.c.role, members.c.sequence, members.c.email).where(
                    members.c.workspace_id == workspace.id, members.c.user_id == newcomer
                )
            )
        ).one()
    assert (row.role, row.sequence, row.email) == ("admin", 3, f"{newcomer.hex[-10:]}@example.com")


async def test_a_user_the_workspace_api_does_not_know_is_no_member(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    stranger = new_id()

    assert await other_member(directory, sessionmaker, workspace, caller, stranger) is None
    assert workspace_api.calls_about(workspace.slug) == 1
    async with sessionmaker() as session:
        stored = await session.scalar(
            select(tables.members.c.user_id).where(tables.members.c.user_id == stranger)
        )
    assert stored is None


async def test_a_failing_workspace_api_makes_other_members_unavailable(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
    http_client: httpx.AsyncClient,
) -> None:
    workspace_api.failing.add(workspace.slug)
    with pytest.raises(DirectoryUnavailable) as raised:
        await other_member(directory, sessionmaker, workspace, caller, new_id())
    assert (raised.value.status, raised.value.code) == (503, "directory_unavailable")

    unreachable = Directory(tables, http_client, closed_port_url())
    with pytest.raises(DirectoryUnavailable):
        await other_member(unreachable, sessionmaker, workspace, caller, new_id())


async def test_another_members_removal_newer_than_the_answer_still_wins(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    leaver = new_id()
    await apply(
        tables,
        sessionmaker,
        member_event("removed", workspace.id, leaver, role="member", sequence=5),
    )
    # A stale answer (older than the removal already applied) changes nothing.
    workspace_api.put_member(workspace.slug, workspace.id, leaver, role="member", version=4)
    assert await other_member(directory, sessionmaker, workspace, caller, leaver) is None

    # Re-added a moment ago: the tombstone is a miss, and the newer answer wins.
    workspace_api.put_member(workspace.slug, workspace.id, leaver, role="member", version=6)
    found = await other_member(directory, sessionmaker, workspace, caller, leaver)
    assert found == DirectoryMembership(workspace.id, workspace.slug, leaver, WorkspaceRole.MEMBER)
    assert workspace_api.calls_about(workspace.slug) == 2


async def test_several_members_ask_only_about_those_the_projection_misses(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    known, newcomers, strangers = new_id(), [new_id(), new_id()], [new_id(), new_id()]
    await apply(
        tables, sessionmaker, member_event("added", workspace.id, known, role="member", sequence=1)
    )
    for version, newcomer in enumerate(newcomers, start=1):
        workspace_api.put_member(
            workspace.slug, workspace.id, newcomer, role="guest", version=version
        )

    async with sessionmaker.begin() as session:
        found = await directory.workspace_members(
            session,
            member_of(workspace, caller),
            [known, *newcomers, *strangers, known],
            caller.authorization,
        )

    assert found == {
        known: DirectoryMembership(workspace.id, workspace.slug, known, WorkspaceRole.MEMBER),
        **{
            newcomer: DirectoryMembership(
                workspace.id, workspace.slug, newcomer, WorkspaceRole.GUEST
            )
            for newcomer in newcomers
        },
    }
    asked = [path for slug, path in workspace_api.calls if slug == workspace.slug]
    missing = ",".join(str(user_id) for user_id in sorted((*newcomers, *strangers)))
    assert asked == [f"members?user_id={missing}"]


async def test_a_hundred_unknown_users_cost_one_call_and_more_one_per_hundred(
    directory: Directory,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    members = [new_id() for _ in range(3)]
    for member in members:
        workspace_api.put_member(workspace.slug, workspace.id, member, role="member")
    named = [*members, *(new_id() for _ in range(97))]

    async with sessionmaker.begin() as session:
        found = await directory.workspace_members(
            session, member_of(workspace, caller), named, caller.authorization
        )
    assert set(found) == set(members)
    assert workspace_api.calls_about(workspace.slug) == 1

    async with sessionmaker.begin() as session:
        again = await directory.workspace_members(
            session,
            member_of(workspace, caller),
            [*members, *(new_id() for _ in range(150))],
            caller.authorization,
        )
    # The three are stored now; the 150 strangers take two calls of at most a hundred.
    assert set(again) == set(members)
    assert workspace_api.calls_about(workspace.slug) == 3


async def project_as(
    directory: Directory,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace: Workspace,
    caller: Caller,
    project_id: UUID,
    workspace_role: WorkspaceRole,
) -> DirectoryProject:
    membership = DirectoryMembership(
        workspace.id, workspace.slug, caller.principal.user_id, workspace_role
    )
    async with sessionmaker.begin() as session:
        return await directory.project(session, membership, project_id, caller.authorization)


async def test_a_private_project_is_seen_by_its_members_and_workspace_admins_only(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    project_id, user_id = new_id(), caller.principal.user_id
    await apply(
        tables,
        sessionmaker,
        project_event("created", project_id, workspace.id, sequence=1, visibility="private"),
    )
    args = (directory, sessionmaker, workspace, caller, project_id)

    admin_view = await project_as(*args, WorkspaceRole.ADMIN)
    assert (admin_view.visibility, admin_view.role) == (
        ProjectVisibility.PRIVATE,
        ProjectRole.ADMIN,
    )
    assert workspace_api.calls_about(workspace.slug) == 0
    # A member who does not belong to it, like a guest, learns nothing: 404, after asking
    # once whether they were just added.
    for role in (WorkspaceRole.MEMBER, WorkspaceRole.GUEST):
        with pytest.raises(ProjectNotFound):
            await project_as(*args, role)
    assert workspace_api.calls_about(workspace.slug) == 2

    await apply(
        tables,
        sessionmaker,
        project_member_event("added", project_id, workspace.id, user_id, role="guest", sequence=1),
    )
    for role in (WorkspaceRole.MEMBER, WorkspaceRole.GUEST):
        assert (await project_as(*args, role)).role is ProjectRole.GUEST
    assert workspace_api.calls_about(workspace.slug) == 2


async def test_a_project_turned_private_is_refused_to_non_members_once_its_event_arrives(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace: Workspace,
    caller: Caller,
) -> None:
    project_id = new_id()
    # Events written before projects had a visibility carry none: the project is public.
    legacy = project_event("created", project_id, workspace.id, sequence=1)
    legacy.data.pop("visibility")
    await apply(tables, sessionmaker, legacy)
    args = (directory, sessionmaker, workspace, caller, project_id)
    seen = await project_as(*args, WorkspaceRole.MEMBER)
    assert (seen.visibility, seen.role) == (ProjectVisibility.PUBLIC, None)

    await apply(
        tables,
        sessionmaker,
        project_event("updated", project_id, workspace.id, sequence=2, visibility="private"),
    )
    with pytest.raises(ProjectNotFound):
        await project_as(*args, WorkspaceRole.MEMBER)

    # An older event arriving late does not make it public again.
    await apply(
        tables, sessionmaker, project_event("updated", project_id, workspace.id, sequence=1)
    )
    with pytest.raises(ProjectNotFound):
        await project_as(*args, WorkspaceRole.MEMBER)


async def test_a_private_project_just_created_is_stored_private_by_the_fallback(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    project_id, user_id = new_id(), caller.principal.user_id
    workspace_api.add_project(
        workspace.slug, project_id, workspace.id, version=2, visibility="private"
    )
    workspace_api.add_project_member(workspace.slug, project_id, user_id, role="member")

    seen = await project_as(
        directory, sessionmaker, workspace, caller, project_id, WorkspaceRole.MEMBER
    )

    assert (seen.visibility, seen.role) == (ProjectVisibility.PRIVATE, ProjectRole.MEMBER)
    async with sessionmaker() as session:
        stored = await session.scalar(
            select(tables.projects.c.visibility).where(tables.projects.c.id == project_id)
        )
    assert stored == "private"


async def test_whether_another_member_sees_a_project_follows_its_visibility(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    public, private = new_id(), new_id()
    colleague, newcomer, admin = new_id(), new_id(), new_id()
    await apply(
        tables,
        sessionmaker,
        project_event("created", public, workspace.id, sequence=1),
        project_event("created", private, workspace.id, sequence=1, visibility="private"),
    )
    # Added to the private project a moment ago: the workspace API knows, the projection not.
    workspace_api.add_project_member(workspace.slug, private, newcomer, role="member")
    owner = DirectoryMembership(
        workspace.id, workspace.slug, caller.principal.user_id, WorkspaceRole.OWNER
    )

    async def sees(project_id: UUID, user_id: UUID, role: WorkspaceRole) -> bool:
        member = DirectoryMembership(workspace.id, workspace.slug, user_id, role)
        async with sessionmaker.begin() as session:
            project = await directory.project(session, owner, project_id, caller.authorization)
            return await directory.member_sees_project(
                session, member, project, caller.authorization
            )

    assert await sees(public, colleague, WorkspaceRole.MEMBER)
    assert await sees(private, admin, WorkspaceRole.ADMIN)
    assert workspace_api.calls_about(workspace.slug) == 0
    assert not await sees(private, colleague, WorkspaceRole.MEMBER)
    assert await sees(private, newcomer, WorkspaceRole.MEMBER)
    assert await sees(private, newcomer, WorkspaceRole.MEMBER)  # stored now: no call
    assert workspace_api.calls_about(workspace.slug) == 2


async def test_a_membership_read_with_its_project_is_what_the_two_look_ups_read(
    directory: Directory,
    tables: DirectoryTables,
    sessionmaker: async_sessionmaker[AsyncSession],
    workspace_api: FakeWorkspaceApi,
    workspace: Workspace,
    caller: Caller,
) -> None:
    """One statement for a request naming a project: the same membership, the same project
    row with the caller's project role, none for a project the projection lacks (the
    project look-up then reads or asks for it as before), the fallback for a non-member."""
    user_id = caller.principal.user_id
    with_role, without_role, elsewhere = new_id(), new_id(), new_id()
    await apply(
        tables,
        sessionmaker,
        member_event("added", workspace.id, user_id, role="member", sequence=1),
        project_event("created", with_role, workspace.id, sequence=1),
        project_event("created", without_role, workspace.id, sequence=1, visibility="private"),
        project_event("created", elsewhere, new_id(), sequence=1),
        project_member_event("added", with_role, workspace.id, user_id, role="admin", sequence=1),
    )
    alone = await membership_of(directory, sessionmaker, workspace, caller)
    for project_id in (with_role, without_role, elsewhere, new_id()):
        async with sessionmaker.begin() as session:
            membership, prefetched = await directory.membership_and_project(
                session, workspace.slug, caller.principal, caller.authorization, project_id
            )
            assert membership == alone
            # What `project` would read for itself.
            assert prefetched == await store.find_project(
                session, tables, project_id=project_id, user_id=user_id
            )
    assert prefetched is None
    assert workspace_api.calls_about(workspace.slug) == 0

    async with sessionmaker.begin() as session:
        access = await directory.project(
            session, alone, with_role, caller.authorization, prefetched=None
        )
    assert access.role is ProjectRole.ADMIN

    outsider = Principal(new_id(), "out@example.com", "Out Sider", new_id().hex, {})
    async with sessionmaker.begin() as session:
        with pytest.raises(WorkspaceNotFound):
            await directory.membership_and_project(
                session, workspace.slug, outsider, caller.authorization, with_role
            )
    assert workspace_api.calls_about(workspace.slug) == 1
