"""Tracing follows the standard OTEL_* variables; heartbeats age; the monitoring port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, TraceIdRatioBased

from worksync.common.config import CommonSettings
from worksync.common.monitoring import Heartbeat
from worksync.common.telemetry import build_tracer_provider, traces_endpoint

pytestmark = pytest.mark.fast

OTEL_VARIABLES = (
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_TRACES_EXPORTER",
    "OTEL_SDK_DISABLED",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*OTEL_VARIABLES, "WORKSYNC_OTEL_EXPORTER_OTLP_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def provider_of() -> Iterator[list[TracerProvider]]:
    """Providers built by a test, shut down after it (their exporters hold a thread)."""
    providers: list[TracerProvider] = []
    yield providers
    for provider in providers:
        provider.shutdown()


def build(settings: CommonSettings, providers: list[TracerProvider]) -> TracerProvider:
    provider = build_tracer_provider(settings)
    providers.append(provider)
    return provider


def test_nothing_is_exported_without_an_endpoint(provider_of: list[TracerProvider]) -> None:
    settings = CommonSettings(service_name="kit")
    assert traces_endpoint(settings) is None
    provider = build(settings, provider_of)
    assert provider.sampler is ALWAYS_OFF
    assert provider.resource.attributes["service.name"] == "kit"


def test_the_standard_endpoint_gets_the_traces_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")
    assert traces_endpoint(CommonSettings()) == "http://collector:4318/v1/traces"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318/custom")
    assert traces_endpoint(CommonSettings()) == "http://traces:4318/custom"


def test_the_older_project_variable_still_works_and_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://standard:4318")
    monkeypatch.setenv("WORKSYNC_OTEL_EXPORTER_OTLP_ENDPOINT", "http://project:4318")
    assert traces_endpoint(CommonSettings()) == "http://project:4318/v1/traces"


@pytest.mark.parametrize(
    ("variable", "value"), [("OTEL_TRACES_EXPORTER", "none"), ("OTEL_SDK_DISABLED", "true")]
)
def test_export_can_be_switched_off(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    monkeypatch.setenv(variable, value)
    assert traces_endpoint(CommonSettings()) is None


def test_service_name_and_sampler_come_from_the_standard_variables(
    monkeypatch: pytest.MonkeyPatch, provider_of: list[TracerProvider]
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    default = build(CommonSettings(service_name="kit"), provider_of)
    assert isinstance(default.sampler, ParentBased)
    assert default.resource.attributes["service.name"] == "kit"

    monkeypatch.setenv("OTEL_SERVICE_NAME", "kit-renamed")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=staging")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "traceidratio")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0.25")
    provider = build(CommonSettings(service_name="kit"), provider_of)
    assert isinstance(provider.sampler, TraceIdRatioBased)
    assert provider.sampler.rate == 0.25
    assert provider.resource.attributes["service.name"] == "kit-renamed"
    assert provider.resource.attributes["deployment.environment"] == "staging"


def test_the_monitoring_port_defaults_to_the_api_port_plus_1000() -> None:
    assert CommonSettings(port=8004).monitoring_port == 9004
    assert CommonSettings(port=8004, metrics_port=9500).monitoring_port == 9500
    assert CommonSettings(port=0).monitoring_port == 0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_heartbeat_ages_until_it_beats() -> None:
    clock = Clock()
    heartbeat = Heartbeat(clock)
    clock.now += 7
    assert heartbeat.age() == 7
    heartbeat.beat()
    assert heartbeat.age() == 0


def test_busy_work_ages_a_heartbeat_however_often_it_beats() -> None:
    clock = Clock()
    heartbeat = Heartbeat(clock)
    with heartbeat.busy():
        clock.now += 30
        heartbeat.beat()
        assert heartbeat.age() == 30
    assert heartbeat.age() == 0
