"""Serving a raw ASGI app for a benchmark, and waiting for the processes it starts.

Raw apps (a fixed answer, or captured statements) run as the services do, on uvicorn with
uvloop and httptools, so that what they measure differs from a service only in the app.
"""

from __future__ import annotations

import subprocess
import time
from typing import Any

import httpx

START_SECONDS = 60.0


def serve_raw_asgi(app: Any, port: int) -> None:
    """Run `app` on 127.0.0.1:`port` until the process is stopped."""
    import uvicorn

    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )


def wait_until_ready(url: str, processes: list[subprocess.Popen[bytes]]) -> None:
    """Until `url` answers 200; raises if one of `processes` exits first, or after
    `START_SECONDS`."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError(f"a process exited before {url} was ready")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become ready")
