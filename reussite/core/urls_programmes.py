from django.urls import path

from . import anomalies, cadre, comptes_service, console_dpo, programmes

app_name = "programmes"

urlpatterns = [
    path("<int:programme_pk>/parametres/", programmes.parametres, name="parametres"),
    # The legal frame (issue 19): the programme's management and its DPO.
    path("protection-des-donnees/", cadre.protection_des_donnees, name="protection"),
    path("<int:programme_pk>/cadre-juridique/", cadre.cadre_juridique, name="cadre_juridique"),
    path("<int:programme_pk>/registre/", cadre.registre, name="registre"),
    path("<int:programme_pk>/registre.pdf", cadre.registre_pdf, name="registre_pdf"),
    path("<int:programme_pk>/aipd/", cadre.aipd, name="aipd"),
    path("<int:programme_pk>/journal/", console_dpo.console, name="journal"),
    path("<int:programme_pk>/journal.csv", console_dpo.console_export, name="journal_export"),
    path("<int:programme_pk>/anomalies/", anomalies.anomalies, name="anomalies"),
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
