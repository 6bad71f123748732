"""Finding the changes between two event catalogues (docs/asyncapi.json) that would break a
consumer: an event no longer published, a field removed, a field's type changed, a new
required field. Such a change is a new version of the event (ARCHITECTURE.md §5)."""

from __future__ import annotations

from typing import Any

from scripts.contracts.schema_compat import Schema, incompatibilities, resolve


def message_data(document: dict[str, Any], message: str) -> Schema:
    """The schema of the `data` of one message of the catalogue."""
    payload = resolve(document["components"]["messages"][message]["payload"], [document])
    data: Schema = payload["properties"]["data"]
    return data


def data_roots(document: dict[str, Any], data: Schema) -> list[Schema]:
    """Where references in a message's `data` are looked up: the document, then the schema
    itself (older catalogues kept pydantic's `$defs` inside it)."""
    return [document, data]


def breaking_event_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    new_messages = new.get("components", {}).get("messages", {})
    for message, old_message in sorted(old.get("components", {}).get("messages", {}).items()):
        where = f"{old_message.get('name', message)} ({message})"
        if message not in new_messages:
            problems.append(f"{where}: no longer published")
            continue
        old_data, new_data = message_data(old, message), message_data(new, message)
        old_fields = old_data.get("properties", {})
        new_fields = new_data.get("properties", {})
        for field in sorted(set(old_fields) - set(new_fields)):
            problems.append(f"{where}: field '{field}' removed")
        added = set(new_data.get("required", [])) - set(old_data.get("required", []))
        for field in sorted(added):
            problems.append(f"{where}: new required field '{field}'")
        # A consumer written against the old schema reads what the new one sends.
        for change in incompatibilities(
            old_data, data_roots(old, old_data), new_data, data_roots(new, new_data)
        ):
            if "required but not sent" not in change:
                problems.append(f"{where}: {change}")
    return problems
