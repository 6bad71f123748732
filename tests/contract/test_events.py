"""Producers and consumers agree on every event; the AsyncAPI document is current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from polyfactory.factories.pydantic_factory import ModelFactory

from scripts.contracts.catalogue import (
    EventModel,
    asyncapi_document,
    consumed_events,
    published_events,
)
from worksync.common.events.envelope import IntegrationEvent

ASYNCAPI_PATH = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.json"
SAMPLES_PER_EVENT = 25

# Consumers that read events of a service not built yet. Each entry names the issue that
# builds the producer; the test below fails once the producer exists, so entries cannot
# outlive their reason.
AWAITED_PRODUCERS: set[str] = set()


def _samples(model: type[IntegrationEvent]) -> list[dict[str, object]]:
    factory = ModelFactory.create_factory(model, __allow_none_optionals__=True)
    factory.seed_random(20261121)
    return [factory.build().model_dump(mode="json") for _ in range(SAMPLES_PER_EVENT)]


def _producers() -> dict[tuple[str, str], EventModel]:
    return {(e.event_type, e.version): e for e in published_events()}


# Past participles that do not end in -ed.
IRREGULAR_PAST = frozenset({"withdrawn"})


def test_event_types_are_unique_and_well_named() -> None:
    seen: set[tuple[str, str]] = set()
    for event in published_events():
        key = (event.event_type, event.version)
        assert key not in seen, f"{key} is published twice"
        seen.add(key)
        context, aggregate, verb = event.event_type.split(".")
        assert context == event.service.replace("_", ""), (
            f"{event.event_type} names another context"
        )
        assert aggregate, event.event_type
        assert verb.endswith(("ed", "_reached")) or verb in IRREGULAR_PAST, (
            f"{event.event_type}: the verb is in past tense"
        )


@pytest.mark.parametrize("consumer", consumed_events(), ids=lambda e: f"{e.service}:{e.event_type}")
def test_every_consumer_copy_accepts_what_the_producer_sends(consumer: EventModel) -> None:
    producer = _producers().get((consumer.event_type, consumer.version))
    producing_context = consumer.event_type.split(".")[0]
    if producer is None:
        assert producing_context in AWAITED_PRODUCERS, (
            f"{consumer.service} consumes {consumer.event_type} {consumer.version}, "
            "which no service publishes"
        )
        return
    assert producing_context not in AWAITED_PRODUCERS, (
        f"{producing_context} publishes now: remove it from AWAITED_PRODUCERS"
    )
    for sample in _samples(producer.model):
        consumer.model.model_validate(sample)


def test_asyncapi_document_is_current() -> None:
    generated = json.dumps(asyncapi_document(), indent=2, sort_keys=True) + "\n"
    assert ASYNCAPI_PATH.exists(), "run `make contracts` to write docs/asyncapi.json"
    assert ASYNCAPI_PATH.read_text() == generated, (
        "run `make contracts` to refresh docs/asyncapi.json"
    )
