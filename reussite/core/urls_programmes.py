from django.urls import path

from . import comptes_service, programmes

app_name = "programmes"

urlpatterns = [
    path("<int:programme_pk>/parametres/", programmes.parametres, name="parametres"),
    path(
        "<int:programme_pk>/comptes-de-service/",
        comptes_service.comptes_de_service,
        name="comptes_de_service",
    ),
    path(
        "<int:programme_pk>/comptes-de-service/desactiver/",
        comptes_service.compte_de_service_desactiver_vue,
        name="compte_de_service_desactiver",
    ),
]
