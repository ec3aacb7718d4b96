"""Test-only URLs that fail on purpose, to check the error pages (DEBUG=False)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import include, path


@login_not_required
def requete_invalide(request):
    raise SuspiciousOperation("detail interne 400")


@login_not_required
def interdit(request):
    raise PermissionDenied("detail interne 403")


@login_not_required
def plantage(request):
    raise RuntimeError("detail interne 500")


urlpatterns = [
    path("erreur/400/", requete_invalide),
    path("erreur/403/", interdit),
    path("erreur/500/", plantage),
    path("", include("reussite.urls")),
]
handler404 = "reussite.core.views.connexion.page_introuvable"
