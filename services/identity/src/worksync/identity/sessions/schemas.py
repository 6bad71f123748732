"""Sessions as their owner sees them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from worksync.identity import models


class Session(BaseModel):
    id: UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    user_agent: str | None
    ip: str | None
    current: bool

    @classmethod
    def of(cls, user_session: models.UserSession, current_session_id: UUID | None) -> Session:
        return cls(
            id=user_session.id,
            created_at=user_session.created_at,
            last_used_at=user_session.last_used_at,
            expires_at=user_session.expires_at,
            user_agent=user_session.user_agent,
            ip=user_session.ip,
            current=user_session.id == current_session_id,
        )
