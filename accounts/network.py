"""The client's address, as django-axes sees it (AXES_CLIENT_IP_CALLABLE).

Behind the deployment's reverse proxy every request arrives from the proxy's address, so locking by
username + REMOTE_ADDR would lock a person out for everyone. The proxy's header is believed only when
the request really comes from a configured proxy (DJANGO_TRUSTED_PROXIES: addresses or networks);
otherwise anyone could name any address in X-Forwarded-For. The header is read from the right: each
proxy appends the address it saw, so the first entry that is not one of ours is the client.

(django-ipware's trusted-proxy option matches the addresses listed in the header, not the peer that
actually connected, which is the one fact a client cannot forge; hence these few lines.)
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    peer_text = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    peer = _parse(peer_text)
    if not _trusted(peer, networks):
        return peer_text or None
    forwarded = request.META.get(settings.TRUSTED_PROXY_HEADER, "")
    for entry in reversed([e for e in forwarded.split(",") if e.strip()]):
        address = _parse(entry)
        if address is None:
            break  # garbage before our proxies' entries: not an address we can stand on
        if not _trusted(address, networks):
            return str(address)
    return peer_text
