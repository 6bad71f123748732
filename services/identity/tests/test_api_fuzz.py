"""Schemathesis against the identity API's own document, every check on (the kit's harness,
`worksync.common.testing.fuzzing`): what the document allows is accepted, what it forbids is
refused, and every answer is one the document declares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.specs.openapi.schemas import OpenApiSchema

from worksync.common.testing.fuzzing import call_and_validate, load_fuzz_schema, stop_fuzzed_apps
from worksync.common.testing.service import ServiceUnderTest
from worksync.identity.testing import Account, Accounts, CapturingMailer

pytestmark = pytest.mark.fuzz

AUTH = "/api/v1/auth"
# Rules no schema can state (see the harness), in the operations' words: a token must be one
# identity mailed and still good, an expiry must lie ahead.
RULES_BEYOND_SCHEMA = {
    ("POST", f"{AUTH}/reset-password"): "`token` from a reset mail, unused and not expired",
    ("POST", f"{AUTH}/verify-email"): "`token` from a verification mail, not expired",
    ("POST", f"{AUTH}/api-tokens"): "`expires_at` lies in the future",
}


@pytest.fixture
async def admin(accounts: Accounts) -> Account:
    """A verified platform administrator, made afresh for each operation: an operation that
    ends its sessions or changes its password leaves the next one a caller that works."""
    return await accounts.create(admin=True, display_name="Ada Admin")


@pytest.fixture
async def seeded_ids(accounts: Accounts, admin: Account) -> dict[str, str]:
    """Another user for the administrator's operations on users (deactivating itself would
    end the run's caller), another session of its own and an API token of its own."""
    other = await accounts.create(display_name="Olga Other")
    second_login = await accounts.login(admin.email)
    assert second_login.status_code == 200, second_login.text
    sessions = await accounts.client.get("/api/v1/auth/sessions", headers=admin.headers)
    assert sessions.status_code == 200, sessions.text
    session_id = next(item["id"] for item in sessions.json()["items"] if not item["current"])
    token = await accounts.client.post(
        "/api/v1/auth/api-tokens", json={"name": "Fuzzed token"}, headers=admin.headers
    )
    assert token.status_code == 201, token.text
    return {"user_id": str(other.id), "session_id": session_id, "token_id": token.json()["id"]}


@pytest.fixture
def fuzz_schema(
    service_under_test: ServiceUnderTest[Any],
    make_settings: Callable[..., Any],
    mailer: CapturingMailer,
    admin: Account,
    seeded_ids: dict[str, str],
) -> Iterator[OpenApiSchema]:
    """The administrator calls with its own token, which the app verifies itself."""
    app = service_under_test.create_app(make_settings())
    schema = load_fuzz_schema(
        app,
        minter=None,
        token=admin.access_token,
        path_parameters=seeded_ids,
        rules_across_fields=RULES_BEYOND_SCHEMA,
    )
    app.state.mailer = mailer
    yield schema
    stop_fuzzed_apps()


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
def test_api_conforms_to_its_document(case: schemathesis.Case[Any]) -> None:
    call_and_validate(case)
