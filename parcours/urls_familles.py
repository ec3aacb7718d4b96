"""URLs of the family pages (included by parcours/urls.py, in the `parcours` namespace)."""

from django.urls import path

from .views import familles

urlpatterns = [
    path("familles/<int:famille_pk>/", familles.famille_detail_vue, name="famille_detail"),
    path(
        "familles/<int:famille_pk>/enfant/",
        familles.famille_ajouter_enfant_vue,
        name="famille_ajouter_enfant",
    ),
]
