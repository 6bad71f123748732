"""Consumer contracts (tests/contract/consumers/*.json): what a service expects of another
service's HTTP API. Each interaction names the pydantic model the consumer reads the answer
with; its `response` is that model's JSON Schema, refreshed here so that the contract says
exactly what the consumer's code reads."""

from __future__ import annotations

import copy
import importlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from scripts.system import ROOT

CONSUMERS_DIR = ROOT / "tests" / "contract" / "consumers"


def contract_paths() -> list[Path]:
    return sorted(CONSUMERS_DIR.glob("*.json"))


def reader_model(dotted: str) -> type[BaseModel]:
    module_name, name = dotted.split(":")
    model = getattr(importlib.import_module(module_name), name)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"{dotted} is not a pydantic model")
    return model


def refreshed(contract: dict[str, Any]) -> dict[str, Any]:
    """The contract with each interaction's `response` taken from the model it `reads`."""
    fresh = copy.deepcopy(contract)
    for interaction in fresh["interactions"].values():
        interaction["response"] = reader_model(interaction["reads"]).model_json_schema()
    return fresh


def render(contract: dict[str, Any]) -> str:
    return json.dumps(contract, indent=2) + "\n"
