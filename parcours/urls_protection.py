"""URLs of the data-protection lifecycle (included by parcours/urls.py, `parcours` namespace)."""

from django.urls import path

from .views import protection

urlpatterns = [
    path(
        "<int:pk>/droit-acces/export.pdf",
        protection.droit_acces_pdf,
        name="droit_acces_pdf",
    ),
    path(
        "<int:pk>/droit-acces/export.json",
        protection.droit_acces_json,
        name="droit_acces_json",
    ),
    path(
        "<int:pk>/historique-modifications/",
        protection.historique_modifications,
        name="historique_modifications",
    ),
]
