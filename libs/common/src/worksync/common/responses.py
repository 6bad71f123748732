"""Responses serialised once, by the model's own pydantic-core serializer.

An endpoint returning a model lets FastAPI validate it against `response_model` again,
turn it into Python objects and encode those with the standard library's `json`: three
passes over every field, for a value that was validated when it was built. An endpoint
on a hot path returns `encoded(value)` instead, keeping `response_model` in its decorator
for the OpenAPI document; the body is the same JSON.
"""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def encoded(value: BaseModel, *, status_code: int = 200) -> Response:
    """`value` as a JSON response, encoded in one pass. It must be exactly the endpoint's
    `response_model` (not a subclass whose extra fields FastAPI would have dropped)."""
    body = value.__pydantic_serializer__.to_json(value, by_alias=True)
    return Response(body, status_code=status_code, media_type="application/json")
