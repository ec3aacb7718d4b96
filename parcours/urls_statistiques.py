"""URLs of the statistics and exports (included by parcours/urls.py under `statistiques/`)."""

from django.urls import path

from reussite.core.views.exports import exporter

from .views import statistiques

urlpatterns = [
    path("", statistiques.statistiques, name="statistiques"),
    path(
        "enquete.csv", statistiques.enquete_export, {"format": "csv"}, name="statistiques_enquete"
    ),
    path(
        "enquete.xlsx",
        statistiques.enquete_export,
        {"format": "xlsx"},
        name="statistiques_enquete_xlsx",
    ),
    # The pathway list's exports go through the core's list exports (exports flow).
    path("parcours.csv", exporter, {"genre": "parcours", "format": "csv"}, name="parcours_export"),
    path(
        "parcours.xlsx",
        exporter,
        {"genre": "parcours", "format": "xlsx"},
        name="parcours_export_xlsx",
    ),
]
