"""WorkSync gateway: the one front door; routes, verifies tokens, rate limits."""

from worksync.gateway.app import create_app

__all__ = ["create_app"]
