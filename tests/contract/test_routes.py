"""The order a service lists its routers in never decides which route answers a request.

FastAPI answers with the first route whose template matches; services list their routers by
how often clients call them (`create_service_app`), which is free only while no template
that comes first could take a path meant for a more specific one. OpenAPI, the problem-code
check and the 405 middleware all let the most specific template win (literal segments
first): the first matching route must be that one.
"""

from __future__ import annotations

import pytest
from fastapi.routing import iter_route_contexts

from scripts.contracts.openapi_snapshots import service_app
from scripts.system import SERVICES
from worksync.common.problem_codes import template_specificity


def _could_match_one_path(first: str, second: str) -> bool:
    """Whether some path matches both templates (a parameter matches any one segment; a
    template spanning segments, `{name:path}`, may match anything)."""
    if ":path}" in first or ":path}" in second:
        return True
    segments = first.split("/"), second.split("/")
    return len(segments[0]) == len(segments[1]) and all(
        a == b or a.startswith("{") or b.startswith("{") for a, b in zip(*segments, strict=True)
    )


def test_overlapping_templates_are_told_apart_by_their_specificity() -> None:
    assert _could_match_one_path("/entries/export", "/entries/{entry_id}")
    assert _could_match_one_path("/entries/{entry_id}", "/entries/{id}")
    assert not _could_match_one_path("/entries/export", "/entries/{entry_id}/breaks")
    assert not _could_match_one_path("/entries/export", "/timer/export")
    assert template_specificity("/entries/export") > template_specificity("/entries/{entry_id}")


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_the_first_route_a_path_matches_is_its_most_specific(service: str) -> None:
    app = service_app(service)
    routes = [
        (route.path, route.methods)
        for route in iter_route_contexts(app.router.routes)
        if route.path is not None and route.methods
    ]
    shadowed = [
        f"{' '.join(sorted(methods & later_methods))} {later} comes after {earlier}"
        for position, (earlier, methods) in enumerate(routes)
        for later, later_methods in routes[position + 1 :]
        if methods & later_methods
        and _could_match_one_path(earlier, later)
        and template_specificity(earlier) <= template_specificity(later)
    ]
    assert not shadowed, shadowed
