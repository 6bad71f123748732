"""Clients as the API shows them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict

from worksync.common.examples import body_examples
from worksync.common.fields import NotNull
from worksync.workspace.catalogue.schemas import CatalogueEntry
from worksync.workspace.fields import Description, LongName


class ClientCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"name": "Northwind Traders", "description": "Retail chain, invoiced monthly"}
        ),
    )

    name: LongName
    description: Description | None = None


class ClientUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"description": "Retail chain, invoiced quarterly from April 2026"}
        ),
    )

    name: Annotated[LongName | None, NotNull] = None
    description: Description | None = None


class Client(CatalogueEntry):
    pass


class ClientSort(StrEnum):
    NAME = "name"
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"
