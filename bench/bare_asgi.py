"""A bare ASGI app answering with an endpoint's captured statements: no framework, no ORM.

The request-path bench serves a point read's statements from it, beside the endpoint, to
tell the machine's ceiling for that read over HTTP from the stack's: uvicorn with uvloop and
httptools as the services run, async psycopg with a service's pool size, each request one
transaction (the same `BEGIN`, statements and `COMMIT` the endpoint sends, prepared), its
rows encoded to JSON by pydantic-core as the floor encodes them. No token is verified, no
rule checked, no answer shaped: what it answers is only the bound below any stack.

`python -m bench.bare_asgi PORT STATEMENTS_FILE` with `WORKSYNC_BENCH_BARE_DATABASE_URL`;
the file is a pickle of the statements (the bench's own, written for this process).
"""

from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row
from pydantic_core import to_json

from bench.raw_asgi import serve_raw_asgi, wait_until_ready
from scripts.local_system import free_port
from worksync.common.config import CommonSettings

DATABASE_URL_VARIABLE = "WORKSYNC_BENCH_BARE_DATABASE_URL"
# As many connections as a service's pool holds by default: c=16 waits for them the same way.
POOL_SIZE: int = CommonSettings.model_fields["database_pool_size"].default
READY_PATH = "/readyz"
JSON_HEADERS = [(b"content-type", b"application/json")]

Statement = tuple[str, Any]
Connection = psycopg.AsyncConnection[dict[str, Any]]


class BareApp:
    """The ASGI app: `READY_PATH` answers at once, every other path runs the statements."""

    def __init__(self, database_url: str, statements: list[Statement]) -> None:
        self.database_url = database_url
        self.statements = statements
        self.pool: asyncio.Queue[Connection] = asyncio.Queue()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        body = b"{}" if scope["path"] == READY_PATH else await self._answer()
        await send({"type": "http.response.start", "status": 200, "headers": JSON_HEADERS})
        await send({"type": "http.response.body", "body": body})

    async def _answer(self) -> bytes:
        connection = await self.pool.get()
        try:
            rows: list[dict[str, Any]] = []
            async with connection.transaction():
                for statement, parameters in self.statements:
                    cursor = await connection.execute(statement, parameters, prepare=True)
                    if cursor.description is not None:
                        rows = await cursor.fetchall()
            return to_json(rows)
        finally:
            self.pool.put_nowait(connection)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        await receive()
        for _ in range(POOL_SIZE):
            self.pool.put_nowait(
                await psycopg.AsyncConnection.connect(self.database_url, row_factory=dict_row)
            )
        await send({"type": "lifespan.startup.complete"})
        await receive()
        while not self.pool.empty():
            await self.pool.get_nowait().close()
        await send({"type": "lifespan.shutdown.complete"})


@contextmanager
def bare_server(database_url: str, statements: list[Statement]) -> Iterator[str]:
    """A process serving `statements` as `BareApp` until the block ends; its base URL."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        statements_file = Path(folder) / "statements.pickle"
        statements_file.write_bytes(pickle.dumps(statements))
        env = {**os.environ, DATABASE_URL_VARIABLE: database_url}
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.bare_asgi", str(port), str(statements_file)], env=env
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(url + READY_PATH, [process])
            yield url
        finally:
            process.terminate()
            process.wait(30)


def main() -> None:
    port, statements_file = int(sys.argv[1]), Path(sys.argv[2])
    statements: list[Statement] = pickle.loads(statements_file.read_bytes())
    app = BareApp(os.environ[DATABASE_URL_VARIABLE], statements)
    serve_raw_asgi(app, port)


if __name__ == "__main__":
    main()
