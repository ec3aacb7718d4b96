"""URLs of the actions pages (included by parcours/urls.py, in the `parcours` namespace)."""

from django.urls import path

from .views import actions

urlpatterns = [
    path("<int:pk>/objectifs/ajouter/", actions.objectif_ajouter, name="objectif_ajouter"),
    path(
        "<int:pk>/objectifs/<int:objectif_pk>/modifier/",
        actions.objectif_modifier_vue,
        name="objectif_modifier",
    ),
    path("<int:pk>/actions/catalogue/", actions.action_choisir_offre, name="action_choisir_offre"),
    path("<int:pk>/actions/ajouter/", actions.action_ajouter, name="action_ajouter"),
    path(
        "<int:pk>/actions/<int:action_pk>/modifier/",
        actions.action_modifier_vue,
        name="action_modifier",
    ),
    path("collectives/", actions.collectives_liste, name="collectives"),
    path("collectives/nouvelle/", actions.collective_creer, name="collective_creer"),
    path("collectives/<int:collective_pk>/", actions.collective_detail, name="collective_detail"),
    path(
        "collectives/<int:collective_pk>/participants/",
        actions.collective_inscrire,
        name="collective_inscrire",
    ),
]
