"""405 for a method the matched path does not have, with every method of that path in
`Allow`, for templates of one segment per parameter and for those spanning several."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter

from worksync.common.app import create_service_app
from worksync.common.config import CommonSettings

pytestmark = pytest.mark.fast

router = APIRouter()


@router.get("/things/{thing_id}")
async def get_thing(thing_id: int) -> dict[str, int]:
    return {"id": thing_id}


@router.delete("/things/{thing_id}", status_code=204)
async def delete_thing(thing_id: int) -> None:
    return None


@router.get("/files/{name:path}")
async def get_file(name: str) -> dict[str, str]:
    return {"name": name}


@router.delete("/files/{name:path}", status_code=204)
async def delete_file(name: str) -> None:
    return None


async def _answers(method: str, path: str) -> httpx.Response:
    app = create_service_app(CommonSettings(), title="t", description="d", routers=[router])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        return await client.request(method, path)


async def test_a_method_the_path_lacks_is_405_with_the_paths_methods() -> None:
    refused = await _answers("PATCH", "/api/v1/things/7")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "DELETE, GET"
    assert refused.headers["content-type"] == "application/problem+json"
    assert (await _answers("GET", "/api/v1/things/7")).json() == {"id": 7}


async def test_a_template_spanning_segments_is_matched_too() -> None:
    # Starlette alone would name only the first route's method.
    refused = await _answers("POST", "/api/v1/files/a/b/c.txt")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "DELETE, GET"
    assert (await _answers("GET", "/api/v1/files/a/b/c.txt")).json() == {"name": "a/b/c.txt"}
