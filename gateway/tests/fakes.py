"""Real HTTP upstreams for gateway tests: small Starlette apps on free local ports."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any
from uuid import UUID

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from worksync.common.testing.tokens import TokenMinter

from .serving import INTERNAL_SECRET, serve_asgi

# Waits in fake handlers end at teardown or after this long, whichever comes first.
HANDLER_WAIT_LIMIT_SECONDS = 30.0
# Like identity's schema: a longer token is a validation error (422), not a 401.
MAX_EXCHANGED_TOKEN_CHARS = 200
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def closed_port() -> int:
    """A local port that nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def openapi_document(name: str, paths: list[str], schemas: dict[str, Any]) -> dict[str, Any]:
    schema_ref = {"$ref": "#/components/schemas/" + next(iter(schemas))}
    return {
        "openapi": "3.1.0",
        "info": {"title": name, "version": "1.0.0"},
        "paths": {
            path: {
                "get": {
                    "summary": f"{name} {path}",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": schema_ref}},
                        }
                    },
                }
            }
            for path in paths
        },
        "components": {"schemas": schemas},
        "tags": [{"name": name}],
    }


class FakeUpstream:
    """An upstream service: `/readyz`, `/openapi.json`, and under `/api/v1/` an echo of the
    request, `.../slow` (answers only when released), `.../stream` (two chunks with a gate
    between them). Identity's extras: JWKS and API-token exchange."""

    def __init__(self, name: str, minter: TokenMinter, openapi: dict[str, Any]) -> None:
        self.name = name
        self.minter = minter
        self.openapi = openapi
        self.ready = True
        self.readyz_calls = 0
        self.api_tokens: dict[str, UUID] = {}
        self.exchange_calls: Counter[str] = Counter()
        self.stream_gate = asyncio.Event()
        self.release_slow = asyncio.Event()
        self.url = ""
        self._stack = AsyncExitStack()

    async def start(self) -> None:
        app = Starlette(
            routes=[
                Route("/readyz", self._readyz),
                Route("/openapi.json", self._openapi),
                Route("/.well-known/jwks.json", self._jwks),
                Route("/internal/api-tokens/exchange", self._exchange, methods=["POST"]),
                Route("/internal/{tail:path}", self._echo, methods=ALL_METHODS),
                Route("/api/v1/{tail:path}", self._api, methods=ALL_METHODS),
            ]
        )
        port = await self._stack.enter_async_context(serve_asgi(app))
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        self.release_slow.set()
        self.stream_gate.set()
        await self._stack.aclose()

    async def _readyz(self, _: Request) -> Response:
        self.readyz_calls += 1
        status = 200 if self.ready else 503
        return JSONResponse({"status": "ok" if self.ready else "down"}, status_code=status)

    async def _openapi(self, _: Request) -> Response:
        return JSONResponse(self.openapi)

    async def _jwks(self, _: Request) -> Response:
        return JSONResponse(self.minter.jwks())

    async def _exchange(self, request: Request) -> Response:
        if request.headers.get("x-internal-secret") != INTERNAL_SECRET:
            return JSONResponse({"detail": "forbidden"}, status_code=403)
        token = str((await request.json())["token"])
        if len(token) > MAX_EXCHANGED_TOKEN_CHARS:
            return JSONResponse({"detail": "token too long"}, status_code=422)
        self.exchange_calls[token] += 1
        user_id = self.api_tokens.get(token)
        if user_id is None:
            return JSONResponse({"detail": "invalid token"}, status_code=401)
        access_token = self.minter.mint(user_id, ttl_seconds=900)
        return JSONResponse({"access_token": access_token, "expires_in": 900})

    async def _api(self, request: Request) -> Response:
        if request.url.path.endswith("/slow"):
            await asyncio.wait_for(self.release_slow.wait(), HANDLER_WAIT_LIMIT_SECONDS)
        if request.url.path.endswith("/stream"):
            return StreamingResponse(self._two_chunks(), media_type="text/plain")
        return await self._echo(request)

    async def _two_chunks(self) -> AsyncIterator[bytes]:
        yield b"first\n"
        await asyncio.wait_for(self.stream_gate.wait(), HANDLER_WAIT_LIMIT_SECONDS)
        yield b"second\n"

    async def _echo(self, request: Request) -> Response:
        body = await request.body()
        path = request.scope["raw_path"].decode()
        if request.scope["query_string"]:
            path += "?" + request.scope["query_string"].decode()
        echo = {
            "upstream": self.name,
            "method": request.method,
            "path": path,
            "headers": dict(request.headers.items()),
            "body": body.decode("latin-1"),
            "chunked": "chunked" in request.headers.get("transfer-encoding", ""),
        }
        return JSONResponse(
            echo, headers={"server": "fake-upstream", "x-frame-options": "SAMEORIGIN"}
        )
