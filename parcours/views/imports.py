"""Importing an existing caseload: upload, preview (the dry run), confirm, result. For the
programme's coordinators (the pages of every import: reussite.core.imports.vues)."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.http import require_GET

from reussite.core.imports.modeles import reponse_modele
from reussite.core.imports.vues import PagesImport

from ..access import import_pour
from ..forms import ImportForm
from ..selectors import programmes_coordonnes
from ..services.imports import COLONNES, FLUX, import_analyser

PAGES = PagesImport(
    flux=FLUX,
    url="parcours:import",
    gabarit_page="parcours/imports/page.html",
    gabarit_apercu="parcours/imports/apercu.html",
)


def exemple_parcours() -> dict[str, str]:
    """A synthetic example row, its dates computed from today so that the template always
    reads back without an error (a child of 9, in a pathway for a year, consent valid)."""
    aujourdhui = date.today()

    def jour(d: date) -> str:
        return d.strftime("%d/%m/%Y")

    return {
        "identifiant": "ANC-0001",
        "nom": "Exemple",
        "prenom": "Léa",
        "date_naissance": jour(aujourdhui.replace(day=1) - timedelta(days=365 * 9)),
        "sexe": "Fille",
        "niveau_scolaire": "CE2",
        "commune": "Villeneuve",
        "responsable_nom": "Exemple",
        "responsable_prenom": "Sophie",
        "responsable_lien": "Mère",
        "responsable_telephone": "06 39 98 00 01",
        "statut": "En cours",
        "date_entree": jour(aujourdhui - timedelta(days=365)),
        "orienteur": "École / établissement scolaire",
        "motifs": "résultats scolaires|isolement social",
        "consentement_date_signature": jour(aujourdhui - timedelta(days=360)),
        "consentement_date_expiration": jour(aujourdhui + timedelta(days=180)),
        "consentement_finalites": "accompagnement",
    }


def import_page(request):
    programmes = programmes_coordonnes(request.user)
    if not programmes.exists():
        raise PermissionDenied
    return PAGES.page(
        request,
        formulaire=ImportForm,
        programmes=programmes,
        analyser=lambda donnees: import_analyser(
            programme=donnees["programme"], auteur=request.user, fichier=donnees["fichier"]
        ),
    )


@require_GET
def import_modele(request, format_="csv"):
    """The template file (CSV or XLSX): the columns, and one example row of synthetic data."""
    if not programmes_coordonnes(request.user).exists():
        raise Http404
    return reponse_modele(
        COLONNES, exemple_parcours(), nom="modele-import-parcours", format_=format_
    )


def import_apercu(request, import_pk):
    """The dry run's preview, its confirmation (the version it was read at), then the result."""
    return PAGES.apercu(request, import_pour(user=request.user, import_pk=import_pk))
