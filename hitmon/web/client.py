"""The client's address: the socket's peer, or what a configured proxy says in X-Forwarded-For.

A header anyone can send must not decide the address the sign-in throttle counts by; only a request
arriving from one of ``web.trusted_proxies`` has its X-Forwarded-For read, right to left, skipping
the trusted proxies themselves.
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.requests import Request

Networks = list[IPv4Network] | list[IPv6Network] | list[IPv4Network | IPv6Network]


def client_address(request: Request, trusted: Networks) -> str:
    peer = request.client.host if request.client else "unknown"
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(forwarded):
        if not _is_trusted(hop, trusted):
            return hop if _is_address(hop) else peer
    return peer


def _is_trusted(address: str, trusted: Networks) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True
