"""Idempotency keys for create endpoints (the `Idempotency-Key` header).

The same key with the same body within 24 hours answers the first response again and
creates nothing new; the same key with another body is refused. Concurrent requests with
one key serialise on the key's row: the second waits for the first to commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from worksync.common.errors import Unprocessable

KEY_LIFETIME = timedelta(hours=24)
IDEMPOTENCY_KEY = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 200

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias=IDEMPOTENCY_KEY,
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX_LENGTH,
        description="Retry-safe key, unique per request: a repeat with the same body "
        "within 24 h returns the first response (`Idempotent-Replayed: true`) and creates "
        "nothing; the same key with another body within 24 h is a 422 "
        "`idempotency_key_reused`.",
    ),
]


def define_idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("scope", String(300), primary_key=True),
        Column("key", String(IDEMPOTENCY_KEY_MAX_LENGTH), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("status_code", Integer, nullable=True),
        Column("body", JSONB, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def _fingerprint(payload: Any) -> str:
    canonical = json.dumps(jsonable_encoder(payload), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def idempotent(
    session: AsyncSession,
    table: Table,
    *,
    key: str | None,
    scope: str,
    payload: Any,
    status_code: int,
    produce: Callable[[], Awaitable[Any]],
) -> JSONResponse:
    """Run `produce` once per (scope, key); `scope` names the caller and the operation."""
    if key is None:
        return JSONResponse(jsonable_encoder(await produce()), status_code=status_code)
    fingerprint = _fingerprint(payload)
    claim = (
        insert(table)
        .values(scope=scope, key=key, fingerprint=fingerprint)
        .on_conflict_do_update(
            index_elements=[table.c.scope, table.c.key],
            set_={
                "fingerprint": fingerprint,
                "status_code": None,
                "body": None,
                "created_at": func.now(),
            },
            where=table.c.created_at < func.now() - KEY_LIFETIME,
        )
        .returning(table.c.key)
    )
    claimed = (await session.execute(claim)).scalar_one_or_none()
    if claimed is None:
        stored = (
            await session.execute(
                select(table.c.fingerprint, table.c.status_code, table.c.body).where(
                    table.c.scope == scope, table.c.key == key
                )
            )
        ).one()
        if stored.fingerprint != fingerprint or stored.status_code is None:
            raise Unprocessable(
                "This Idempotency-Key was already used with a different request",
                code="idempotency_key_reused",
            )
        return JSONResponse(
            stored.body, status_code=stored.status_code, headers={"Idempotent-Replayed": "true"}
        )
    body = jsonable_encoder(await produce())
    await session.execute(
        update(table)
        .where(table.c.scope == scope, table.c.key == key)
        .values(status_code=status_code, body=body)
    )
    return JSONResponse(body, status_code=status_code)
