"""Every table of the identity schema."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    false,
    func,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from worksync.common.db import IdMixin, Model, TimestampMixin, one_of, service_metadata
from worksync.common.tables import define_kit_tables

SCHEMA = "identity"


class Base(Model):
    __abstract__ = True
    metadata = service_metadata(SCHEMA)


messaging, idempotency_keys = define_kit_tables(Base.metadata)

DATE_FORMATS = ("YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY")
WEEK_STARTS = ("monday", "sunday", "saturday")


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320))
    display_name: Mapped[str] = mapped_column(String(100))
    avatar_url: Mapped[str | None] = mapped_column(String(2048))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    locale: Mapped[str] = mapped_column(String(35), default="en", server_default="en")
    date_format: Mapped[str] = mapped_column(
        String(16), default=DATE_FORMATS[0], server_default=DATE_FORMATS[0]
    )
    week_start: Mapped[str] = mapped_column(
        String(16), default=WEEK_STARTS[0], server_default=WEEK_STARTS[0]
    )
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The sequence of this user's events: bumped by every change that records one.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    __table_args__ = (
        Index("uq_users_lower_email", func.lower(text("email")), unique=True),
        Index("ix_users_created_at_id", "created_at", "id"),
        CheckConstraint("position('@' in email) > 1", name="email_has_local_part"),
        CheckConstraint("char_length(btrim(display_name)) > 0", name="display_name_not_blank"),
        CheckConstraint(one_of("date_format", DATE_FORMATS), name="date_format_known"),
        CheckConstraint(one_of("week_start", WEEK_STARTS), name="week_start_known"),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )


class UserSession(IdMixin, Base):
    """A login: the family of refresh tokens rotated from one another."""

    __tablename__ = "sessions"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    ip: Mapped[str | None] = mapped_column(String(45))

    __table_args__ = (
        Index("ix_sessions_user_id_created_at", "user_id", "created_at"),
        CheckConstraint(
            "(revoked_at IS NULL) = (revoked_reason IS NULL)", name="revoked_with_reason"
        ),
    )


class RefreshToken(IdMixin, Base):
    __tablename__ = "refresh_tokens"

    session_id: Mapped[UUID] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set when the token was exchanged for its successor; presenting it again is reuse.
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OneTimeTokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"
    EMAIL_VERIFICATION = "email_verification"


class OneTimeToken(IdMixin, Base):
    """A password-reset or email-verification token, mailed to the user, usable once."""

    __tablename__ = "one_time_tokens"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_one_time_tokens_user_id_purpose", "user_id", "purpose"),
        CheckConstraint(
            one_of("purpose", tuple(p.value for p in OneTimeTokenPurpose)), name="purpose_known"
        ),
    )


class ApiToken(IdMixin, Base):
    """A personal API token; only its SHA-256 digest and a display prefix are kept."""

    __tablename__ = "api_tokens"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_api_tokens_user_id_created_at", "user_id", "created_at"),
        CheckConstraint("char_length(btrim(name)) > 0", name="name_not_blank"),
        CheckConstraint("expires_at IS NULL OR expires_at > created_at", name="expires_later"),
    )


class LoginThrottle(Base):
    """Recent login attempts per normalised email (whether or not such a user exists) and
    client network; the network `*` counts the attempts from every network."""

    __tablename__ = "login_throttles"

    email_key: Mapped[str] = mapped_column(String(320), primary_key=True)
    network: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("failed_attempts >= 0", name="failed_attempts_counted"),)


class SigningKey(Base):
    """An RS256 key pair; the private half is encrypted with the key encryption secret."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_key_pem: Mapped[bytes] = mapped_column(LargeBinary)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    activated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # At most one key signs at a time.
        Index(
            "uq_signing_keys_one_active",
            text("(retired_at IS NULL)"),
            unique=True,
            postgresql_where=text("retired_at IS NULL"),
        ),
        CheckConstraint(
            "retired_at IS NULL OR retired_at >= activated_at", name="retired_after_activation"
        ),
    )


class WorkspaceMembership(Base):
    """Projection of workspace membership events; removals stay as tombstones."""

    __tablename__ = "workspace_memberships"

    workspace_id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger)
    removed: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (
        Index("ix_workspace_memberships_user_id", "user_id"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
    )
