"""The errors identity answers with, beyond the shared ones (`worksync.common.errors`)."""

from __future__ import annotations

from worksync.common.errors import (
    AppError,
    Conflict,
    FieldError,
    Forbidden,
    RecordedFailure,
    Unauthorized,
)


class InvalidCredentials(AppError):
    """Wrong email or password; the lockout counted the attempt before the check."""

    def __init__(self) -> None:
        super().__init__(
            detail="The email or password is not correct",
            code="invalid_credentials",
            status=401,
            headers={"WWW-Authenticate": "Bearer"},
        )


class CurrentPasswordIncorrect(AppError):
    def __init__(self) -> None:
        super().__init__(
            detail="The current password is not correct",
            code="current_password_incorrect",
            status=403,
        )


class AccountLocked(AppError):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            detail="Too many failed logins; try again later",
            code="account_locked",
            status=429,
            headers={"Retry-After": str(max(1, retry_after_seconds))},
        )


class AccountInactive(Unauthorized):
    def __init__(self) -> None:
        super().__init__("This account has been deactivated", code="account_inactive")


class InvalidRefreshToken(Unauthorized):
    def __init__(self, detail: str = "The refresh token is not valid") -> None:
        super().__init__(detail, code="invalid_refresh_token")


class RefreshTokenReused(RecordedFailure):
    """A rotated refresh token came back: someone holds a copy, so its session is revoked
    (and that revocation must be kept although the request fails)."""

    def __init__(self) -> None:
        super().__init__(
            detail="This refresh token was already used; the session has been revoked",
            code="refresh_token_reused",
            status=401,
            headers={"WWW-Authenticate": "Bearer"},
        )


class SessionRevoked(Unauthorized):
    def __init__(self) -> None:
        super().__init__(
            "The session or API token behind this access token has ended",
            code="session_revoked",
        )


class SessionRequired(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "This needs a login session; API tokens cannot manage credentials",
            code="session_required",
        )


class EmailNotVerified(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "Verify your email address first (follow the link mailed to you)",
            code="email_not_verified",
        )


class PlatformAdminRequired(Forbidden):
    def __init__(self) -> None:
        super().__init__("Only platform admins may do this", code="platform_admin_required")


class EmailTaken(Conflict):
    def __init__(self) -> None:
        super().__init__("An account with this email already exists", code="email_taken")


class EmailAlreadyVerified(Conflict):
    def __init__(self) -> None:
        super().__init__("This email address is already verified", code="email_already_verified")


class OwnAdminStatus(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "Admins cannot deactivate themselves or drop their own admin flag",
            code="own_admin_status",
        )


class InvalidOneTimeToken(AppError):
    def __init__(self, detail: str = "The link is not valid or has expired") -> None:
        super().__init__(
            detail=detail,
            code="token_invalid_or_expired",
            status=422,
            errors=[FieldError(field="token", message=detail)],
        )


class InvalidInternalSecret(Unauthorized):
    def __init__(self) -> None:
        super().__init__("The internal secret is missing or wrong", code="invalid_internal_secret")


class InvalidApiToken(Unauthorized):
    def __init__(self) -> None:
        super().__init__("The API token is not valid", code="invalid_api_token")
