"""Conformance suite fixtures: the deployment under test and the people and data it uses.

    pytest tests/conformance --base-url https://worksync.example.com -p no:worksync

The base URL comes from `--base-url` or `WORKSYNC_CONFORMANCE_URL`. Checks that run over
operations are parametrised from the deployment's own OpenAPI document, fetched at
collection time; a test module says which operations it checks with `select(operation)`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from .client import Gateway, Person, sign_in
from .openapi import Operation, operations
from .world import Tenant, create_workspace, seed, seed_allocation

URL_VARIABLE = "WORKSYNC_CONFORMANCE_URL"
OPENAPI_PATH = os.environ.get("WORKSYNC_CONFORMANCE_OPENAPI_PATH", "/openapi.json")
# How long the gateway's document must stay the same before the checks are drawn from it.
SETTLE_SECONDS = float(os.environ.get("WORKSYNC_CONFORMANCE_SETTLE_SECONDS", "6"))
# Events carry a change from one service to another; the suite waits this long for them.
EVENT_SECONDS = float(os.environ.get("WORKSYNC_CONFORMANCE_EVENT_SECONDS", "30"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--base-url",
        dest="conformance_base_url",
        default=None,
        help=f"the WorkSync gateway to check (default: ${URL_VARIABLE})",
    )


def base_url(config: pytest.Config) -> str:
    url = config.getoption("conformance_base_url") or os.environ.get(URL_VARIABLE)
    if not url:
        raise pytest.UsageError(f"say which deployment to check: --base-url or {URL_VARIABLE}")
    return str(url).rstrip("/")


def _document(config: pytest.Config) -> dict[str, Any]:
    """The deployment's merged OpenAPI document, fetched once per run."""
    cached: dict[str, Any] | None = getattr(config, "_conformance_document", None)
    if cached is None:
        cached = _settled_document(base_url(config) + OPENAPI_PATH)
        config._conformance_document = cached  # type: ignore[attr-defined]
    return cached


def _settled_document(url: str) -> dict[str, Any]:
    """The document once it stopped changing for `SETTLE_SECONDS`: a gateway that has just
    started merges without the services that were slow to answer, and asks them again a
    few seconds later."""
    deadline = time.monotonic() + SETTLE_SECONDS * 10
    last: dict[str, Any] | None = None
    stable_since = time.monotonic()
    while True:
        response = httpx.get(url, timeout=30)
        if response.status_code != 200:
            raise pytest.UsageError(f"{url}: HTTP {response.status_code}")
        document: dict[str, Any] = response.json()
        if last is None or set(document.get("paths", {})) != set(last.get("paths", {})):
            last, stable_since = document, time.monotonic()
        if time.monotonic() - stable_since >= SETTLE_SECONDS or time.monotonic() > deadline:
            return last
        time.sleep(1)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "operation" not in metafunc.fixturenames:
        return
    select: Callable[[Operation], bool] = metafunc.module.select
    chosen = [op for op in operations(_document(metafunc.config)) if select(op)]
    metafunc.parametrize("operation", chosen, ids=[str(op) for op in chosen])


@pytest.fixture(scope="session")
def document(pytestconfig: pytest.Config) -> dict[str, Any]:
    return _document(pytestconfig)


@pytest.fixture(scope="session")
def gateway(pytestconfig: pytest.Config) -> Iterator[Gateway]:
    client = Gateway(base_url(pytestconfig))
    yield client
    client.close()


@pytest.fixture(scope="session")
def alice(gateway: Gateway) -> Person:
    """The first person: owns the workspace whose data everything is checked against."""
    return sign_in(gateway, "a")


@pytest.fixture(scope="session")
def bob(gateway: Gateway) -> Person:
    """The second person: another workspace, no membership in Alice's."""
    return sign_in(gateway, "b")


@pytest.fixture(scope="session")
def tenants(
    gateway: Gateway, alice: Person, bob: Person, document: dict[str, Any]
) -> Iterator[tuple[Tenant, Tenant]]:
    """Alice's and Bob's workspaces, deleted at the end (with everything in them)."""
    made: list[Tenant] = []
    try:
        made.append(create_workspace(gateway, alice, document))
        made.append(create_workspace(gateway, bob, document))
        yield made[0], made[1]
    finally:
        for tenant in made:
            gone = gateway.request(
                "DELETE", f"/api/v1/workspaces/{tenant.slug}", token=tenant.owner.token
            )
            assert gone.status_code in (204, 404), f"delete {tenant.slug}: {gone.text}"


@pytest.fixture(scope="session")
def mine(tenants: tuple[Tenant, Tenant]) -> Tenant:
    return tenants[0]


@pytest.fixture(scope="session")
def theirs(tenants: tuple[Tenant, Tenant]) -> Tenant:
    return tenants[1]


@pytest.fixture(scope="session")
def seeded(mine: Tenant, gateway: Gateway) -> dict[str, Any]:
    """Alice's workspace with data in it, once the events it causes have settled."""
    made = seed(mine)
    issue = mine.fill("/api/v1/workspaces/{ws}/projects/{pid}/issues/{iid}")
    eventually(
        lambda: (
            gateway.request("GET", issue, token=mine.owner.token).json().get("logged_minutes") == 30
        )
    )
    profiles = mine.fill("/api/v1/workspaces/{ws}/team-members")
    eventually(
        lambda: any(
            profile.get("user_id") == mine.owner.id
            for profile in gateway.request("GET", profiles, token=mine.owner.token).json()["items"]
        )
    )
    seed_allocation(mine)
    return made


def eventually(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + EVENT_SECONDS
    while not check():
        assert time.monotonic() < deadline, f"not seen within {EVENT_SECONDS:.0f} s"
        time.sleep(0.3)
