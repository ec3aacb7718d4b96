"""URLs of the exports flow (included by parcours/urls.py, in the `parcours` namespace)."""

from django.urls import path

from reussite.core.views.exports import exporter

from .views import exports

urlpatterns = [
    path("actions/", exports.actions_liste, name="actions"),
    path(
        "actions/export.csv",
        exporter,
        {"genre": "actions", "format": "csv"},
        name="actions_export",
    ),
    path(
        "actions/export.xlsx",
        exporter,
        {"genre": "actions", "format": "xlsx"},
        name="actions_export_xlsx",
    ),
    path("<int:pk>/fiche.pdf", exports.fiche_pdf, name="fiche_pdf"),
]
