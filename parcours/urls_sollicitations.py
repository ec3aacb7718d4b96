"""Requests to partners (included by parcours/urls.py, in the `parcours` namespace)."""

from django.urls import path

from .views import sollicitations

urlpatterns = [
    # The partner's inbox and answer.
    path("sollicitations/", sollicitations.sollicitations_recues, name="sollicitations_recues"),
    path(
        "sollicitations/<int:sollicitation_pk>/",
        sollicitations.sollicitation_recue,
        name="sollicitation_recue",
    ),
    # The pathway's team.
    path(
        "<int:pk>/sollicitations/",
        sollicitations.sollicitations_parcours,
        name="sollicitations_parcours",
    ),
    path(
        "<int:pk>/sollicitations/nouvelle/",
        sollicitations.sollicitation_creer_vue,
        name="sollicitation_creer",
    ),
    path(
        "<int:pk>/sollicitations/<int:sollicitation_pk>/",
        sollicitations.sollicitation_equipe,
        name="sollicitation_equipe",
    ),
    path(
        "<int:pk>/sollicitations/<int:sollicitation_pk>/retirer/",
        sollicitations.sollicitation_retirer_vue,
        name="sollicitation_retirer",
    ),
    path(
        "<int:pk>/sollicitations/<int:sollicitation_pk>/action/",
        sollicitations.sollicitation_en_action_vue,
        name="sollicitation_en_action",
    ),
    # The obstacles report (steering and coordination).
    path("statistiques/obstacles/", sollicitations.obstacles, name="obstacles"),
    path(
        "statistiques/obstacles.csv",
        sollicitations.obstacles_export,
        {"format": "csv"},
        name="obstacles_csv",
    ),
    path(
        "statistiques/obstacles.xlsx",
        sollicitations.obstacles_export,
        {"format": "xlsx"},
        name="obstacles_xlsx",
    ),
]
