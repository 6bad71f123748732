"""`make up` (scripts.run_system): only the gateway listens beyond loopback."""

from __future__ import annotations

import importlib
import inspect

import pytest

from scripts.run_system import system_environment
from scripts.system import GATEWAY, SERVICES
from worksync.common.config import CommonSettings


def _settings_class(module: str) -> type[CommonSettings]:
    config = importlib.import_module(f"{module}.config")
    classes = [
        value
        for value in vars(config).values()
        if inspect.isclass(value)
        and issubclass(value, CommonSettings)
        and value.__module__ == config.__name__
    ]
    assert len(classes) == 1, classes
    return classes[0]


def _host(module: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return _settings_class(module)().host


def test_services_listen_on_loopback_and_the_gateway_beyond(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WORKSYNC_HOST", raising=False)
    for prefix in (GATEWAY.env_prefix, *(s.env_prefix for s in SERVICES)):
        monkeypatch.delenv(f"{prefix}_HOST", raising=False)
    # Even when the shared setting says every interface.
    monkeypatch.setenv("WORKSYNC_HOST", "0.0.0.0")
    env = system_environment()
    for service in SERVICES:
        assert _host(service.module, env, monkeypatch) == "127.0.0.1", service.name
    assert _host(GATEWAY.module, env, monkeypatch) == "0.0.0.0"


def test_listening_addresses_can_be_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_HOST", "127.0.0.1")
    monkeypatch.setenv("IDENTITY_HOST", "10.0.0.5")
    env = system_environment()
    assert env["GATEWAY_HOST"] == "127.0.0.1"
    assert env["IDENTITY_HOST"] == "10.0.0.5"
