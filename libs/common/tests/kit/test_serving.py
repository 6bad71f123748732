"""Every service is served with the edge limits the gateway has."""

from __future__ import annotations

import json
from typing import Any

import pytest
import uvicorn

from worksync.common.config import CommonSettings, Environment
from worksync.common.serving import YOUNG_OBJECTS_BEFORE_COLLECTION, serve
from worksync.common.testing.own_process import run_script

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


SERVED_APP_SCRIPT = """
import gc, json, logging
from worksync.common.config import CommonSettings, Environment
from worksync.common.serving import served_app

made = []
app = served_app(
    CommonSettings(environment=Environment.TEST, service_name="kit-serving"),
    lambda settings: made.append(settings.service_name) or "the app",
)
print(json.dumps({
    "app": app,
    "made": made,
    "frozen": gc.get_freeze_count(),
    "threshold": gc.get_threshold(),
    "handlers": len(logging.getLogger().handlers),
}))
"""


def test_a_served_process_settles_its_start_up_heap() -> None:
    # In a process of its own: frozen objects are never freed, so no test process may freeze.
    served = json.loads(run_script(SERVED_APP_SCRIPT)[-1])
    assert served["app"] == "the app"
    assert served["made"] == ["kit-serving"]
    # What start-up made (the imported modules at least) is out of every collection.
    assert served["frozen"] > 10_000
    assert served["threshold"] == [YOUNG_OBJECTS_BEFORE_COLLECTION, 20, 20]
    assert served["handlers"] == 1
