"""JSON Schema validation for the contract tests, with jsonschema-rs (schemathesis'
validator; fast, typed). A schema inside a document (an OpenAPI response, an AsyncAPI
payload) is validated in place, so its `#/components/...` references resolve."""

from __future__ import annotations

from typing import Any

import jsonschema_rs

Validator = jsonschema_rs.Draft7Validator | jsonschema_rs.Draft202012Validator


def in_document(document: dict[str, Any], pointer: str, *, draft7: bool = False) -> Validator:
    """A validator for the schema at `pointer` (`#/...`) of `document`."""
    schema = {"$ref": pointer, "components": document.get("components", {})}
    if draft7:
        return jsonschema_rs.Draft7Validator(schema)
    return jsonschema_rs.Draft202012Validator(schema)


def standalone(schema: dict[str, Any]) -> Validator:
    return jsonschema_rs.Draft202012Validator(schema)


def errors(validator: Validator, instance: object) -> list[str]:
    path = "/".join
    return [
        f"/{path(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(instance)
    ]
