"""The JSON Web Key Set identity publishes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Jwk(BaseModel):
    model_config = ConfigDict(extra="allow")

    kty: str
    kid: str
    use: str
    alg: str
    n: str
    e: str


class Jwks(BaseModel):
    keys: list[Jwk]
