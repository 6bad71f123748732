"""Alembic environment of the work_items schema."""

from __future__ import annotations

import logging.config

from alembic import context

from worksync.common.migrations import run_service_migrations
from worksync.work_items.config import WorkItemsSettings
from worksync.work_items.models import SCHEMA, Base

# The test plugin and other embedders configure logging themselves.
if context.config.config_file_name is not None and not context.config.attributes.get(
    "database_url"
):
    logging.config.fileConfig(context.config.config_file_name, disable_existing_loggers=False)

settings = WorkItemsSettings()
run_service_migrations(Base.metadata, SCHEMA, settings.database_url, settings.migration_role)
