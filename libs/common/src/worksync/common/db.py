"""Database access: declarative base per service schema, engine, and the request session."""

from __future__ import annotations

import select
from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import psycopg
import sqlalchemy.event
import sqlalchemy.ext.asyncio
from fastapi import Depends
from sqlalchemy import ARRAY, DateTime, Dialect, MetaData, Row, TypeDecorator, func, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry
from starlette.requests import Request

from worksync.common.errors import RecordedFailure
from worksync.common.ids import new_id

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    """Metadata of one service: every table lives in the service's own schema."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


class IdMixin:
    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class Model(DeclarativeBase):
    """Abstract root; each service derives its own base bound to its own metadata:

    class Base(Model):
        __abstract__ = True
        metadata = service_metadata("identity")
    """

    __abstract__ = True
    # Server-generated values (timestamps, defaults) come back with INSERT/UPDATE ... RETURNING,
    # so objects stay readable after a flush without a lazy load.
    __mapper_args__: Any = {"eager_defaults": True}


class LoadedArray(TypeDecorator[list[Any]]):
    """A PostgreSQL array (`uuid[]`, `int[]`…) returned as psycopg loads it: a list of
    Python values already. SQLAlchemy's `ARRAY` would walk every item of every row again
    (a tenth of a list of 50 issues with their assignee and label ids); for element types
    that need no conversion, as `array_agg(...).type_` of a read or as a column's type."""

    impl = ARRAY
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None


def loaded_values(row: object, names: Iterable[str]) -> dict[str, Any]:
    """A mapped row's values of these attributes, straight from its state: through the
    attributes themselves, reading a page of rows for its answer cost more than validating
    them. One not loaded (expired, deferred) is read through its attribute. A Core `Row` of
    the mapped table's columns (`repository.as_table_rows`) gives them by column name."""
    if isinstance(row, Row):
        mapping = row._mapping
        return {name: mapping[name] for name in names}
    loaded = inspect(row).dict
    return {name: loaded[name] if name in loaded else getattr(row, name) for name in names}


def one_of(column: str, values: Iterable[str]) -> str:
    """A check-constraint expression: `column` holds one of `values` (a StrEnum's too)."""
    literals = ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)
    return f"{column} IN ({literals})"


def async_url(url: str) -> str:
    """Accept plain `postgresql://` URLs (as libpq tools write them) and use psycopg 3."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def libpq_url(url: str) -> str:
    """The same URL for psycopg used directly (LISTEN/NOTIFY, administration)."""
    return "postgresql://" + async_url(url).removeprefix("postgresql+psycopg://")


# Every connection's session time zone, whatever the server's default: timestamps come back
# in UTC (and are written so) in every deployment, and SQL that casts or truncates a
# timestamp to a day means a UTC day. psycopg loads a timestamp of the zone named `UTC` with
# `datetime.timezone.utc`; any other name (`Etc/UTC`, a packaged server's default) goes
# through `zoneinfo` for each value, a third of reading a page of 50 time entries.
SERVER_SETTINGS: Mapping[str, str] = {"TimeZone": "UTC"}


def server_options(url: str, settings: Mapping[str, str]) -> str:
    """libpq's `options` for a connection: the URL's own, then `SERVER_SETTINGS` and
    `settings` (later ones win)."""
    given = make_url(async_url(url)).query.get("options")
    ours = " ".join(f"-c {name}={value}" for name, value in {**SERVER_SETTINGS, **settings}.items())
    return ours if not given else f"{given if isinstance(given, str) else ' '.join(given)} {ours}"


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    server_settings: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> AsyncEngine:
    """A pooled engine whose connections use `SERVER_SETTINGS` and `server_settings`
    (run-time parameters, sent with the connection's start: no round trip)."""
    # Looked up at call time: tracing wraps the module's function once it is configured.
    engine = sqlalchemy.ext.asyncio.create_async_engine(
        async_url(url),
        pool_size=pool_size,
        # Overflow connections are closed on return: under load that means a new connection
        # (and its authentication) per request. Waiting for a pooled one is cheaper.
        max_overflow=0,
        connect_args={"options": server_options(url, server_settings or {})},
        **kwargs,
    )
    sqlalchemy.event.listen(engine.sync_engine.pool, "checkout", replace_dropped_connection)
    return engine


def replace_dropped_connection(
    dbapi_connection: Any, connection_record: ConnectionPoolEntry, connection_proxy: Any
) -> None:
    """A pooled connection the server or the network has dropped since its last use is
    replaced at checkout, before any statement of the caller fails on it.

    Instead of a ping (a round trip per transaction, a fifth of a point read's), the socket
    is asked whether anything arrived while the connection sat idle in the pool: nothing
    should. A terminated backend's last message, its close, a reset all make it readable;
    so would a stray notification, and replacing that connection is harmless. A peer gone
    without a word (a host lost) is not seen here; a ping would block on it just the same.
    """
    connection: psycopg.AsyncConnection[Any] = dbapi_connection.driver_connection
    if connection.closed or connection.broken:
        raise DisconnectionError("the connection was closed")
    idle = select.poll()
    idle.register(connection.pgconn.socket, select.POLLIN)
    if idle.poll(0):
        raise DisconnectionError("the server spoke or hung up while the connection was idle")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Request-scoped session: commits once after the endpoint returned, rolls back on error
    (except a `RecordedFailure`, whose writes are the point and are committed first).

    The app stores its sessionmaker at `app.state.sessionmaker` during lifespan.
    """
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


# `scope="function"` makes the commit happen before the response is sent, so a client never
# sees a success whose transaction then failed.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    """For work that outlives the request's session: a streamed response reads in its own."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return sessionmaker


SessionmakerDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]
