"""SQL of issues, their assignees and labels."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from functools import cache, lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    String,
    Uuid,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert

from worksync.common.db import LoadedArray
from worksync.common.errors import unknown_reference
from worksync.common.pagination import PageParams, SortKey, apply_bound_keyset, keyset_parameters
from worksync.common.repository import BoundFilters, as_table_rows, orm_table
from worksync.work_items.boards.rank_repository import RankRepository
from worksync.work_items.boards.ranks import MAX_LENGTH, after, between
from worksync.work_items.built_rows import insert_built
from worksync.work_items.hierarchy import HierarchyRepository
from worksync.work_items.issues.schemas import IssueFilters
from worksync.work_items.models import (
    Issue,
    IssueAssignee,
    IssueCounter,
    IssueLabel,
    Label,
    State,
)

# An issue's state and labels, as the database names the references.
STATE_REFERENCE = "fk_issues_project_id_state_id_states"
LABEL_REFERENCE = "fk_issue_labels_project_id_label_id_labels"

POSITION_STEP = 1000.0
SEARCH_CONFIG = "english"
# A search for a key such as "APL-12" finds that issue (besides any text match).
KEY_PATTERN = re.compile(r"^\s*([A-Za-z]{2,10})-(\d{1,9})\s*$")


_TEXT_MATCH = Issue.__table__.c.search_vector.op("@@")(
    func.websearch_to_tsquery(SEARCH_CONFIG, bindparam("search", type_=String))
)
# The list's conditions, each on values bound by its filter's name (`_filter_values`): the
# page's select is built once per shape, as building it per request cost more than running
# it. `live` leaves deleted issues out; `search_key` is a search that is also a key of the
# project's ("RP-12"), which finds that issue besides any text match.
_CONDITIONS = BoundFilters(
    {
        "live": Issue.deleted_at.is_(None),
        "state_ids": Issue.state_id.in_(bindparam("state_ids", expanding=True)),
        "state_groups": Issue.state_id.in_(
            select(State.id).where(
                State.project_id == Issue.project_id,
                State.group.in_(bindparam("state_groups", expanding=True)),
            )
        ),
        "priorities": Issue.priority.in_(bindparam("priorities", expanding=True)),
        "assignee_id": exists().where(
            IssueAssignee.issue_id == Issue.id, IssueAssignee.user_id == bindparam("assignee_id")
        ),
        "label_id": exists().where(
            IssueLabel.issue_id == Issue.id, IssueLabel.label_id == bindparam("label_id")
        ),
        "parent_id": Issue.parent_id == bindparam("parent_id"),
        "due_before": Issue.due_date <= bindparam("due_before"),
        "due_after": Issue.due_date >= bindparam("due_after"),
        "search": _TEXT_MATCH,
        "search_key": or_(_TEXT_MATCH, Issue.sequence_id == bindparam("search_key", type_=Integer)),
    }
)


def _filter_values(filters: IssueFilters, identifier: str) -> tuple[frozenset[str], dict[str, Any]]:
    """The conditions of `_CONDITIONS` the filters ask for, and their values by name."""
    conditions = set() if filters.include_deleted else {"live"}
    values: dict[str, Any] = {}
    for name, given in (
        ("state_ids", filters.state_ids),
        ("state_groups", [group.value for group in filters.state_groups]),
        ("priorities", [priority.value for priority in filters.priorities]),
        ("assignee_id", filters.assignee_id),
        ("label_id", filters.label_id),
        ("parent_id", filters.parent_id),
        ("due_before", filters.due_before),
        ("due_after", filters.due_after),
    ):
        if given is not None and given != []:
            conditions.add(name)
            values[name] = given
    if filters.search:
        values["search"] = filters.search
        key = KEY_PATTERN.match(filters.search)
        if key is not None and key.group(1).upper() == identifier:
            conditions.add("search_key")
            values["search_key"] = int(key.group(2))
        else:
            conditions.add("search")
    return frozenset(conditions), values


@lru_cache(maxsize=256)
def _page_of_project(
    conditions: frozenset[str], key: SortKey, *, after_cursor: bool
) -> Select[Any]:
    """A keyset page of a project's issues (`workspace_id`, `project_id`) meeting
    `conditions`, with their read model, built once per shape."""
    query = ISSUE_ROWS.where(
        Issue.workspace_id == bindparam("workspace_id", type_=Uuid),
        Issue.project_id == bindparam("project_id", type_=Uuid),
        *_CONDITIONS.conditions(conditions),
    )
    return with_read_model(apply_bound_keyset(query, key, after_cursor=after_cursor))


# What an issue's read model adds to its row, read by the statement that reads the row
# (correlated with it): its assignees and labels in id order (null when none), its state's
# group.
_ASSIGNEE_IDS = (
    select(
        func.array_agg(
            aggregate_order_by(IssueAssignee.user_id, IssueAssignee.user_id),
            type_=LoadedArray(Uuid),
        )
    )
    .where(IssueAssignee.issue_id == Issue.id)
    .scalar_subquery()
)
_LABEL_IDS = (
    select(
        func.array_agg(
            aggregate_order_by(IssueLabel.label_id, IssueLabel.label_id),
            type_=LoadedArray(Uuid),
        )
    )
    .where(IssueLabel.issue_id == Issue.id)
    .scalar_subquery()
)
_STATE_GROUP = select(State.group).where(State.id == Issue.state_id).scalar_subquery()
IssueWithReadModel = Row[Any]
"""An issue's mapped columns and its `assignee_ids`, `label_ids` and `state_group`, by name."""

ISSUE_ROWS = as_table_rows(select(Issue))
"""Issues read as rows (their mapped columns), selected once: the read paths answer from
the values and build no object per issue; a page's select starts from it, as choosing the
columns again per request cost more than the rest of building it."""


def with_read_model(query: Select[Any]) -> Select[Any]:
    """`query` of `ISSUE_ROWS`, each with its assignee ids, label ids and state group."""
    return query.add_columns(
        _ASSIGNEE_IDS.label("assignee_ids"),
        _LABEL_IDS.label("label_ids"),
        _STATE_GROUP.label("state_group"),
    )


def _of_project(
    workspace_id: UUID | ColumnElement[UUID], project_id: UUID | ColumnElement[UUID]
) -> tuple[ColumnElement[bool], ...]:
    return (Issue.workspace_id == workspace_id, Issue.project_id == project_id)


# Built once with bound values (`of_workspace`, `of_project`; an UPDATE reserves its
# columns' names): a create runs it with its project's locks held, where every bit of
# Python delays the next create of the project.
_WORKSPACE_ID = bindparam("of_workspace", type_=Uuid)
_PROJECT_ID = bindparam("of_project", type_=Uuid)
_counters = orm_table(IssueCounter)
# Each maximum is read from the end of its index, whose columns before it are exactly the
# ones named: the position's starts with the workspace (by the project alone, the maximum
# was an aggregate over every issue of the project), the rank's with the project (named
# with the workspace, the same happened wherever the table had no statistics yet).
_LAST_POSITION = select(func.max(Issue.position)).where(*_of_project(_WORKSPACE_ID, _PROJECT_ID))
_LAST_RANK = select(func.max(Issue.rank)).where(Issue.project_id == _PROJECT_ID)
NEXT_NUMBER_POSITION_AND_RANK = (
    update(_counters)
    .where(_counters.c.project_id == _PROJECT_ID)
    .values(last_sequence_id=_counters.c.last_sequence_id + 1)
    .returning(
        _counters.c.last_sequence_id,
        _LAST_POSITION.scalar_subquery(),
        _LAST_RANK.scalar_subquery(),
    )
)


def _of_issue(include_deleted: bool) -> list[ColumnElement[bool]]:
    """The project's (`project_id`) issue `issue_id`, live unless `include_deleted`."""
    conditions = [
        Issue.project_id == bindparam("project_id", type_=Uuid),
        Issue.id == bindparam("issue_id", type_=Uuid),
    ]
    return conditions if include_deleted else [*conditions, Issue.deleted_at.is_(None)]


# Built once with bound values: comments, relations, moves and parents look issues up.
_ONE = {included: select(Issue).where(*_of_issue(included)) for included in (False, True)}
_FOUND = {included: select(exists().where(*_of_issue(included))) for included in (False, True)}


@cache
def _one_with_read_model(include_deleted: bool) -> Select[Any]:
    """An issue and its read model: the read every issue request makes, built once with
    bound values (`project_id`, `issue_id`), as building it costs more than running it."""
    query = ISSUE_ROWS.where(
        Issue.project_id == bindparam("project_id", type_=Uuid),
        Issue.id == bindparam("issue_id", type_=Uuid),
    )
    if not include_deleted:
        query = query.where(Issue.deleted_at.is_(None))
    return with_read_model(query)


class IssueRepository(HierarchyRepository):
    # A state or label the request names that a concurrent request deleted after it was
    # checked is refused like one that never existed (422), not with a 500.
    constraint_errors = {
        STATE_REFERENCE: lambda: unknown_reference("state_id", "state", where="here"),
        LABEL_REFERENCE: lambda: unknown_reference("label_ids", "label", where="here"),
    }
    kind = "issue"
    id_column = Issue.id
    parent_column = Issue.parent_id

    async def insert_built(self, issues: Sequence[Issue]) -> None:
        """New issues as built, in one statement (`built_rows`); a parent before its
        children. They stay out of the session: nothing flushes them again."""
        statement, values = insert_built(issues)
        with self.constraints_checked():
            await self.session.execute(statement, values)

    async def get(
        self, project_id: UUID, issue_id: UUID, *, include_deleted: bool = False
    ) -> Issue | None:
        parameters = {"project_id": project_id, "issue_id": issue_id}
        return await self.session.scalar(_ONE[include_deleted], parameters)

    async def found(
        self, project_id: UUID, issue_id: UUID, *, include_deleted: bool = False
    ) -> bool:
        """Whether the project has the issue (live, unless `include_deleted`), read without
        loading it."""
        parameters = {"project_id": project_id, "issue_id": issue_id}
        return bool(await self.session.scalar(_FOUND[include_deleted], parameters))

    async def get_with_read_model(
        self, project_id: UUID, issue_id: UUID, *, include_deleted: bool = False
    ) -> IssueWithReadModel | None:
        query = _one_with_read_model(include_deleted)
        parameters = {"project_id": project_id, "issue_id": issue_id}
        found = await self.read_rows(query, parameters)
        return found[0] if found else None

    async def get_for_update(
        self, project_id: UUID, issue_id: UUID, *, include_deleted: bool = False
    ) -> Issue | None:
        parameters = {"project_id": project_id, "issue_id": issue_id}
        return await self.lock_for_update(_ONE[include_deleted].params(parameters))

    async def page(
        self,
        workspace_id: UUID,
        project_id: UUID,
        identifier: str,
        filters: IssueFilters,
        key: SortKey,
        params: PageParams,
    ) -> Sequence[IssueWithReadModel]:
        """A page of the project's issues (one more than asked, for the cursor), each with
        its read model's columns."""
        conditions, values = _filter_values(filters, identifier)
        statement = _page_of_project(conditions, key, after_cursor=params.cursor is not None)
        parameters = {
            "workspace_id": workspace_id,
            "project_id": project_id,
            **values,
            **keyset_parameters(key, params),
        }
        return await self.read_rows(statement, parameters)

    async def live_in_rank_order(self, project_id: UUID) -> Sequence[Issue]:
        return (
            await self.session.scalars(
                select(Issue)
                .where(Issue.project_id == project_id, Issue.deleted_at.is_(None))
                .order_by(Issue.rank, Issue.id)
            )
        ).all()

    async def lock_where(self, *conditions: ColumnElement[bool]) -> Sequence[Issue]:
        """Lock the issues matching `conditions`, in id order (as every caller locks)."""
        return (
            await self.session.scalars(
                select(Issue)
                .where(*conditions)
                .order_by(Issue.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()

    async def lock_in_state(self, project_id: UUID, state_id: UUID) -> Sequence[Issue]:
        return await self.lock_where(Issue.project_id == project_id, Issue.state_id == state_id)

    async def lock_with_label(self, project_id: UUID, label_id: UUID) -> Sequence[Issue]:
        labelled = select(IssueLabel.issue_id).where(IssueLabel.label_id == label_id)
        return await self.lock_where(Issue.project_id == project_id, Issue.id.in_(labelled))

    async def next_position(self, workspace_id: UUID, project_id: UUID) -> float:
        """After the project's last position. The workspace is named so that the maximum is
        read from the end of the position index (`workspace_id, project_id, position`):
        by the project alone it read every issue of the project."""
        last = await self.session.scalar(
            select(func.max(Issue.position)).where(*_of_project(workspace_id, project_id))
        )
        return (last or 0.0) + POSITION_STEP

    async def next_number_position_and_rank(
        self, workspace_id: UUID, project_id: UUID
    ) -> tuple[int, float, str]:
        """A new issue's number, position (`next_position`) and rank
        (`RankRepository.next_rank`) in one round trip; the project's rank lock must be held.
        The counter row stays locked until commit, so concurrent creates never share a
        number; a rolled-back create gives its number back, a committed one never does.

        Every writer of the counter takes the rank lock first, so this statement never waits
        for the counter's row: the snapshot it reads the maxima in, taken as it starts, holds
        every rank committed before the lock was granted.
        """
        number, last_position, last_rank = (
            await self.session.execute(
                NEXT_NUMBER_POSITION_AND_RANK,
                {"of_workspace": workspace_id, "of_project": project_id},
            )
        ).one()
        rank = after(last_rank) or between(last_rank, None)
        if len(rank) > MAX_LENGTH:
            ranks = RankRepository(self.session)
            await ranks.rebalance(project_id)
            rank = await ranks.next_rank(project_id)
        return number, (last_position or 0.0) + POSITION_STEP, rank

    async def assignees_of(self, issue_ids: Collection[UUID]) -> dict[UUID, list[UUID]]:
        """The assignees of all these issues, in one query."""
        found: defaultdict[UUID, list[UUID]] = defaultdict(list)
        rows = await self.session.execute(
            select(IssueAssignee.issue_id, IssueAssignee.user_id)
            .where(IssueAssignee.issue_id.in_(issue_ids))
            .order_by(IssueAssignee.issue_id, IssueAssignee.user_id)
        )
        for issue_id, user_id in rows:
            found[issue_id].append(user_id)
        return found

    async def labels_of(self, issue_ids: Collection[UUID]) -> dict[UUID, list[UUID]]:
        """The labels of all these issues, in one query."""
        found: defaultdict[UUID, list[UUID]] = defaultdict(list)
        rows = await self.session.execute(
            select(IssueLabel.issue_id, IssueLabel.label_id)
            .where(IssueLabel.issue_id.in_(issue_ids))
            .order_by(IssueLabel.issue_id, IssueLabel.label_id)
        )
        for issue_id, label_id in rows:
            found[issue_id].append(label_id)
        return found

    async def set_assignees(self, issue_id: UUID, user_ids: Collection[UUID]) -> None:
        await self.execute(
            delete(IssueAssignee).where(
                IssueAssignee.issue_id == issue_id, IssueAssignee.user_id.not_in(user_ids)
            )
        )
        if user_ids:
            await self.execute(
                insert(IssueAssignee)
                .values([{"issue_id": issue_id, "user_id": user_id} for user_id in user_ids])
                .on_conflict_do_nothing()
            )

    async def set_labels(
        self, project_id: UUID, issue_id: UUID, label_ids: Collection[UUID]
    ) -> None:
        await self.execute(
            delete(IssueLabel).where(
                IssueLabel.issue_id == issue_id, IssueLabel.label_id.not_in(label_ids)
            )
        )
        if label_ids:
            await self.execute(
                insert(IssueLabel)
                .values(
                    [
                        {"project_id": project_id, "issue_id": issue_id, "label_id": label_id}
                        for label_id in label_ids
                    ]
                )
                .on_conflict_do_nothing()
            )

    async def labels_in_project(self, project_id: UUID, label_ids: Iterable[UUID]) -> set[UUID]:
        rows = await self.session.scalars(
            select(Label.id).where(Label.project_id == project_id, Label.id.in_(set(label_ids)))
        )
        return set(rows)
