"""Identity settings: `IDENTITY_<NAME>` overrides `WORKSYNC_<NAME>` overrides the default."""

from __future__ import annotations

import os
from typing import ClassVar, Self

from pydantic import Field, SecretStr, model_validator

from worksync.common.config import CommonSettings, Environment

DEVELOPMENT_KEY_ENCRYPTION_SECRET = "worksync-development-key-encryption-secret"


class IdentitySettings(CommonSettings):
    service_env_prefix: ClassVar[str] = "IDENTITY_"
    # Checked at start-up in production: neither may be empty or a development value.
    production_secrets: ClassVar[tuple[str, ...]] = ("internal_secret", "key_encryption_secret")

    service_name: str = "identity"
    port: int = Field(default=8001, ge=0, le=65535)

    access_token_ttl_seconds: int = Field(default=15 * 60, ge=60)
    api_token_access_ttl_seconds: int = Field(default=5 * 60, ge=30)
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=3600)
    # A session ends this long after its login however often it is refreshed: a stolen
    # refresh token kept fresh by a thief stops working too.
    session_max_lifetime_seconds: int = Field(default=90 * 24 * 3600, ge=3600)
    password_reset_ttl_seconds: int = Field(default=3600, ge=60)
    email_verification_ttl_seconds: int = Field(default=48 * 3600, ge=60)
    # How soon identity re-reads its own signing keys when a token names an unknown one.
    own_jwks_refresh_min_interval_seconds: float = Field(default=1.0, ge=0)

    # OWASP's argon2id baseline: 19 MiB, two passes, one lane.
    argon2_memory_cost_kib: int = Field(default=19456, ge=8)
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_parallelism: int = Field(default=1, ge=1)
    # Hashes computed at once per process; bounds memory (each takes the memory cost) and
    # leaves threads and CPU for everything else during a login storm.
    password_hash_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 2, ge=1)

    # Failures allowed per email and client network (IPv4 address, IPv6 /64) before that
    # network is locked out of that email; and per email from all networks together, before
    # every network the account never logged in from is.
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_per_account: int = Field(default=50, ge=1)
    login_lockout_seconds: int = Field(default=15 * 60, ge=1)

    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_implicit_tls: bool = False
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    mail_from: str = "WorkSync <no-reply@worksync.localhost>"
    # Where the web app answers; links in mails point at its reset and verify pages.
    public_base_url: str = "http://localhost:3000"

    key_encryption_secret: SecretStr = SecretStr(DEVELOPMENT_KEY_ENCRYPTION_SECRET)

    # Development only: new accounts start verified, so a developer needs no mail to create
    # API tokens or accept invitations. Refused at startup in any other environment.
    auto_verify_emails: bool = False

    @model_validator(mode="after")
    def _sessions_outlive_their_refresh_tokens(self) -> Self:
        if self.session_max_lifetime_seconds < self.refresh_token_ttl_seconds:
            raise ValueError(
                "IDENTITY_SESSION_MAX_LIFETIME_SECONDS must not be shorter than "
                "IDENTITY_REFRESH_TOKEN_TTL_SECONDS"
            )
        return self

    @model_validator(mode="after")
    def _auto_verify_only_in_development(self) -> Self:
        if self.auto_verify_emails and self.environment is not Environment.DEVELOPMENT:
            raise ValueError("IDENTITY_AUTO_VERIFY_EMAILS is allowed only in development")
        return self
