"""Capacity profiles ("team members"): one per workspace member, created when they join
(or by an admin for a member who has none), deactivated when they leave, reactivated when
they return. Admins change profiles and time off; members read them, but a cost rate
(and its currency) only their own: what someone costs is the admins' planning data.

Changing hours, working days or time off changes capacity, so the member's conflicts are
recomputed in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.directory import Directory, WorkspaceContext
from worksync.common.errors import invalid_field, not_found
from worksync.common.pagination import PageParams, build_page, sort_key
from worksync.common.preconditions import EntityTags, check_version
from worksync.resources.conflicts.service import recompute_conflicts
from worksync.resources.members import MemberRepository, require_live_member
from worksync.resources.messaging.published import CapacityProfileCreated, CapacityProfileUpdated
from worksync.resources.messaging.recording import record_profile
from worksync.resources.models import CapacityProfile, TimeOff
from worksync.resources.team_members.repository import TeamMemberRepository
from worksync.resources.team_members.schemas import (
    TeamMember,
    TeamMemberCreate,
    TeamMemberSort,
    TeamMemberUpdate,
    TimeOffCreate,
    TimeOffRead,
    per_day,
)

SORT_KEYS = {
    TeamMemberSort.CREATED_AT: sort_key(
        "created_at", CapacityProfile.created_at, CapacityProfile.id
    ),
    TeamMemberSort.NEWEST_FIRST: sort_key(
        "-created_at", CapacityProfile.created_at, CapacityProfile.id
    ),
}
TIME_OFF_ORDER = sort_key("start_date", TimeOff.start_date, TimeOff.id)
# What the capacity depends on: a change of any of these recomputes conflicts.
CAPACITY_FIELDS = ("hours_per_week", "working_days")
EDITABLE = (
    "role",
    "skills",
    "hours_per_week",
    "working_days",
    "cost_rate",
    "currency",
    "is_active",
)


def sees_cost_rate(context: WorkspaceContext, profile: CapacityProfile) -> bool:
    """Workspace admins see every cost rate, a member their own."""
    return context.role.administers or profile.user_id == context.user_id


def _read(
    profile: CapacityProfile, display_name: str | None, *, shows_cost_rate: bool
) -> TeamMember:
    return TeamMember(
        id=profile.id,
        workspace_id=profile.workspace_id,
        user_id=profile.user_id,
        display_name=display_name,
        role=profile.role,
        skills=list(profile.skills),
        hours_per_week=profile.hours_per_week,
        working_days=list(profile.working_days),
        capacity_hours_per_day=per_day(profile.hours_per_week, list(profile.working_days)),
        cost_rate=profile.cost_rate if shows_cost_rate else None,
        currency=profile.currency if shows_cost_rate else None,
        is_active=profile.is_active,
        version=profile.version,
        created_at=profile.created_at,
        updated_at=profile.updated_at,
    )


def _check_cost_rate(cost_rate: Decimal | None, currency: str | None) -> None:
    if cost_rate is not None and currency is None:
        raise invalid_field("currency", "is required with a cost_rate")


async def join(
    session: AsyncSession, workspace_id: UUID, user_id: UUID, *, reactivate: bool
) -> None:
    """A member joined: their profile exists afterwards, and is active if `reactivate`."""
    repository = TeamMemberRepository(session)
    profile = await repository.of_user(workspace_id, user_id, for_update=True)
    if profile is None:
        profile = CapacityProfile(workspace_id=workspace_id, user_id=user_id)
        await repository.add(profile)
        await record_profile(session, profile, CapacityProfileCreated, actor_id=None)
    elif reactivate and not profile.is_active:
        profile.is_active = True
        await record_profile(session, profile, CapacityProfileUpdated, actor_id=None)
    await repository.flush()


async def leave(session: AsyncSession, workspace_id: UUID, user_id: UUID) -> None:
    """A member left: their profile (if any) is inactive; allocations and history stay."""
    repository = TeamMemberRepository(session)
    profile = await repository.of_user(workspace_id, user_id, for_update=True)
    if profile is not None and profile.is_active:
        profile.is_active = False
        await record_profile(session, profile, CapacityProfileUpdated, actor_id=None)
        await repository.flush()


class TeamMemberService:
    def __init__(self, session: AsyncSession, directory: Directory) -> None:
        self.session = session
        self.directory = directory
        self.profiles = TeamMemberRepository(session)
        self.members = MemberRepository(session)

    async def page(
        self,
        context: WorkspaceContext,
        is_active: bool | None,
        sort: TeamMemberSort,
        params: PageParams,
    ) -> tuple[list[TeamMember], str | None]:
        key = SORT_KEYS[sort]
        rows = await self.profiles.page(context.workspace_id, is_active, key, params)
        items, next_cursor = build_page(rows, key, params)
        names = await self.members.display_names(context.workspace_id, (p.user_id for p in items))
        return [
            _read(item, names.get(item.user_id), shows_cost_rate=sees_cost_rate(context, item))
            for item in items
        ], next_cursor

    async def get(self, context: WorkspaceContext, profile_id: UUID) -> TeamMember:
        return await self._read_one(context, await self._get(context, profile_id))

    async def create(self, context: WorkspaceContext, request: TeamMemberCreate) -> TeamMember:
        _check_cost_rate(request.cost_rate, request.currency)
        await require_live_member(self.session, self.directory, context, request.user_id)
        profile = CapacityProfile(workspace_id=context.workspace_id, **request.model_dump())
        await self.profiles.add(profile)
        await record_profile(
            self.session, profile, CapacityProfileCreated, actor_id=context.user_id
        )
        await self.profiles.flush()
        # Allocations made before the profile existed were checked against the defaults.
        await recompute_conflicts(
            self.session, context.workspace_id, [profile.user_id], context.user_id
        )
        return await self._read_one(context, profile)

    async def update(
        self,
        context: WorkspaceContext,
        profile_id: UUID,
        request: TeamMemberUpdate,
        if_match: EntityTags | None = None,
    ) -> TeamMember:
        profile = await self._get(context, profile_id, for_update=True)
        check_version(if_match, profile.version)
        changes = request.model_dump(exclude_unset=True)
        before = {name: getattr(profile, name) for name in EDITABLE}
        after = {**before, **changes}
        _check_cost_rate(after["cost_rate"], after["currency"])
        if after == before:
            return await self._read_one(context, profile)
        for name, value in changes.items():
            setattr(profile, name, value)
        await record_profile(
            self.session, profile, CapacityProfileUpdated, actor_id=context.user_id
        )
        await self.profiles.flush()
        if any(after[name] != before[name] for name in CAPACITY_FIELDS):
            await recompute_conflicts(
                self.session, context.workspace_id, [profile.user_id], context.user_id
            )
        return await self._read_one(context, profile)

    async def page_time_off(
        self, context: WorkspaceContext, profile_id: UUID, params: PageParams
    ) -> tuple[list[TimeOffRead], str | None]:
        profile = await self._get(context, profile_id)
        rows = await self.profiles.page_time_off(profile.id, TIME_OFF_ORDER, params)
        items, next_cursor = build_page(rows, TIME_OFF_ORDER, params)
        return [TimeOffRead.model_validate(item, from_attributes=True) for item in items], (
            next_cursor
        )

    async def add_time_off(
        self, context: WorkspaceContext, profile_id: UUID, request: TimeOffCreate
    ) -> TimeOffRead:
        profile = await self._get(context, profile_id, for_update=True)
        period = TimeOff(
            workspace_id=context.workspace_id, profile_id=profile.id, **request.model_dump()
        )
        await self.profiles.add(period)
        await recompute_conflicts(
            self.session, context.workspace_id, [profile.user_id], context.user_id
        )
        return TimeOffRead.model_validate(period, from_attributes=True)

    async def delete_time_off(
        self, context: WorkspaceContext, profile_id: UUID, time_off_id: UUID
    ) -> None:
        profile = await self._get(context, profile_id, for_update=True)
        if not await self.profiles.delete_time_off(profile.id, time_off_id):
            raise not_found("time_off")
        await recompute_conflicts(
            self.session, context.workspace_id, [profile.user_id], context.user_id
        )

    async def _read_one(self, context: WorkspaceContext, profile: CapacityProfile) -> TeamMember:
        names = await self.members.display_names(profile.workspace_id, [profile.user_id])
        return _read(
            profile,
            names.get(profile.user_id),
            shows_cost_rate=sees_cost_rate(context, profile),
        )

    async def _get(
        self, context: WorkspaceContext, profile_id: UUID, *, for_update: bool = False
    ) -> CapacityProfile:
        profile = await self.profiles.get(context.workspace_id, profile_id, for_update=for_update)
        if profile is None:
            raise not_found("capacity_profile")
        return profile
