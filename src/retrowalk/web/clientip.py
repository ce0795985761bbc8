"""The client's address, behind a proxy or not: the one answer every limit, audit record and log line uses.

Only a request that comes from a trusted proxy (``RETROWALK_TRUSTED_PROXIES``: addresses or networks, e.g. the
nginx in front, ``127.0.0.1``) has its ``X-Forwarded-For`` read, and then from the right: each proxy appends the
address it was reached from, so the rightmost hop that is not itself a trusted proxy is the client (if every hop
is a trusted proxy, the leftmost: a request from inside). Hops further left were written by the client and prove
nothing, and a hop that is not an address ends the reading. Any other request is its connecting address.

Why not django-ipware: it picks from the header by position and address class (it prefers a public address to a
private one), and it reads the header whoever sent the request, so a client connecting directly with a forged
header is believed. The rule above is the whole of what is needed, in a dozen lines.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
META_KEY = "RETROWALK_CLIENT_IP"


@lru_cache(maxsize=8)
def trusted_networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in configured)
    except ValueError as err:
        raise ImproperlyConfigured(f"RETROWALK_TRUSTED_PROXIES: {err}") from None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.5:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest) -> str:
    """The address of whoever sent ``request`` (see the module docstring)."""
    known = request.META.get(META_KEY)
    if isinstance(known, str):
        return known
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    peer = _address(remote)
    if peer is None or not any(peer in net for net in trusted):
        return str(peer) if peer is not None else "0.0.0.0"
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a hop that is not an address: the header is not to be believed past it
        client = address
        if not any(address in net for net in trusted):
            break  # the first hop from the right that no trusted proxy wrote: the client
    return str(client)


class ClientAddressMiddleware:
    """Works the client's address out once per request, first of all, so everything after agrees on it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META[META_KEY] = client_ip(request)
        return self.get_response(request)
