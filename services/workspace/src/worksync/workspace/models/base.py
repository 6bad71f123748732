"""The declarative base of the workspace schema, its outbox, inbox and idempotency keys."""

from __future__ import annotations

from typing import Any

from worksync.common.db import Model, service_metadata
from worksync.common.events.tables import messaging_tables
from worksync.common.idempotency import idempotency_table

SCHEMA = "workspace"

# Shapes the database checks as well as the API: three-letter ISO 4217 codes, workspace
# slugs (lower-case words joined by single hyphens) and project identifiers.
CURRENCY_PATTERN = "^[A-Z]{3}$"
SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_MIN_LENGTH = 3
SLUG_MAX_LENGTH = 48
IDENTIFIER_PATTERN = "^[A-Z]{2,10}$"
# Departments: a free code, a short name such as "HR" and a four-digit number.
DEPARTMENT_CODE_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$"
SHORT_NAME_PATTERN = "^[A-Z0-9]{1,10}$"
DEPT_CODE_PATTERN = "^[0-9]{4}$"
# Staff: an employee number, and phone numbers checked loosely.
STAFF_ID_PATTERN = "^[A-Z0-9]{1,8}$"
PHONE_PATTERN = "^[0-9 +()-]{6,20}$"


class Base(Model):
    __abstract__ = True
    metadata = service_metadata(SCHEMA)
    # Server-generated values (timestamps, defaults) come back with INSERT/UPDATE ... RETURNING,
    # so objects stay readable after a flush without a lazy load.
    __mapper_args__: Any = {"eager_defaults": True}


messaging = messaging_tables(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)
