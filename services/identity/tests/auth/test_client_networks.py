"""Which network a client address belongs to, for throttling."""

from __future__ import annotations

import pytest

from worksync.identity.auth.networks import UNKNOWN_NETWORK, client_network

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7/32"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::ffff", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7/32"),
        ("fe80::1%eth0", "fe80::/64"),
        (None, UNKNOWN_NETWORK),
        ("testclient", UNKNOWN_NETWORK),
        ("", UNKNOWN_NETWORK),
    ],
)
def test_a_client_is_keyed_by_its_address_or_its_ipv6_64(address: str | None, network: str) -> None:
    assert client_network(address) == network
