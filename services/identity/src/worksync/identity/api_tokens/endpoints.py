"""`/auth/api-tokens` (the caller's personal API tokens) and the gateway's internal exchange."""

from __future__ import annotations

import hmac
import json
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, status
from fastapi.responses import JSONResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.common.pagination import Page, PageParams, page_params
from worksync.identity.api_tokens.schemas import (
    ApiToken,
    ApiTokenCreate,
    CreatedApiToken,
    ExchangedAccessToken,
    TokenExchange,
)
from worksync.identity.dependencies import (
    ApiTokenServiceDep,
    SessionCallerDep,
    SettingsDep,
)
from worksync.identity.errors import InvalidInternalSecret
from worksync.identity.models import idempotency_keys

router = APIRouter(prefix="/auth/api-tokens", tags=["api-tokens"])
internal_router = APIRouter(prefix="/internal/api-tokens", tags=["internal"])


@router.get("", response_model=Page[ApiToken], responses=error_responses(400, 401, 403, 422))
async def list_api_tokens(
    caller: SessionCallerDep,
    service: ApiTokenServiceDep,
    params: Annotated[PageParams, Depends(page_params)],
) -> Page[ApiToken]:
    """The caller's API tokens (never their secrets), newest first."""
    items, next_cursor = await service.page_own(caller.user.id, params)
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CreatedApiToken,
    responses=error_responses(401, 403, 422),
)
async def create_api_token(
    request: ApiTokenCreate,
    caller: SessionCallerDep,
    service: ApiTokenServiceDep,
    session: SessionDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create an API token; its secret is in this response and nowhere else, ever. Needs a
    verified email address (403 `email_not_verified`)."""
    secrets: list[str] = []

    async def create() -> CreatedApiToken:
        created = await service.create(caller.user, request, now)
        secrets.append(created.secret)
        # What the idempotency record keeps (and a replay answers) has no secret in it.
        return CreatedApiToken(**created.token.model_dump(), token=None)

    response = await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope=f"api_tokens.create:{caller.user.id}",
        payload=request,
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )
    if not secrets:
        return response
    body = json.loads(bytes(response.body))
    return JSONResponse({**body, "token": secrets[0]}, status_code=status.HTTP_201_CREATED)


@router.delete(
    "/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def revoke_api_token(
    token_id: UUID, caller: SessionCallerDep, service: ApiTokenServiceDep, now: NowDep
) -> None:
    """Revoke one of the caller's API tokens."""
    await service.revoke_own(caller.user.id, token_id, now)


async def require_internal_secret(
    settings: SettingsDep,
    secret: Annotated[str | None, Header(alias="X-Internal-Secret")] = None,
) -> None:
    expected = settings.internal_secret.get_secret_value().encode()
    if secret is None or not hmac.compare_digest(secret.encode(), expected):
        raise InvalidInternalSecret()


@internal_router.post(
    "/exchange",
    response_model=ExchangedAccessToken,
    responses=error_responses(401, 422),
    dependencies=[Depends(require_internal_secret)],
)
async def exchange_api_token(
    request: TokenExchange, service: ApiTokenServiceDep, now: NowDep
) -> ExchangedAccessToken:
    """For the gateway: a short-lived access token for the owner of a personal API token."""
    return await service.exchange(request.token, now)
