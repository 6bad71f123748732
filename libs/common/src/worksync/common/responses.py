"""Responses serialised once, by the model's own pydantic-core serializer.

An endpoint returning a model lets FastAPI validate it against `response_model` again,
turn it into Python objects and encode those with the standard library's `json`: three
passes over every field, for a value that was validated when it was built. An endpoint
on a hot path returns `encoded(value)` instead, keeping `response_model` in its decorator
for the OpenAPI document; the body is the same JSON. An answer built as plain JSON values
from the database's rows (no model at all) goes out the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Response
from pydantic import BaseModel
from pydantic_core import to_json

from worksync.common.preconditions import entity_tag


class RowAnswer:
    """A model's answer from a row's values without building the model: the values of its
    fields, in its order, for `encoded` to write as they are. For reads of rows that the
    writes checked and the database's types and constraints hold (a UUID, a `numeric(12, 2)`
    amount, a timestamp, a text of an enum's values): validating each of a page's 50 rows
    again took about a tenth of the page's CPU. Each use keeps a test that its answer
    encodes to exactly what the model's does."""

    def __init__(self, model: type[BaseModel]) -> None:
        aliased = [name for name, field in model.model_fields.items() if field.alias]
        if aliased:
            raise ValueError(f"{model.__name__} answers fields under aliases: {aliased}")
        self.fields = tuple(model.model_fields)

    def __call__(self, values: Mapping[Any, Any], /, **computed: Any) -> dict[str, Any]:
        """The answer: each field's value from `computed` where it is there, else from
        `values` (a row's mapping as it is: copying it first cost more than the rest)."""
        if not computed:
            return {field: values[field] for field in self.fields}
        return {
            field: computed[field] if field in computed else values[field] for field in self.fields
        }


def encoded(
    value: BaseModel | dict[str, Any], *, status_code: int = 200, etag: int | None = None
) -> Response:
    """`value` as a JSON response, encoded in one pass. A model must be exactly the
    endpoint's `response_model` (not a subclass whose extra fields FastAPI would have
    dropped); plain values must already have the shape and the JSON types it documents.
    `etag` is the version of the resource answered (see `preconditions`)."""
    if isinstance(value, BaseModel):
        body = value.__pydantic_serializer__.to_json(value, by_alias=True)
    else:
        body = to_json(value)
    headers = None if etag is None else {"ETag": entity_tag(etag)}
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)
