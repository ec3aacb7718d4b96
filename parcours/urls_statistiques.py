"""URLs of the statistics and exports (included by parcours/urls.py under `statistiques/`)."""

from django.urls import path

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
    path("parcours.csv", statistiques.parcours_export, {"format": "csv"}, name="parcours_export"),
    path(
        "parcours.xlsx",
        statistiques.parcours_export,
        {"format": "xlsx"},
        name="parcours_export_xlsx",
    ),
]
