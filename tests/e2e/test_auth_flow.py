"""End to end through the gateway: the auth flow a client performs, on the real processes."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import jwt
import pytest

from scripts.local_system import RunningSystem
from worksync.common.testing.tokens import TokenMinter

from .people import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
PROBLEM = "application/problem+json"
PASSWORD = "correct horse battery staple"


def _problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, object] = response.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code
    return body


def _register(client: httpx.Client) -> str:
    email = f"e2e-{uuid.uuid4().hex[:10]}@example.com"
    response = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": "End To End"},
    )
    assert response.status_code == 201, response.text
    return email


def _login(client: httpx.Client, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_register_login_me_refresh_reuse_logout(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=10) as client:
        email = _register(client)
        first = _login(client, email)

        me = client.get("/api/v1/auth/me", headers=_bearer(first["access_token"]))
        assert me.status_code == 200
        assert me.json()["email"] == email
        assert me.headers["x-request-id"]

        refreshed = client.post(
            "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
        )
        assert refreshed.status_code == 200
        second = refreshed.json()
        assert second["refresh_token"] != first["refresh_token"]

        replay = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        _problem(replay, 401, "refresh_token_reused")
        # Reuse revokes the whole family: the token the rotation handed out is dead too.
        _problem(
            client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}),
            401,
        )

        third = _login(client, email)
        logout = client.post(
            "/api/v1/auth/logout",
            json={"refresh_token": third["refresh_token"]},
            headers=_bearer(third["access_token"]),
        )
        assert logout.status_code == 204
        _problem(
            client.post("/api/v1/auth/refresh", json={"refresh_token": third["refresh_token"]}), 401
        )


def _forged_tokens(real_access_token: str) -> dict[str, str]:
    claims = jwt.decode(real_access_token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(real_access_token)["kid"]
    stranger = TokenMinter(issuer=claims["iss"], audience="worksync")
    now = int(time.time())
    return {
        "forged signature": stranger.mint(claims["sub"], kid=kid),
        "wrong key id": stranger.mint(claims["sub"]),
        "alg none": jwt.encode(
            {**claims, "exp": now + 600}, key="", algorithm="none", headers={"kid": kid}
        ),
        "garbage": "not.a.token",
    }


def test_bad_tokens_are_refused_at_the_gateway_and_at_identity(system: RunningSystem) -> None:
    with (
        httpx.Client(base_url=system.gateway_url, timeout=10) as gateway,
        httpx.Client(base_url=system.service_urls["identity"], timeout=10) as identity,
    ):
        access = _login(gateway, _register(gateway))["access_token"]
        for name, token in _forged_tokens(access).items():
            for client in (gateway, identity):
                response = client.get("/api/v1/auth/me", headers=_bearer(token))
                assert response.status_code == 401, (name, str(client.base_url))
                assert response.headers["content-type"].startswith(PROBLEM)


def test_every_error_status_is_problem_json_through_the_gateway(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=10) as client:
        email = _register(client)
        access = _login(client, email)["access_token"]
        _problem(client.get("/api/v1/auth/me"), 401)
        _problem(client.get("/api/v1/users", headers=_bearer(access)), 403)
        _problem(client.get(f"/api/v1/users/{uuid.uuid4()}", headers=_bearer(access)), 404)
        duplicate = client.post(
            "/api/v1/auth/register",
            json={"email": email, "password": PASSWORD, "display_name": "Twin"},
        )
        _problem(duplicate, 409, "email_taken")
        invalid = _problem(
            client.post("/api/v1/auth/register", json={"email": "nope", "password": "x"}), 422
        )
        assert invalid["errors"]
        _problem(client.get("/internal/api-tokens/exchange"), 404)
        locked = None
        for _ in range(12):
            locked = client.post(
                "/api/v1/auth/login", json={"email": email, "password": "wrong password!"}
            )
            if locked.status_code == 429:
                break
        assert locked is not None
        _problem(locked, 429)
        assert int(locked.headers["retry-after"]) > 0


def test_personal_api_token_works_through_the_gateway(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=10) as client:
        email = _register(client)
        access = _login(client, email)["access_token"]
        created = client.post(
            "/api/v1/auth/api-tokens", json={"name": "ci"}, headers=_bearer(access)
        )
        assert created.status_code == 201, created.text
        token = created.json()["token"]
        me = client.get("/api/v1/auth/me", headers=_bearer(token))
        assert me.status_code == 200, me.text
        assert me.json()["email"] == email
        _problem(client.get("/api/v1/auth/me", headers=_bearer(token[:-2] + "xx")), 401)


WS = "/api/v1/workspaces/{ws}"


def test_gateway_health_docs_and_merged_openapi(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=10) as client:
        assert client.get("/livez").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 200
        # A service slow to build its document (a loaded machine, a fresh process) is left
        # out of the merge until the gateway's next try, seconds later.
        merged: dict[str, dict[str, object]] = {}

        def complete() -> bool:
            merged.update(client.get("/openapi.json").json())
            return all(
                path in merged["paths"]
                for path in (
                    "/api/v1/auth/login",
                    "/api/v1/workspaces",
                    "/api/v1/workspaces/{ws}/time-entries",
                )
            )

        eventually(complete)
        assert not any(path.startswith("/internal") for path in merged["paths"])
        assert client.get("/docs").status_code == 200


async def _sign_with_identity_key(system: RunningSystem, claims: dict[str, object]) -> str:
    """Sign with the key identity really uses, read from its database as identity does."""
    from worksync.common.db import create_engine, create_sessionmaker
    from worksync.identity.config import IdentitySettings
    from worksync.identity.keys.service import KeyService

    settings = IdentitySettings(database_url=system.database_url)
    engine = create_engine(system.database_url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            return await KeyService(settings).sign(session, dict(claims))
    finally:
        await engine.dispose()


async def test_expired_and_misaddressed_tokens_with_a_real_signature_are_refused(
    system: RunningSystem,
) -> None:
    with httpx.Client(base_url=system.gateway_url, timeout=10) as client:
        access = _login(client, _register(client))["access_token"]
    claims = jwt.decode(access, options={"verify_signature": False})
    now = int(time.time())
    variants = {
        "control": claims,
        "expired": {**claims, "iat": now - 3600, "exp": now - 60},
        "wrong audience": {**claims, "aud": "another-product"},
        "wrong issuer": {**claims, "iss": "https://evil.example"},
    }
    tokens = {name: await _sign_with_identity_key(system, c) for name, c in variants.items()}
    async with (
        httpx.AsyncClient(base_url=system.gateway_url, timeout=10) as gateway,
        httpx.AsyncClient(base_url=system.service_urls["identity"], timeout=10) as identity,
    ):
        for target in (gateway, identity):
            control = await target.get("/api/v1/auth/me", headers=_bearer(tokens["control"]))
            assert control.status_code == 200, "a well-formed token signed this way is accepted"
            for name in ("expired", "wrong audience", "wrong issuer"):
                response = await target.get("/api/v1/auth/me", headers=_bearer(tokens[name]))
                assert response.status_code == 401, (name, str(target.base_url))
                assert response.headers["content-type"].startswith(PROBLEM)


async def test_registration_is_published_on_the_event_bus(system: RunningSystem) -> None:
    import aio_pika

    from worksync.common.events.envelope import CloudEvent

    connection = await aio_pika.connect(system.amqp_url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(system.exchange, routing_key="identity.user.registered")
        with httpx.Client(base_url=system.gateway_url, timeout=10) as client:
            email = _register(client)
        deadline = time.monotonic() + 30
        event: CloudEvent | None = None
        while event is None and time.monotonic() < deadline:
            message = await queue.get(fail=False, timeout=5)
            if message is None:
                await asyncio.sleep(0.2)
                continue
            await message.ack()
            candidate = CloudEvent.model_validate_json(message.body)
            if candidate.data.get("email") == email:
                event = candidate
        assert event is not None, "the registration never reached the broker"
        assert event.type == "identity.user.registered"
        assert event.source == "worksync/identity"
        assert event.sequence >= 1
    finally:
        await connection.close()
