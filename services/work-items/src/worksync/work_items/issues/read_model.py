"""An issue as its readers and its events see it: the row with its key, its state's group,
its assignees and its labels, read with the rows (`with_read_model`) on the read paths or
loaded for rows already at hand in one query per association."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.db import loaded_values
from worksync.common.responses import RowAnswer
from worksync.work_items.enums import StateGroup
from worksync.work_items.issues.repository import IssueRepository, IssueWithReadModel
from worksync.work_items.issues.schemas import Issue
from worksync.work_items.models import Issue as IssueRow
from worksync.work_items.states.repository import StateRepository

# What a client can change and see; a write leaving all of these alone changed nothing.
EDITABLE = (
    "title",
    "description",
    "description_format",
    "state_id",
    "priority",
    "parent_id",
    "start_date",
    "due_date",
    "estimate_minutes",
    "position",
    "completed_at",
    "deleted_at",
)


# The API schema's fields that the row holds itself.
ROW_FIELDS = tuple(set(Issue.model_fields) - {"key", "state_group", "assignee_ids", "label_ids"})
_ISSUE_ANSWER = RowAnswer(Issue)


def issue_key(identifier: str, sequence_id: int) -> str:
    return f"{identifier}-{sequence_id}"


@dataclass(frozen=True)
class IssueReadModel:
    row: IssueRow
    key: str
    state_group: StateGroup
    assignee_ids: tuple[UUID, ...]
    label_ids: tuple[UUID, ...]

    def read(self) -> Issue:
        return _answer(self.row, self.key, self.state_group, self.assignee_ids, self.label_ids)

    def fingerprint(self) -> tuple[Any, ...]:
        return (
            tuple(getattr(self.row, field) for field in EDITABLE),
            self.key,
            self.state_group,
            self.assignee_ids,
            self.label_ids,
        )


async def load_read_models(
    session: AsyncSession, rows: Sequence[IssueRow], identifier: str
) -> list[IssueReadModel]:
    """Read models of `rows` (issues of one project): three queries however many rows."""
    if not rows:
        return []
    issues = IssueRepository(session)
    ids = [row.id for row in rows]
    assignees = await issues.assignees_of(ids)
    labels = await issues.labels_of(ids)
    groups = await StateRepository(session).groups(row.state_id for row in rows)
    return [
        IssueReadModel(
            row=row,
            key=issue_key(identifier, row.sequence_id),
            state_group=StateGroup(groups[row.state_id]),
            assignee_ids=tuple(assignees.get(row.id, ())),
            label_ids=tuple(labels.get(row.id, ())),
        )
        for row in rows
    ]


def issue_answers(rows: Sequence[IssueWithReadModel], identifier: str) -> list[dict[str, Any]]:
    """The `Issue` answers of issues read `with_read_model`: no further query, no object
    built, the values not checked again (see `RowAnswer`)."""
    answers = []
    for row in rows:
        answers.append(
            _ISSUE_ANSWER(
                row._mapping,
                key=issue_key(identifier, row.sequence_id),
                assignee_ids=row.assignee_ids or [],
                label_ids=row.label_ids or [],
            )
        )
    return answers


def _answer(
    row: IssueRow | IssueWithReadModel,
    key: str,
    state_group: str,
    assignee_ids: Iterable[UUID],
    label_ids: Iterable[UUID],
) -> Issue:
    return Issue.model_validate(
        {
            **loaded_values(row, ROW_FIELDS),
            "key": key,
            "state_group": state_group,
            "assignee_ids": list(assignee_ids),
            "label_ids": list(label_ids),
        }
    )


async def load_read_model(session: AsyncSession, row: IssueRow, identifier: str) -> IssueReadModel:
    (issue,) = await load_read_models(session, [row], identifier)
    return issue
