"""Whether a reader's schema accepts what a writer's sends."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.contracts.schema_compat import incompatibilities

pytestmark = pytest.mark.fast

NULLABLE_TEXT = {"anyOf": [{"type": "string"}, {"type": "null"}]}


def _check(reader: dict[str, Any], writer: dict[str, Any]) -> list[str]:
    return incompatibilities(reader, [reader], writer, [writer])


def _object(**properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": sorted(properties)}


def test_a_reader_accepting_more_than_is_sent_is_compatible() -> None:
    assert _check({"type": "number"}, {"type": "integer"}) == []
    assert _check(NULLABLE_TEXT, {"type": "string"}) == []
    assert _check({"type": "string"}, {"type": "string", "enum": ["a"]}) == []
    assert _check({}, {"type": "boolean"}) == []


def test_null_sent_to_a_reader_that_refuses_it_is_found() -> None:
    assert _check({"type": "string"}, NULLABLE_TEXT) == [
        "the value: sent as null, read as ['string']"
    ]


def test_nested_objects_and_array_items_are_compared() -> None:
    reader = _object(items={"type": "array", "items": _object(id={"type": "integer"})})
    writer = _object(items={"type": "array", "items": _object(id={"type": "string"})})
    assert _check(reader, writer) == ["items[].id: sent as string, read as ['integer']"]


def test_references_are_followed_on_both_sides() -> None:
    reader = {
        "type": "object",
        "properties": {"role": {"$ref": "#/$defs/Role"}},
        "required": ["role"],
        "$defs": {"Role": {"enum": ["admin", "member"], "type": "string"}},
    }
    writer = {
        "type": "object",
        "properties": {"role": {"$ref": "#/components/schemas/Role"}},
        "components": {"schemas": {"Role": {"enum": ["admin", "owner"], "type": "string"}}},
    }
    assert _check(reader, writer) == ["role: may be ['owner'], not read"]


def test_a_required_field_not_sent_is_found_and_an_optional_one_is_not() -> None:
    reader = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "required": ["a"],
    }
    assert _check(reader, {"type": "object", "properties": {}}) == ["a: required but not sent"]
