"""Identifiers: UUIDv7, time-ordered so that primary-key indexes stay append-mostly."""

from uuid import UUID

from uuid_utils.compat import uuid7


def new_id() -> UUID:
    return uuid7()
