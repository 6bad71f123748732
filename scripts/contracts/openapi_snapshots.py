"""OpenAPI documents of the services, as they are now and as the snapshot recorded them."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from scripts.system import ROOT, SERVICES

SNAPSHOT_DIR = ROOT / "tests" / "contract" / "openapi"


def current_spec(service_name: str) -> dict[str, Any]:
    service = next(s for s in SERVICES if s.name == service_name)
    module_name, factory_name = service.app_factory.split(":")
    app = getattr(importlib.import_module(module_name), factory_name)()
    spec: dict[str, Any] = json.loads(json.dumps(app.openapi()))
    return spec


def snapshot_path(service_name: str) -> Path:
    return SNAPSHOT_DIR / f"{service_name}.json"


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=2, sort_keys=True) + "\n"
