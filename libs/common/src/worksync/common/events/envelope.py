"""The CloudEvents 1.0 envelope (JSON structured mode) every event travels in."""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from worksync.common.ids import new_id

CONTENT_TYPE = "application/cloudevents+json"


class IntegrationEvent(BaseModel):
    """Base of every event's `data`. Each subclass names its type and schema version.

    Producers describe their events once in `messaging/published.py`; every consumer keeps
    its own copy in `messaging/consumed.py`, which ignores fields it does not know so that
    producers can add fields without breaking anyone.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    version: ClassVar[str] = "v1"


E = TypeVar("E", bound=IntegrationEvent)


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="allow")

    specversion: str = "1.0"
    id: UUID = Field(default_factory=new_id)
    source: str
    type: str
    dataschema: str = "v1"
    datacontenttype: str = "application/json"
    subject: str
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    workspaceid: str | None = None
    actorid: str | None = None
    traceparent: str | None = None
    sequence: int = Field(ge=0)
    data: dict[str, Any]

    def parse_data(self, model: builtins.type[E]) -> E:
        return model.model_validate(self.data)
