"""FastAPI dependencies: the services of a request.

The caller's project comes from the kit's role guards (`ProjectViewer`, `ProjectMember`,
`ProjectAdmin`), which set the project up here on first use (`create_app`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from worksync.common.db import SessionDep
from worksync.common.directory import DirectoryDep
from worksync.work_items.issues.service import IssueService
from worksync.work_items.labels.service import LabelService
from worksync.work_items.states.service import StateService


def get_state_service(session: SessionDep) -> StateService:
    return StateService(session)


def get_issue_service(session: SessionDep, directory: DirectoryDep) -> IssueService:
    return IssueService(session, directory)


def get_label_service(session: SessionDep) -> LabelService:
    return LabelService(session)


StateServiceDep = Annotated[StateService, Depends(get_state_service)]
IssueServiceDep = Annotated[IssueService, Depends(get_issue_service)]
LabelServiceDep = Annotated[LabelService, Depends(get_label_service)]
