"""
The client's address, as far as our own proxies vouch for it.

Behind nginx every request's TCP peer (REMOTE_ADDR) is the proxy; the client is
the address the proxy appended to X-Forwarded-For. Anything further left in that
header was written by whoever sent the request and proves nothing. So the header
is read from the right, one hop per trusted proxy, and the first address not in
KEXIE_TRUSTED_PROXIES is the client. A request whose peer is not a trusted proxy
keeps its peer address whatever headers it sends.

Written by hand rather than with django-ipware: ipware trusts proxies by string
prefix and matches them against the header, not against the TCP peer, so it
cannot say "believe the header only when our nginx sent it"; this is a few
lines with the standard ``ipaddress`` module.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_CACHE_ATTRIBUTE = "_kexie_client_address"


@lru_cache(maxsize=8)
def _networks(entries):
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"KEXIE_TRUSTED_PROXIES: {entry!r} is not an address or network."
            ) from error
    return tuple(networks)


def trusted_proxies():
    return _networks(tuple(getattr(settings, "KEXIE_TRUSTED_PROXIES", ())))


def _parse(text):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _is_trusted(address, networks):
    return any(address in network for network in networks)


def resolve_client_address(remote_addr, forwarded_for, networks):
    peer = _parse(remote_addr or "")
    if peer is None:
        return None
    current = peer
    hops = [hop for hop in (forwarded_for or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(current, networks):
            break
        address = _parse(hop)
        if address is None:
            break  # garbage after our proxy: the last address we can vouch for stands
        current = address
    if current.version == 6 and current.ipv4_mapped:
        current = current.ipv4_mapped
    return str(current)


def client_address(request):
    """The address of the client that sent ``request`` (None without a request)."""
    if request is None:
        return None
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    meta = getattr(request, "META", {})
    address = resolve_client_address(
        meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"), trusted_proxies()
    )
    try:
        setattr(request, _CACHE_ATTRIBUTE, address)
    except AttributeError:
        pass
    return address
