"""Serving a service's API with uvicorn, the same way for every service."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any, TypeVar

import uvicorn

from worksync.common.config import CommonSettings
from worksync.common.telemetry import configure_logging

SettingsT = TypeVar("SettingsT", bound=CommonSettings)
AppT = TypeVar("AppT")

# The youngest generation is collected after this many new container objects (Python's
# default is 700): a list of 50 issues makes several thousand, most freed by reference
# counting long before, so the default collected on every request.
YOUNG_OBJECTS_BEFORE_COLLECTION = 7_000


def serve(app_factory: str, settings: CommonSettings, **options: Any) -> None:
    """Run `app_factory` ("module:function") with uvloop and httptools, bounded at the edge
    as the gateway is (`edge.EdgeHttpProtocol`: head size and time, a connection cap; idle
    keep-alive connections closed after 5 s), so a request that reaches a service directly
    meets the same limits.

    Logging is configured by the factory in each worker process (JSON lines); uvicorn's
    own access log stays off. `options` override or add uvicorn settings. Unsafe settings
    (`CommonSettings.refuse_unsafe_start`) stop it before it listens.
    """
    settings.refuse_unsafe_start()
    config: dict[str, Any] = {
        "factory": True,
        "host": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "loop": "uvloop",
        "http": "worksync.common.edge:EdgeHttpProtocol",
        "timeout_keep_alive": 5,
        "limit_concurrency": settings.max_connections,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "log_config": None,
        "access_log": False,
    }
    config.update(options)
    uvicorn.run(app_factory, **config)


def served_app(settings: SettingsT, create_app: Callable[[SettingsT], AppT]) -> AppT:
    """The app of a served process (what each service's uvicorn factory returns): JSON
    logs, the app built, then the heap settled (`settle_start_up_heap`)."""
    configure_logging(settings)
    app = create_app(settings)
    settle_start_up_heap()
    return app


def settle_start_up_heap() -> None:
    """Tune the cyclic garbage collector for a long-running process, once it has started.

    What start-up made (modules, classes, mappers, schemas, the app: about 180,000 objects
    in a service) lives as long as the process, yet every collection of the oldest
    generation traversed it again; frozen, collections skip it. And the youngest
    generation is collected less often (`YOUNG_OBJECTS_BEFORE_COLLECTION`), each older one
    after 20 collections of the one below it instead of 10. Measured on a
    list of 50 issues: the collector took 2.1 ms of each request (a fifth of it), 0.6 ms
    with the freeze alone, next to nothing with both. Only processes call this, never
    tests: frozen objects are never freed.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTION, 20, 20)
