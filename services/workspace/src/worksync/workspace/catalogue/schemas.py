"""What clients and project categories show alike in the API."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field


class CatalogueEntry(BaseModel):
    """An entry as the API shows it; each kind is a subclass, named for its schema."""

    id: UUID
    workspace_id: UUID
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Rises with every change; the `ETag` for `If-Match`")
