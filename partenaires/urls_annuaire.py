"""URLs of the annuaire pages (included by partenaires/urls.py, in the `partenaires` namespace).
The catalogue (`offres`) and an offer's page (`offre`) are wired by parcours/urls_reseau.py."""

from django.urls import path

from .views import annuaire as vues

urlpatterns = [
    path("", vues.annuaire, name="annuaire"),
    path("structures/<int:structure_pk>/", vues.structure_detail, name="structure"),
    path(
        "structures/<int:structure_pk>/inviter/",
        vues.professionnel_inviter_vue,
        name="inviter",
    ),
    path("offres/nouvelle/", vues.offre_creer_vue, name="offre_creer"),
    path("offres/<int:offre_pk>/modifier/", vues.offre_modifier_vue, name="offre_modifier"),
    path("offres/<int:offre_pk>/retirer/", vues.offre_depublier_vue, name="offre_depublier"),
]
