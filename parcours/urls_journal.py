"""URLs of the journal pages (included by parcours/urls.py, in the `parcours` namespace)."""

from django.urls import path

from .views import journal

urlpatterns = [
    path("a-risque/", journal.a_risque, name="a_risque"),
    path("<int:pk>/notes/nouvelle/", journal.note_ajouter_vue, name="note_ajouter"),
    path(
        "<int:pk>/notes/<int:note_pk>/modifier/",
        journal.note_modifier_vue,
        name="note_modifier",
    ),
    path(
        "<int:pk>/notes/<int:note_pk>/addendum/",
        journal.note_addendum_vue,
        name="note_addendum",
    ),
    path(
        "<int:pk>/information-preoccupante/",
        journal.information_preoccupante_vue,
        name="information_preoccupante",
    ),
    path("<int:pk>/ruptures/nouvelle/", journal.rupture_ajouter_vue, name="rupture_ajouter"),
    path(
        "<int:pk>/ruptures/<int:rupture_pk>/reponse/",
        journal.rupture_reponse_vue,
        name="rupture_reponse",
    ),
    path("<int:pk>/documents/nouveau/", journal.document_ajouter_vue, name="document_ajouter"),
    path(
        "<int:pk>/documents/<int:document_pk>/fichier/",
        journal.document_fichier,
        name="document_fichier",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/archiver/",
        journal.document_archiver_vue,
        name="document_archiver",
    ),
]
