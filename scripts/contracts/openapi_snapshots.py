"""OpenAPI documents of the services, as they are now and as the snapshot recorded them."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from scripts.system import ROOT, SERVICES

SNAPSHOT_DIR = ROOT / "tests" / "contract" / "openapi"


def service_app(service_name: str) -> FastAPI:
    """The service's app as its factory builds it with default settings (nothing started)."""
    service = next(s for s in SERVICES if s.name == service_name)
    module_name, factory_name = service.app_factory.split(":")
    app: FastAPI = getattr(importlib.import_module(module_name), factory_name)()
    return app


def current_spec(service_name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(json.dumps(service_app(service_name).openapi()))
    return spec


def snapshot_path(service_name: str) -> Path:
    return SNAPSHOT_DIR / f"{service_name}.json"


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=2, sort_keys=True) + "\n"
