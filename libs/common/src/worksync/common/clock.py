"""The request's clock: one instant per request, so that everything it writes agrees."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends


def utc_now() -> datetime:
    return datetime.now(UTC)


NowDep = Annotated[datetime, Depends(utc_now)]
