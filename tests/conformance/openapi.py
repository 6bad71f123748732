"""The deployment's own OpenAPI document (the gateway's merged `/openapi.json`), read as the
list of operations the checks run over, and minimal valid values built from its schemas."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

METHODS = ("get", "put", "post", "patch", "delete")
WORKSPACE_PARAMETER = "ws"
PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


# Request bodies that a schema's minimal example cannot make valid: rules between fields.
# Another deployment's checks add theirs here (or override `request_body`).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/workspaces/{ws}/time-entries/{entry_id}/modification-requests"): {
        "action": "delete",
        "reason": "Asked by the conformance suite",
    },
}


# Operations for platform administrators only: a workspace owner is refused them (403), so
# the checks that need a successful answer pass them by.
PLATFORM_ADMIN = {
    ("get", "/api/v1/users"),
    ("patch", "/api/v1/users/{user_id}"),
    ("delete", "/api/v1/users/{user_id}"),
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any] = field(repr=False)
    document: dict[str, Any] = field(repr=False)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def path_parameters(self) -> list[str]:
        return PATH_PARAMETER.findall(self.path)

    @property
    def needs_token(self) -> bool:
        security = self.spec.get("security", self.document.get("security", []))
        return any(requirement for requirement in security)

    @property
    def for_platform_admins(self) -> bool:
        return (self.method, self.path) in PLATFORM_ADMIN

    @property
    def in_workspace(self) -> bool:
        return self.path.startswith("/api/v1/workspaces/{ws}")

    @property
    def mutates(self) -> bool:
        return self.method != "get"

    def parameter(self, name: str, location: str) -> dict[str, Any] | None:
        for parameter in self.spec.get("parameters", []):
            if parameter.get("name", "").lower() == name.lower() and parameter["in"] == location:
                resolved: dict[str, Any] = resolve(self.document, parameter)
                return resolved
        return None

    def query_parameters(self) -> list[dict[str, Any]]:
        return [
            resolve(self.document, p)
            for p in self.spec.get("parameters", [])
            if resolve(self.document, p)["in"] == "query"
        ]

    @property
    def request_schema(self) -> dict[str, Any] | None:
        body = self.spec.get("requestBody")
        if body is None:
            return None
        content = resolve(self.document, body).get("content", {})
        media = content.get("application/json")
        return None if media is None else resolve(self.document, media.get("schema", {}))

    def request_body(self) -> Any:
        """A body this operation accepts (None when it takes none)."""
        schema = self.request_schema
        if schema is None:
            return None
        return BODIES.get((self.method, self.path)) or example(self.document, schema)

    @property
    def success_statuses(self) -> set[int]:
        return {int(code) for code in self.spec.get("responses", {}) if code.startswith("2")}

    @property
    def is_keyset_list(self) -> bool:
        """A GET answering `{"items": [...], "next_cursor": ...}` that takes `cursor`."""
        if self.method != "get" or self.parameter("cursor", "query") is None:
            return False
        ok = self.spec.get("responses", {}).get("200", {})
        media = resolve(self.document, ok).get("content", {}).get("application/json", {})
        schema = resolve(self.document, media.get("schema", {}))
        return {"items", "next_cursor"} <= set(schema.get("properties", {}))

    def documents(self, status: int) -> bool:
        return str(status) in self.spec.get("responses", {})


def operations(document: dict[str, Any]) -> list[Operation]:
    return [
        Operation(method, path, item[method], document)
        for path, item in sorted(document.get("paths", {}).items())
        for method in METHODS
        if method in item
    ]


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """`node` with its `$ref` (local, to any depth) followed."""
    seen = 0
    while "$ref" in node:
        reference: str = node["$ref"]
        target: Any = document
        for part in reference.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
        seen += 1
        assert seen < 50, f"circular reference {reference}"
    return node


def example(document: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """A small value that the schema accepts: required members only, documented examples and
    defaults first — of values, not of whole bodies (a request body's examples name ids no
    deployment has). Good enough to reach an operation's authorisation and validation."""
    schema = resolve(document, schema)
    for key in ("const", "default"):
        if key in schema and schema[key] is not None:
            return schema[key]
    whole_body = schema.get("type") == "object" or "properties" in schema
    if schema.get("examples") and not whole_body:
        return schema["examples"][0]
    if "example" in schema and not whole_body:
        return schema["example"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [resolve(document, s) for s in schema[key]]
            usable = [s for s in options if s.get("type") != "null"] or options
            return example(document, usable[0], depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(resolve(document, part))
        return example(document, merged, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        if depth > 8:
            return {}
        properties = schema.get("properties", {})
        return {
            name: example(document, properties[name], depth + 1)
            for name in schema.get("required", [])
            if name in properties
        }
    if kind == "array":
        count = int(schema.get("minItems", 0))
        return [example(document, schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind == "integer":
        return int(max(schema.get("minimum", 1), 1))
    if kind == "number":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return _string(schema)


def _string(schema: dict[str, Any]) -> str:
    now = datetime.now(UTC)
    formats: dict[str, Callable[[], str]] = {
        "uuid": lambda: str(uuid.uuid4()),
        "date": lambda: date.today().isoformat(),
        "date-time": lambda: now.isoformat().replace("+00:00", "Z"),
        "email": lambda: f"conformance-{uuid.uuid4().hex[:10]}@example.com",
        "uri": lambda: "https://example.com/conformance",
    }
    make = formats.get(schema.get("format", ""))
    if make is not None:
        return make()
    text = f"conformance{uuid.uuid4().hex[:8]}"
    low, high = int(schema.get("minLength", 1)), int(schema.get("maxLength", len(text)))
    return text.ljust(low, "x")[: max(high, low)]


def parent_path(path: str) -> str:
    """The path one segment up: `/a/{id}/b` -> `/a/{id}`."""
    return path.rsplit("/", 1)[0]
