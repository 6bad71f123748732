"""Checking problem+json answers in API tests."""

from __future__ import annotations

from typing import Any

import httpx

from worksync.common.errors import PROBLEM_JSON


def assert_problem(
    response: httpx.Response, status: int, code: str, *, fields: set[str] | None = None
) -> dict[str, Any]:
    """The response is RFC 9457 problem+json with this status and code (and field errors)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    assert body["type"].endswith(code)
    if fields is not None:
        assert {error["field"] for error in body["errors"]} >= fields, body
    return body
