"""`/auth`: register, login, refresh, logout, password reset and change, email verification."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from worksync.common.clock import NowDep
from worksync.common.db import SessionDep
from worksync.common.errors import error_responses
from worksync.common.idempotency import IdempotencyKeyHeader, idempotent
from worksync.identity.auth.schemas import (
    Accepted,
    ForgotPassword,
    Login,
    PasswordChange,
    RefreshRequest,
    Registration,
    ResetPassword,
    TokenPair,
    VerifyEmail,
)
from worksync.identity.dependencies import (
    AuthServiceDep,
    CallerDep,
    ClientInfoDep,
    SessionCallerDep,
)
from worksync.identity.models import idempotency_keys
from worksync.identity.users.schemas import User

router = APIRouter(prefix="/auth", tags=["auth"])

RESET_MAIL_ACCEPTED = Accepted(
    detail="If an account uses this address, a link to reset its password is on its way."
)
VERIFICATION_MAIL_ACCEPTED = Accepted(detail="A new verification link is on its way.")


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=User,
    responses=error_responses(409, 422),
)
async def register_user(
    registration: Registration,
    service: AuthServiceDep,
    session: SessionDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create an account and mail a link to verify its email address."""

    async def create() -> User:
        return User.of(await service.register(registration, now))

    return await idempotent(
        session,
        idempotency_keys,
        key=idempotency_key,
        scope="auth.register",
        # The fingerprint is a fast hash: a password in it could be brute-forced from it.
        payload=registration.model_dump(exclude={"password"}),
        status_code=status.HTTP_201_CREATED,
        produce=create,
    )


@router.post("/login", response_model=TokenPair, responses=error_responses(401, 422, 429))
async def log_in(
    credentials: Login, service: AuthServiceDep, client: ClientInfoDep, now: NowDep
) -> TokenPair:
    """Trade email and password for an access token and a refresh token."""
    return await service.login(credentials.email, credentials.password, client, now)


@router.post("/refresh", response_model=TokenPair, responses=error_responses(401, 422))
async def refresh_session(
    request: RefreshRequest, service: AuthServiceDep, now: NowDep
) -> TokenPair:
    """Trade a refresh token for a new pair; the old refresh token is spent."""
    return await service.refresh(request.refresh_token, now)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(422))
async def log_out(request: RefreshRequest, service: AuthServiceDep, now: NowDep) -> None:
    """End the session of a refresh token (all its tokens stop working)."""
    await service.logout(request.refresh_token, now)


@router.post(
    "/forgot-password",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=error_responses(422),
)
async def forgot_password(
    request: ForgotPassword, service: AuthServiceDep, now: NowDep
) -> Accepted:
    """Mail a password-reset link; answers the same whether or not the account exists."""
    await service.forgot_password(request.email, now)
    return RESET_MAIL_ACCEPTED


@router.post(
    "/reset-password", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(422)
)
async def reset_password(request: ResetPassword, service: AuthServiceDep, now: NowDep) -> None:
    """Set a new password with a reset link's token; ends every session and API token."""
    await service.reset_password(request.token, request.new_password, now)


@router.post("/verify-email", response_model=User, responses=error_responses(422))
async def verify_email(request: VerifyEmail, service: AuthServiceDep, now: NowDep) -> User:
    """Confirm the email address with a verification link's token."""
    return User.of(await service.verify_email(request.token, now))


@router.post(
    "/verify-email/resend",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=error_responses(401, 409),
)
async def resend_verification(caller: CallerDep, service: AuthServiceDep, now: NowDep) -> Accepted:
    """Mail a new verification link to the caller."""
    await service.resend_verification(caller.user, now)
    return VERIFICATION_MAIL_ACCEPTED


@router.put(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 422, 429),
)
async def change_password(
    change: PasswordChange,
    caller: SessionCallerDep,
    service: AuthServiceDep,
    client: ClientInfoDep,
    now: NowDep,
) -> None:
    """Change the password; every other session of the caller ends, and every API token
    unless `revoke_api_tokens` is false."""
    await service.change_password(
        caller,
        change.current_password,
        change.new_password,
        client,
        now,
        revoke_api_tokens=change.revoke_api_tokens,
    )
