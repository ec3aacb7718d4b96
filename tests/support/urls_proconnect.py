"""Test URLconf of the ProConnect tests: the project's URLs, ProConnect's routes (as
PROCONNECT_ENABLED adds them) and the test OpenID Connect provider under /fournisseur-test/
(tests/support/fournisseur_oidc.py). Never used outside the tests."""

from django.urls import include, path
from oauth2_provider import views as dot

from reussite import urls as projet
from reussite.core import urls as core_urls

from .fournisseur_oidc import AutorisationFournisseur, ConnexionFournisseur

fournisseur = [
    path("connexion/", ConnexionFournisseur.as_view(), name="connexion"),
    path("authorize/", AutorisationFournisseur.as_view(), name="authorize"),
    path("token/", dot.TokenView.as_view(), name="token"),
    path(
        ".well-known/openid-configuration",
        dot.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", dot.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path("logout/", dot.RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
]

urlpatterns = [
    *(motif for motif in projet.urlpatterns if str(motif.pattern) != "oidc/"),
    path("oidc/", include(core_urls.proconnect_urls)),
    path("fournisseur-test/", include((fournisseur, "oauth2_provider"))),
]
handler404 = projet.handler404
