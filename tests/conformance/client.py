"""The suite's HTTP side: one client for the gateway, the people it acts as, problem checks.

Only httpx: the suite is run by teams that have nothing of WorkSync but its URL.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import httpx

PROBLEM_MEDIA_TYPE = "application/problem+json"
# A deployment limits failed credentials per IP (the gateway's `GATEWAY_AUTH_*`): the suite
# waits as told by `Retry-After` rather than failing, within this much waiting in all.
RATE_LIMIT_PATIENCE_SECONDS = float(os.environ.get("WORKSYNC_CONFORMANCE_RATE_LIMIT_WAIT", "2400"))
# Writes the suite makes carry this prefix in their names, so that leftovers are recognisable.
NAME_PREFIX = "conformance"


def unique(label: str) -> str:
    """A name no other run uses (lower case, so it also fits slugs)."""
    return f"{NAME_PREFIX}-{label}-{uuid.uuid4().hex[:10]}"


class Gateway:
    """A WorkSync deployment, reached through its gateway only."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout)
        self._waited = 0.0

    def close(self) -> None:
        self.http.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """One request; a 429 is waited out (`Retry-After`) and repeated."""
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        while True:
            response = self.http.request(
                method, url, headers=sent, json=json, content=content, params=params
            )
            if response.status_code != 429:
                return response
            wait = float(response.headers.get("Retry-After", "1"))
            if self._waited + wait > RATE_LIMIT_PATIENCE_SECONDS:
                return response
            self._waited += wait
            time.sleep(wait)


class Person:
    """Someone the suite acts as: signed in, with a bearer token that is renewed (through
    the refresh token) before it expires, since a run waiting out rate limits outlasts it."""

    def __init__(
        self, gateway: Gateway, email: str, id: str, token: str, pair: dict[str, Any] | None
    ) -> None:
        self.gateway = gateway
        self.email = email
        self.id = id
        self._token = token
        self._refresh_token: str | None = None
        self._renew_at = float("inf")
        if pair is not None:
            self._keep(pair)

    def __repr__(self) -> str:
        return f"Person({self.email})"

    def _keep(self, pair: dict[str, Any]) -> None:
        self._token = pair["access_token"]
        self._refresh_token = pair["refresh_token"]
        # Renewed at two thirds of its life, so that no request carries an expired one.
        self._renew_at = time.monotonic() + float(pair.get("expires_in", 900)) * 2 / 3

    @property
    def token(self) -> str:
        if self._refresh_token is not None and time.monotonic() > self._renew_at:
            refreshed = self.gateway.request(
                "POST", "/api/v1/auth/refresh", json={"refresh_token": self._refresh_token}
            )
            assert refreshed.status_code == 200, f"refresh {self.email}: {refreshed.text}"
            self._keep(refreshed.json())
        return self._token


def sign_in(gateway: Gateway, role: str) -> Person:
    """The person `role` ("a" or "b"): a ready token or credentials from the environment
    (`WORKSYNC_CONFORMANCE_<ROLE>_TOKEN`, which must outlive the run, or `_EMAIL` and
    `_PASSWORD`), else a new account registered through the gateway."""
    prefix = f"WORKSYNC_CONFORMANCE_{role.upper()}_"
    token = os.environ.get(prefix + "TOKEN")
    pair: dict[str, Any] | None = None
    if not token:
        email = os.environ.get(prefix + "EMAIL")
        password = os.environ.get(prefix + "PASSWORD")
        if not email or not password:
            email = f"{unique(role)}@example.com"
            password = "conformance " + uuid.uuid4().hex
            registered = gateway.request(
                "POST",
                "/api/v1/auth/register",
                json={"email": email, "password": password, "display_name": f"Conformance {role}"},
            )
            assert registered.status_code == 201, f"register: {registered.text}"
        login = gateway.request(
            "POST", "/api/v1/auth/login", json={"email": email, "password": password}
        )
        assert login.status_code == 200, f"log in as {email}: {login.text}"
        pair = login.json()
        token = pair["access_token"]
    me = gateway.request("GET", "/api/v1/auth/me", token=token)
    assert me.status_code == 200, f"/auth/me: {me.text}"
    return Person(gateway, me.json()["email"], me.json()["id"], token, pair)


def problem_violations(response: httpx.Response) -> list[str]:
    """What makes this error answer not an RFC 9457 problem with a stable `code`."""
    found: list[str] = []
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if media_type != PROBLEM_MEDIA_TYPE:
        found.append(f"content type {media_type!r}, not {PROBLEM_MEDIA_TYPE}")
    try:
        body = response.json()
    except ValueError:
        return [*found, f"body is not JSON: {response.text[:200]!r}"]
    if not isinstance(body, dict):
        return [*found, "body is not an object"]
    for name, kind in (("type", str), ("title", str), ("status", int), ("code", str)):
        if not isinstance(body.get(name), kind):
            found.append(f"`{name}` missing or not {kind.__name__}")
    if body.get("status") != response.status_code:
        found.append(f"`status` {body.get('status')} differs from HTTP {response.status_code}")
    return found


def assert_problem(
    response: httpx.Response, statuses: tuple[int, ...], code: str | None = None
) -> dict[str, Any]:
    """The response is one of `statuses`, as problem+json (with `code`, when given)."""
    where = f"{response.request.method} {response.request.url.path}"
    assert response.status_code in statuses, (
        f"{where}: HTTP {response.status_code}, expected {statuses}: {response.text[:300]}"
    )
    violations = problem_violations(response)
    assert not violations, f"{where}: not problem+json: {violations}"
    body: dict[str, Any] = response.json()
    if code is not None:
        assert body["code"] == code, f"{where}: code {body['code']!r}, expected {code!r}"
    return body


def expect(response: httpx.Response, *statuses: int) -> Any:
    """The JSON body of a response that had to succeed with one of `statuses`."""
    where = f"{response.request.method} {response.request.url.path}"
    assert response.status_code in statuses, (
        f"{where}: HTTP {response.status_code}: {response.text}"
    )
    return response.json() if response.content else None
