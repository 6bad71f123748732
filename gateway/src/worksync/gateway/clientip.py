"""The client's IP address, believing X-Forwarded-For only from configured proxies."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ClientIpResolver:
    """With no trusted proxies (the default), the client is the TCP peer and
    X-Forwarded-For is ignored, so a client cannot pick its own rate-limit bucket.

    Behind proxies, X-Forwarded-For is read from the right (the entry our own proxy
    appended) leftwards, skipping trusted proxies; the first untrusted address is the
    client. Entries further left were written by the client and are not believed.
    """

    def __init__(self, trusted_proxies: list[str]) -> None:
        self._networks: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(entry, strict=False) for entry in trusted_proxies
        )
        # Peers repeat (a load balancer has few addresses), so remember the verdicts.
        self._is_trusted = lru_cache(maxsize=4096)(self._check_trusted)

    @property
    def enabled(self) -> bool:
        return bool(self._networks)

    def _check_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._networks)

    def is_trusted(self, peer: str) -> bool:
        return bool(self._networks) and self._is_trusted(peer)

    def resolve(self, peer: str, forwarded_for: bytes | None) -> str:
        if forwarded_for is None or not self._networks or not self._is_trusted(peer):
            return peer
        client = peer
        for entry in reversed(forwarded_for.decode("latin-1").split(",")):
            candidate = entry.strip()
            if not candidate:
                continue
            client = candidate
            if not self._is_trusted(candidate):
                break
        return client
