"""Users as the API shows them: a public profile, the full account, and their updates."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StrictBool,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from worksync.common.examples import body_examples
from worksync.common.fields import NotNull, TimeZone
from worksync.identity import models

DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
_HTTP_URL = TypeAdapter(HttpUrl)


def _http_url(value: str) -> str:
    """An http(s) URL, kept as written: normalised (`https://host` gains a `/`), a URL of
    the stated maximum length would no longer fit it."""
    try:
        _HTTP_URL.validate_python(value)
    except ValidationError as exc:
        raise ValueError("must be an http or https URL") from exc
    return value


AvatarUrl = Annotated[
    str,
    # A URI (RFC 3986 characters only; an IRI such as `https://Ï` is not one) over http(s).
    StringConstraints(
        min_length=1, max_length=2048, pattern=r"^https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$"
    ),
    Field(json_schema_extra={"format": "uri"}),
    AfterValidator(_http_url),
]
# BCP 47 language tags as browsers send them: `en`, `de-CH`, `zh-Hant-TW`; the pattern is in
# the document, so a client knows what is refused.
Locale = Annotated[
    str,
    StringConstraints(max_length=35, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
    Field(examples=["en"], description="A BCP 47 language tag such as en or de-CH"),
]
DateFormat = Literal["YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY"]
WeekStart = Literal["monday", "sunday", "saturday"]


class Preferences(BaseModel):
    timezone: TimeZone
    locale: Locale
    date_format: DateFormat
    week_start: WeekStart


class PreferencesUpdate(BaseModel):
    """Only the preferences given change."""

    model_config = ConfigDict(extra="forbid")

    timezone: Annotated[TimeZone | None, NotNull] = None
    locale: Annotated[Locale | None, NotNull] = None
    date_format: Annotated[DateFormat | None, NotNull] = None
    week_start: Annotated[WeekStart | None, NotNull] = None


class UserProfile(BaseModel):
    """What users who share a workspace see of each other."""

    id: UUID
    email: str
    display_name: str
    avatar_url: str | None
    is_active: bool

    @classmethod
    def of(cls, user: models.User) -> Self:
        return cls.model_validate(user, from_attributes=True)


class User(UserProfile):
    """The whole account, as its owner and platform admins see it."""

    email_verified: bool
    is_platform_admin: bool
    preferences: Preferences
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Rises with every change; the `ETag` for `If-Match`")

    @classmethod
    def of(cls, user: models.User) -> Self:
        return cls.model_validate(
            {
                "id": user.id,
                "email": user.email,
                "display_name": user.display_name,
                "avatar_url": user.avatar_url,
                "is_active": user.is_active,
                "email_verified": user.email_verified,
                "is_platform_admin": user.is_platform_admin,
                "preferences": {
                    "timezone": user.timezone,
                    "locale": user.locale,
                    "date_format": user.date_format,
                    "week_start": user.week_start,
                },
                "last_login_at": user.last_login_at,
                "created_at": user.created_at,
                "updated_at": user.updated_at,
                "version": user.version,
            }
        )


class MeUpdate(BaseModel):
    """Fields left out stay as they are; `avatar_url: null` removes the avatar."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {
                "display_name": "Ada King",
                "avatar_url": "https://cdn.example.com/avatars/ada.png",
                "preferences": {
                    "timezone": "Europe/London",
                    "locale": "en-GB",
                    "date_format": "DD/MM/YYYY",
                    "week_start": "monday",
                },
            }
        ),
    )

    display_name: Annotated[DisplayName | None, NotNull] = None
    avatar_url: AvatarUrl | None = None
    preferences: Annotated[PreferencesUpdate | None, NotNull] = None


class UserAdminUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=body_examples(
            {"is_active": False}, {"display_name": "Grace Hopper", "email_verified": True}
        ),
    )

    display_name: Annotated[DisplayName | None, NotNull] = None
    is_active: Annotated[StrictBool | None, NotNull] = None
    is_platform_admin: Annotated[StrictBool | None, NotNull] = None
    email_verified: Annotated[StrictBool | None, NotNull] = None


class UserSort(StrEnum):
    CREATED_AT = "created_at"
    NEWEST_FIRST = "-created_at"
