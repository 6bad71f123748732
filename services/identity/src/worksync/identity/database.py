"""The request session of identity: the house one, plus failures that must be recorded.

A failed login counts towards the lockout and a reused refresh token revokes its whole
family: those failures are state, and the house session dependency would roll them back
together with the request. Errors deriving from `RecordedFailure` commit first, then answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.errors import AppError


class RecordedFailure(AppError):
    """An error answered after the writes of its request were committed."""


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Request-scoped session: commits once after the endpoint, before the response."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
        except RecordedFailure:
            await session.commit()
            raise
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
