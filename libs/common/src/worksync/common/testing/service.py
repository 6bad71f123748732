"""What the shared fixtures need to know about the service a test suite is about.

Each service's `tests/conftest.py` describes its service once, as the session fixture
`service_under_test`; the plugin (`worksync.common.testing.plugin`) builds every common
fixture from it::

    @pytest.fixture(scope="session")
    def service_under_test() -> ServiceUnderTest[ResourcesSettings]:
        return ServiceUnderTest(
            alembic_ini=Path(__file__).resolve().parents[1] / "alembic.ini",
            settings_class=ResourcesSettings,
            create_app=create_app,
            worker=WORKER,
            keeps_directory=True,
        )
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from fastapi import FastAPI

from worksync.common.config import CommonSettings
from worksync.common.events.worker import ServiceWorker

S = TypeVar("S", bound=CommonSettings)


@dataclass(frozen=True)
class ServiceUnderTest(Generic[S]):
    # Its migrations, run to head on the session's database (`database_url`).
    alembic_ini: Path
    # Built by `build_test_settings`: the test database and broker, plain logs, small pools.
    settings_class: type[S]
    create_app: Callable[[S], FastAPI]
    # Its relay and consumer (`worker`); the consumer's handlers also receive what
    # `seeder` arranges.
    worker: ServiceWorker
    # Settings values of every settings of the run (`settings`, `make_settings`,
    # `worker_settings`), before a test's own overrides: cheap hashes, a stand-in's URL.
    settings: Mapping[str, Any] = field(default_factory=dict)
    # It keeps the membership directory (every service but workspace, the source of truth,
    # and identity): its fallback asks the `workspace_api` stand-in, and `seeder` arranges
    # the directory through the worker's handlers.
    keeps_directory: bool = False
    # The app trusts tokens of the test `minter` (identity, which signs and verifies its
    # own, does not).
    trusts_test_tokens: bool = True
    # Put on `app.state` once the app has started, replacing what its lifespan made
    # (identity's capturing mailer).
    app_state: Mapping[str, Any] = field(default_factory=dict)
