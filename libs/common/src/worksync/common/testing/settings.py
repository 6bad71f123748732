"""Service settings for tests: the test database and broker, plain logs, small pools."""

from __future__ import annotations

from typing import Any, TypeVar

from worksync.common.config import CommonSettings, Environment

S = TypeVar("S", bound=CommonSettings)

# Each test app keeps its connections for the whole run, beside the other services' apps and
# the end-to-end system; small pools keep them all under the server's max_connections.
TEST_POOL_SIZE = 4


def build_test_settings(
    settings_class: type[S], database_url: str, amqp_url: str, **overrides: Any
) -> S:
    values: dict[str, Any] = {
        "environment": Environment.TEST,
        "database_url": database_url,
        "amqp_url": amqp_url,
        "log_json": False,
        "database_pool_size": TEST_POOL_SIZE,
        **overrides,
    }
    return settings_class(**values)
