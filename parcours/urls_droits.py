"""The register of the families' rights requests (issue 19), under a programme
(`droits` namespace, included at programmes/ by reussite/urls.py)."""

from django.urls import path

from .views import droits

app_name = "droits"

urlpatterns = [
    path("<int:programme_pk>/demandes-droits/", droits.registre, name="registre"),
    path("<int:programme_pk>/demandes-droits/nouvelle/", droits.creer, name="creer"),
    path("<int:programme_pk>/demandes-droits/<int:pk>/", droits.demande, name="demande"),
    path(
        "<int:programme_pk>/demandes-droits/<int:pk>/dossier.pdf",
        droits.dossier_pdf,
        name="dossier_pdf",
    ),
    path(
        "<int:programme_pk>/demandes-droits/export.csv",
        droits.registre_export,
        {"format_": "csv"},
        name="export_csv",
    ),
    path(
        "<int:programme_pk>/demandes-droits/export.xlsx",
        droits.registre_export,
        {"format_": "xlsx"},
        name="export_xlsx",
    ),
]
