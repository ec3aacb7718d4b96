"""The `partenaires` namespace as the site serves it under /partenaires/ (reussite/urls.py).

`partenaires`' own pages (partenaires/urls.py), plus the pages about network objects that show
pathway figures — the offer catalogue and an offer's page (the places or hours used), the
conventions (what their actions consumed). Those are composed in this higher layer, which may
read both (`partenaires` never imports `parcours`: pyproject.toml, import-linter); they keep
their URLs and their `partenaires:` names."""

from django.urls import include, path

from partenaires import urls as partenaires_urls

from .views import reseau

app_name = partenaires_urls.app_name

urlpatterns = [
    *partenaires_urls.urlpatterns,
    path("offres/", reseau.catalogue, name="offres"),
    path("offres/<int:offre_pk>/", reseau.offre_detail, name="offre"),
    path("conventions/", include("parcours.urls_conventions")),
]
