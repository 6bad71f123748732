"""Every service is served with the edge limits the gateway has."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn

from worksync.common.config import CommonSettings, Environment
from worksync.common.serving import serve

pytestmark = pytest.mark.fast


def test_a_service_is_served_bounded_at_the_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    served: dict[str, Any] = {}

    def run(app: str, **config: Any) -> None:
        served.update(config, app=app)

    monkeypatch.setattr(uvicorn, "run", run)
    settings = CommonSettings(environment=Environment.TEST, max_connections=7)

    serve("sample:create_app", settings)

    assert served["app"] == "sample:create_app"
    assert served["http"] == "worksync.common.edge:EdgeHttpProtocol"
    assert served["limit_concurrency"] == 7
    assert served["timeout_keep_alive"] == 5
