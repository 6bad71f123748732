"""The request's clock: one instant per request, so that everything it writes agrees."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends


def utc_now() -> datetime:
    return datetime.now(UTC)


async def request_time() -> datetime:
    """`utc_now` as a dependency: FastAPI runs a plain function's dependency in its thread
    pool, a hand-off that costs more than reading the clock."""
    return utc_now()


NowDep = Annotated[datetime, Depends(request_time)]
