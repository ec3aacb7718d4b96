"""Referrals (mounted under parcours/orientations/)."""

from django.urls import path

from .views import orientations

urlpatterns = [
    path("", orientations.orientations_recues, name="orientations"),
    path("envoyees/", orientations.orientations_envoyees, name="orientations_envoyees"),
    path("nouvelle/", orientations.orientation_creer, name="orientation_creer"),
    path("<int:orientation_pk>/", orientations.orientation_detail, name="orientation"),
    path(
        "<int:orientation_pk>/decision/",
        orientations.orientation_decider_vue,
        name="orientation_decider",
    ),
    path(
        "<int:orientation_pk>/reponse/",
        orientations.orientation_repondre_vue,
        name="orientation_repondre",
    ),
    path(
        "<int:orientation_pk>/document/",
        orientations.orientation_document,
        name="orientation_document",
    ),
]
