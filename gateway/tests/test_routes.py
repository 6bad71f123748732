"""The route table: the most specific route wins; nothing under /internal or /metrics."""

from __future__ import annotations

import pytest

from worksync.gateway.routes import ROUTE_TABLE, Route, RouteMatcher

pytestmark = pytest.mark.fast

MATCHER = RouteMatcher(ROUTE_TABLE)
WS = "/api/v1/workspaces/acme"
PROJECT = WS + "/projects/0190a8f0"


@pytest.mark.parametrize(
    ("path", "upstream"),
    [
        ("/api/v1/auth/login", "identity"),
        ("/api/v1/auth/me", "identity"),
        ("/api/v1/auth/api-tokens/42", "identity"),
        ("/api/v1/users", "identity"),
        ("/api/v1/users/42", "identity"),
        ("/.well-known/jwks.json", "identity"),
        ("/api/v1/workspaces", "workspace"),
        (WS, "workspace"),
        (WS + "/members/me", "workspace"),
        (PROJECT, "workspace"),
        (PROJECT + "/members", "workspace"),
        ("/api/v1/invitations/abc/accept", "workspace"),
        (PROJECT + "/issues", "work-items"),
        (PROJECT + "/issues/7/comments", "work-items"),
        (PROJECT + "/labels/3", "work-items"),
        (PROJECT + "/states", "work-items"),
        (PROJECT + "/boards/1/columns", "work-items"),
        (WS + "/templates/9/apply", "work-items"),
        (PROJECT + "/issues/7/worklogs", "timetracking"),
        (PROJECT + "/issues/7/worklogs/3", "timetracking"),
        (PROJECT + "/worklogs/summary", "timetracking"),
        (WS + "/time-entries", "timetracking"),
        (WS + "/timer/start", "timetracking"),
        (WS + "/time-tracking/week", "timetracking"),
        (WS + "/timesheets/2026-W49/submit", "timetracking"),
        (WS + "/modification-requests/5/approve", "timetracking"),
        (PROJECT + "/budget", "timetracking"),
        (WS + "/team-members/5", "resources"),
        (WS + "/allocations/bulk", "resources"),
        (WS + "/conflicts/1/resolve", "resources"),
        (WS + "/utilization", "resources"),
        (WS + "/capacity-forecast", "resources"),
        (WS + "/optimize-allocations", "resources"),
        (PROJECT + "/milestones/from-template", "resources"),
        (PROJECT + "/critical-path", "resources"),
        (PROJECT + "/milestone-report", "resources"),
        (WS + "/milestone-templates", "resources"),
    ],
)
def test_most_specific_route_wins(path: str, upstream: str) -> None:
    route = MATCHER.match(path)
    assert route is not None, path
    assert route.upstream == upstream, path


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/internal/api-tokens/exchange",
        "/internal",
        "/api/v1",
        "/api/v1/usersx",
        "/api/v1/auth/../../internal/x",
        "/api/v1/auth/./me",
        "/api/v1/auth//me",
        "/api/v1/users/",
        "/.well-known/jwks.json/more",
        "/api/v2/users",
    ],
)
def test_unrouted_paths(path: str) -> None:
    assert MATCHER.match(path) is None


def test_exact_route_does_not_cover_sub_paths() -> None:
    route = MATCHER.match(PROJECT + "/critical-path/extra")
    assert route is not None
    assert route.upstream == "workspace"  # only the workspace prefix is left


@pytest.mark.parametrize(
    ("method", "path", "public"),
    [
        ("POST", "/api/v1/auth/register", True),
        ("POST", "/api/v1/auth/login", True),
        ("POST", "/api/v1/auth/refresh", True),
        ("POST", "/api/v1/auth/forgot-password", True),
        ("POST", "/api/v1/auth/reset-password", True),
        ("POST", "/api/v1/auth/verify-email", True),
        ("GET", "/api/v1/invitations/tok", True),
        ("GET", "/.well-known/jwks.json", True),
        ("GET", "/api/v1/auth/login", False),
        ("POST", "/api/v1/auth/logout", True),
        ("GET", "/api/v1/auth/sessions", False),
        ("GET", "/api/v1/auth/me", False),
        ("POST", "/api/v1/invitations/tok/accept", False),
        ("GET", "/api/v1/workspaces", False),
    ],
)
def test_public_routes(method: str, path: str, public: bool) -> None:
    route = MATCHER.match(path)
    assert route is not None
    assert (method in route.public_methods) is public


def test_internal_routes_are_refused() -> None:
    with pytest.raises(ValueError, match="internal"):
        RouteMatcher((Route("/internal/x", "identity"),))


def test_metrics_routes_are_refused() -> None:
    with pytest.raises(ValueError, match="metrics"):
        RouteMatcher((Route("/metrics", "identity", exact=True),))
    assert MATCHER.match("/metrics") is None


def test_duplicate_routes_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        RouteMatcher((Route("/a", "identity"), Route("/a", "workspace")))
