from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from parcours import urls as parcours_urls
from parcours.views import pages as parcours_views
from reussite.core import metriques, sante
from reussite.core import urls as core_urls
from reussite.core.views import connexion as core_views

# The admin requires a verified second factor too.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", parcours_views.tableau_de_bord, name="accueil"),
    path("connexion/", core_views.ConnexionView.as_view(), name="login"),
    path("deconnexion/", core_views.DeconnexionView.as_view(), name="logout"),
    path("compte/", include((core_urls.securite_urls, "securite"))),
    path("mot-de-passe/", include(core_urls.password_urls)),
    path("notifications/", include((core_urls.notifications_urls, "notifications"))),
    path("exports/", include((core_urls.exports_urls, "exports"))),
    path("parcours/", include("parcours.urls")),
    path("programmes/", include((core_urls.programmes_urls, "programmes"))),
    # The register of the families' rights requests (issue 19): under its programme.
    path("programmes/", include((parcours_urls.droits_urls, "droits"))),
    # The `partenaires` namespace: its own pages and those composed in parcours (their figures
    # come from the actions).
    path("partenaires/", include((parcours_urls.reseau_urls, parcours_urls.RESEAU_NAMESPACE))),
    path("admin/", admin.site.urls),
    # Legal pages (issue 19): public, linked from the footer.
    path("", include((core_urls.juridique_urls, "juridique"))),
    # The REST API (issue 22): tokens, the same access module and services as the pages.
    path("api/v1/", include("parcours.api.urls")),
    # Health probes: answered by reussite.core.sante.SanteMiddleware before the host check.
    path("sante/vivant", sante.vivant, name="sante_vivant"),
    path("sante/pret", sante.pret, name="sante_pret"),
    # Prometheus: 404 without the bearer token (METRIQUES_JETON).
    path("metriques", metriques.metriques, name="metriques"),
    # The demo's outgoing mail: 404 unless REUSSITE_DEMO_COURRIELS is set (`make run`).
    path("demo/", include((core_urls.demo_urls, "demo"))),
]

if settings.PROCONNECT_ENABLED:
    urlpatterns.append(path("oidc/", include(core_urls.proconnect_urls)))

handler404 = "reussite.core.views.connexion.page_introuvable"
