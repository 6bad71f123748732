"""`/.well-known/jwks.json`: the public keys that verify identity's access tokens."""

from __future__ import annotations

from fastapi import APIRouter, Response

from worksync.common.db import SessionDep
from worksync.identity.dependencies import KeysDep
from worksync.identity.keys.schemas import Jwks

JWKS_MAX_AGE_SECONDS = 300

router = APIRouter(tags=["keys"])


@router.get("/.well-known/jwks.json", response_model=Jwks)
async def get_jwks(session: SessionDep, keys: KeysDep, response: Response) -> Jwks:
    """The active signing key and retired keys whose tokens may still be unexpired."""
    response.headers["Cache-Control"] = f"public, max-age={JWKS_MAX_AGE_SECONDS}"
    return Jwks.model_validate(await keys.published_jwks(session))
