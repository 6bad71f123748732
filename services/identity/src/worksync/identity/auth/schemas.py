"""Requests and answers of the credential flows."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictBool, StringConstraints

from worksync.common.examples import body_examples
from worksync.identity.users.schemas import DisplayName

# NIST SP 800-63B: long passphrases welcome, no composition rules; the upper bound keeps
# hashing cost bounded.
NewPassword = Annotated[str, Field(min_length=10, max_length=128)]
# A password to check is only bounded, so that old passwords keep working if rules change.
GivenPassword = Annotated[str, Field(min_length=1, max_length=128)]
OpaqueToken = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Registration(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "email": "ada.lovelace@example.com",
                "password": "correct horse battery staple",
                "display_name": "Ada Lovelace",
            }
        ),
    )

    email: EmailStr = Field(max_length=320)
    password: NewPassword
    display_name: DisplayName


class Login(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=body_examples(
            {"email": "ada.lovelace@example.com", "password": "correct horse battery staple"}
        )
    )

    email: EmailStr = Field(max_length=320)
    password: GivenPassword


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")


class RefreshRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=body_examples(
            {"refresh_token": "Vt3yQm0kq3h1v8G7cRZ2uXH0nB6sJ4pL9eWfA1dT5oY"}
        )
    )

    refresh_token: OpaqueToken


class ForgotPassword(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=body_examples({"email": "ada.lovelace@example.com"})
    )

    email: EmailStr = Field(max_length=320)


class ResetPassword(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=body_examples(
            {
                "token": "Vt3yQm0kq3h1v8G7cRZ2uXH0nB6sJ4pL9eWfA1dT5oY",
                "new_password": "lighthouse quartz trombone",
            }
        )
    )

    token: OpaqueToken
    new_password: NewPassword


class VerifyEmail(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=body_examples({"token": "Vt3yQm0kq3h1v8G7cRZ2uXH0nB6sJ4pL9eWfA1dT5oY"})
    )

    token: OpaqueToken


class PasswordChange(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=body_examples(
            {
                "current_password": "correct horse battery staple",
                "new_password": "lighthouse quartz trombone",
                "revoke_api_tokens": True,
            }
        )
    )

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
