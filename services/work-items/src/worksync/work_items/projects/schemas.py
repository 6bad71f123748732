"""A project's settings here, as the API shows and changes them."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from worksync.common.fields import NotNull


class ProjectIssueSettings(BaseModel):
    guests_may_comment: bool = Field(
        description="Whether the project's guests may comment and react (they always read)"
    )


class ProjectIssueSettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    guests_may_comment: Annotated[bool | None, NotNull] = None
