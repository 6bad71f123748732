"""The event catalogue: every event each service publishes and the copies consumers keep.

Found by convention: `worksync.<service>.messaging.published` and `.consumed` modules hold
`IntegrationEvent` subclasses (ARCHITECTURE.md §5).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from types import ModuleType

import worksync
from worksync.common.events.envelope import CloudEvent, IntegrationEvent

SCHEMAS_POINTER = "#/components/schemas/"


@dataclass(frozen=True)
class EventModel:
    service: str
    event_type: str
    version: str
    model: type[IntegrationEvent]


def _service_packages() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(worksync.__path__)
        if info.ispkg and info.name not in {"common", "gateway"}
    )


def _events_in(module: ModuleType, service: str) -> list[EventModel]:
    return [
        EventModel(service, obj.event_type, obj.version, obj)
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, IntegrationEvent)
        and obj is not IntegrationEvent
        and obj.__module__ == module.__name__
        and "event_type" in vars(obj)
    ]


def _load(kind: str) -> list[EventModel]:
    found: list[EventModel] = []
    for service in _service_packages():
        try:
            module = importlib.import_module(f"worksync.{service}.messaging.{kind}")
        except ModuleNotFoundError:
            continue
        found += _events_in(module, service)
    return found


def published_events() -> list[EventModel]:
    return _load("published")


def consumed_events() -> list[EventModel]:
    """Each service's own copies, and the directory's, which every service that keeps the
    workspace projection consumes."""
    from worksync.common.directory import events as directory_events

    return [*_load("consumed"), *_events_in(directory_events, "directory")]


def _data_schema(event: EventModel, schemas: dict[str, object]) -> dict[str, object]:
    """The event's `data` schema, its nested definitions moved to `components/schemas`: a
    `#/$defs/...` reference inside a message would be read from the document's root."""
    schema = event.model.model_json_schema(ref_template=f"{SCHEMAS_POINTER}{{model}}")
    for name, definition in schema.pop("$defs", {}).items():
        if schemas.setdefault(name, definition) != definition:
            raise ValueError(f"{event.event_type}: two different schemas are named {name}")
    return schema


def asyncapi_document() -> dict[str, object]:
    """AsyncAPI 3.0 description of every published event, who sends and who receives it."""
    channels: dict[str, object] = {}
    operations: dict[str, object] = {}
    messages: dict[str, object] = {}
    schemas: dict[str, object] = {}
    consumers: dict[tuple[str, str], list[str]] = {}
    for event in consumed_events():
        consumers.setdefault((event.event_type, event.version), []).append(event.service)
    for event in sorted(published_events(), key=lambda e: (e.event_type, e.version)):
        name = f"{event.event_type}.{event.version}".replace(".", "_")
        envelope = CloudEvent.model_json_schema()
        envelope["properties"]["data"] = _data_schema(event, schemas)
        messages[name] = {
            "name": event.event_type,
            "title": event.model.__name__,
            "summary": (event.model.__doc__ or "").strip().splitlines()[0]
            if event.model.__doc__
            else event.event_type,
            "contentType": "application/cloudevents+json",
            "payload": envelope,
            "x-dataschema": event.version,
            "x-consumers": sorted(consumers.get((event.event_type, event.version), [])),
        }
        channels[name] = {
            "address": event.event_type,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {"name": "worksync.events", "type": "topic", "durable": True},
                }
            },
        }
        operations[f"{event.service}_sends_{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{name}"},
            "x-service": event.service,
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "WorkSync integration events",
            "version": "1.0.0",
            "description": "Generated from the services' messaging/published.py; do not edit.",
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }
