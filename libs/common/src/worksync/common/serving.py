"""Serving a service's API with uvicorn, the same way for every service."""

from __future__ import annotations

from typing import Any

import uvicorn

from worksync.common.config import CommonSettings


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
