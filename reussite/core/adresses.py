"""The client's address, for the login lockout (django-axes) and the access trail.

Behind the TLS proxy the deployment requires, `REMOTE_ADDR` is the proxy's address for every
client: locking (account, REMOTE_ADDR) would let anyone lock anyone out, and the trail would
record the proxy. Each proxy appends the address it received the request from to
`X-Forwarded-For`; only the entries written by our own proxies can be believed, the rest of the
header is whatever the client sent. So the header is read from the right, through exactly
REUSSITE_PROXIES_DE_CONFIANCE proxies, and never at all when that number is 0.
"""

from django.conf import settings
from ipware import get_client_ip

ENTETE = "HTTP_X_FORWARDED_FOR"


def adresse_client(request) -> str | None:
    """The address of the client who sent `request`, as far as the trusted proxies vouch."""
    direct = request.META.get("REMOTE_ADDR") or None
    proxies = settings.REUSSITE_PROXIES_DE_CONFIANCE
    entete = request.META.get(ENTETE, "").strip()
    if proxies == 0 or direct is None or not entete:
        return direct
    # The chain as the last proxy saw it: what it received, then the peer it received it from
    # (REMOTE_ADDR, the last proxy itself). The client is the hop before the N trusted proxies.
    # Non-strict: a chain longer than expected (entries forged by the client) is read from the
    # right all the same; a shorter one did not come through every proxy and is not believed.
    adresse, _routable = get_client_ip(
        request=_Meta({ENTETE: f"{entete}, {direct}"}),
        proxy_order="left-most",
        proxy_count=proxies,
        request_header_order=[ENTETE],
        strict=False,
    )
    return adresse or direct


class _Meta:
    """What ipware reads from a request: its META."""

    def __init__(self, meta: dict):
        self.META = meta
