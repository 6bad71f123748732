"""The breaking-change detector itself."""

from __future__ import annotations

from typing import Any

from scripts.contracts.openapi_diff import breaking_changes


def _spec(
    *, required_body: list[str], response_fields: dict[str, str], params: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "paths": {
            "/things": {
                "post": {
                    "parameters": params,
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ThingCreate"}
                            }
                        }
                    },
                    "responses": {
                        "201": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            }
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "ThingCreate": {"type": "object", "required": required_body},
                "Thing": {
                    "type": "object",
                    "properties": {k: {"type": v} for k, v in response_fields.items()},
                },
            }
        },
    }


BASE = _spec(required_body=["name"], response_fields={"id": "string", "n": "integer"}, params=[])


def test_identical_and_additive_changes_are_not_breaking() -> None:
    assert breaking_changes(BASE, BASE) == []
    added = _spec(
        required_body=["name"],
        response_fields={"id": "string", "n": "integer", "extra": "string"},
        params=[{"in": "query", "name": "opt", "required": False}],
    )
    assert breaking_changes(BASE, added) == []


def test_removals_and_new_requirements_are_breaking() -> None:
    changed = _spec(
        required_body=["name", "colour"],
        response_fields={"id": "integer"},
        params=[{"in": "header", "name": "X-Must", "required": True}],
    )
    assert sorted(breaking_changes(BASE, changed)) == sorted(
        [
            "POST /things: new required header parameter 'X-Must'",
            "POST /things: new required body field 'colour'",
            "POST /things: response 201 lost field 'n'",
            "POST /things: response 201 field 'id' changed type",
        ]
    )
    assert breaking_changes(BASE, {"paths": {}}) == ["POST /things: removed"]
