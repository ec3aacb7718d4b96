"""URLs of the mutualisation pages (included by parcours/urls.py, in the `parcours` namespace)."""

from django.urls import path

from .views import offres

urlpatterns = [
    path("<int:pk>/besoins/nouveau/", offres.besoin_ajouter_vue, name="besoin_ajouter"),
    path("besoins/", offres.besoins_liste, name="besoins"),
    path("besoins/<int:besoin_pk>/clore/", offres.besoin_clore_vue, name="besoin_clore"),
    path("carte/", offres.carte_vue, name="carte_competences"),
]
