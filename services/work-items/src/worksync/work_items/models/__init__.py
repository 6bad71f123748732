"""Every table of the work_items schema."""

from worksync.work_items.models.activity import IssueActivity
from worksync.work_items.models.base import (
    SCHEMA,
    Base,
    directory_tables,
    idempotency_keys,
    messaging,
)
from worksync.work_items.models.boards import Board, BoardColumn, BoardColumnState
from worksync.work_items.models.comments import Comment, CommentMention, CommentReaction
from worksync.work_items.models.issues import Issue, IssueAssignee, IssueLabel, TimeEntry
from worksync.work_items.models.labels import Label
from worksync.work_items.models.relations import IssueRelation
from worksync.work_items.models.states import IssueCounter, ProjectSettings, State
from worksync.work_items.models.templates import (
    ProjectTemplate,
    TemplateDependency,
    TemplatePhase,
    TemplateTask,
)

__all__ = [
    "SCHEMA",
    "Base",
    "Board",
    "BoardColumn",
    "BoardColumnState",
    "Comment",
    "CommentMention",
    "CommentReaction",
    "Issue",
    "IssueActivity",
    "IssueAssignee",
    "IssueCounter",
    "IssueLabel",
    "IssueRelation",
    "Label",
    "ProjectSettings",
    "ProjectTemplate",
    "State",
    "TemplateDependency",
    "TemplatePhase",
    "TemplateTask",
    "TimeEntry",
    "directory_tables",
    "idempotency_keys",
    "messaging",
]
