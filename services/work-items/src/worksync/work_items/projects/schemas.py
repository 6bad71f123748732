"""A project's settings here, as the API shows and changes them."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from worksync.common.examples import body_examples
from worksync.common.fields import NotNull


class ProjectIssueSettings(BaseModel):
    guests_may_comment: bool = Field(
        description="Whether the project's guests may comment and react (they always read)"
    )
    version: int = Field(
        description="Rises with every change, 0 until the first; the `ETag` for `If-Match`"
    )


class ProjectIssueSettingsUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=body_examples({"guests_may_comment": True})
    )

    guests_may_comment: Annotated[StrictBool | None, NotNull] = None
