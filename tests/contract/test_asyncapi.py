"""The event catalogue (docs/asyncapi.json) is a valid AsyncAPI document whose references all
resolve; every producer's events fit the catalogued messages and every consumer's copy reads
what the catalogue says is sent."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from polyfactory.factories.pydantic_factory import ModelFactory

from scripts.contracts.asyncapi_diff import data_roots, message_data
from scripts.contracts.catalogue import EventModel, consumed_events, published_events
from scripts.contracts.schema_compat import incompatibilities, resolve
from worksync.common.events.envelope import CloudEvent

from .validation import Validator, errors, in_document

pytestmark = pytest.mark.fast

HERE = Path(__file__).resolve().parent
ASYNCAPI_PATH = HERE.parents[1] / "docs" / "asyncapi.json"
# The official schema of the document's AsyncAPI version (see asyncapi/NOTICE.md).
ASYNCAPI_SCHEMA_PATH = HERE / "asyncapi" / "asyncapi-3.0.0.schema.json"
SAMPLES_PER_EVENT = 10


@cache
def _catalogue() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(ASYNCAPI_PATH.read_text())
    return document


def _message_name(event: EventModel) -> str:
    return f"{event.event_type}.{event.version}".replace(".", "_")


def _references(node: object, where: str = "#") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield where, value
            else:
                yield from _references(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _references(value, f"{where}/{index}")


def test_the_catalogue_is_a_valid_asyncapi_document() -> None:
    document = _catalogue()
    schema = json.loads(ASYNCAPI_SCHEMA_PATH.read_text())
    assert document["asyncapi"] == schema["properties"]["asyncapi"]["const"], (
        "the catalogue's AsyncAPI version changed: vendor its schema (tests/contract/asyncapi)"
    )
    found = errors(jsonschema_rs.Draft7Validator(schema), document)
    assert not found, "\n".join(problem[:300] for problem in found[:20])


def test_every_reference_in_the_catalogue_resolves() -> None:
    """A `$ref` is read from the document's root, wherever it stands."""
    document = _catalogue()
    unresolved = []
    for where, ref in _references(document):
        try:
            resolve({"$ref": ref}, [document])
        except ValueError:
            unresolved.append(f"{where}: {ref}")
    assert not unresolved, "unresolvable references:\n" + "\n".join(unresolved[:20])


def test_every_published_event_is_catalogued_and_every_message_published() -> None:
    published = {_message_name(event) for event in published_events()}
    assert published == set(_catalogue()["components"]["messages"]), (
        "run `make contracts` to refresh docs/asyncapi.json"
    )


class _StoredValuesFactory(ModelFactory[Any]):
    """Values as producers have them: timestamps from `timestamptz` columns carry their
    offset (RFC 3339's `date-time` requires one; a naive one is not sent)."""

    __is_base_factory__ = True

    @classmethod
    def get_provider_map(cls) -> dict[Any, Callable[[], Any]]:
        return {
            **super().get_provider_map(),
            datetime: lambda: cls.__faker__.date_time(tzinfo=UTC),
        }


def _wire_samples(event: EventModel) -> list[dict[str, Any]]:
    """Envelopes as the outbox stores and the relay sends them (EventRecorder.record_all)."""
    factory = _StoredValuesFactory.create_factory(event.model, __allow_none_optionals__=True)
    factory.seed_random(20261206)
    return [
        CloudEvent(
            source=f"worksync/{event.service}",
            type=event.event_type,
            dataschema=event.version,
            subject="0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
            workspaceid="0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c",
            sequence=1,
            data=factory.build().model_dump(mode="json"),
        ).model_dump(mode="json", exclude_none=True)
        for _ in range(SAMPLES_PER_EVENT)
    ]


@cache
def _validator(message: str) -> Validator:
    # AsyncAPI 3.0's Schema Object is a superset of JSON Schema draft 7.
    return in_document(_catalogue(), f"#/components/messages/{message}/payload", draft7=True)


@pytest.mark.parametrize("event", published_events(), ids=lambda e: f"{e.service}:{e.event_type}")
def test_what_a_producer_sends_matches_its_catalogued_message(event: EventModel) -> None:
    message = _message_name(event)
    assert message in _catalogue()["components"]["messages"], (
        f"{event.event_type} {event.version} is not catalogued: run `make contracts`"
    )
    validator = _validator(message)
    for sample in _wire_samples(event):
        found = errors(validator, sample)
        assert not found, f"{event.event_type}: {found}"


@pytest.mark.parametrize("consumer", consumed_events(), ids=lambda e: f"{e.service}:{e.event_type}")
def test_every_consumer_copy_reads_the_catalogued_schema(consumer: EventModel) -> None:
    """Required fields sent, types, enumerations and formats as the copy reads them."""
    message = _message_name(consumer)
    messages = _catalogue()["components"]["messages"]
    if message not in messages:
        pytest.skip(f"{consumer.event_type} {consumer.version} is not published (test_events)")
    sent = message_data(_catalogue(), message)
    read = consumer.model.model_json_schema()
    problems = incompatibilities(read, [read], sent, data_roots(_catalogue(), sent))
    assert not problems, f"{consumer.service} misreads {consumer.event_type}:\n" + "\n".join(
        problems
    )


def test_a_payload_that_breaks_its_message_is_refused() -> None:
    """The check above is not vacuous: a required field left out is caught."""
    event = next(e for e in published_events() if e.model.model_json_schema().get("required"))
    sample = _wire_samples(event)[0]
    del sample["data"][event.model.model_json_schema()["required"][0]]
    assert errors(_validator(_message_name(event)), sample)
