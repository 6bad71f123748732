"""The merged OpenAPI document keeps every service's components apart: resolved, each
operation in it is exactly what the service's own document says, plus what the gateway
answers itself (429, 502 to 504, 408 and 413 where there is a body, 503 `identity_unavailable`
where a token is taken)."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.contracts.openapi_snapshots import current_spec
from scripts.system import SERVICES
from worksync.gateway.openapi import HTTP_METHODS, merge_documents, with_gateway_responses
from worksync.gateway.routes import ROUTE_TABLE, RouteMatcher

COMPONENTS = "#/components/"


def _resolve(node: Any, document: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """`node` with every `$ref` to a component replaced by its content; a reference back
    into a component being resolved stays a marker naming nothing service-specific."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENTS):
            if ref in seen:
                return {"$recursive": seen.index(ref)}
            section, _, name = ref.removeprefix(COMPONENTS).partition("/")
            target = document["components"][section][name]
            rest = {key: value for key, value in node.items() if key != "$ref"}
            return {**_resolve(target, document, (*seen, ref)), **_resolve(rest, document, seen)}
        return {key: _resolve(value, document, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(value, document, seen) for value in node]
    return node


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    return {service.name: current_spec(service.name) for service in SERVICES}


def test_every_operation_resolves_to_its_own_services_shapes(
    documents: dict[str, dict[str, Any]],
) -> None:
    matcher = RouteMatcher(ROUTE_TABLE)
    merged = merge_documents(documents, matcher, "WorkSync API", "1.0.0")

    compared = 0
    for service, document in documents.items():
        for path, item in document["paths"].items():
            route = matcher.match(path)
            if route is None or route.upstream != service:
                continue
            for method, operation in item.items():
                if method not in HTTP_METHODS:
                    continue
                mine = _resolve(with_gateway_responses(operation), document)
                theirs = _resolve(merged["paths"][path][method], merged)
                assert theirs == mine, f"{method.upper()} {path} ({service})"
                compared += 1
    assert compared > 100


def test_team_members_keep_their_own_services_shape(
    documents: dict[str, dict[str, Any]],
) -> None:
    """The clash issue #14 found: workspace's `TeamMember` (team membership) and resources'
    (capacity profile, `GET /workspaces/{ws}/team-members`) differ, and so do the pages of
    them, though their text is equal: resources' are renamed, references included."""
    merged = merge_documents(documents, RouteMatcher(ROUTE_TABLE), "WorkSync API", "1.0.0")
    schemas = merged["components"]["schemas"]

    for name in ("TeamMember", "Page_TeamMember_"):
        assert schemas[name] == documents["workspace"]["components"]["schemas"][name]
    assert (
        schemas["ResourcesTeamMember"]
        == documents["resources"]["components"]["schemas"]["TeamMember"]
    )
    listing = merged["paths"]["/api/v1/workspaces/{ws}/team-members"]["get"]
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert page == "#/components/schemas/ResourcesPage_TeamMember_"
    items = schemas["ResourcesPage_TeamMember_"]["properties"]["items"]["items"]["$ref"]
    assert items == "#/components/schemas/ResourcesTeamMember"


def test_every_operation_declares_what_the_gateway_answers_itself(
    documents: dict[str, dict[str, Any]],
) -> None:
    """Rate limits, the body limits, an upstream down, slow or broken and identity's keys out
    of reach answer on any route they apply to, whatever the service declares, and their
    codes are listed."""
    merged = merge_documents(documents, RouteMatcher(ROUTE_TABLE), "WorkSync API", "1.0.0")
    for path, item in merged["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            declared = operation["responses"]
            assert "429" in declared, f"{method.upper()} {path}"
            assert "413" in declared or "requestBody" not in operation, f"{method.upper()} {path}"
            problem = declared["429"]["content"]["application/problem+json"]["schema"]["$ref"]
            assert merged["components"]["schemas"][problem.rsplit("/", 1)[1]]["title"] == "Problem"
            # Beside the service's own codes, where it declares the status too.
            assert "rate_limited" in declared["429"]["x-problem-codes"], f"{method} {path}"
            if "requestBody" in operation:
                assert "payload_too_large" in declared["413"]["x-problem-codes"], path
                assert declared["408"]["x-problem-codes"] == ["request_timeout"], path
            for status, code in (
                ("502", "bad_gateway"),
                ("503", "upstream_unavailable"),
                ("504", "upstream_timeout"),
            ):
                assert code in declared[status]["x-problem-codes"], f"{method} {path}"
            if operation.get("security"):
                assert "identity_unavailable" in declared["503"]["x-problem-codes"], path
