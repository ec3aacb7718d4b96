"""URLs of issue 21's pages (included by parcours/urls.py, in the `parcours` namespace)."""

from django.urls import path

from .views import dispositifs

urlpatterns = [
    path(
        "<int:pk>/dispositifs/nouveau/",
        dispositifs.dispositif_ajouter_vue,
        name="dispositif_ajouter",
    ),
    path(
        "<int:pk>/dispositifs/<int:dispositif_pk>/modifier/",
        dispositifs.dispositif_modifier_vue,
        name="dispositif_modifier",
    ),
    path(
        "<int:pk>/dispositifs/<int:dispositif_pk>/terminer/",
        dispositifs.dispositif_terminer_vue,
        name="dispositif_terminer",
    ),
    path(
        "<int:pk>/objectifs/<int:objectif_pk>/paroles/nouvelle/",
        dispositifs.parole_ajouter_vue,
        name="parole_ajouter",
    ),
    path(
        "<int:pk>/questionnaire-de-sortie/",
        dispositifs.questionnaire_sortie_vue,
        name="questionnaire_sortie",
    ),
]
