"""Recognising which constraint a failed insert or update ran into."""

from __future__ import annotations

from psycopg.errors import ForeignKeyViolation, UniqueViolation
from sqlalchemy.exc import IntegrityError


def violated_unique(exc: IntegrityError, *constraints: str) -> bool:
    orig = exc.orig
    return isinstance(orig, UniqueViolation) and orig.diag.constraint_name in constraints


def violated_foreign_key(exc: IntegrityError) -> bool:
    return isinstance(exc.orig, ForeignKeyViolation)
