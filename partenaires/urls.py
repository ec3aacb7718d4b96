"""The `partenaires` app's own pages, its one URL file. The site serves them under /partenaires/
through parcours/urls.py (`reseau_urls`), which adds, in the same namespace, the pages about network objects that
show pathway figures (the offer catalogue, an offer's page, the conventions)."""

from django.urls import path

from reussite.core.views.exports import exporter

from .views import annuaire, imports

app_name = "partenaires"

urlpatterns = [
    # Exports
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
    # The directory (the catalogue `offres` and an offer's page `offre` are wired by parcours)
    path("", annuaire.annuaire, name="annuaire"),
    path("structures/<int:structure_pk>/", annuaire.structure_detail, name="structure"),
    path(
        "structures/<int:structure_pk>/inviter/",
        annuaire.professionnel_inviter_vue,
        name="inviter",
    ),
    path("offres/nouvelle/", annuaire.offre_creer_vue, name="offre_creer"),
    # Importing the network (issue 17): the programme's administrators
    path("import/", imports.import_reseau_page, name="import_reseau"),
    path("import/modele/", imports.import_reseau_modele, name="import_reseau_modele"),
    path(
        "import/modele/xlsx/",
        imports.import_reseau_modele,
        {"format_": "xlsx"},
        name="import_reseau_modele_xlsx",
    ),
    path(
        "import/<int:import_reseau_pk>/",
        imports.import_reseau_apercu,
        name="import_reseau_apercu",
    ),
    path("offres/<int:offre_pk>/modifier/", annuaire.offre_modifier_vue, name="offre_modifier"),
    path("offres/<int:offre_pk>/retirer/", annuaire.offre_depublier_vue, name="offre_depublier"),
]
