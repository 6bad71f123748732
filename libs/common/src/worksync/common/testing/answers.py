"""Answers built without their model (`RowAnswer`) checked against it."""

from __future__ import annotations

from pydantic import BaseModel


def assert_written_as_by(body: bytes, model: type[BaseModel]) -> None:
    """`body` is byte for byte what `model` writes for the value it reads from it: the same
    fields in the same order, each as the model writes its type."""
    value = model.model_validate_json(body)
    assert value.__pydantic_serializer__.to_json(value) == body
