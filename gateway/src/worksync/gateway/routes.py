"""The route table (data) and the matcher that picks the most specific route for a path.

A pattern is a path of literal segments and `{placeholders}` (one non-empty segment each).
A prefix route matches its pattern and anything below it (`/api/v1/users` matches
`/api/v1/users` and `/api/v1/users/42`, not `/api/v1/usersx`); an exact route matches only
its own pattern. When several routes match, the one with the most segments wins, then the
one with more literal segments, then an exact route over a prefix route.
"""

from __future__ import annotations

from dataclasses import dataclass, field

IDENTITY = "identity"
WORKSPACE = "workspace"
WORK_ITEMS = "work-items"
TIMETRACKING = "timetracking"
RESOURCES = "resources"

# A service's internal calls and its Prometheus metrics are never reachable from outside.
UNROUTABLE = frozenset({"internal", "metrics"})

_POST = frozenset({"POST"})
_READ = frozenset({"GET", "HEAD"})


@dataclass(frozen=True, slots=True)
class Route:
    pattern: str
    upstream: str
    # Methods that need no token on this route; every other method needs one.
    public_methods: frozenset[str] = frozenset()
    # The public methods are all the path has: any other answers 405 with `Allow` here, as
    # the service would, rather than 401 for a token that would not help.
    public_only: bool = False
    exact: bool = False
    # Rate limited per client IP with the (strict) auth limit, token or not: login,
    # registration and anything guessable by brute force.
    limit_per_ip: bool = False

    segments: tuple[str, ...] = field(init=False)
    # (segments, literal segments, exact): the larger wins among matching routes.
    specificity: tuple[int, int, bool] = field(init=False)

    def __post_init__(self) -> None:
        segments = tuple(self.pattern.strip("/").split("/"))
        literals = sum(1 for segment in segments if not segment.startswith("{"))
        object.__setattr__(self, "segments", segments)
        object.__setattr__(self, "specificity", (len(segments), literals, self.exact))


_WS = "/api/v1/workspaces/{ws}"
_PROJECT = _WS + "/projects/{pid}"
# Logout is public too: it revokes by the refresh token in its body, so a client whose
# access token already expired can still sign out (identity declares it so).
_PUBLIC_AUTH = (
    "register",
    "login",
    "refresh",
    "logout",
    "forgot-password",
    "reset-password",
    "verify-email",
)

ROUTE_TABLE: tuple[Route, ...] = (
    # identity
    Route("/api/v1/auth", IDENTITY),
    *(
        Route(
            f"/api/v1/auth/{name}",
            IDENTITY,
            _POST,
            public_only=True,
            exact=True,
            limit_per_ip=True,
        )
        for name in _PUBLIC_AUTH
    ),
    Route("/api/v1/users", IDENTITY),
    Route("/.well-known/jwks.json", IDENTITY, _READ, public_only=True, exact=True),
    # workspace
    Route("/api/v1/workspaces", WORKSPACE),
    Route("/api/v1/invitations", WORKSPACE),
    Route(
        "/api/v1/invitations/{token}",
        WORKSPACE,
        _READ,
        public_only=True,
        exact=True,
        limit_per_ip=True,
    ),
    # work-items
    Route(_PROJECT + "/issues", WORK_ITEMS),
    Route(_PROJECT + "/labels", WORK_ITEMS),
    Route(_PROJECT + "/states", WORK_ITEMS),
    Route(_PROJECT + "/boards", WORK_ITEMS),
    Route(_PROJECT + "/activity", WORK_ITEMS),
    Route(_PROJECT + "/issue-settings", WORK_ITEMS),
    Route(_WS + "/templates", WORK_ITEMS),
    # timetracking
    Route(_PROJECT + "/worklogs", TIMETRACKING),
    Route(_PROJECT + "/issues/{iid}/worklogs", TIMETRACKING),
    Route(_WS + "/time-entries", TIMETRACKING),
    Route(_WS + "/timer", TIMETRACKING),
    Route(_WS + "/time-tracking", TIMETRACKING),
    Route(_WS + "/timesheets", TIMETRACKING),
    Route(_WS + "/modification-requests", TIMETRACKING),
    Route(_PROJECT + "/budget", TIMETRACKING, exact=True),
    # resources
    Route(_WS + "/team-members", RESOURCES),
    Route(_WS + "/allocations", RESOURCES),
    Route(_WS + "/conflicts", RESOURCES),
    Route(_WS + "/utilization", RESOURCES),
    Route(_WS + "/capacity-forecast", RESOURCES),
    Route(_WS + "/optimize-allocations", RESOURCES),
    Route(_PROJECT + "/milestones", RESOURCES),
    Route(_PROJECT + "/critical-path", RESOURCES, exact=True),
    Route(_PROJECT + "/milestone-report", RESOURCES, exact=True),
    Route(_WS + "/milestone-templates", RESOURCES),
)


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    placeholder: _Node | None = None
    prefix_route: Route | None = None
    exact_route: Route | None = None


class RouteMatcher:
    """A segment trie over the route table: matching costs a few dict look-ups per segment,
    independent of the number of routes."""

    def __init__(self, routes: tuple[Route, ...]) -> None:
        self._root = _Node()
        for route in routes:
            if route.segments[0] in UNROUTABLE:
                raise ValueError(f"nothing under /{route.segments[0]} may be routed")
            node = self._root
            for segment in route.segments:
                if segment.startswith("{"):
                    if node.placeholder is None:
                        node.placeholder = _Node()
                    node = node.placeholder
                else:
                    node = node.literals.setdefault(segment, _Node())
            slot = "exact_route" if route.exact else "prefix_route"
            if getattr(node, slot) is not None:
                raise ValueError(f"duplicate route {route.pattern}")
            setattr(node, slot, route)

    def match(self, path: str) -> Route | None:
        """The most specific route for a decoded path; None when nothing (or a path with
        empty, `.` or `..` segments) matches."""
        segments = path[1:].split("/")
        for segment in segments:
            if not segment or segment == "." or segment == "..":
                return None
        return self._walk(self._root, segments, 0)

    def _walk(self, node: _Node, segments: list[str], depth: int) -> Route | None:
        if depth == len(segments):
            return node.exact_route or node.prefix_route
        candidates: list[Route] = []
        child = node.literals.get(segments[depth])
        if child is not None and (found := self._walk(child, segments, depth + 1)):
            candidates.append(found)
        if node.placeholder is not None and (
            found := self._walk(node.placeholder, segments, depth + 1)
        ):
            candidates.append(found)
        if node.prefix_route is not None:
            candidates.append(node.prefix_route)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        return max(candidates, key=_specificity)


def _specificity(route: Route) -> tuple[int, int, bool]:
    return route.specificity
