"""Finding the changes between two OpenAPI documents that would break an existing client."""

from __future__ import annotations

from typing import Any

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 20:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec.get("components", {}).get("schemas", {}).get(name, {})
        seen += 1
    return schema


def _json_body(spec: dict[str, Any], holder: dict[str, Any]) -> dict[str, Any]:
    content = holder.get("content", {})
    media: dict[str, Any] = content.get("application/json") or next(iter(content.values()), {})
    return _resolve(spec, media.get("schema", {}))


def _required_params(operation: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["in"], p["name"]) for p in operation.get("parameters", []) if p.get("required")}


def _success_responses(operation: dict[str, Any]) -> dict[str, Any]:
    return {code: r for code, r in operation.get("responses", {}).items() if code.startswith("2")}


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Removed operations, new required inputs, removed or retyped response fields."""
    problems: list[str] = []
    for path, old_item in old.get("paths", {}).items():
        new_item = new.get("paths", {}).get(path)
        for method in METHODS:
            if method not in old_item:
                continue
            where = f"{method.upper()} {path}"
            if new_item is None or method not in new_item:
                problems.append(f"{where}: removed")
                continue
            old_op, new_op = old_item[method], new_item[method]
            for location, name in sorted(_required_params(new_op) - _required_params(old_op)):
                problems.append(f"{where}: new required {location} parameter '{name}'")
            if "requestBody" in new_op:
                old_body = _json_body(old, old_op.get("requestBody", {}))
                new_body = _json_body(new, new_op["requestBody"])
                added = set(new_body.get("required", [])) - set(old_body.get("required", []))
                for field in sorted(added):
                    problems.append(f"{where}: new required body field '{field}'")
            for code, old_response in _success_responses(old_op).items():
                new_response = new_op.get("responses", {}).get(code)
                if new_response is None:
                    problems.append(f"{where}: response {code} removed")
                    continue
                old_props = _json_body(old, old_response).get("properties", {})
                new_props = _json_body(new, new_response).get("properties", {})
                for field, old_schema in old_props.items():
                    if field not in new_props:
                        problems.append(f"{where}: response {code} lost field '{field}'")
                    elif old_schema.get("type") != new_props[field].get("type"):
                        problems.append(f"{where}: response {code} field '{field}' changed type")
    return problems
