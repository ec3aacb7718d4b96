"""The `partenaires` app's own pages. The site serves them under /partenaires/ through
parcours/urls_reseau.py, which adds, in the same namespace, the pages about network objects that
show pathway figures (the offer catalogue, an offer's page, the conventions)."""

from django.urls import include, path

app_name = "partenaires"

urlpatterns = [
    path("", include("partenaires.urls_exports")),
    path("", include("partenaires.urls_annuaire")),
]
