"""FastAPI dependencies: the services of a request.

The caller's project comes from the kit's role guards (`ProjectViewer`, `ProjectMember`,
`ProjectAdmin`), which set the project up here on first use (`create_app`). A service takes
the directory from the app's state rather than from a dependency of its own: FastAPI solves
every dependency's parameters on each request (see `docs/decisions.md`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from worksync.common.db import SessionDep
from worksync.common.directory.dependencies import directory_of
from worksync.work_items.activity.service import ActivityService
from worksync.work_items.boards.moves import MoveService
from worksync.work_items.boards.service import BoardService
from worksync.work_items.comments.service import CommentService
from worksync.work_items.issues.service import IssueService
from worksync.work_items.labels.service import LabelService
from worksync.work_items.relations.service import RelationService
from worksync.work_items.states.service import StateService
from worksync.work_items.templates.service import TemplateService


async def get_state_service(session: SessionDep) -> StateService:
    return StateService(session)


async def get_issue_service(request: Request, session: SessionDep) -> IssueService:
    return IssueService(session, directory_of(request))


async def get_label_service(session: SessionDep) -> LabelService:
    return LabelService(session)


async def get_activity_service(session: SessionDep) -> ActivityService:
    return ActivityService(session)


async def get_comment_service(request: Request, session: SessionDep) -> CommentService:
    return CommentService(session, directory_of(request))


async def get_board_service(request: Request, session: SessionDep) -> BoardService:
    return BoardService(session, directory_of(request))


async def get_move_service(session: SessionDep) -> MoveService:
    return MoveService(session)


async def get_relation_service(session: SessionDep) -> RelationService:
    return RelationService(session)


async def get_template_service(request: Request, session: SessionDep) -> TemplateService:
    return TemplateService(session, directory_of(request))


StateServiceDep = Annotated[StateService, Depends(get_state_service)]
IssueServiceDep = Annotated[IssueService, Depends(get_issue_service)]
LabelServiceDep = Annotated[LabelService, Depends(get_label_service)]
ActivityServiceDep = Annotated[ActivityService, Depends(get_activity_service)]
CommentServiceDep = Annotated[CommentService, Depends(get_comment_service)]
BoardServiceDep = Annotated[BoardService, Depends(get_board_service)]
MoveServiceDep = Annotated[MoveService, Depends(get_move_service)]
RelationServiceDep = Annotated[RelationService, Depends(get_relation_service)]
TemplateServiceDep = Annotated[TemplateService, Depends(get_template_service)]
