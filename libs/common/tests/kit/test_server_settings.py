"""The kit's engines set their connections' run-time parameters at connection start: the
session time zone is UTC whatever the server's or database's default, so that timestamps
come back (and are written) in UTC and a timestamp cast to a day means a UTC day in every
deployment; a caller's settings and the URL's own `options` are kept beside it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import psycopg
from sqlalchemy import text

from worksync.common.db import create_engine, libpq_url


async def test_connections_use_utc_whatever_the_database_default(
    worksync_fresh_database_url: str,
) -> None:
    with psycopg.connect(libpq_url(worksync_fresh_database_url), autocommit=True) as admin:
        database = admin.info.dbname
        admin.execute(f"ALTER DATABASE \"{database}\" SET TimeZone = 'America/New_York'")
    with psycopg.connect(libpq_url(worksync_fresh_database_url)) as plain:
        plain_zone = plain.execute("SHOW TimeZone").fetchone()
    assert plain_zone == ("America/New_York",)

    engine = create_engine(worksync_fresh_database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            zone = (await connection.execute(text("SHOW TimeZone"))).scalar_one()
            instant, day = (
                await connection.execute(
                    text("SELECT t, t::date FROM (SELECT '2026-01-01 03:00+00'::timestamptz) v(t)")
                )
            ).one()
    finally:
        await engine.dispose()

    assert zone == "UTC"
    # psycopg's fast path for UTC: the stdlib's own zone, not a `zoneinfo` one.
    assert instant.tzinfo is UTC
    assert instant == datetime(2026, 1, 1, 3, tzinfo=UTC)
    # In New York this instant is still 31 December.
    assert day == date(2026, 1, 1)


async def test_settings_of_the_caller_and_of_the_url_are_kept(
    worksync_database_url: str,
) -> None:
    url = f"{worksync_database_url}?options=-c%20statement_timeout%3D4321"
    engine = create_engine(url, pool_size=1, server_settings={"synchronous_commit": "off"})
    try:
        async with engine.connect() as connection:
            shown = [
                (await connection.execute(text(f"SHOW {name}"))).scalar_one()
                for name in ("TimeZone", "synchronous_commit", "statement_timeout")
            ]
    finally:
        await engine.dispose()

    assert shown == ["UTC", "off", "4321ms"]
