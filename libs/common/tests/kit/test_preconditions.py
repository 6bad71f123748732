"""The If-Match seam: parsing, the ETag a response carries, and what the document says."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI, Response, status

from worksync.common.errors import (
    PreconditionFailed,
    error_responses,
    install_error_handlers,
    problem_media_types,
)
from worksync.common.preconditions import (
    IF_MATCH_PATTERN,
    EntityTags,
    IfMatch,
    MalformedIfMatch,
    check_version,
    entity_tag,
    parse_if_match,
    precondition_documents,
)
from worksync.common.responses import encoded


def test_a_version_is_a_strong_entity_tag() -> None:
    assert entity_tag(7) == '"7"'


@pytest.mark.parametrize(
    ("header", "parsed"),
    [
        ("*", EntityTags(any=True)),
        (" * ", EntityTags(any=True)),
        ('"7"', EntityTags(strong=frozenset({"7"}))),
        ('"7", W/"8" ,"9"', EntityTags(strong=frozenset({"7", "9"}), weak=frozenset({"8"}))),
        ('""', EntityTags(strong=frozenset({""}))),
    ],
)
def test_if_match_parses(header: str, parsed: EntityTags) -> None:
    assert parse_if_match(header) == parsed


@pytest.mark.parametrize("header", ["", "7", '"7', '"7" "8"', '"7",', "W/7", '"a b"', '*, "7"'])
def test_a_malformed_if_match_is_a_bad_request(header: str) -> None:
    with pytest.raises(MalformedIfMatch) as refused:
        parse_if_match(header)
    assert (refused.value.status, refused.value.code) == (400, "malformed_if_match")
    assert re.fullmatch(IF_MATCH_PATTERN, header) is None


@pytest.mark.parametrize("header", ["*", '"7"', '"7", W/"8" ,"9"', '""', 'W/"a-b"'])
def test_what_the_document_allows_is_understood(header: str) -> None:
    assert re.fullmatch(IF_MATCH_PATTERN, header) is not None
    parse_if_match(header)


def test_strong_comparison() -> None:
    assert parse_if_match('"6", "7"').matches(7)
    assert parse_if_match("*").matches(0)
    assert not parse_if_match('"6"').matches(7)
    # RFC 9110 §13.1.1: If-Match compares strongly; a weak tag never matches.
    assert not parse_if_match('W/"7"').matches(7)
    check_version(None, 7)
    check_version(parse_if_match('"7"'), 7)
    with pytest.raises(PreconditionFailed):
        check_version(parse_if_match('"6"'), 7)


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    versions = {"thing": 7}

    @app.get("/things/{name}", response_model=dict[str, int])
    async def read(name: str) -> Response:
        return encoded({"version": versions[name]}, etag=versions[name])

    @app.patch("/things/{name}", response_model=dict[str, int])
    async def change(name: str, if_match: IfMatch) -> Response:
        check_version(if_match, versions[name])
        versions[name] += 1
        return encoded({"version": versions[name]}, etag=versions[name])

    @app.delete(
        "/things/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(404)
    )
    async def remove(name: str, if_match: IfMatch) -> None:
        check_version(if_match, versions[name])

    @app.post("/things/{name}/approve", response_model=dict[str, int])
    async def approve(name: str, if_match: IfMatch) -> Response:
        check_version(if_match, versions[name])
        return encoded({"version": versions[name]}, etag=versions[name])

    @app.get("/others", response_model=list[int])
    async def unconditional() -> list[int]:
        return []

    return app


async def test_the_dependency_through_http() -> None:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        read = await client.get("/things/thing")
        assert read.headers["ETag"] == '"7"'

        changed = await client.patch("/things/thing", headers={"If-Match": read.headers["ETag"]})
        assert (changed.status_code, changed.headers["ETag"]) == (200, '"8"')

        stale = await client.patch("/things/thing", headers={"If-Match": '"7"'})
        assert stale.status_code == 412
        assert stale.headers["content-type"] == "application/problem+json"
        assert stale.json()["code"] == "precondition_failed"

        malformed = await client.delete("/things/thing", headers={"If-Match": "7"})
        assert (malformed.status_code, malformed.json()["code"]) == (400, "malformed_if_match")

        assert (await client.patch("/things/thing")).headers["ETag"] == '"9"'
        assert (await client.delete("/things/thing", headers={"If-Match": "*"})).status_code == 204


def test_the_document_states_the_contract() -> None:
    document = problem_media_types(precondition_documents(_app().openapi()))
    item = document["paths"]["/things/{name}"]
    for method in ("patch", "delete"):
        parameters = {p["name"]: p for p in item[method]["parameters"]}
        assert parameters["If-Match"]["in"] == "header"
        assert not parameters["If-Match"].get("required", False)
        assert parameters["If-Match"]["schema"]["pattern"] == IF_MATCH_PATTERN
        assert "application/problem+json" in item[method]["responses"]["412"]["content"]
        assert "400" in item[method]["responses"]
    for method in ("get", "patch"):
        assert "ETag" in item[method]["responses"]["200"]["headers"]
    # An action on the resource: its answer carries the version too.
    approve = document["paths"]["/things/{name}/approve"]["post"]
    assert "ETag" in approve["responses"]["200"]["headers"]
    assert "412" in approve["responses"]
    assert "headers" not in item["delete"]["responses"]["204"]
    assert "headers" not in document["paths"]["/others"]["get"]["responses"]["200"]
