"""Every public path of every service is reachable through the gateway, with the same
idea of which operations need a token."""

from __future__ import annotations

import re

import pytest

from scripts.contracts.openapi_snapshots import current_spec
from scripts.system import SERVICES
from worksync.gateway.routes import ROUTE_TABLE, RouteMatcher

SERVICE_OWN_PATHS = {"/livez", "/readyz"}
MATCHER = RouteMatcher(ROUTE_TABLE)


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", path)


def _operations(service: str) -> list[tuple[str, str, bool]]:
    spec = current_spec(service)
    return [
        (method.upper(), path, bool(operation.get("security")))
        for path, item in spec["paths"].items()
        if path not in SERVICE_OWN_PATHS
        for method, operation in item.items()
    ]


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_every_public_path_routes_to_its_service(service: str) -> None:
    for method, path, _ in _operations(service):
        route = MATCHER.match(_concrete(path))
        assert route is not None, f"{method} {path} is not routed"
        assert route.upstream == service, f"{method} {path} is routed to {route.upstream}"


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_gateway_and_service_agree_on_which_operations_need_a_token(service: str) -> None:
    for method, path, secured in _operations(service):
        route = MATCHER.match(_concrete(path))
        assert route is not None
        public_at_gateway = method in route.public_methods
        gateway_view = "lets it through without a token" if public_at_gateway else "demands one"
        assert public_at_gateway == (not secured), (
            f"{method} {path}: the service says {'secured' if secured else 'public'}, "
            f"the gateway {gateway_view}"
        )


def test_nothing_internal_is_routed() -> None:
    assert MATCHER.match("/internal/api-tokens/exchange") is None
    with pytest.raises(ValueError, match="internal"):
        RouteMatcher((*ROUTE_TABLE, type(ROUTE_TABLE[0])("/internal/x", "identity")))
