"""Background exports (included by reussite/urls.py under `exports/`)."""

from django.urls import path

from . import views_exports as v

app_name = "exports"

urlpatterns = [
    path("demander/", v.demander, name="demander"),
    path("<int:demande_pk>/", v.demande_detail, name="demande"),
    path("<int:demande_pk>/fichier/", v.demande_fichier, name="fichier"),
]
