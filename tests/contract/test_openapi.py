"""Each service's OpenAPI document matches its reviewed snapshot and breaks no client."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from scripts.contracts.openapi_diff import breaking_changes
from scripts.contracts.openapi_snapshots import current_spec, render, snapshot_path
from scripts.system import SERVICES


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_openapi_matches_the_snapshot_without_breaking_changes(service: str) -> None:
    path = snapshot_path(service)
    assert path.exists(), f"no snapshot for {service}: run `make contracts`"
    snapshot = json.loads(path.read_text())
    spec = current_spec(service)
    broken = breaking_changes(snapshot, spec)
    assert not broken, f"{service} API breaks clients:\n" + "\n".join(broken)
    assert path.read_text() == render(spec), (
        f"{service}'s API changed compatibly: run `make contracts` and commit the snapshot"
    )


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_every_operation_declares_responses_and_summary(service: str) -> None:
    spec = current_spec(service)
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary") or operation.get("description"), f"{method} {path}"
            codes = set(operation.get("responses", {}))
            assert any(code.startswith("2") for code in codes), f"{method} {path} has no success"
            if path.startswith("/api/"):
                assert codes & {"401", "404", "409", "422"}, f"{method} {path} declares no errors"


# What a generated client names its methods: the endpoint's name, verb first.
OPERATION_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def test_operation_ids_name_the_operation_once_across_the_api() -> None:
    """The gateway's merged document serves every service's `/api/` paths side by side, so an
    id must be unique across services, and tagged for the client's grouping."""
    ids: Counter[str] = Counter()
    for service in SERVICES:
        for path, item in current_spec(service.name)["paths"].items():
            for method, operation in item.items():
                operation_id = operation.get("operationId", "")
                assert OPERATION_ID.match(operation_id), f"{method} {path}: {operation_id!r}"
                assert operation.get("tags"), f"{method} {path} has no tag"
                if path.startswith("/api/"):
                    ids[operation_id] += 1
    assert [name for name, count in ids.items() if count > 1] == []
