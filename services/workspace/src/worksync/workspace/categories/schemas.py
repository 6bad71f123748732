"""Project categories as the API shows them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict

from worksync.common.examples import body_examples
from worksync.common.fields import NotNull
from worksync.workspace.catalogue.schemas import CatalogueEntry
from worksync.workspace.fields import Description, Name


class CategoryCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"name": "Internal", "description": "Work not billed to a client"}
        ),
    )

    name: Name
    description: Description | None = None


class CategoryUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=body_examples({"name": "Internal tools"})
    )

    name: Annotated[Name | None, NotNull] = None
    description: Description | None = None


class ProjectCategory(CatalogueEntry):
    pass


class CategorySort(StrEnum):
    NAME = "name"
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"
