"""The network a client address belongs to: what login throttling keys on.

An IPv4 address is its own network; an IPv6 client is keyed by its /64, the smallest
prefix a site is given, since a single host can pick any of its 2^64 addresses.
"""

from __future__ import annotations

import ipaddress

UNKNOWN_NETWORK = "unknown"
IPV6_CLIENT_PREFIX = 64


def client_network(address: str | None) -> str:
    """`203.0.113.7/32`, `2001:db8:1:2::/64`, or `unknown` for a missing or odd address."""
    if not address:
        return UNKNOWN_NETWORK
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return UNKNOWN_NETWORK
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        else:
            return str(ipaddress.IPv6Network((ip, IPV6_CLIENT_PREFIX), strict=False))
    return str(ipaddress.IPv4Network(ip))
