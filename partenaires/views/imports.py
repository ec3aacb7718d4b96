"""Importing the partner network: upload, preview (the dry run), confirm, result. For a
programme's administrators; 404 for everyone else (the pages of every import:
reussite.core.imports.vues)."""

from django.http import Http404
from django.views.decorators.http import require_GET

from reussite.core.imports.modeles import reponse_modele
from reussite.core.imports.vues import PagesImport
from reussite.core.roles import programmes_administres

from ..access import import_reseau_pour
from ..forms import ImportReseauForm
from ..services.imports import COLONNES_RESEAU, FLUX_RESEAU, import_reseau_analyser

PAGES = PagesImport(
    flux=FLUX_RESEAU,
    url="partenaires:import_reseau",
    gabarit_page="partenaires/imports/page.html",
    gabarit_apercu="partenaires/imports/apercu.html",
    tableaux_defilants=False,
)

# The templates' synthetic example rows: a structure, one of its professionals, one of its offers.
EXEMPLES = [
    {
        "nature": "Structure",
        "structure_nom": "Association Les Petits Pas",
        "structure_commune": "Villeneuve",
        "structure_siret": "",
        "structure_type": "Association",
        "structure_adresse": "12 rue des Écoles",
        "structure_telephone": "01 99 00 12 34",
        "structure_email": "contact@petits-pas.exemple.test",
    },
    {
        "nature": "Professionnel",
        "structure_nom": "Association Les Petits Pas",
        "structure_commune": "Villeneuve",
        "professionnel_email": "camille.exemple@petits-pas.exemple.test",
        "professionnel_prenom": "Camille",
        "professionnel_nom": "Exemple",
        "professionnel_fonction": "Animateur·rice",
    },
    {
        "nature": "Offre",
        "structure_nom": "Association Les Petits Pas",
        "structure_commune": "Villeneuve",
        "offre_intitule": "Aide aux devoirs du soir",
        "offre_type_service": "Aide aux devoirs, soutien scolaire",
        "offre_domaine": "Scolarité",
        "offre_age_min": "6",
        "offre_age_max": "11",
        "offre_capacite": "12",
        "offre_unite_capacite": "places",
        "offre_conditions_acces": "Sur orientation du PRE",
        "offre_cout": "0",
    },
]


def _programmes(request):
    programmes = programmes_administres(request.user)
    if not programmes.exists():
        raise Http404
    return programmes


def import_reseau_page(request):
    programmes = _programmes(request)
    return PAGES.page(
        request,
        formulaire=ImportReseauForm,
        programmes=programmes,
        analyser=lambda donnees: import_reseau_analyser(
            programme=donnees["programme"],
            auteur=request.user,
            fichier=donnees["fichier"],
            inviter=donnees["inviter"],
        ),
    )


@require_GET
def import_reseau_modele(request, format_="csv"):
    """The template (CSV or XLSX): the columns, example rows of synthetic data."""
    _programmes(request)
    return reponse_modele(COLONNES_RESEAU, EXEMPLES, nom="modele-import-reseau", format_=format_)


def import_reseau_apercu(request, import_reseau_pk):
    """The dry run's preview, its confirmation (the version it was read at), then the result."""
    return PAGES.apercu(request, import_reseau_pour(user=request.user, import_pk=import_reseau_pk))
