"""A minimal service built with the shared kit, to test the kit the way services use it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.app import create_service_app
from worksync.common.auth import CurrentPrincipal
from worksync.common.config import CommonSettings
from worksync.common.db import IdMixin, Model, SessionDep, TimestampMixin, service_metadata
from worksync.common.errors import Conflict, NotFound
from worksync.common.idempotency import IdempotencyKeyHeader, define_idempotency_table, idempotent
from worksync.common.pagination import (
    Page,
    PageParams,
    apply_keyset,
    build_page,
    page_params,
    sort_key,
)
from worksync.common.testing.tokens import TokenMinter

SCHEMA = f"kit_{uuid4().hex[:8]}"


class Base(Model):
    __abstract__ = True
    metadata = service_metadata(SCHEMA)


class Widget(IdMixin, TimestampMixin, Base):
    __tablename__ = "widgets"
    name: Mapped[str] = mapped_column(String(100), unique=True)
    rank: Mapped[int]


idempotency_keys = define_idempotency_table(Base.metadata)


class WidgetCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    rank: int = Field(ge=0)


class WidgetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: UUID
    name: str
    rank: int


SORTS = {
    "rank": sort_key("rank", Widget.rank, Widget.id),
    "-rank": sort_key("-rank", Widget.rank, Widget.id),
}

router = APIRouter(prefix="/widgets")


@router.post("", status_code=201, response_model=WidgetRead)
async def create_widget(
    body: WidgetCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKeyHeader = None,
) -> object:
    """Create a widget; a duplicate name conflicts."""

    async def produce() -> WidgetRead:
        exists = await session.scalar(select(Widget.id).where(Widget.name == body.name))
        if exists is not None:
            raise Conflict("A widget with this name exists", code="widget_exists")
        widget = Widget(name=body.name, rank=body.rank)
        session.add(widget)
        await session.flush()
        return WidgetRead.model_validate(widget)

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"{principal.user_id}:create_widget",
        payload=body,
        status_code=201,
        produce=produce,
    )


@router.post("/then-fail", status_code=201)
async def create_then_fail(body: WidgetCreate, session: SessionDep) -> None:
    """Writes, then fails: the write must not survive."""
    session.add(Widget(name=body.name, rank=body.rank))
    await session.flush()
    raise Conflict("Failing after the write", code="late_failure")


class RankMove(BaseModel):
    first: UUID
    second: UUID
    pause_seconds: float = Field(ge=0, le=2)


@router.post("/rank-moves", status_code=204)
async def move_ranks(body: RankMove, session: SessionDep) -> None:
    """Raise the rank of `first`, then, after a pause, of `second`: two such moves in
    opposite orders at once deadlock."""
    for index, widget_id in enumerate((body.first, body.second)):
        if index:
            await session.execute(select(func.pg_sleep(body.pause_seconds)))
        await session.execute(
            update(Widget).where(Widget.id == widget_id).values(rank=Widget.rank + 1)
        )


@router.get("", response_model=Page[WidgetRead])
async def list_widgets(
    session: SessionDep,
    params: Annotated[PageParams, Depends(page_params)],
    sort: str = "rank",
) -> Page[WidgetRead]:
    """List widgets, keyset paginated."""
    key = SORTS[sort]
    rows = (await session.scalars(apply_keyset(select(Widget), key, params))).all()
    items, cursor = build_page(rows, key, params)
    return Page(items=[WidgetRead.model_validate(w) for w in items], next_cursor=cursor)


@router.get("/crash")
async def crash() -> None:
    """An unexpected error."""
    raise RuntimeError("secret internal detail")


@router.get("/{widget_id}", response_model=WidgetRead)
async def get_widget(widget_id: UUID, session: SessionDep) -> WidgetRead:
    """One widget."""
    widget = await session.get(Widget, widget_id)
    if widget is None:
        raise NotFound()
    return WidgetRead.model_validate(widget)


def build_app(settings: CommonSettings, minter: TokenMinter) -> FastAPI:
    @asynccontextmanager
    async def trust_minter(app: FastAPI) -> AsyncIterator[None]:
        app.state.token_verifier = minter.verifier()
        async with app.state.engine.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
            await connection.run_sync(Base.metadata.create_all)
        yield

    return create_service_app(
        settings,
        title="sample",
        description="kit test service",
        routers=[router],
        extra_lifespan=trust_minter,
    )
