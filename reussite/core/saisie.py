"""Input that no view should ever see: refused once, for the whole site."""

import logging

from django.urls import get_resolver

logger = logging.getLogger(__name__)

NUL = "\x00"


def contient_nul(donnees) -> bool:
    """Whether a QueryDict (GET or POST) holds a NUL character in a key or in any value.

    PostgreSQL refuses NUL in a text literal: such a value, reaching a filter or a save, would
    end as a 500. No legitimate form or link sends one.
    """
    return any(NUL in cle or any(NUL in v for v in valeurs) for cle, valeurs in donnees.lists())


class RefusOctetNulMiddleware:
    """Answer 400 (the product's own 400 page) to a request with a NUL in a GET or POST value.

    Placed after the security headers (CSP, X-Frame-Options: the 400 page gets them) and before
    the views and the middleware that read values (login redirect, 2FA, access trail). Reading
    `request.POST` here is safe: no view of the project changes its upload handlers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        donnees = [request.GET]
        if request.method == "POST":
            donnees.append(request.POST)
        if any(contient_nul(d) for d in donnees):
            logger.warning("Requête refusée : octet nul dans un paramètre (%s)", request.path)
            vue = get_resolver().resolve_error_handler(400)
            return vue(request, exception=None)
        return self.get_response(request)
