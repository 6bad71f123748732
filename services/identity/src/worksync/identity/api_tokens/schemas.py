"""Personal API tokens: created with a name and optional expiry, the secret shown once."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from worksync.common.examples import body_examples
from worksync.identity import models

TokenName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ApiTokenCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"name": "CI pipeline", "expires_at": "2099-06-30T23:59:59+02:00"},
            {"name": "Local scripts"},
        ),
    )

    name: TokenName
    expires_at: AwareDatetime | None = Field(
        default=None, description="When the token stops working; never when left out."
    )


class ApiToken(BaseModel):
    id: UUID
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it by.")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, token: models.ApiToken) -> ApiToken:
        return cls.model_validate(token, from_attributes=True)


class CreatedApiToken(ApiToken):
    token: str | None = Field(
        description=(
            "The secret, shown only in the response that created it. A replay of the "
            "creating request (same Idempotency-Key) answers null: the secret is not stored."
        )
    )


class TokenExchange(BaseModel):
    token: str = Field(min_length=1, max_length=200)


class ExchangedAccessToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")
