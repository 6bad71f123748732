"""`/livez` (the process answers) and `/readyz` (what the API cannot serve without answers).

Readiness depends on the database only: while the broker is away the outbox keeps every event
and the API keeps writing, so a broker blip must not take every pod out of its Service at
once. The broker's state is still reported, for operators.
"""

from __future__ import annotations

import asyncio
import time
from typing import Literal

import aio_pika
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from worksync.common.errors import PROBLEM_JSON, problem_for_status

CHECK_TIMEOUT_SECONDS = 2.0
BROKER_CHECK_CACHE_SECONDS = 5.0


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str]


class BrokerProbe:
    """Connects to the broker to prove it answers; a success is trusted for a few seconds
    so that frequent probes do not open a connection each."""

    def __init__(self, amqp_url: str) -> None:
        self._url = amqp_url
        self._ok_until = 0.0

    async def check(self) -> None:
        if time.monotonic() < self._ok_until:
            return
        connection = await aio_pika.connect(self._url, timeout=CHECK_TIMEOUT_SECONDS)
        await connection.close()
        self._ok_until = time.monotonic() + BROKER_CHECK_CACHE_SECONDS


async def _check_database(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _outcome(check: asyncio.Future[None] | asyncio.Task[None]) -> str:
    try:
        await asyncio.wait_for(check, CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        return f"error: {type(exc).__name__}"
    return "ok"


health_router = APIRouter(tags=["health"])


@health_router.get("/livez", response_model=Health)
async def check_liveness() -> Health:
    """Liveness: the process is up."""
    return Health(status="ok")


@health_router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def check_readiness(request: Request) -> JSONResponse:
    """Readiness: the database answers (the broker's state is reported, not required)."""
    state = request.app.state
    checks = {
        "database": await _outcome(asyncio.ensure_future(_check_database(state.engine))),
        "broker": await _outcome(asyncio.ensure_future(state.broker_probe.check())),
    }
    ready = checks["database"] == "ok"
    if ready:
        return JSONResponse(Readiness(status="ok", checks=checks).model_dump())
    body = problem_for_status(503, "A dependency is unavailable", "not_ready").model_dump(
        exclude_none=True
    )
    body["checks"] = checks
    return JSONResponse(body, status_code=503, media_type=PROBLEM_JSON)
