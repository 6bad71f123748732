"""The services that make up WorkSync, for the tools that start, test and describe it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Service:
    name: str
    module: str
    env_prefix: str
    default_port: int
    migrations: Path | None
    has_worker: bool
    # The Postgres schema the service owns; its login role may use this one only.
    schema: str | None
    app_factory: str

    @property
    def port(self) -> int:
        return int(os.environ.get(f"{self.env_prefix}_PORT", self.default_port))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


SERVICES = (
    Service(
        name="identity",
        module="worksync.identity",
        env_prefix="IDENTITY",
        default_port=8001,
        migrations=ROOT / "services/identity/alembic.ini",
        has_worker=True,
        schema="identity",
        app_factory="worksync.identity.main:create_app",
    ),
    Service(
        name="workspace",
        module="worksync.workspace",
        env_prefix="WORKSPACE",
        default_port=8002,
        migrations=ROOT / "services/workspace/alembic.ini",
        has_worker=True,
        schema="workspace",
        app_factory="worksync.workspace.main:create_app",
    ),
    Service(
        name="work-items",
        module="worksync.work_items",
        env_prefix="WORK_ITEMS",
        default_port=8003,
        migrations=ROOT / "services/work-items/alembic.ini",
        has_worker=True,
        schema="work_items",
        app_factory="worksync.work_items.main:create_app",
    ),
    Service(
        name="timetracking",
        module="worksync.timetracking",
        env_prefix="TIMETRACKING",
        default_port=8004,
        migrations=ROOT / "services/timetracking/alembic.ini",
        has_worker=True,
        schema="timetracking",
        app_factory="worksync.timetracking.main:create_app",
    ),
    Service(
        name="resources",
        module="worksync.resources",
        env_prefix="RESOURCES",
        default_port=8005,
        migrations=ROOT / "services/resources/alembic.ini",
        has_worker=True,
        schema="resources",
        app_factory="worksync.resources.main:create_app",
    ),
)
GATEWAY = Service(
    name="gateway",
    module="worksync.gateway",
    env_prefix="GATEWAY",
    default_port=8000,
    migrations=None,
    has_worker=False,
    schema=None,
    app_factory="worksync.gateway.app:create_app",
)
