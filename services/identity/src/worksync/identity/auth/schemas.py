"""Requests and answers of the credential flows."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictBool, StringConstraints

from worksync.identity.users.schemas import DisplayName

# NIST SP 800-63B: long passphrases welcome, no composition rules; the upper bound keeps
# hashing cost bounded.
NewPassword = Annotated[str, Field(min_length=10, max_length=128)]
# A password to check is only bounded, so that old passwords keep working if rules change.
GivenPassword = Annotated[str, Field(min_length=1, max_length=128)]
OpaqueToken = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Registration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    password: NewPassword
    display_name: DisplayName


class Login(BaseModel):
    email: EmailStr = Field(max_length=320)
    password: GivenPassword


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")


class RefreshRequest(BaseModel):
    refresh_token: OpaqueToken


class ForgotPassword(BaseModel):
    email: EmailStr = Field(max_length=320)


class ResetPassword(BaseModel):
    token: OpaqueToken
    new_password: NewPassword


class VerifyEmail(BaseModel):
    token: OpaqueToken


class PasswordChange(BaseModel):
    current_password: GivenPassword
    new_password: NewPassword
    revoke_api_tokens: StrictBool = Field(
        default=True,
        description=(
            "Also revoke every personal API token. On by default: a password is often "
            "changed because it leaked, and tokens made with it must not outlive it."
        ),
    )


class Accepted(BaseModel):
    detail: str
