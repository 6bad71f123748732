"""The event catalogue's breaking-change detector, and `make contracts` refusing such a change
like a breaking OpenAPI change."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from scripts.contracts.asyncapi_diff import breaking_event_changes
from scripts.update_contracts import refresh_asyncapi

pytestmark = pytest.mark.fast

WHERE = "things.thing.created (things_thing_created_v1)"


def _catalogue(data: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "asyncapi": "3.0.0",
        "components": {
            "messages": {
                "things_thing_created_v1": {
                    "name": "things.thing.created",
                    "payload": {
                        "type": "object",
                        "properties": {"type": {"type": "string"}, "data": data},
                    },
                }
            },
            "schemas": schemas or {},
        },
    }


BASE_DATA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "thing_id": {"type": "string", "format": "uuid"},
        "count": {"type": "integer"},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        "colour": {"$ref": "#/components/schemas/Colour"},
    },
    "required": ["thing_id", "count", "colour"],
}
COLOURS = {"Colour": {"type": "string", "enum": ["red", "blue"]}}
BASE = _catalogue(BASE_DATA, COLOURS)


def _changed(
    change: dict[str, Any], *, required: list[str] | None = None, colours: list[str] | None = None
) -> dict[str, Any]:
    data = copy.deepcopy(BASE_DATA)
    for name, schema in change.items():
        if schema is None:
            data["properties"].pop(name)
        else:
            data["properties"][name] = schema
    data["required"] = required if required is not None else BASE_DATA["required"]
    schemas = {"Colour": {"type": "string", "enum": colours or ["red", "blue"]}}
    return _catalogue(data, schemas)


def test_identical_and_additive_changes_are_not_breaking() -> None:
    assert breaking_event_changes(BASE, BASE) == []
    added = _changed({"size": {"type": "number"}}, colours=["red"])
    assert breaking_event_changes(BASE, added) == []


def test_older_catalogues_with_definitions_inside_the_data_are_read() -> None:
    inline = copy.deepcopy(BASE_DATA)
    inline["properties"]["colour"] = {"$ref": "#/$defs/Colour"}
    inline["$defs"] = COLOURS
    assert breaking_event_changes(_catalogue(inline), BASE) == []


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (_changed({"note": None}), [f"{WHERE}: field 'note' removed"]),
        (
            _changed({"count": None}, required=["thing_id", "colour"]),
            [f"{WHERE}: field 'count' removed"],
        ),
        (
            _changed({"count": {"type": "string"}}),
            [f"{WHERE}: count: sent as string, read as ['integer']"],
        ),
        (
            _changed({"thing_id": {"type": "string"}}),
            [f"{WHERE}: thing_id: sent as format None, read as ['uuid']"],
        ),
        (
            _changed(
                {"size": {"type": "number"}}, required=["thing_id", "count", "colour", "size"]
            ),
            [f"{WHERE}: new required field 'size'"],
        ),
        (
            _changed({}, colours=["red", "blue", "green"]),
            [f"{WHERE}: colour: may be ['green'], not read"],
        ),
        (
            _changed(
                {"note": {"type": "string"}}, required=["thing_id", "count", "colour", "note"]
            ),
            [f"{WHERE}: new required field 'note'"],
        ),
        (
            {"asyncapi": "3.0.0", "components": {"messages": {}}},
            [f"{WHERE}: no longer published"],
        ),
    ],
    ids=[
        "optional-removed",
        "required-removed",
        "type-changed",
        "format-changed",
        "new-required",
        "enum-widened",
        "optional-made-required",
        "event-dropped",
    ],
)
def test_breaking_changes_are_found(new: dict[str, Any], expected: list[str]) -> None:
    assert breaking_event_changes(BASE, new) == expected


def test_a_breaking_catalogue_is_refused_unless_allowed(tmp_path: Path) -> None:
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(BASE))
    broken = _changed({"count": None}, required=["thing_id", "colour"])

    assert refresh_asyncapi(path, broken, allow_breaking=False) == [
        f"{WHERE}: field 'count' removed"
    ]
    assert json.loads(path.read_text()) == BASE

    assert refresh_asyncapi(path, broken, allow_breaking=True) == []
    assert json.loads(path.read_text()) == broken


def test_a_compatible_catalogue_is_written(tmp_path: Path) -> None:
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(BASE))
    added = _changed({"size": {"type": "number"}})
    assert refresh_asyncapi(path, added, allow_breaking=False) == []
    assert json.loads(path.read_text()) == added
