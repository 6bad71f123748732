"""RS256 key pairs: generation, encryption at rest, public JWKs and their thumbprints."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_SIZE_BITS = 2048
ALGORITHM = "RS256"


@dataclass(frozen=True)
class GeneratedKey:
    kid: str
    private_key_pem: bytes
    public_jwk: dict[str, Any]


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint: the kid is derived from the key, so it cannot collide."""
    canonical = json.dumps(
        {"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}, separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def generate_key(encryption_secret: str) -> GeneratedKey:
    """A new key pair; CPU-heavy (tens of milliseconds), so call it from a thread."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE_BITS)
    public = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    jwk = {"kty": "RSA", "n": public["n"], "e": public["e"]}
    kid = _thumbprint(jwk)
    jwk.update({"kid": kid, "use": "sig", "alg": ALGORITHM})
    pem = private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.BestAvailableEncryption(encryption_secret.encode()),
    )
    return GeneratedKey(kid=kid, private_key_pem=pem, public_jwk=jwk)


def load_private_key(pem: bytes, encryption_secret: str) -> rsa.RSAPrivateKey:
    """Decrypt a stored private key; slow by design (a KDF), so call it from a thread."""
    key = serialization.load_pem_private_key(pem, password=encryption_secret.encode())
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("a signing key must be an RSA private key")
    return key
