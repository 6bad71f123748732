"""A cuttable TCP link for the synchronous end-to-end tests: the system's every broker
connection goes through it, so a test can take the broker away without touching the
RabbitMQ other tests share."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from typing import Any

from worksync.common.testing.links import TcpLink


class ThreadedLink:
    """A `TcpLink` served by an event loop in a thread, driven from synchronous tests."""

    def __init__(self, server_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.link = TcpLink(server_url, 5672)
        self._call(self.link.open())

    @property
    def url(self) -> str:
        return self.link.url

    def down(self) -> None:
        self.loop.call_soon_threadsafe(self.link.down)

    def up(self) -> None:
        self.loop.call_soon_threadsafe(self.link.up)

    def close(self) -> None:
        self._call(self.link.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()

    def _call(self, coroutine: Any) -> None:
        done: Future[None] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        done.result(timeout=10)
