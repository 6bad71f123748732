"""Each service's OpenAPI document matches its reviewed snapshot and breaks no client."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import jsonschema_rs
import pytest

from scripts.contracts.openapi_diff import breaking_changes
from scripts.contracts.openapi_snapshots import current_spec, render, snapshot_path
from scripts.system import SERVICES, Service
from worksync.common.errors import PROBLEM_JSON, PROBLEM_TYPE_BASE
from worksync.common.problem_codes import (
    PROBLEM_CODES,
    is_problem_response,
    load_catalogue,
    operations,
)

from .validation import errors


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


def _schema_examples(spec: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    """A schema's examples: a `$ref`'s component's, and every `anyOf`/`oneOf` branch's (an
    optional body is its model or null)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return _schema_examples(spec, spec["components"]["schemas"][name])
    found = list(schema.get("examples", []))
    for branch in [*schema.get("anyOf", []), *schema.get("oneOf", [])]:
        found += _schema_examples(spec, branch)
    return found


def _body_examples(spec: dict[str, Any], media: dict[str, Any]) -> list[Any]:
    """A body's examples in one media type: its own (`example`, `examples`: a body with no
    model, stated by the route) and its schema's (a model's, from its config)."""
    examples = [media["example"]] if "example" in media else []
    examples += [example["value"] for example in media.get("examples", {}).values()]
    return examples + _schema_examples(spec, media.get("schema", {}))


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_every_request_body_has_examples_its_schema_accepts(service: str) -> None:
    """Swagger UI shows them, client authors copy them and schemathesis sends them first: an
    example the document refuses would teach a request the API refuses. Formats (uuid,
    date, date-time, email) are checked too."""
    spec = current_spec(service)
    missing: list[str] = []
    invalid: list[str] = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                where = f"{method.upper()} {path} ({media_type})"
                examples = _body_examples(spec, media)
                if not examples:
                    missing.append(where)
                validator = jsonschema_rs.Draft202012Validator(
                    {**media["schema"], "components": spec["components"]}, validate_formats=True
                )
                invalid += [
                    f"{where} example {index}: {error}"
                    for index, example in enumerate(examples)
                    for error in errors(validator, example)
                ]
    assert missing == [], "request bodies without an example:\n" + "\n".join(missing)
    assert invalid == [], "examples their schema refuses:\n" + "\n".join(invalid)


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_every_error_lists_the_codes_it_answers(service: str) -> None:
    """A client branches on `code`: every 4xx/5xx of every `/api/` operation lists its codes
    (`x-problem-codes`), each with an example that is a `Problem` of that status and code.
    The kit's test client keeps the lists true; `make problem-codes` records them."""
    spec = current_spec(service)
    validator = jsonschema_rs.Draft202012Validator(
        {"$ref": "#/components/schemas/Problem", "components": spec["components"]}
    )
    unlisted: list[str] = []
    invalid: list[str] = []
    for method, path, operation in operations(spec):
        if not path.startswith("/api/"):
            continue
        for status, response in operation["responses"].items():
            if status[:1] not in {"4", "5"}:
                continue
            where = f"{operation['operationId']} ({method.upper()} {path}) {status}"
            codes = response.get(PROBLEM_CODES, [])
            if not codes:
                unlisted.append(where)
                continue
            examples = response["content"][PROBLEM_JSON].get("examples", {})
            assert sorted(examples) == codes, f"{where}: one example per code"
            for code, example in examples.items():
                body = example["value"]
                invalid += [f"{where} `{code}`: {error}" for error in errors(validator, body)]
                if (body.get("status"), body.get("code")) != (int(status), code):
                    invalid.append(
                        f"{where} `{code}`: answers {body.get('status')} {body.get('code')}"
                    )
                if body.get("type") != PROBLEM_TYPE_BASE + code:
                    invalid.append(f"{where} `{code}`: type {body.get('type')}")
    assert unlisted == [], (
        "errors listing no code (a test answering them, then `make problem-codes`):\n"
        + "\n".join(unlisted)
    )
    assert invalid == [], "examples that are not the Problem they list:\n" + "\n".join(invalid)


@pytest.mark.parametrize("service", SERVICES, ids=[s.name for s in SERVICES])
def test_the_catalogue_names_declared_errors_only(service: Service) -> None:
    """`problem_codes.json` is recorded by `make problem-codes`: an operation renamed, or a
    status no longer declared, leaves codes that no document shows."""
    by_id = {op["operationId"]: op for _, _, op in operations(current_spec(service.name))}
    catalogue = load_catalogue(service.module)
    assert catalogue, f"{service.name} has no problem_codes.json: run `make problem-codes`"
    stale = [
        f"{operation_id} {status}"
        for operation_id, statuses in catalogue.items()
        for status in statuses
        if operation_id not in by_id
        or not is_problem_response(status, by_id[operation_id]["responses"].get(status, {}))
    ]
    assert stale == [], "catalogued codes of no declared error (`make problem-codes`):\n" + (
        "\n".join(stale)
    )
