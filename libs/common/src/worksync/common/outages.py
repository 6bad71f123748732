"""Telling an unavailable database, and a transaction that lost to a concurrent one, apart
from a failing query.

An API answers the first with 503 and `Retry-After` instead of 500; a consumer waits for
the database instead of spending the event's delivery attempts, which are meant for
handlers that fail on the event itself. A transaction PostgreSQL aborted to break a
deadlock (or a serialization failure) changed nothing and would succeed if sent again: an
API answers it with 503 and a short `Retry-After` too, under its own code.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
from sqlalchemy import exc as sa_exc

# SQLSTATE classes and codes that say "the server or the connection", not "your statement":
# connection exceptions, insufficient resources (too many connections, out of memory, disk
# full), and the server shutting down, crashed or still starting.
UNAVAILABLE_CLASSES = ("08", "53")
UNAVAILABLE_CODES = frozenset({"57P01", "57P02", "57P03"})
# serialization_failure, deadlock_detected: the whole transaction was rolled back.
CONFLICT_CODES = frozenset({"40001", "40P01"})


def _unavailable_driver_error(error: BaseException | None) -> bool:
    if not isinstance(error, psycopg.OperationalError):
        return False
    # No SQLSTATE: the driver never reached a server (refused, reset, timed out).
    sqlstate = error.sqlstate
    return sqlstate is None or sqlstate[:2] in UNAVAILABLE_CLASSES or sqlstate in UNAVAILABLE_CODES


def _causes(error: BaseException) -> Iterator[BaseException]:
    """`error`, then what it was raised from, and so on (each once)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` (or what it was raised from) means the database cannot be reached.

    True for a refused or lost connection, a server shutting down or out of connections,
    and the pool's wait for a connection timing out; False for what a statement did wrong
    (constraints, deadlocks, cancelled statements), which retrying alone will not fix.
    """
    return any(
        isinstance(cause, sa_exc.TimeoutError)
        or (
            isinstance(cause, sa_exc.DBAPIError)
            and (cause.connection_invalidated or _unavailable_driver_error(cause.orig))
        )
        or _unavailable_driver_error(cause)
        for cause in _causes(error)
    )


def transaction_conflict(error: BaseException) -> bool:
    """Whether `error` (or what it was raised from) is PostgreSQL aborting the transaction
    for a concurrent one: a deadlock, a serialization failure."""
    for cause in _causes(error):
        driver_error = cause.orig if isinstance(cause, sa_exc.DBAPIError) else cause
        if isinstance(driver_error, psycopg.Error) and driver_error.sqlstate in CONFLICT_CODES:
            return True
    return False
