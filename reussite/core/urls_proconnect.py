"""ProConnect's routes (included under /oidc/ when PROCONNECT_ENABLED): the sign-in start and
the redirect URI to register at ProConnect (`<site>/oidc/callback/`). Logout is the ordinary
`logout` view, which also ends the ProConnect session of a ProConnect sign-in."""

from django.urls import path

from .proconnect import ProConnectDebutView, ProConnectRetourView

urlpatterns = [
    path("authenticate/", ProConnectDebutView.as_view(), name="oidc_authentication_init"),
    path("callback/", ProConnectRetourView.as_view(), name="oidc_authentication_callback"),
]
