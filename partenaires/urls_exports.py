"""URLs of the exports flow (included by partenaires/urls.py, in the `partenaires` namespace)."""

from django.urls import path

from reussite.core.views_exports import exporter

urlpatterns = [
    path("offres/export.csv", exporter, {"genre": "offres", "format": "csv"}, name="offres_export"),
    path(
        "offres/export.xlsx",
        exporter,
        {"genre": "offres", "format": "xlsx"},
        name="offres_export_xlsx",
    ),
    path(
        "conventions/export.csv",
        exporter,
        {"genre": "conventions", "format": "csv"},
        name="conventions_export",
    ),
    path(
        "conventions/export.xlsx",
        exporter,
        {"genre": "conventions", "format": "xlsx"},
        name="conventions_export_xlsx",
    ),
]
